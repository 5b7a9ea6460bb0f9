import StageSetTesting
import Foundation
import KubeAPI
import KubeClient
import KubeModel
import Testing

/// Every verb over real HTTP against the API-shaped loopback peer (Tests/Fixtures/client/fakeapiserver.py).
@Suite(.timeLimit(.minutes(1)))
struct ClientVerbTests {
    static let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
    static let namespace = GroupVersionKind(group: "", version: "v1", kind: "Namespace")
    static let widget = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")
    static let serviceAccount = GroupVersionKind(group: "", version: "v1", kind: "ServiceAccount")

    let peer: LoopbackPeer
    let client: KubeClient

    init() throws {
        peer = try LoopbackPeer(script: "fakeapiserver.py")
        client = try KubeClient(configuration: ClientConfiguration(
            server: peer.base, namespace: "demo", qps: 0,
            retry: RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(10))))
    }

    private func configMap(_ name: String, data: JSONValue = ["k": "v"], labels: [String: String] = [:]) -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: "demo", name: name)
        object.object["data"] = data
        object.labels = labels
        return object
    }

    /// The mutating requests the peer saw, latest last.
    private func requests() async throws -> [JSONValue] {
        try JSON.decode(try await client.send(path: "/fake/requests").body).arrayValue ?? []
    }

    @Test func discoveryAndRefreshOnMiss() async throws {
        let configMaps = try await client.mapper.mapping(for: Self.configMap)
        #expect(configMaps.resource == GroupVersionResource(group: "", version: "v1", resource: "configmaps"))
        #expect(configMaps.namespaced)
        #expect(try await client.mapper.mapping(for: Self.namespace).namespaced == false)
        #expect(try await client.mapper.mapping(for: GroupVersionResource(group: "", version: "v1", resource: "cm")) == configMaps)
        await #expect(throws: KubeClientError.noKindMatch(Self.widget)) {
            _ = try await client.mapper.mapping(for: Self.widget)
        }
        // The kind becomes served (a CRD was established): the next miss reads discovery again.
        _ = try await client.send(method: "POST", path: "/fake/serve-widgets")
        let widgets = try await client.mapper.mapping(for: Self.widget)
        #expect(widgets.resource.resource == "widgets")
        #expect(widgets.subresources == ["status"])
        let discovery = try #require(client.discovery)
        #expect(await discovery.refreshCount == 3)
    }

    @Test func concurrentLookupsShareOneDiscoveryRead() async throws {
        let client = client
        try await withThrowingTaskGroup(of: ResourceMapping.self) { group in
            for _ in 0..<16 { group.addTask { try await client.mapper.mapping(for: Self.configMap) } }
            for try await mapping in group { #expect(mapping.resource.resource == "configmaps") }
        }
        #expect(await client.discovery?.refreshCount == 1)
    }

    @Test func clientSideRateLimit() async throws {
        // 20 requests per second with a burst of 1: five requests cannot finish in less than 200 ms.
        let limited = try KubeClient(configuration: ClientConfiguration(server: peer.base, qps: 20, burst: 1))
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<5 { _ = try await limited.send(path: "/fake/requests") }
        #expect(clock.now - start >= .milliseconds(200))
    }

    @Test func legacyDiscovery() async throws {
        let legacy = try LoopbackPeer(script: "fakeapiserver.py", arguments: ["--legacy-discovery"])
        let client = try KubeClient(configuration: ClientConfiguration(server: legacy.base, qps: 0))
        _ = try await client.send(method: "POST", path: "/fake/serve-widgets")
        let widgets = try await client.mapper.mapping(for: Self.widget)
        #expect(widgets.namespaced)
        #expect(widgets.subresources == ["status"])
        #expect(try await client.mapper.mapping(for: Self.namespace).resource.resource == "namespaces")
        #expect(try await client.mapper.mappings(for: GroupKind(group: "example.com", kind: "Widget")).count == 1)
    }

    @Test func createGetUpdateDelete() async throws {
        let created = try await client.create(configMap("cm"))
        #expect(!created.uid.isEmpty)
        #expect(!created.resourceVersion.isEmpty)
        let fetched = try await client.get(Self.configMap, namespace: "demo", name: "cm")
        #expect(fetched.object["data"] == ["k": "v"])
        // The client's default namespace fills an empty one.
        #expect(try await client.get(Self.configMap, name: "cm").uid == created.uid)

        let exists = await #expect(throws: KubeError.self) { _ = try await client.create(configMap("cm")) }
        #expect(exists?.isAlreadyExists == true)

        var changed = fetched
        changed.object["data"] = ["k": "w"]
        let updated = try await client.update(changed)
        #expect(updated.object["data"] == ["k": "w"])
        // The old resourceVersion now conflicts.
        let conflict = await #expect(throws: KubeError.self) { _ = try await client.update(changed) }
        #expect(conflict?.isConflict == true)
        #expect(conflict?.details?.name == "cm")

        #expect(try await client.delete(Self.configMap, namespace: "demo", name: "cm") == .deleted)
        let missing = await #expect(throws: KubeError.self) { _ = try await client.get(Self.configMap, namespace: "demo", name: "cm") }
        #expect(missing?.isNotFound == true)
        #expect(try await client.getIfExists(Self.configMap, namespace: "demo", name: "cm") == nil)
    }

    @Test func createWithResourceVersionIsAnUnretriedInternalError() async throws {
        var object = configMap("rv")
        object.resourceVersion = "5"
        let error = await #expect(throws: KubeError.self) { _ = try await client.create(object) }
        #expect(error?.isInternalError == true)
        #expect(try await requests().count == 1)
    }

    @Test func listWithSelectorsAndPaging() async throws {
        for index in 0..<5 {
            _ = try await client.create(configMap("cm-\(index)", labels: ["app": index % 2 == 0 ? "even" : "odd"]))
        }
        let page = try await client.list(Self.configMap, namespace: "demo", options: ListOptions(limit: 2))
        #expect(page.items.map(\.name) == ["cm-0", "cm-1"])
        #expect(page.items.allSatisfy { $0.kind == "ConfigMap" && $0.apiVersion == "v1" })
        #expect(!page.continueToken.isEmpty)
        #expect(page.remainingItemCount == 3)
        let all = try await client.listAll(Self.configMap, namespace: "demo", options: ListOptions(limit: 2))
        #expect(all.items.map(\.name) == (0..<5).map { "cm-\($0)" })
        #expect(all.continueToken.isEmpty)
        let even = try await client.list(Self.configMap, namespace: nil, options: ListOptions(labelSelector: "app=even"))
        #expect(even.items.map(\.name) == ["cm-0", "cm-2", "cm-4"])
        #expect(!even.resourceVersion.isEmpty)
    }

    @Test func patchTypes() async throws {
        _ = try await client.create(configMap("p"))
        let merged = try await client.patch(Self.configMap, namespace: "demo", name: "p", patch: .merge(["data": ["m": "1"]]))
        #expect(merged.object["data"] == ["k": "v", "m": "1"])
        let jsonPatched = try await client.patch(
            Self.configMap, namespace: "demo", name: "p",
            patch: .json([["op": "replace", "path": "/data/k", "value": "j"], ["op": "remove", "path": "/data/m"]]))
        #expect(jsonPatched.object["data"] == ["k": "j"])
        let strategic = try await client.patch(Self.configMap, namespace: "demo", name: "p",
                                               patch: .strategicMerge(["data": ["s": "2"]]))
        #expect(strategic.object["data"] == ["k": "j", "s": "2"])
        let failedTest = await #expect(throws: KubeError.self) {
            _ = try await client.patch(Self.configMap, namespace: "demo", name: "p",
                                       patch: .json([["op": "test", "path": "/data/k", "value": "nope"]]))
        }
        #expect(failedTest?.isInvalid == true)
        let seen = try await requests().suffix(4).map { $0["contentType"]?.stringValue ?? "" }
        #expect(seen == ["application/merge-patch+json", "application/json-patch+json",
                         "application/strategic-merge-patch+json", "application/json-patch+json"])

        _ = try await client.send(method: "POST", path: "/fake/serve-widgets")
        var widget = KubeObject(apiVersion: "example.com/v1", kind: "Widget", namespace: "demo", name: "w")
        widget.spec = ["size": 1]
        _ = try await client.create(widget)
        let unsupported = await #expect(throws: KubeError.self) {
            _ = try await client.patch(Self.widget, namespace: "demo", name: "w", patch: .strategicMerge(["spec": ["size": 2]]))
        }
        #expect(unsupported?.isUnsupportedMediaType == true)
    }

    @Test func serverSideApply() async throws {
        var intent = configMap("applied", data: ["a": "1"])
        let created = try await client.apply(intent, options: ApplyOptions(fieldManager: "stageset"))
        #expect(created.object["data"] == ["a": "1"])
        let request = try #require(try await requests().last)
        #expect(request["contentType"] == "application/apply-patch+yaml")
        #expect(request["query"] == ["fieldManager": "stageset"])
        #expect(request["method"] == "PATCH")

        // Another manager owns the fields: conflict, unless forced.
        _ = try await client.patch(Self.configMap, namespace: "demo", name: "applied",
                                   patch: .merge(["metadata": ["annotations": ["fake/manager": "kubectl"]]]))
        intent.object["data"] = ["a": "2"]
        intent.setValue([["manager": "x"]], at: ["metadata", "managedFields"])
        let conflict = await #expect(throws: KubeError.self) {
            _ = try await client.apply(intent, options: ApplyOptions(fieldManager: "stageset"))
        }
        #expect(conflict?.isApplyConflict == true)
        let forced = try await client.apply(intent, options: ApplyOptions(fieldManager: "stageset", force: true))
        #expect(forced.object["data"] == ["a": "2"])
        let last = try #require(try await requests().last)
        #expect(last["query"] == ["fieldManager": "stageset", "force": "true"])
        // managedFields is never sent in an apply body.
        #expect(try JSON.decode(last["body"]?.stringValue ?? "")["metadata"]?["managedFields"] == nil)
    }

    @Test func statusSubresource() async throws {
        _ = try await client.send(method: "POST", path: "/fake/serve-widgets")
        var widget = KubeObject(apiVersion: "example.com/v1", kind: "Widget", namespace: "demo", name: "w")
        widget.spec = ["size": 1]
        widget.status = ["phase": "ignored"]
        let created = try await client.create(widget)
        #expect(created.status == nil)
        var withStatus = created
        withStatus.status = ["phase": "Ready"]
        withStatus.spec = ["size": 99]
        let updated = try await client.updateStatus(withStatus)
        #expect(updated.status == ["phase": "Ready"])
        #expect(updated.spec == ["size": 1])
        let patched = try await client.patchStatus(Self.widget, namespace: "demo", name: "w",
                                                   patch: .merge(["status": ["phase": "Done"]]))
        #expect(patched.status == ["phase": "Done"])
        #expect(try await requests().last?["path"] == "/apis/example.com/v1/namespaces/demo/widgets/w/status")
        let status = try await client.get(Self.widget, namespace: "demo", name: "w", subresource: "status")
        #expect(status.status == ["phase": "Done"])
    }

    @Test func deleteWithFinalizersPreconditionsAndDryRun() async throws {
        var object = configMap("f")
        object.finalizers = ["example.com/keep"]
        let created = try await client.create(object)

        let dryRun = try await client.delete(Self.configMap, namespace: "demo", name: "f", options: DeleteOptions(dryRun: .all))
        #expect(dryRun == .deleted)
        #expect(try await client.get(Self.configMap, namespace: "demo", name: "f").isBeingDeleted == false)

        let mismatch = await #expect(throws: KubeError.self) {
            _ = try await client.delete(Self.configMap, namespace: "demo", name: "f",
                                        options: DeleteOptions(preconditionUID: "not-the-uid"))
        }
        #expect(mismatch?.isConflict == true)

        let result = try await client.delete(
            Self.configMap, namespace: "demo", name: "f",
            options: DeleteOptions(propagationPolicy: .foreground, preconditionUID: created.uid))
        guard case .pending(let pending) = result else {
            Issue.record("expected a pending deletion, got \(result)")
            return
        }
        #expect(pending.isBeingDeleted)
        let body = try JSON.decode(try await requests().last?["body"]?.stringValue ?? "")
        #expect(body == ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground",
                         "preconditions": ["uid": .string(created.uid)]])
        // Removing the last finalizer completes the deletion.
        _ = try await client.patch(Self.configMap, namespace: "demo", name: "f", patch: .merge(["metadata": ["finalizers": nil]]))
        #expect(try await client.getIfExists(Self.configMap, namespace: "demo", name: "f") == nil)
    }

    @Test func dryRunCreateStoresNothing() async throws {
        let answer = try await client.create(configMap("dry"), options: WriteOptions(dryRun: .all, fieldManager: "m"))
        #expect(answer.name == "dry")
        #expect(try await client.getIfExists(Self.configMap, namespace: "demo", name: "dry") == nil)
        #expect(try await requests().last?["query"] == ["dryRun": "All", "fieldManager": "m"])
    }

    @Test func clusterScopedObjects() async throws {
        let created = try await client.create(KubeObject(apiVersion: "v1", kind: "Namespace", name: "tenant"))
        #expect(created.namespace.isEmpty)
        #expect(try await requests().last?["path"] == "/api/v1/namespaces")
        #expect(try await client.get(Self.namespace, name: "tenant").uid == created.uid)
    }

    @Test func serviceAccountTokenRequest() async throws {
        _ = try await client.create(KubeObject(apiVersion: "v1", kind: "ServiceAccount", namespace: "demo", name: "deployer"))
        let token = try await client.requestToken(serviceAccount: "deployer", namespace: "demo", audiences: ["api"],
                                                  expirationSeconds: 600)
        #expect(token.token == "token-for-deployer")
        #expect(token.audiences == ["api"])
        #expect(token.expirationTimestamp == Timestamp(year: 2030, month: 1, day: 1))
        let request = try #require(try await requests().last)
        #expect(request["path"] == "/api/v1/namespaces/demo/serviceaccounts/deployer/token")
        #expect(try JSON.decode(request["body"]?.stringValue ?? "") == [
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest",
            "spec": ["audiences": ["api"], "expirationSeconds": 600],
        ])
        let missing = await #expect(throws: KubeError.self) {
            _ = try await client.requestToken(serviceAccount: "nobody", namespace: "demo")
        }
        #expect(missing?.isNotFound == true)
    }
}
