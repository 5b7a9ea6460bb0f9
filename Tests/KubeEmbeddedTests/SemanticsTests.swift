import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

/// resourceVersion, generation, status subresource, finalizers, dry-run, paging, immutability.
@Suite("Object semantics")
struct SemanticsTests {
    static let deployment: JSONValue = [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": "web", "namespace": "default"],
        "spec": [
            "replicas": 1, "selector": ["matchLabels": ["app": "web"]],
            "template": ["metadata": ["labels": ["app": "web"]],
                         "spec": ["containers": [["name": "web", "image": "nginx:1"]]]],
        ],
        "status": ["replicas": 5],
    ]
    static let deployments = "/apis/apps/v1/namespaces/default/deployments"

    @Test func resourceVersionGenerationAndNoOps() async throws {
        try await withHarness { harness in
            let created = try await harness.request("POST", Self.deployments, body: JSON.encode(Self.deployment))
            #expect(created.status == 201)
            var object = try #require(created.json)
            #expect(object["status"] == nil, "status dropped on create")
            #expect(object["metadata"]?["generation"] == 1)
            let firstVersion = try #require(object["metadata"]?["resourceVersion"]?.stringValue)
            // A no-op PUT stores nothing.
            let same = try await harness.request("PUT", Self.deployments + "/web", body: JSON.encode(object))
            #expect(same.json?["metadata"]?["resourceVersion"]?.stringValue == firstVersion)
            #expect(harness.server.currentResourceVersion == firstVersion)
            // A label change bumps the resourceVersion but not the generation.
            object["metadata"]?["labels"] = ["tier": "front"]
            let labelled = try #require(try await harness.request("PUT", Self.deployments + "/web", body: JSON.encode(object)).json)
            #expect(labelled["metadata"]?["generation"] == 1)
            #expect(labelled["metadata"]?["resourceVersion"]?.stringValue != firstVersion)
            // A spec change bumps it; status in a main-resource write is ignored.
            var changed = labelled
            changed["spec"]?["replicas"] = 3
            changed["status"] = ["replicas": 9]
            let bumped = try #require(try await harness.request("PUT", Self.deployments + "/web", body: JSON.encode(changed)).json)
            #expect(bumped["metadata"]?["generation"] == 2)
            #expect(bumped["status"] == nil)
            // Status writes go through /status only and never bump generation.
            var status = bumped
            status["status"] = ["observedGeneration": 2, "replicas": 3]
            status["spec"]?["replicas"] = 7
            let written = try #require(try await harness.request("PUT", Self.deployments + "/web/status", body: JSON.encode(status)).json)
            #expect(written["status"]?["replicas"] == 3)
            #expect(written["spec"]?["replicas"] == 3, "spec changes through /status are ignored")
            #expect(written["metadata"]?["generation"] == 2)
            let merged = try await harness.request("PATCH", Self.deployments + "/web/status", body: #"{"status":{"readyReplicas":3}}"#,
                                             contentType: "application/merge-patch+json")
            #expect(merged.json?["status"]?["readyReplicas"] == 3)
            // Deployment annotations bump generation.
            let annotated = try await harness.request("PATCH", Self.deployments + "/web",
                                                body: #"{"metadata":{"annotations":{"a":"b"}}}"#,
                                                contentType: "application/merge-patch+json")
            #expect(annotated.json?["metadata"]?["generation"] == 3)
            // ConfigMaps have no generation.
            let cm = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm)
            #expect(cm.json?["metadata"]?["generation"] == nil)
        }
    }

    @Test func finalizersHoldDeletionAndBumpGeneration() async throws {
        try await withHarness { harness in
            var body = Self.deployment
            body["metadata"]?["finalizers"] = ["example.com/hold"]
            #expect(try await harness.request("POST", Self.deployments, body: JSON.encode(body)).status == 201)
            let deleted = try await harness.request("DELETE", Self.deployments + "/web", body: #"{"propagationPolicy":"Background"}"#)
            #expect(deleted.status == 200)
            #expect(deleted.json?["kind"] == "Deployment")
            #expect(deleted.json?["metadata"]?["deletionTimestamp"] != nil)
            #expect(deleted.json?["metadata"]?["generation"] == 2)
            let adding = try await harness.request("PATCH", Self.deployments + "/web",
                                             body: #"{"metadata":{"finalizers":["example.com/hold","x/y"]}}"#,
                                             contentType: "application/merge-patch+json")
            #expect(adding.status == 422)
            #expect(adding.json?["message"]?.stringValue?.contains("no new finalizers can be added if the object is being deleted") == true)
            let released = try await harness.request("PATCH", Self.deployments + "/web", body: #"{"metadata":{"finalizers":null}}"#,
                                               contentType: "application/merge-patch+json")
            #expect(released.status == 200)
            #expect(try await harness.request("GET", Self.deployments + "/web").status == 404)
        }
    }

    @Test func foregroundDeletionWaitsForBlockingDependents() async throws {
        try await withHarness { harness in
            let base = "/api/v1/namespaces/default/configmaps"
            let owner = try #require(try await harness.request(
                "POST", base, body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"owner"}}"#).json)
            let uid = try #require(owner["metadata"]?["uid"]?.stringValue)
            let blocking = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"blocking","finalizers":["example.com/hold"],"ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"\#(uid)","blockOwnerDeletion":true}]}}"#
            let loose = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"loose","ownerReferences":[{"apiVersion":"v1","kind":"ConfigMap","name":"owner","uid":"\#(uid)"}]}}"#
            #expect(try await harness.request("POST", base, body: blocking).status == 201)
            #expect(try await harness.request("POST", base, body: loose).status == 201)
            let deleted = try await harness.request("DELETE", base + "/owner", body: #"{"propagationPolicy":"Foreground"}"#)
            #expect(deleted.status == 200)
            #expect(deleted.json?["metadata"]?["finalizers"] == ["foregroundDeletion"])
            #expect(try await harness.request("GET", base + "/loose").status == 404)
            #expect(try await harness.request("GET", base + "/blocking").json?["metadata"]?["deletionTimestamp"] != nil)
            #expect(try await harness.request("GET", base + "/owner").status == 200, "the owner waits")
            #expect(try await harness.request("PATCH", base + "/blocking", body: #"{"metadata":{"finalizers":null}}"#,
                                              contentType: "application/merge-patch+json").status == 200)
            #expect(try await harness.request("GET", base + "/blocking").status == 404)
            #expect(try await harness.request("GET", base + "/owner").status == 404)
        }
    }

    @Test func deleteWithoutFinalizersAnswersStatusAndPreconditions() async throws {
        try await withHarness { harness in
            let created = try #require(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm).json)
            let uid = try #require(created["metadata"]?["uid"]?.stringValue)
            let wrong = try await harness.request("DELETE", "/api/v1/namespaces/default/configmaps/demo",
                                            body: #"{"preconditions":{"uid":"nope"}}"#)
            #expect(wrong.status == 409)
            #expect(wrong.json?["message"]?.stringValue?.contains("Precondition failed: UID in precondition: nope") == true)
            let dry = try await harness.request("DELETE", "/api/v1/namespaces/default/configmaps/demo?dryRun=All")
            #expect(dry.status == 200)
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/demo").status == 200)
            let gone = try await harness.request("DELETE", "/api/v1/namespaces/default/configmaps/demo")
            #expect(gone.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                "details": ["name": "demo", "kind": "configmaps", "uid": .string(uid)],
            ])
        }
    }

    @Test func dryRunCreateStoresNothing() async throws {
        try await withHarness { harness in
            let before = harness.server.currentResourceVersion
            let dry = try await harness.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=All", body: StatusBodyTests.cm)
            #expect(dry.status == 201)
            #expect(dry.json?["metadata"]?["resourceVersion"] == "")
            #expect(dry.json?["metadata"]?["uid"] != nil)
            #expect(harness.server.currentResourceVersion == before)
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/demo").status == 404)
            let bad = try await harness.request("POST", "/api/v1/namespaces/default/configmaps?dryRun=Some", body: StatusBodyTests.cm)
            #expect(bad.status == 422)
        }
    }

    @Test func listPagingAndSelectors() async throws {
        try await withHarness { harness in
            for index in 0..<5 {
                let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-\#(index)","labels":{"n":"\#(index % 2)"}}}"#
                #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: body).status == 201)
            }
            let first = try #require(try await harness.request("GET", "/api/v1/namespaces/default/configmaps?limit=2").json)
            #expect(first["kind"] == "ConfigMapList")
            #expect(first["items"]?.arrayValue?.count == 2)
            let token = try #require(first["metadata"]?["continue"]?.stringValue)
            #expect(first["metadata"]?["remainingItemCount"] == 3)
            let second = try #require(try await harness.request("GET", "/api/v1/namespaces/default/configmaps?limit=2&continue=\(token)").json)
            #expect(second["items"]?[0]?["metadata"]?["name"] == "cm-2")
            #expect(second["metadata"]?["resourceVersion"] == first["metadata"]?["resourceVersion"])
            let odd = try #require(try await harness.request("GET", "/api/v1/namespaces/default/configmaps?labelSelector=n%3D1").json)
            #expect(odd["items"]?.arrayValue?.compactMap { $0["metadata"]?["name"]?.stringValue } == ["cm-1", "cm-3"])
            let named = try #require(try await harness.request("GET", "/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-4").json)
            #expect(named["items"]?.arrayValue?.count == 1)
            let unsupported = try await harness.request("GET", "/api/v1/configmaps?fieldSelector=spec.foo%3Dx")
            #expect(unsupported.status == 400)
            #expect(unsupported.json?["message"] == "field label not supported: spec.foo")
            let badLabels = try await harness.request("GET", "/api/v1/configmaps?labelSelector=a%20in%20(")
            #expect(badLabels.status == 400)
            let empty = try #require(try await harness.request("GET", "/api/v1/namespaces/kube-public/secrets").json)
            #expect(empty["items"] == [])
        }
    }

    @Test func immutableFields() async throws {
        try await withHarness { harness in
            #expect(try await harness.request("POST", Self.deployments, body: JSON.encode(Self.deployment)).status == 201)
            let changed = try await harness.request("PATCH", Self.deployments + "/web",
                                              body: #"{"spec":{"selector":{"matchLabels":{"app":"web2"}}}}"#,
                                              contentType: "application/merge-patch+json")
            #expect(changed.status == 422)
            #expect(changed.json?["reason"] == "Invalid")
            #expect(changed.json?["details"]?["causes"]?[0]?["field"] == "spec.selector")
            #expect(changed.json?["message"]?.stringValue?.contains("field is immutable") == true)
            let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"frozen"},"data":{"a":"1"},"immutable":true}"#
            #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: cm).status == 201)
            let frozen = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/frozen", body: #"{"data":{"a":"2"}}"#,
                                             contentType: "application/merge-patch+json")
            #expect(frozen.status == 422)
            #expect(frozen.json?["message"]?.stringValue?.contains("field is immutable when `immutable` is set") == true)
        }
    }

    @Test func namespaceDeletionCascades() async throws {
        try await withHarness { harness in
            #expect(try await harness.request("POST", "/api/v1/namespaces", body: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team"}}"#).status == 201)
            #expect(try await harness.request("POST", "/api/v1/namespaces/team/configmaps", body: StatusBodyTests.cm).status == 201)
            let held = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["x/y"]}}"#
            #expect(try await harness.request("POST", "/api/v1/namespaces/team/configmaps", body: held).status == 201)
            let deleted = try await harness.request("DELETE", "/api/v1/namespaces/team")
            #expect(deleted.json?["status"]?["phase"] == "Terminating")
            #expect(try await harness.request("GET", "/api/v1/namespaces/team/configmaps/demo").status == 404)
            let refused = try await harness.request("POST", "/api/v1/namespaces/team/configmaps",
                                              body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"late"}}"#)
            #expect(refused.status == 403)
            #expect(refused.json?["message"] == "configmaps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated")
            #expect(try await harness.request("PATCH", "/api/v1/namespaces/team/configmaps/held", body: #"{"metadata":{"finalizers":null}}"#,
                                        contentType: "application/merge-patch+json").status == 200)
            #expect(try await harness.request("GET", "/api/v1/namespaces/team").status == 404)
        }
    }
}

/// Secrets store `stringData` as base64 `data`, on every kind of write.
struct SecretStringDataTests {
    @Test func stringDataIsFoldedIntoData() async throws {
        try await withHarness { harness in
            let created = try await harness.request("POST", "/api/v1/namespaces/default/secrets", body: """
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
                 "data": {"a": "YQ==", "b": "b2xk"}, "stringData": {"b": "new", "c": "see"}}
                """)
            #expect(created.status == 201)
            #expect(created.json?["data"] == ["a": "YQ==", "b": "bmV3", "c": "c2Vl"])
            #expect(created.json?["stringData"] == nil)
            let patched = try await harness.request(
                "PATCH", "/api/v1/namespaces/default/secrets/s", body: #"{"stringData": {"a": "changed"}}"#,
                contentType: "application/merge-patch+json")
            #expect(patched.status == 200)
            #expect(patched.json?["data"]?["a"] == "Y2hhbmdlZA==")
            #expect(patched.json?["stringData"] == nil)
        }
    }
}
