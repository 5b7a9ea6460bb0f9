import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

/// Server-side apply over raw HTTPS (spec §4.7).
@Suite("Server-side apply")
struct ServerSideApplyTests {
    static let path = "/api/v1/namespaces/default/configmaps/cfg"
    static let applyType = "application/apply-patch+yaml"

    static func apply(_ harness: Harness, _ body: String, manager: String, force: Bool = false, path: String = path,
                      extra: String = "") async throws -> Harness.Response {
        try await harness.request("PATCH", path + "?fieldManager=\(manager)\(force ? "&force=true" : "")\(extra)", body: body,
                            contentType: applyType)
    }

    static func managers(_ object: JSONValue?) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for entry in object?["metadata"]?["managedFields"]?.arrayValue ?? [] {
            let key = (entry["manager"]?.stringValue ?? "") + "/" + (entry["operation"]?.stringValue ?? "")
                + (entry["subresource"].map { "/" + ($0.stringValue ?? "") } ?? "")
            result[key] = entry["fieldsV1"]
        }
        return result
    }

    @Test func createsAndValidatesOptions() async throws {
        try await withHarness { harness in
            let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#
            let noManager = try await harness.request("PATCH", Self.path, body: body, contentType: Self.applyType)
            #expect(noManager.status == 422)
            #expect(noManager.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                "reason": "Invalid",
                "details": ["group": "meta.k8s.io", "kind": "PatchOptions",
                            "causes": [["reason": "FieldValueRequired", "message": "Required value: is required for apply patch",
                                        "field": "fieldManager"]]],
                "code": 422,
            ])
            let wrongVersion = try await Self.apply(harness, #"{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"cfg"}}"#, manager: "m")
            #expect(wrongVersion.status == 400)
            #expect(wrongVersion.json?["message"] == "Incorrect version specified in apply patch. Specified patch version: v2, expected: v1")
            let withManaged = try await Self.apply(
                harness, #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","managedFields":[]}}"#, manager: "m")
            #expect(withManaged.status == 400)
            #expect(withManaged.json?["message"] == "metadata.managedFields must be nil")
            let badYAML = try await Self.apply(harness, "a: [", manager: "m")
            #expect(badYAML.status == 400)
            let dry = try await Self.apply(harness, body, manager: "m", extra: "&dryRun=All")
            #expect(dry.status == 201)
            #expect(dry.json?["metadata"]?["resourceVersion"] == "")
            #expect(try await harness.request("GET", Self.path).status == 404)
            let created = try await Self.apply(harness, body, manager: "m")
            #expect(created.status == 201)
            #expect(Self.managers(created.json)["m/Apply"] == ["f:data": ["f:a": [:]]])
            let again = try await Self.apply(harness, body, manager: "m")
            #expect(again.status == 200)
            #expect(again.json?["metadata"]?["resourceVersion"] == created.json?["metadata"]?["resourceVersion"])
        }
    }

    @Test func ownershipConflictsForceAndRemoval() async throws {
        try await withHarness { harness in
            let first = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"l":"1"}},"data":{"a":"1","b":"1"}}"#
            #expect(try await Self.apply(harness, first, manager: "one").status == 201)
            // Same values: shared ownership, no conflict.
            let shared = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1","c":"2"}}"#
            let sharedResult = try await Self.apply(harness, shared, manager: "two")
            #expect(sharedResult.status == 200)
            // Different values owned by another applier: two conflicts, listed per manager.
            let clash = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg","labels":{"l":"2"}},"data":{"b":"9"}}"#
            let conflict = try await Self.apply(harness, clash, manager: "three")
            #expect(conflict.status == 409)
            #expect(conflict.json?["reason"] == "Conflict")
            #expect(conflict.json?["message"] == "Apply failed with 2 conflicts: conflicts with \"one\":\n- .data.b\n- .metadata.labels.l")
            #expect(conflict.json?["details"]?["causes"]?.arrayValue?.count == 2)
            #expect(conflict.json?["details"]?["causes"]?[0]?["reason"] == "FieldManagerConflict")
            let forced = try await Self.apply(harness, clash, manager: "three", force: true)
            #expect(forced.status == 200)
            #expect(forced.json?["data"] == ["a": "1", "b": "9", "c": "2"])
            let owners = Self.managers(forced.json)
            #expect(owners["one/Apply"] == ["f:data": ["f:a": [:]]])
            // "one" drops a: still owned by "two", so it stays; "two" drops c: nobody else owns it, so it goes.
            let shrinkOne = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"}}"#
            #expect(try await Self.apply(harness, shrinkOne, manager: "one").status == 200)
            let shrinkTwo = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cfg"},"data":{"a":"1"}}"#
            let after = try await Self.apply(harness, shrinkTwo, manager: "two")
            #expect(after.json?["data"] == ["a": "1", "b": "9"])
            // An Update manager's fields conflict for appliers with "using v1".
            #expect(try await harness.request("PATCH", Self.path + "?fieldManager=editor", body: #"{"data":{"a":"5"}}"#,
                                        contentType: "application/merge-patch+json").status == 200)
            let update = try await Self.apply(harness, shrinkTwo, manager: "two")
            #expect(update.status == 409)
            #expect(update.json?["message"] == "Apply failed with 1 conflict: conflict with \"editor\" using v1: .data.a")
        }
    }

    @Test func listMapsOfBuiltInsMergeByKey() async throws {
        try await withHarness { harness in
            let path = "/apis/apps/v1/namespaces/default/deployments/web"
            func deployment(_ containers: String) -> String {
                #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":\#(containers)}}}}"#
            }
            #expect(try await Self.apply(harness, deployment(#"[{"name":"web","image":"nginx:1"}]"#), manager: "a", path: path).status == 201)
            let sidecar = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"template":{"spec":{"containers":[{"name":"side","image":"busybox"}]}}}}"#
            let merged = try await Self.apply(harness, sidecar, manager: "b", path: path)
            #expect(merged.status == 200, "\(merged.body)")
            let names = merged.json?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
            #expect(names == ["web", "side"])
            let fields = Self.managers(merged.json)["b/Apply"]
            #expect(fields?["f:spec"]?["f:template"]?["f:spec"]?["f:containers"]?[#"k:{"name":"side"}"#]?["f:image"] == [:])
            let clash = try await Self.apply(harness, deployment(#"[{"name":"web","image":"nginx:2"}]"#), manager: "c", path: path)
            #expect(clash.status == 409)
            #expect(clash.json?["message"]?.stringValue?.contains(#".spec.template.spec.containers[name="web"].image"#) == true)
        }
    }

    @Test func containerPortsAreKeyedByPortAndProtocol() async throws {
        try await withHarness { harness in
            let path = "/api/v1/namespaces/default/pods/p"
            func pod(_ ports: String) -> String {
                #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"i","ports":\#(ports)}]}}"#
            }
            #expect(try await Self.apply(harness, pod(#"[{"containerPort":80}]"#), manager: "a", path: path).status == 201)
            let merged = try await Self.apply(harness, pod(#"[{"containerPort":443,"protocol":"TCP"}]"#), manager: "b", path: path)
            #expect(merged.status == 200, "\(merged.body)")
            let ports = merged.json?["spec"]?["containers"]?[0]?["ports"]?.arrayValue ?? []
            #expect(ports.count == 2)
            let fields = Self.managers(merged.json)["a/Apply"]?["f:spec"]?["f:containers"]?[#"k:{"name":"c"}"#]?["f:ports"]
            #expect(fields?[#"k:{"containerPort":80,"protocol":"TCP"}"#] != nil, "\(String(describing: fields))")
        }
    }

    @Test func applyToStatusSubresource() async throws {
        try await withHarness { harness in
            let path = "/apis/apps/v1/namespaces/default/deployments/web"
            let body = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"#
            #expect(try await Self.apply(harness, body, manager: "ctl", path: path).status == 201)
            let status = #"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"status":{"replicas":1,"spec":"ignored"},"spec":{"replicas":9}}"#
            let applied = try await Self.apply(harness, status, manager: "sim", path: path + "/status")
            #expect(applied.status == 200)
            #expect(applied.json?["status"]?["replicas"] == 1)
            #expect(applied.json?["spec"]?["replicas"] == nil)
            #expect(applied.json?["metadata"]?["generation"] == 1)
            #expect(Self.managers(applied.json)["sim/Apply/status"] != nil)
        }
    }

    @Test func customResourceListTypesFromSchema() async throws {
        try await withHarness { harness in
            let crd = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widgets-crd.yaml"))
            #expect(crd.status == 0, "\(crd.stderr)")
            let path = "/apis/example.com/v1/namespaces/default/widgets/w"
            let one = #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1,"tags":["a"],"ports":[{"name":"http","port":80}]}}"#
            #expect(try await Self.apply(harness, one, manager: "one", path: path).status == 201)
            let two = #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"tags":["b"],"ports":[{"name":"grpc","port":90}]}}"#
            let merged = try await Self.apply(harness, two, manager: "two", path: path)
            #expect(merged.status == 200, "\(merged.body)")
            #expect(merged.json?["spec"]?["tags"] == ["a", "b"])
            #expect(merged.json?["spec"]?["ports"]?.arrayValue?.count == 2)
            let invalid = try await Self.apply(
                harness, #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":500,"color":"pink"}}"#,
                manager: "three", path: path, extra: "&force=true")
            #expect(invalid.status == 422)
            #expect(invalid.json?["details"]?["kind"] == "Widget")
            let missingSize = try await harness.request("POST", "/apis/example.com/v1/namespaces/default/widgets",
                                                  body: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w2"},"spec":{}}"#)
            #expect(missingSize.status == 422)
            #expect(missingSize.json?["message"] == #"Widget.example.com "w2" is invalid: spec.size: Required value"#)
            let noVersion = try await harness.request("PUT", path, body: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":2}}"#)
            #expect(noVersion.status == 422)
            #expect(noVersion.json?["message"] == #"Widget.example.com "w" is invalid: metadata.resourceVersion: Invalid value: 0: must be specified for an update"#)
        }
    }
}
