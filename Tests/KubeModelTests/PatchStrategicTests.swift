import KubeModel
import Testing

struct PatchStrategicTests {
    /// A Deployment most cases start from.
    static let deployment = #"""
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "web", "finalizers": ["a", "b"],
                      "ownerReferences": [{"uid": "u1", "name": "owner", "kind": "X", "apiVersion": "v1"}]},
         "spec": {"replicas": 1,
                  "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                  "template": {"metadata": {"labels": {"app": "web"}},
                               "spec": {"containers": [
                                          {"name": "a", "image": "a:1", "env": [{"name": "X", "value": "1"}],
                                           "ports": [{"containerPort": 80, "protocol": "TCP"}],
                                           "volumeMounts": [{"name": "data", "mountPath": "/data"}]},
                                          {"name": "b", "image": "b:1"}],
                                        "volumes": [{"name": "data", "emptyDir": {}}],
                                        "tolerations": [{"key": "k1", "operator": "Exists"}]}}}}
        """#

    func patch(_ patch: String, to original: String = deployment, schema: PatchSchema = .builtIn) throws -> JSONValue {
        try StrategicMergePatch.apply(PatchJSON.parse(patch), to: PatchJSON.parse(original), schema: schema)
    }

    func json(_ text: String) throws -> JSONValue { try PatchJSON.parse(text) }

    func containers(_ value: JSONValue) -> [JSONValue] {
        value[path: "spec", "template", "spec", "containers"]?.arrayValue ?? []
    }

    func names(_ list: [JSONValue], key: String = "name") -> [String] {
        list.map { $0[key]?.stringValue ?? "?" }
    }

    // MARK: Lists merged by key

    @Test func containersMergeByNameAndNewEnvComesFirst() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "a", "env": [{"name": "Y", "value": "2"}]}]}}}}"#)
        let list = containers(result)
        #expect(names(list) == ["a", "b"])
        #expect(list.first?["image"] == "a:1")
        #expect(list.first?["env"] == (try json(#"[{"name": "Y", "value": "2"}, {"name": "X", "value": "1"}]"#)))
    }

    @Test func newElementsPrecedeAndMatchedOnesKeepPatchOrder() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "c"}, {"name": "a", "image": "A"}]}}}}"#)
        let list = containers(result)
        #expect(names(list) == ["c", "a", "b"])
        #expect(list[1]["image"] == "A")
        #expect(list[1]["env"] != nil)
    }

    @Test func interleavesServerOnlyElementsByOriginalOrder() throws {
        let original = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]}}"#
        let result = try patch(#"{"spec": {"containers": [{"name": "d", "image": "d"}, {"name": "x"}, {"name": "b", "image": "b"}]}}"#, to: original)
        #expect(names(result[path: "spec", "containers"]?.arrayValue ?? []) == ["a", "c", "d", "x", "b"])
    }

    @Test func deleteDirectiveRemovesTheElement() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}}}"#)
        #expect(names(containers(result)) == ["b"])
    }

    @Test func deleteOfAMissingElementIsANoOp() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "zzz", "$patch": "delete"}]}}}}"#)
        #expect(names(containers(result)) == ["a", "b"])
    }

    @Test func replaceDirectiveInAListReplacesIt() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "z", "image": "z"}, {"$patch": "replace"}]}}}}"#)
        #expect(containers(result) == [try json(#"{"name": "z", "image": "z"}"#)])
    }

    @Test func replaceDirectiveElementWithAKeyIsDropped() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "b", "$patch": "replace"}]}}}}"#)
        #expect(containers(result) == [])
    }

    @Test func emptyListIsANoOpForMergeLists() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": []}}}}"#)
        #expect(names(containers(result)) == ["a", "b"])
    }

    @Test func nullDeletesAList() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": null, "volumes": null}}}}"#)
        #expect(result[path: "spec", "template", "spec"] == (try json(#"{"tolerations": [{"key": "k1", "operator": "Exists"}]}"#)))
    }

    @Test func nestedListsMergeByTheirKeys() throws {
        let result = try patch(#"""
            {"spec": {"template": {"spec": {
              "containers": [{"name": "a",
                              "ports": [{"containerPort": 443}, {"containerPort": 80, "name": "http"}],
                              "volumeMounts": [{"name": "cache", "mountPath": "/cache"}]}],
              "volumes": [{"name": "cache", "emptyDir": {}}]}}}}
            """#)
        let first = containers(result).first
        #expect(first?["ports"] == (try json(#"[{"containerPort": 443}, {"containerPort": 80, "protocol": "TCP", "name": "http"}]"#)))
        #expect(first?["volumeMounts"]?.arrayValue?.count == 2)
        #expect(names(result[path: "spec", "template", "spec", "volumes"]?.arrayValue ?? []) == ["cache", "data"])
    }

    @Test func listsWithoutStrategyAreReplaced() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"tolerations": [{"key": "k2", "operator": "Exists"}], "containers": [{"name": "a", "args": ["x"]}]}}}}"#)
        #expect(result[path: "spec", "template", "spec", "tolerations"] == (try json(#"[{"key": "k2", "operator": "Exists"}]"#)))
        let again = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "a", "args": ["y"]}]}}}}"#, to: PatchJSON.text(result))
        #expect(containers(again).first?["args"] == ["y"])
    }

    @Test func ownerReferencesMergeByUID() throws {
        let result = try patch(#"{"metadata": {"ownerReferences": [{"uid": "u2", "name": "other"}, {"uid": "u1", "name": "renamed"}]}}"#)
        #expect(result[path: "metadata", "ownerReferences"] == (try json(#"[{"uid": "u2", "name": "other"}, {"uid": "u1", "name": "renamed", "kind": "X", "apiVersion": "v1"}]"#)))
    }

    @Test func missingMergeKeyIsAnError() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"spec": {"template": {"spec": {"containers": [{"image": "c"}]}}}}"#)
        }
        #expect(error?.kind == .missingMergeKey)
        #expect(error?.description.hasPrefix("spec.template.spec.containers: ") == true)
    }

    @Test func originalElementWithoutMergeKeyIsAnError() throws {
        let original = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"image": "nameless"}]}}"#
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"spec": {"containers": [{"name": "a"}]}}"#, to: original)
        }
        #expect(error?.kind == .missingMergeKey)
    }

    @Test func mixedElementTypesAreAnError() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"metadata": {"finalizers": [1]}}"#)
        }
        #expect(error?.kind == .typeMismatch)
    }

    @Test func mergeDirectiveInAListIsAnError() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "a", "$patch": "merge"}]}}}}"#)
        }
        #expect(error?.kind == .invalidDirective)
    }

    // MARK: Primitive lists

    @Test func finalizersMergeAsASet() throws {
        let result = try patch(#"{"metadata": {"finalizers": ["c", "a", "c"]}}"#)
        #expect(result[path: "metadata", "finalizers"] == ["c", "a", "b"])
    }

    @Test func deleteFromPrimitiveList() throws {
        let result = try patch(#"{"metadata": {"$deleteFromPrimitiveList/finalizers": ["a", "zzz"], "$deleteFromPrimitiveList/absent": ["x"]}}"#)
        #expect(result[path: "metadata", "finalizers"] == ["b"])
        #expect(result[path: "metadata", "absent"] == nil)
    }

    @Test func deleteFromPrimitiveListAndAddTogether() throws {
        let result = try patch(#"{"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"], "finalizers": ["c"]}}"#)
        #expect(result[path: "metadata", "finalizers"] == ["c", "b"])
    }

    @Test func deleteFromPrimitiveListRejectsObjects() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"spec": {"template": {"spec": {"$deleteFromPrimitiveList/containers": ["a"]}}}}"#)
        }
        #expect(error?.kind == .invalidDirective)
    }

    @Test func primitiveListWithoutStrategyIsReplaced() throws {
        let original = #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"externalIPs": ["1.1.1.1"]}}"#
        let result = try patch(#"{"spec": {"externalIPs": ["2.2.2.2"]}}"#, to: original)
        #expect(result[path: "spec", "externalIPs"] == ["2.2.2.2"])
    }

    // MARK: $setElementOrder

    @Test func setElementOrderReordersWithoutChanges() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "a"}]}}}}"#)
        #expect(names(containers(result)) == ["b", "a"])
        #expect(containers(result).last?["env"] != nil)
    }

    @Test func setElementOrderPlacesNewElements() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"$setElementOrder/containers": [{"name": "b"}, {"name": "c"}, {"name": "a"}], "containers": [{"name": "c", "image": "c"}]}}}}"#)
        #expect(names(containers(result)) == ["b", "c", "a"])
    }

    @Test func setElementOrderForPrimitives() throws {
        let result = try patch(#"{"metadata": {"$setElementOrder/finalizers": ["b", "c", "a"], "finalizers": ["c"]}}"#)
        #expect(result[path: "metadata", "finalizers"] == ["b", "c", "a"])
    }

    @Test func setElementOrderMustAgreeWithThePatchList() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"metadata": {"$setElementOrder/finalizers": ["b", "a"], "finalizers": ["c"]}}"#)
        }
        #expect(error?.kind == .invalidDirective)
    }

    @Test func setElementOrderKeepsUnlistedServerElements() throws {
        let original = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}}"#
        let result = try patch(#"{"spec": {"$setElementOrder/containers": [{"name": "c"}, {"name": "a"}]}}"#, to: original)
        // "b" is not listed: it goes before the first listed element that followed it in the original.
        #expect(names(result[path: "spec", "containers"]?.arrayValue ?? []) == ["b", "c", "a"])
    }

    // MARK: Object directives

    @Test func retainKeysDropsUnlistedFields() throws {
        let result = try patch(#"{"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}}"#)
        #expect(result[path: "spec", "strategy"] == ["type": "Recreate"])
    }

    @Test func retainKeysMustListEveryPatchedField() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"spec": {"strategy": {"$retainKeys": ["rollingUpdate"], "type": "Recreate"}}}"#)
        }
        #expect(error?.kind == .invalidDirective)
        #expect(error?.description.hasPrefix("spec.strategy: ") == true)
    }

    @Test func retainKeysOnAVolumeSwitchesItsSource() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"volumes": [{"name": "data", "$retainKeys": ["name", "configMap"], "configMap": {"name": "cm"}}]}}}}"#)
        #expect(result[path: "spec", "template", "spec", "volumes"] == (try json(#"[{"name": "data", "configMap": {"name": "cm"}}]"#)))
    }

    @Test func replaceDirectiveOnAnObject() throws {
        let result = try patch(#"{"spec": {"strategy": {"$patch": "replace", "type": "Recreate"}}}"#)
        #expect(result[path: "spec", "strategy"] == ["type": "Recreate"])
    }

    @Test func deleteDirectiveOnAnObjectEmptiesIt() throws {
        let result = try patch(#"{"spec": {"strategy": {"$patch": "delete"}}}"#)
        #expect(result[path: "spec", "strategy"] == [:])
    }

    @Test func deleteDirectiveOnAMissingObjectAddsNothing() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"affinity": {"$patch": "delete"}}}}}"#)
        #expect(result[path: "spec", "template", "spec", "affinity"] == nil)
    }

    @Test func mergeDirectiveOnAnObjectIsTheDefault() throws {
        let result = try patch(#"{"spec": {"strategy": {"$patch": "merge", "type": "Recreate"}}}"#)
        #expect(result[path: "spec", "strategy"] == (try json(#"{"type": "Recreate", "rollingUpdate": {"maxSurge": 1}}"#)))
    }

    @Test func unknownDirectiveIsAnError() throws {
        let error = #expect(throws: PatchError.self) {
            try patch(#"{"spec": {"strategy": {"$patch": "frobnicate"}}}"#)
        }
        #expect(error?.kind == .invalidDirective)
    }

    // MARK: New content is cleaned

    @Test func newListsCarryOutTheirDirectives() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"initContainers": [{"name": "i", "$patch": "replace"}, {"name": "j", "env": [{"name": "q", "$patch": "delete"}]}]}}}}"#)
        #expect(result[path: "spec", "template", "spec", "initContainers"] == (try json(#"[{"name": "j", "env": []}]"#)))
    }

    @Test func newFieldsLoseTheirNulls() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"securityContext": {"runAsUser": 1, "runAsGroup": null, "seLinuxOptions": {"level": null}}}}}}"#)
        #expect(result[path: "spec", "template", "spec", "securityContext"] == (try json(#"{"runAsUser": 1, "seLinuxOptions": {}}"#)))
    }

    @Test func newListElementsAreCleanedToo() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "c", "stdin": null, "env": [{"name": "q", "$patch": "delete"}, {"name": "r", "value": null}]}]}}}}"#)
        #expect(containers(result).first == (try json(#"{"name": "c", "image": "c", "env": [{"name": "r"}]}"#)))
    }

    @Test func replacedObjectOnANewFieldKeepsItsContent() throws {
        let result = try patch(#"{"spec": {"template": {"spec": {"affinity": {"$patch": "replace", "nodeAffinity": {"x": 1}}}}}}"#)
        #expect(result[path: "spec", "template", "spec", "affinity"] == ["nodeAffinity": ["x": 1]])
    }

    @Test func typeChangesTakeThePatchValue() throws {
        let result = try patch(#"{"spec": {"replicas": {"a": null, "b": 1}, "strategy": "flat", "template": {"spec": {"containers": {"name": "a"}}}}}"#)
        #expect(result[path: "spec", "replicas"] == ["b": 1])
        #expect(result[path: "spec", "strategy"] == "flat")
        #expect(result[path: "spec", "template", "spec", "containers"] == ["name": "a"])
    }

    // MARK: Kinds and paths

    @Test func builtInWorkloadsReachThePodSpec() throws {
        let cases: [(apiVersion: String, kind: String, path: [String])] = [
            ("apps/v1", "Deployment", ["spec", "template", "spec"]),
            ("apps/v1", "StatefulSet", ["spec", "template", "spec"]),
            ("apps/v1", "DaemonSet", ["spec", "template", "spec"]),
            ("apps/v1", "ReplicaSet", ["spec", "template", "spec"]),
            ("batch/v1", "Job", ["spec", "template", "spec"]),
            ("v1", "ReplicationController", ["spec", "template", "spec"]),
            ("v1", "PodTemplate", ["template", "spec"]),
            ("batch/v1", "CronJob", ["spec", "jobTemplate", "spec", "template", "spec"]),
            ("v1", "Pod", ["spec"]),
        ]
        func nest(_ value: JSONValue, _ path: [String]) -> JSONValue {
            path.reversed().reduce(value) { inner, key in .object([key: inner]) }
        }
        for (apiVersion, kind, path) in cases {
            var original = nest(try json(#"{"containers": [{"name": "a", "image": "a"}, {"name": "b"}]}"#), path)
            original["apiVersion"] = .string(apiVersion)
            original["kind"] = .string(kind)
            let patchValue = nest(try json(#"{"containers": [{"name": "a", "image": "A"}]}"#), path)
            let result = try StrategicMergePatch.apply(patchValue, to: original, schema: .builtIn)
            #expect(result.value(at: path + ["containers"]) == (try json(#"[{"name": "a", "image": "A"}, {"name": "b"}]"#)), "\(kind)")
        }
    }

    @Test func servicePortsMergeByPort() throws {
        let original = #"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80, "targetPort": 8080}, {"port": 443}]}}"#
        let result = try patch(#"{"spec": {"ports": [{"port": 80, "targetPort": 9090, "name": "http"}, {"port": 9000}]}}"#, to: original)
        #expect(result[path: "spec", "ports"] == (try json(#"[{"port": 80, "targetPort": 9090, "name": "http"}, {"port": 9000}, {"port": 443}]"#)))
    }

    @Test func podStatusConditionsMergeByType() throws {
        let original = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "status": {"conditions": [{"type": "Ready", "status": "False"}, {"type": "Scheduled", "status": "True"}]}}"#
        let result = try patch(#"{"status": {"conditions": [{"type": "Ready", "status": "True"}]}}"#, to: original)
        #expect(result[path: "status", "conditions"] == (try json(#"[{"type": "Ready", "status": "True"}, {"type": "Scheduled", "status": "True"}]"#)))
    }

    @Test func topologySpreadConstraintsMergeByTopologyKey() throws {
        let original = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"topologySpreadConstraints": [{"topologyKey": "zone", "maxSkew": 1}]}}"#
        let result = try patch(#"{"spec": {"topologySpreadConstraints": [{"topologyKey": "zone", "maxSkew": 2}, {"topologyKey": "host", "maxSkew": 1}]}}"#, to: original)
        #expect(result[path: "spec", "topologySpreadConstraints"] == (try json(#"[{"topologyKey": "zone", "maxSkew": 2}, {"topologyKey": "host", "maxSkew": 1}]"#)))
    }

    @Test func unknownKindsUseMergePatchSemantics() throws {
        let original = #"{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "finalizers": ["a"]}, "spec": {"items": [{"name": "a", "v": 1}], "keep": true, "drop": 1}}"#
        let patchText = #"{"metadata": {"finalizers": ["b"]}, "spec": {"items": [{"name": "b"}], "drop": null, "nested": {"x": null, "y": 2}}}"#
        let result = try patch(patchText, to: original)
        #expect(result == (try json(#"{"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w", "finalizers": ["b"]}, "spec": {"items": [{"name": "b"}], "keep": true, "nested": {"y": 2}}}"#)))
        // Same as RFC 7386 for a patch without directives.
        #expect(result == JSONMergePatch.apply(try json(patchText), to: try json(original)))
    }

    @Test func oldGroupsAreUnknown() throws {
        let original = #"{"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}"#
        let result = try patch(#"{"spec": {"template": {"spec": {"containers": [{"name": "b"}]}}}}"#, to: original)
        #expect(names(containers(result)) == ["b"])
    }

    @Test func customSchemasCanBeRegistered() throws {
        var schema = PatchSchema.empty
        schema.register(
            group: "example.com", kind: "Widget",
            PatchSchema.ObjectType(["spec": .nested(PatchSchema.ObjectType(["items": .merge(key: "name")]))]))
        let original = #"{"apiVersion": "example.com/v2", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"items": [{"name": "a", "v": 1}]}}"#
        let result = try patch(#"{"spec": {"items": [{"name": "b"}, {"name": "a", "w": 2}]}}"#, to: original, schema: schema)
        #expect(result[path: "spec", "items"] == (try json(#"[{"name": "b"}, {"name": "a", "v": 1, "w": 2}]"#)))
        #expect(schema.type(apiVersion: "example.com/v1", kind: "Widget") != nil)
        #expect(schema.type(apiVersion: "v1", kind: "Widget") == nil)
    }

    @Test func replaceStrategyFieldReplacesObjects() throws {
        let type = PatchSchema.ObjectType(["spec": Field(strategy: .replace)])
        let result = try StrategicMergePatch.apply(try json(#"{"spec": {"b": 2, "c": null}}"#), to: try json(#"{"spec": {"a": 1}}"#), type: type)
        #expect(result == ["spec": ["b": 2]])
    }

    typealias Field = PatchSchema.Field

    @Test func builtInSchemaFacts() {
        let schema = PatchSchema.builtIn
        let pod = schema.type(apiVersion: "v1", kind: "Pod")
        let podSpec = pod?["spec"]?.type
        #expect(podSpec?["containers"]?.mergeKey == "name")
        #expect(podSpec?["containers"]?.type?["ports"]?.mergeKey == "containerPort")
        #expect(podSpec?["containers"]?.type?["volumeMounts"]?.mergeKey == "mountPath")
        #expect(podSpec?["containers"]?.type?["volumeDevices"]?.mergeKey == "devicePath")
        #expect(podSpec?["ephemeralContainers"]?.type?["env"]?.mergeKey == "name")
        #expect(podSpec?["containers"]?.type?["envFrom"] == nil)
        #expect(podSpec?["volumes"]?.retainKeys == true)
        #expect(podSpec?["hostAliases"]?.mergeKey == "ip")
        #expect(podSpec?["tolerations"] == nil)
        #expect(pod?["metadata"]?.type?["finalizers"]?.strategy == .merge)
        #expect(schema.type(apiVersion: "apps/v1", kind: "Deployment")?["spec"]?.type?["strategy"]?.retainKeys == true)
        #expect(schema.type(apiVersion: "v1", kind: "Service")?["spec"]?.type?["ports"]?.mergeKey == "port")
        #expect(schema.type(apiVersion: "v1", kind: "ConfigMap")?["metadata"] != nil)
        #expect(PatchSchema.GroupKind(apiVersion: "apps/v1", kind: "Deployment") == PatchSchema.GroupKind(group: "apps", kind: "Deployment"))
        #expect(PatchSchema.GroupKind(apiVersion: "v1", kind: "Pod").description == "Pod")
    }

    // MARK: Shapes

    @Test func documentsMustBeObjects() throws {
        #expect(throws: PatchError.self) { try StrategicMergePatch.apply(["a": 1], to: [1], schema: .builtIn) }
        #expect(throws: PatchError.self) { try StrategicMergePatch.apply([1], to: ["a": 1], schema: .builtIn) }
    }

    @Test func existingKeysKeepTheirOrder() throws {
        let result = try patch(#"{"status": {"replicas": 1}, "spec": {"replicas": 3}, "metadata": {"labels": {"x": "y"}}}"#)
        #expect(result.objectValue?.keys.elementsEqual(["apiVersion", "kind", "metadata", "spec", "status"]) == true)
        #expect(result[path: "spec", "replicas"] == 3)
    }

    @Test func emptyPatchIsIdentity() throws {
        #expect(try patch("{}") == (try json(Self.deployment)))
    }
}
