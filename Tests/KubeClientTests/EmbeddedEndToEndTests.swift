import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import Testing
import YAML

/// Every verb end to end over real HTTPS against `KubeEmbedded`, configured from the kubeconfig it writes.
@Suite(.timeLimit(.minutes(2)))
struct EmbeddedEndToEndTests {
    static let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
    static let deployment = GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")
    static let widget = GroupVersionKind(group: "example.com", version: "v1", kind: "Widget")
    static let crd = GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition")

    /// Starts a server on an ephemeral loopback port, runs `body`, stops the server.
    private func withStartedServer(_ body: (EmbeddedAPIServer) async throws -> Void) async throws {
        let server = try EmbeddedAPIServer()
        try await server.start()
        do {
            try await body(server)
        } catch {
            try? await server.shutdown()
            throw error
        }
        try await server.shutdown()
    }

    /// Also hands `body` a client configured from the kubeconfig file the server writes.
    private func withServer(_ body: (EmbeddedAPIServer, KubeClient) async throws -> Void) async throws {
        try await withStartedServer { server in
            let path = try Fixtures.temporaryDirectory() + "/kubeconfig"
            try server.writeKubeconfig(to: path)
            try await body(server, try KubeClient(kubeconfig: path))
        }
    }

    private func configMap(_ name: String, data: JSONValue = ["k": "v"], labels: [String: String] = [:]) -> KubeObject {
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: name)
        object.object["data"] = data
        object.labels = labels
        return object
    }

    /// Watches one object until `done` holds for it (the watch starts with the current state).
    private func waitFor(_ client: KubeClient, _ gvk: GroupVersionKind, namespace: String? = nil, name: String,
                         until done: (KubeObject) -> Bool) async throws {
        let events = try await client.watch(gvk, namespace: namespace,
                                            options: WatchOptions(fieldSelector: "metadata.name=\(name)"))
        for try await event in events where event.type != .deleted && event.type != .bookmark {
            if done(event.object) { return }
        }
        Issue.record("watch ended before \(name) was ready")
    }

    /// Creates the widgets CRD (fixture of the server's tests) and waits until it is Established.
    private func installWidgets(_ client: KubeClient) async throws {
        let path = Fixtures.directory + "/../embedded/widgets-crd.yaml"
        let crd = try #require(KubeObject(json: try YAML.decode(try String(contentsOfFile: path, encoding: .utf8))))
        _ = try await client.create(crd)
        try await waitFor(client, Self.crd, name: "widgets.example.com") { object in
            object.conditions.contains { $0.type == "Established" && $0.status == .true }
        }
    }

    @Test func discoveryFindsBuiltInsAndNewCRDs() async throws {
        try await withServer { _, client in
            let deployments = try await client.mapper.mapping(for: Self.deployment)
            #expect(deployments.resource == GroupVersionResource(group: "apps", version: "v1", resource: "deployments"))
            #expect(deployments.namespaced)
            #expect(deployments.subresources.contains("status"))
            #expect(try await client.mapper.mapping(for: GroupVersionKind(group: "", version: "v1", kind: "Namespace")).namespaced == false)
            await #expect(throws: KubeClientError.self) { _ = try await client.mapper.mapping(for: Self.widget) }
            try await installWidgets(client)
            // Refresh on a miss: the CRD established a moment ago resolves.
            let widgets = try await client.mapper.mapping(for: Self.widget)
            #expect(widgets.resource.resource == "widgets")
            #expect(widgets.subresources.contains("status"))
        }
    }

    @Test func createGetUpdateListDelete() async throws {
        try await withServer { _, client in
            let created = try await client.create(configMap("cm"))
            #expect(!created.uid.isEmpty)
            #expect(try await client.get(Self.configMap, namespace: "default", name: "cm").uid == created.uid)
            let exists = await #expect(throws: KubeError.self) { _ = try await client.create(configMap("cm")) }
            #expect(exists?.isAlreadyExists == true)

            var changed = created
            changed.object["data"] = ["k": "w"]
            let updated = try await client.update(changed)
            #expect(updated.object["data"] == ["k": "w"])
            #expect(updated.resourceVersion != created.resourceVersion)
            let conflict = await #expect(throws: KubeError.self) { _ = try await client.update(changed) }
            #expect(conflict?.isConflict == true)

            for index in 0..<5 {
                _ = try await client.create(configMap("page-\(index)", labels: ["tier": index < 2 ? "web" : "db"]))
            }
            let page = try await client.list(Self.configMap, namespace: "default", options: ListOptions(limit: 2))
            #expect(page.items.count == 2)
            #expect(!page.continueToken.isEmpty)
            let all = try await client.listAll(Self.configMap, namespace: "default", options: ListOptions(labelSelector: "tier", limit: 2))
            #expect(all.items.map(\.name) == (0..<5).map { "page-\($0)" })
            let web = try await client.list(Self.configMap, namespace: nil, options: ListOptions(labelSelector: "tier=web"))
            #expect(web.items.map(\.name) == ["page-0", "page-1"])
            #expect(web.items.allSatisfy { $0.kind == "ConfigMap" })
            let byName = try await client.list(Self.configMap, namespace: "default", options: ListOptions(fieldSelector: "metadata.name=cm"))
            #expect(byName.items.map(\.name) == ["cm"])

            #expect(try await client.delete(Self.configMap, namespace: "default", name: "cm") == .deleted)
            let missing = await #expect(throws: KubeError.self) { _ = try await client.get(Self.configMap, namespace: "default", name: "cm") }
            #expect(missing?.isNotFound == true)
            #expect(missing?.details?.name == "cm")
        }
    }

    @Test func patchesAndServerSideApply() async throws {
        try await withServer { _, client in
            _ = try await client.create(configMap("p"))
            let merged = try await client.patch(Self.configMap, namespace: "default", name: "p", patch: .merge(["data": ["m": "1"]]))
            #expect(merged.object["data"] == ["k": "v", "m": "1"])
            let json = try await client.patch(Self.configMap, namespace: "default", name: "p",
                                              patch: .json([["op": "remove", "path": "/data/m"]]))
            #expect(json.object["data"] == ["k": "v"])
            let strategic = try await client.patch(Self.configMap, namespace: "default", name: "p",
                                                   patch: .strategicMerge(["data": ["s": "1"]]))
            #expect(strategic.object["data"] == ["k": "v", "s": "1"])
            let failed = await #expect(throws: KubeError.self) {
                _ = try await client.patch(Self.configMap, namespace: "default", name: "p",
                                           patch: .json([["op": "test", "path": "/data/k", "value": "nope"]]))
            }
            #expect(failed?.isInvalid == true)

            let owned = try await client.apply(configMap("ssa", data: ["a": "1"]), options: ApplyOptions(fieldManager: "first"))
            #expect(owned.object["data"] == ["a": "1"])
            let conflict = await #expect(throws: KubeError.self) {
                _ = try await client.apply(configMap("ssa", data: ["a": "2"]), options: ApplyOptions(fieldManager: "second"))
            }
            #expect(conflict?.isApplyConflict == true)
            #expect(conflict?.details?.causes.first?.field == ".data.a")
            let forced = try await client.apply(configMap("ssa", data: ["a": "2"]), options: ApplyOptions(fieldManager: "second", force: true))
            #expect(forced.object["data"] == ["a": "2"])
            let dry = try await client.apply(configMap("ssa", data: ["a": "3"]),
                                             options: ApplyOptions(fieldManager: "second", dryRun: .all))
            #expect(dry.object["data"] == ["a": "3"])
            #expect(try await client.get(Self.configMap, namespace: "default", name: "ssa").object["data"] == ["a": "2"])
        }
    }

    @Test func statusSubresourceOfACustomResource() async throws {
        try await withServer { _, client in
            try await installWidgets(client)
            var widget = KubeObject(apiVersion: "example.com/v1", kind: "Widget", namespace: "default", name: "w")
            widget.spec = ["size": 1]
            let created = try await client.create(widget)
            #expect(created.generation == 1)
            var status = created
            status.status = ["observedGeneration": 1]
            status.spec = ["size": 50]
            let updated = try await client.updateStatus(status)
            #expect(updated.status?["observedGeneration"] == 1)
            #expect(updated.spec?["size"] == 1)
            #expect(updated.generation == 1)
            let patched = try await client.patchStatus(Self.widget, namespace: "default", name: "w",
                                                       patch: .merge(["status": ["observedGeneration": 2]]))
            #expect(patched.status?["observedGeneration"] == 2)
            let unsupported = await #expect(throws: KubeError.self) {
                _ = try await client.patch(Self.widget, namespace: "default", name: "w", patch: .strategicMerge(["spec": ["size": 2]]))
            }
            #expect(unsupported?.isUnsupportedMediaType == true)
        }
    }

    @Test func deletionWithFinalizersPreconditionsAndDryRun() async throws {
        try await withServer { _, client in
            var object = configMap("f")
            object.finalizers = ["example.com/keep"]
            let created = try await client.create(object)
            _ = try await client.delete(Self.configMap, namespace: "default", name: "f", options: DeleteOptions(dryRun: .all))
            #expect(try await client.get(Self.configMap, namespace: "default", name: "f").isBeingDeleted == false)
            let mismatch = await #expect(throws: KubeError.self) {
                _ = try await client.delete(Self.configMap, namespace: "default", name: "f",
                                            options: DeleteOptions(preconditionResourceVersion: "1"))
            }
            #expect(mismatch?.isConflict == true)
            let result = try await client.delete(Self.configMap, namespace: "default", name: "f",
                                                 options: DeleteOptions(propagationPolicy: .background, preconditionUID: created.uid))
            guard case .pending(let pending) = result else {
                Issue.record("expected a pending deletion, got \(result)")
                return
            }
            #expect(pending.isBeingDeleted)
            _ = try await client.patch(Self.configMap, namespace: "default", name: "f",
                                       patch: .merge(["metadata": ["finalizers": nil]]))
            #expect(try await client.getIfExists(Self.configMap, namespace: "default", name: "f") == nil)

            let dryCreate = try await client.create(configMap("dry"), options: WriteOptions(dryRun: .all))
            #expect(dryCreate.resourceVersion.isEmpty)
            #expect(try await client.getIfExists(Self.configMap, namespace: "default", name: "dry") == nil)
        }
    }

    @Test func watchEventsAndExpiry() async throws {
        try await withServer { server, client in
            let list = try await client.list(Self.configMap, namespace: "default")
            let stream = try await client.watch(Self.configMap, namespace: "default",
                                                options: WatchOptions(resourceVersion: list.resourceVersion))
            // Bookmarks may come at any time; the changes come in order.
            var events = stream.filter { $0.type != .bookmark }.makeAsyncIterator()
            let created = try await client.create(configMap("w"))
            let added = try #require(try await events.next())
            #expect(added.type == .added)
            #expect(added.object.uid == created.uid)
            _ = try await client.patch(Self.configMap, namespace: "default", name: "w", patch: .merge(["data": ["k": "2"]]))
            #expect(try await events.next()?.type == .modified)
            _ = try await client.delete(Self.configMap, namespace: "default", name: "w")
            let deleted = try #require(try await events.next())
            #expect(deleted.type == .deleted)
            #expect(deleted.object.name == "w")

            server.compactWatchHistory()
            let old = try await client.watch(Self.configMap, namespace: "default",
                                             options: WatchOptions(resourceVersion: list.resourceVersion))
            let error = await #expect(throws: KubeError.self) { for try await _ in old {} }
            #expect(error?.isResourceExpired == true)
        }
    }

    @Test func informerAgainstTheServer() async throws {
        try await withServer { _, client in
            _ = try await client.create(configMap("seed"))
            let informer = Informer(client: client, gvk: Self.configMap, namespace: "default")
            var events = informer.events().makeAsyncIterator()
            let running = Task { await informer.run() }
            defer { running.cancel() }
            guard case .added(let seed) = await events.next() else {
                Issue.record("expected the seed object")
                return
            }
            #expect(seed.name == "seed")
            #expect(await events.next() == .synced)
            let created = try await client.create(configMap("later"))
            #expect(await events.next() == .added(created))
            #expect(informer.list().map(\.name) == ["later", "seed"])
        }
    }

    @Test func impersonationTokenRequestAndRBAC() async throws {
        try await withServer { _, client in
            _ = try await client.create(configMap("secret-ish"))
            let alice = client.impersonating(Impersonation(user: "alice"))
            let denied = await #expect(throws: KubeError.self) {
                _ = try await alice.get(Self.configMap, namespace: "default", name: "secret-ish")
            }
            #expect(denied?.isForbidden == true)
            #expect(denied?.message.contains("User \"alice\" cannot get resource \"configmaps\"") == true)

            let role: JSONValue = [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": ["name": "reader", "namespace": "default"],
                "rules": [["apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]]],
            ]
            let binding: JSONValue = [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": ["name": "reader", "namespace": "default"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"],
                "subjects": [
                    ["kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"],
                    ["kind": "ServiceAccount", "name": "deployer", "namespace": "default"],
                ],
            ]
            _ = try await client.create(try #require(KubeObject(json: role)))
            _ = try await client.create(try #require(KubeObject(json: binding)))
            #expect(try await alice.get(Self.configMap, namespace: "default", name: "secret-ish").name == "secret-ish")

            _ = try await client.create(KubeObject(apiVersion: "v1", kind: "ServiceAccount", namespace: "default", name: "deployer"))
            let token = try await client.requestToken(serviceAccount: "deployer", namespace: "default", expirationSeconds: 3600)
            #expect(!token.token.isEmpty)
            #expect(token.expirationTimestamp != nil)
            let deployer = client.authenticating(with: .bearerToken(token.token))
            #expect(try await deployer.list(Self.configMap, namespace: "default").items.map(\.name) == ["secret-ish"])
            let cannotWrite = await #expect(throws: KubeError.self) { _ = try await deployer.create(configMap("nope")) }
            #expect(cannotWrite?.isForbidden == true)
            #expect(cannotWrite?.message.contains("system:serviceaccount:default:deployer") == true)

            let tooShort = await #expect(throws: KubeError.self) {
                _ = try await client.requestToken(serviceAccount: "deployer", namespace: "default", expirationSeconds: 60)
            }
            #expect(tooShort?.isInvalid == true)
            let stranger = client.authenticating(with: .bearerToken("not-a-token"))
            let unauthorized = await #expect(throws: KubeError.self) { _ = try await stranger.list(Self.configMap, namespace: "default") }
            #expect(unauthorized?.isUnauthorized == true)
        }
    }

    @Test func inClusterConfigurationWithTokenRotation() async throws {
        try await withStartedServer { server in
            let directory = try Fixtures.temporaryDirectory()
            try server.caCertificatePEM.write(toFile: directory + "/ca.crt", atomically: true, encoding: .utf8)
            try "default\n".write(toFile: directory + "/namespace", atomically: true, encoding: .utf8)
            try "not-yet-valid\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            let environment = ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port)]
            let client = try KubeClient(configuration: ClientConfiguration.inCluster(environment: environment, directory: directory))
            #expect(client.configuration.server == server.url)

            let rejected = await #expect(throws: KubeError.self) { _ = try await client.send(path: "/api/v1/namespaces/default/configmaps") }
            #expect(rejected?.isUnauthorized == true)
            // The kubelet rotates the projected token: the next 401 makes the client read the file again.
            try "\(server.adminToken)\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
            let list = try await client.list(Self.configMap, namespace: "default")
            #expect(list.kind == "ConfigMapList")
        }
    }

    @Test func retriesThroughInjectedFaults() async throws {
        try await withStartedServer { server in
            let path = try Fixtures.temporaryDirectory() + "/kubeconfig"
            try server.writeKubeconfig(to: path)
            var configuration = try ClientConfiguration.load(kubeconfig: path)
            // Retry-After (1 s) is honoured up to maxDelay; keep the test fast.
            configuration.retry = RetryPolicy(maxRetries: 40, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5))
            let client = try KubeClient(configuration: configuration)
            _ = try await client.create(configMap("flaky"))

            // Half of all reads fail with 503: every read still succeeds through retries
            // (a failure needs 41 failed attempts in a row).
            server.setFaults(FaultInjection(errorRates: ["get": 0.5, "list": 0.5], errorCode: 503))
            for _ in 0..<10 {
                #expect(try await client.get(Self.configMap, namespace: "default", name: "flaky").name == "flaky")
            }
            server.setFaults(FaultInjection(errorRates: ["get": 0.5], errorCode: 429))
            for _ in 0..<10 {
                #expect(try await client.get(Self.configMap, namespace: "default", name: "flaky").name == "flaky")
            }

            // Every read fails: the server's error comes back once the retries are spent.
            server.setFaults(FaultInjection(errorRates: ["get": 1], errorCode: 503))
            let limited = try KubeClient(configuration: {
                var limited = configuration
                limited.retry = RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5))
                return limited
            }())
            let error = await #expect(throws: KubeError.self) {
                _ = try await limited.get(Self.configMap, namespace: "default", name: "flaky")
            }
            #expect(error?.isServiceUnavailable == true)
            #expect(error?.retryAfterSeconds == 1)
        }
    }

    @Test func informerRelistsWhenItsResourceVersionIsCompacted() async throws {
        try await withServer { server, client in
            // Watches are refused until the end of the outage; the informer lists, then keeps retrying the watch.
            server.setFaults(FaultInjection(errorRates: ["watch": 1], errorCode: 503))
            let informer = Informer(client: client, gvk: Self.configMap, namespace: "default",
                                    backoff: RetryPolicy(maxRetries: .max, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20)))
            var events = informer.events().makeAsyncIterator()
            let running = Task { await informer.run() }
            defer { running.cancel() }
            #expect(await events.next() == .synced)

            // A change the informer cannot see, then the history is compacted past its resourceVersion.
            let missed = try await client.create(configMap("missed"))
            server.compactWatchHistory()
            server.setFaults(.none)
            // Resuming fails with 410 Expired; the informer lists again and publishes the difference.
            #expect(await events.next() == .added(missed))
            #expect(informer.listCount == 2)
            #expect(informer.watchCount >= 2)

            // And it is watching again.
            let later = try await client.create(configMap("later"))
            #expect(await events.next() == .added(later))
        }
    }

    @Test func actingAsAServiceAccountRemintsAfterRecreation() async throws {
        try await withServer { _, client in
            let serviceAccount = GroupVersionKind(group: "", version: "v1", kind: "ServiceAccount")
            _ = try await client.create(KubeObject(apiVersion: "v1", kind: "ServiceAccount", namespace: "default", name: "tenant"))
            let binding: JSONValue = [
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": ["name": "tenant-view", "namespace": "default"],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"],
                "subjects": [["kind": "ServiceAccount", "name": "tenant", "namespace": "default"]],
            ]
            _ = try await client.create(try #require(KubeObject(json: binding)))
            _ = try await client.create(configMap("visible"))

            let tenant = client.actingAs(serviceAccount: "tenant", namespace: "default", expirationSeconds: 3600)
            guard case .serviceAccount(let source) = tenant.credentials else {
                Issue.record("expected ServiceAccount credentials")
                return
            }
            #expect(try await tenant.list(Self.configMap, namespace: "default").items.map(\.name) == ["visible"])
            #expect(try await tenant.get(Self.configMap, namespace: "default", name: "visible").name == "visible")
            #expect(source.mintCount == 1)
            let forbidden = await #expect(throws: KubeError.self) { _ = try await tenant.create(configMap("no")) }
            #expect(forbidden?.isForbidden == true)

            // Re-creating the ServiceAccount invalidates its tokens: the 401 makes the client mint a new one.
            _ = try await client.delete(serviceAccount, namespace: "default", name: "tenant")
            _ = try await client.create(KubeObject(apiVersion: "v1", kind: "ServiceAccount", namespace: "default", name: "tenant"))
            #expect(try await tenant.get(Self.configMap, namespace: "default", name: "visible").name == "visible")
            #expect(source.mintCount == 2)
        }
    }
}
