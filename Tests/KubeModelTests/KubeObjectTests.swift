import KubeModel
import Testing

@Suite("Unstructured objects")
struct KubeObjectTests {
    static let deployment = #"""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"prod","uid":"u-1","resourceVersion":"42","generation":7,
           "creationTimestamp":"2024-03-01T10:00:00Z","deletionTimestamp":"2024-03-02T00:00:00+01:00",
           "labels":{"app":"web","tier":"front","bad":1},"annotations":{"a/b":"c"},
           "finalizers":["stages.metio.wtf/finalizer",3],
           "ownerReferences":[{"apiVersion":"stages.metio.wtf/v1","kind":"StageSet","name":"s","uid":"u-0","controller":true},"junk"]},
         "spec":{"replicas":2},
         "status":{"conditions":[{"type":"Available","status":"True","lastTransitionTime":"2024-03-01T10:01:00Z","reason":"MinimumReplicasAvailable","message":"ok"},{"status":"True"}]}}
        """#

    func object() throws -> KubeObject {
        try #require(KubeObject(json: try JSON.decode(Self.deployment)))
    }

    @Test func readsCommonFields() throws {
        let obj = try object()
        #expect(obj.apiVersion == "apps/v1")
        #expect(obj.kind == "Deployment")
        #expect(obj.gvk == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
        #expect(obj.name == "web")
        #expect(obj.namespace == "prod")
        #expect(obj.uid == "u-1")
        #expect(obj.resourceVersion == "42")
        #expect(obj.generation == 7)
        #expect(obj.generateName == "")
        #expect(obj.labels == ["app": "web", "tier": "front"])
        #expect(obj.annotations == ["a/b": "c"])
        #expect(obj.finalizers == ["stages.metio.wtf/finalizer"])
        #expect(
            obj.ownerReferences == [
                OwnerReference(apiVersion: "stages.metio.wtf/v1", kind: "StageSet", name: "s", uid: "u-0", controller: true)
            ])
        #expect(obj.creationTimestamp == Timestamp(year: 2024, month: 3, day: 1, hour: 10))
        #expect(obj.deletionTimestamp == Timestamp(year: 2024, month: 3, day: 1, hour: 23))
        #expect(obj.spec == ["replicas": 2])
        #expect(obj.conditions.count == 1)
        #expect(obj.conditions.isTrue("Available"))
        #expect(obj.key == ObjectKey(namespace: "prod", name: "web"))
        #expect(obj.id == "prod_web_apps_Deployment")
        #expect(obj.value(at: ["spec", "replicas"]) == 2)
    }

    @Test func missingFieldsReadAsEmpty() throws {
        let obj = try #require(KubeObject(json: [:]))
        #expect(obj.name == "" && obj.namespace == "" && obj.apiVersion == "" && obj.kind == "")
        #expect(obj.generation == 0)
        #expect(obj.labels.isEmpty && obj.finalizers.isEmpty && obj.ownerReferences.isEmpty)
        #expect(obj.creationTimestamp == nil && obj.spec == nil && obj.conditions.isEmpty)
        #expect(KubeObject(json: [1]) == nil)
        // Mistyped metadata does not crash the getters.
        let odd = try #require(KubeObject(json: ["metadata": "x", "status": 3]))
        #expect(odd.name == "" && odd.labels.isEmpty && odd.conditions.isEmpty)
    }

    @Test func settersCreateAndRemoveLikeGo() throws {
        var obj = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "cfg")
        #expect(JSON.encode(obj.json) == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}"#)
        obj.namespace = "default"
        obj.generation = 2
        obj.uid = "abc"
        obj.labels = ["z": "1", "a": "2", "m": "3"]
        obj.annotations = ["note": "x"]
        obj.finalizers = ["f"]
        obj.creationTimestamp = Timestamp(seconds: 0, nanoseconds: 5)
        #expect(
            JSON.encode(obj.json)
                == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","namespace":"default","generation":2,"uid":"abc","labels":{"a":"2","m":"3","z":"1"},"annotations":{"note":"x"},"finalizers":["f"],"creationTimestamp":"1970-01-01T00:00:00Z"}}"#
        )
        obj.namespace = ""
        obj.generation = 0
        obj.uid = ""
        obj.annotations = [:]
        obj.finalizers = []
        obj.creationTimestamp = nil
        obj.setLabel("m", nil)
        obj.setLabel("b", "4")
        #expect(
            JSON.encode(obj.json)
                == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"a":"2","z":"1","b":"4"}}}"#)
        obj.setLabel("a", nil)
        obj.setLabel("z", nil)
        obj.setLabel("b", nil)
        obj.setAnnotation("k", "v")
        #expect(JSON.encode(obj.json) == #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","annotations":{"k":"v"}}}"#)
    }

    @Test func settersOnObjectWithoutMetadata() throws {
        var obj = KubeObject([:])
        obj.name = ""
        #expect(obj.json == [:])
        obj.name = "n"
        obj.gvk = GroupVersionKind(group: "", version: "v1", kind: "Secret")
        #expect(JSON.encode(obj.json) == #"{"metadata":{"name":"n"},"apiVersion":"v1","kind":"Secret"}"#)
        // A non-object metadata is replaced when setting.
        var odd = try #require(KubeObject(json: ["metadata": 5]))
        odd.name = "x"
        #expect(odd.json == ["metadata": ["name": "x"]])
    }

    @Test func ownerReferencesRoundTrip() throws {
        var obj = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: "ns", name: "cfg")
        let owner = OwnerReference(
            apiVersion: "stages.metio.wtf/v1", kind: "StageSet", name: "s", uid: "u", controller: true,
            blockOwnerDeletion: true)
        obj.ownerReferences = [owner]
        #expect(obj.ownerReferences == [owner])
        #expect(
            JSON.encode(obj.value(at: ["metadata", "ownerReferences"]) ?? nil)
                == #"[{"apiVersion":"stages.metio.wtf/v1","kind":"StageSet","name":"s","uid":"u","controller":true,"blockOwnerDeletion":true}]"#
        )
        obj.ownerReferences = []
        #expect(obj.value(at: ["metadata", "ownerReferences"]) == nil)
    }

    @Test func finalizersAndController() throws {
        var obj = try object()
        #expect(obj.controllerReference?.kind == "StageSet")
        #expect(obj.isBeingDeleted)
        #expect(obj.hasFinalizer("stages.metio.wtf/finalizer"))
        let added = obj.addFinalizer("other")
        let addedAgain = obj.addFinalizer("other")
        #expect(added && !addedAgain)
        #expect(obj.finalizers == ["stages.metio.wtf/finalizer", "other"])
        let removed = obj.removeFinalizer("stages.metio.wtf/finalizer")
        let removedAgain = obj.removeFinalizer("stages.metio.wtf/finalizer")
        #expect(removed && !removedAgain)
        _ = obj.removeFinalizer("other")
        #expect(obj.value(at: ["metadata", "finalizers"]) == nil)
        obj.deletionTimestamp = nil
        #expect(!obj.isBeingDeleted)
        obj.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "A", name: "a", uid: "1", controller: false)]
        #expect(obj.controllerReference == nil)
    }

    @Test func specStatusAndConditions() throws {
        var obj = KubeObject(apiVersion: "stages.metio.wtf/v1", kind: "StageSet", namespace: "ns", name: "s")
        obj.spec = ["interval": "5m"]
        var conditions = obj.conditions
        conditions.setCondition(Condition(type: "Ready", status: .true, reason: "Succeeded"), now: Timestamp(seconds: 60))
        obj.conditions = conditions
        obj.setValue(3, at: ["status", "observedGeneration"])
        #expect(
            JSON.encode(obj.json)
                == #"{"apiVersion":"stages.metio.wtf/v1","kind":"StageSet","metadata":{"name":"s","namespace":"ns"},"spec":{"interval":"5m"},"status":{"conditions":[{"type":"Ready","status":"True","lastTransitionTime":"1970-01-01T00:01:00Z","reason":"Succeeded","message":""}],"observedGeneration":3}}"#
        )
        obj.conditions = []
        #expect(obj.status == ["observedGeneration": 3])
        obj.status = nil
        obj.spec = nil
        #expect(obj.json == ["apiVersion": "stages.metio.wtf/v1", "kind": "StageSet", "metadata": ["name": "s", "namespace": "ns"]])
    }

    @Test func equalityIgnoresMemberOrder() throws {
        let a = try #require(KubeObject(json: try JSON.decode(#"{"kind":"A","metadata":{"name":"x","namespace":"y"}}"#)))
        let b = try #require(KubeObject(json: try JSON.decode(#"{"metadata":{"namespace":"y","name":"x"},"kind":"A"}"#)))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
    }

    // MARK: GVK and friends

    @Test func groupVersionParsingMatchesGo() throws {
        #expect(try GroupVersion(parsing: "v1") == GroupVersion(group: "", version: "v1"))
        #expect(try GroupVersion(parsing: "apps/v1") == GroupVersion(group: "apps", version: "v1"))
        #expect(try GroupVersion(parsing: "") == GroupVersion(group: "", version: ""))
        #expect(try GroupVersion(parsing: "/") == GroupVersion(group: "", version: ""))
        let error = try #require(throws: GroupVersion.ParseError.self) { try GroupVersion(parsing: "a/b/c") }
        #expect(error.description == "unexpected GroupVersion string: a/b/c")
        #expect(GroupVersionKind(apiVersion: "a/b/c", kind: "K") == GroupVersionKind(group: "", version: "", kind: "K"))
    }

    @Test func descriptionsMatchGo() {
        let deployment = GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment")
        #expect(deployment.description == "apps/v1, Kind=Deployment")
        #expect(GroupVersionKind(apiVersion: "v1", kind: "Pod").description == "/v1, Kind=Pod")
        #expect(deployment.apiVersion == "apps/v1")
        #expect(GroupVersionKind(apiVersion: "v1", kind: "Pod").apiVersion == "v1")
        #expect(deployment.groupKind.description == "Deployment.apps")
        #expect(GroupKind(group: "", kind: "Pod").description == "Pod")
        #expect(GroupVersionResource(group: "apps", version: "v1", resource: "deployments").description == "apps/v1, Resource=deployments")
        #expect(ObjectKey(namespace: "ns", name: "n").description == "ns/n")
        #expect(ObjectKey(name: "n").description == "n")
        #expect(ObjectKey(namespace: "a", name: "z") < ObjectKey(namespace: "b", name: "a"))
    }

    // MARK: Inventory identities

    @Test func identityTextForms() {
        #expect(ObjectIdentity(namespace: "", name: "ns1", group: "", kind: "Namespace").description == "_ns1__Namespace")
        #expect(ObjectIdentity(namespace: "default", name: "cm", group: "", kind: "ConfigMap").description == "default_cm__ConfigMap")
        // Colons in RBAC names are transcoded; elsewhere they are kept.
        #expect(
            ObjectIdentity(namespace: "", name: "system:viewer", group: "rbac.authorization.k8s.io", kind: "ClusterRole")
                .description == "_system__viewer_rbac.authorization.k8s.io_ClusterRole")
        #expect(
            ObjectIdentity(namespace: "", name: "a:b", group: "example.com", kind: "Thing").description
                == "_a:b_example.com_Thing")
        var cr = KubeObject(apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding", name: "x:y")
        #expect(cr.id == "_x__y_rbac.authorization.k8s.io_ClusterRoleBinding")
        cr.namespace = "n"
        #expect(cr.identity.namespace == "n")
    }

    @Test func identityParsingMatchesCliUtils() throws {
        #expect(
            try ObjectIdentity(parsing: "prod_web_apps_Deployment")
                == ObjectIdentity(namespace: "prod", name: "web", group: "apps", kind: "Deployment"))
        #expect(try ObjectIdentity(parsing: "_ns1__Namespace") == ObjectIdentity(namespace: "", name: "ns1", group: "", kind: "Namespace"))
        #expect(
            try ObjectIdentity(parsing: "_system__viewer_rbac.authorization.k8s.io_ClusterRole")
                == ObjectIdentity(namespace: "", name: "system:viewer", group: "rbac.authorization.k8s.io", kind: "ClusterRole"))
        #expect(
            try ObjectIdentity(parsing: "ns_kubeadm__nodes-kubeadm-config_rbac.authorization.k8s.io_Role").name
                == "kubeadm:nodes-kubeadm-config")
        #expect(try ObjectIdentity(parsing: " ns _ n _ g _ K ") == ObjectIdentity(namespace: "ns", name: "n", group: "g", kind: "K"))
        for (text, message) in [
            ("nounderscore", "unable to parse stored object metadata: nounderscore"),
            ("ns_name", "unable to parse stored object metadata: name"),
            ("ns_a_b_c_d", "too many fields within: a_b_c"),
            ("ns__g_K", "empty name for object"),
            ("ns_n__", "empty GroupKind for object"),
        ] {
            let error = try #require(throws: ObjectIdentity.ParseError.self) { try ObjectIdentity(parsing: text) }
            #expect(error.description == message, "\(text)")
        }
    }

    @Test func identityRoundTripsAndSorts() throws {
        let ids = [
            ObjectIdentity(namespace: "b", name: "x", group: "", kind: "ConfigMap"),
            ObjectIdentity(namespace: "", name: "a", group: "apps", kind: "Deployment"),
            ObjectIdentity(namespace: "a", name: "y", group: "", kind: "Secret"),
        ]
        for id in ids { #expect(try ObjectIdentity(parsing: id.description) == id) }
        #expect(ids.sorted().map(\.description) == ["_a_apps_Deployment", "a_y__Secret", "b_x__ConfigMap"])
    }
}
