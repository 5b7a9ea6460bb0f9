import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

@Suite("Persistence and watch fan-out")
struct PersistenceFanOutTests {
    @Test func objectsSurviveARestartWithADataDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-embedded-data-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var options = EmbeddedAPIServer.Options.quiet
        options.dataDirectory = directory
        let (version, token, ca) = try await withHarness(options: options) { (harness: Harness) async throws -> (String, String, String) in
            try await harness.installWidgets()
            let widget = try await harness.request("PATCH", "/apis/example.com/v1/namespaces/default/widgets/w1?fieldManager=test",
                                                   body: try fixture("widget.yaml"), contentType: "application/apply-patch+yaml")
            #expect(widget.status == 201)
            #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm).status == 201)
            return (harness.server.currentResourceVersion, harness.server.adminToken, harness.server.caCertificatePEM)
        }
        try await withHarness(options: options) { harness in
            #expect(harness.server.adminToken == token)
            #expect(harness.server.caCertificatePEM == ca)
            #expect(harness.server.currentResourceVersion == version)
            let widget = try await harness.request("GET", "/apis/example.com/v1/namespaces/default/widgets/w1")
            #expect(widget.status == 200)
            #expect(widget.json?["spec"]?["size"] == 3)
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/demo").json?["data"] == ["a": "1"])
            let next = try await harness.request("POST", "/api/v1/namespaces/default/configmaps",
                                           body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"after"}}"#)
            let nextVersion = Int(next.json?["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0
            #expect(nextVersion == (Int(version) ?? 0) + 1)
        }
    }

    @Test func runUntilCancelledServesThenStops() async throws {
        let server = try EmbeddedAPIServer(options: .quiet)
        try await server.start()
        let running = Task { try await server.runUntilCancelled() }
        let url = server.url
        #expect(url.hasPrefix("https://127.0.0.1:"))
        running.cancel()
        try await running.value
        #expect(server.port == 0, "the listener is closed")
    }

    @Test func everyWatcherSeesEveryEventInOrder() async throws {
        try await withHarness { harness in
            let list = try #require(try await harness.request("GET", "/api/v1/namespaces/default/configmaps").json)
            let version = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
            let count = 16
            var watchers: [Task<[JSONValue], any Error>] = []
            for _ in 0..<count {
                watchers.append(Task {
                    try await harness.watchEvents("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(version)&timeoutSeconds=60")
                })
            }
            for _ in 0..<2000 where harness.server.activeWatchCount < count { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.activeWatchCount == count)
            for index in 0..<20 {
                let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-\#(index)"}}"#
                #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: body).status == 201)
            }
            // Ending the streams after the writes is ordered after every event already sent.
            harness.server.dropWatchStreams()
            for watcher in watchers {
                let names = try await watcher.value.compactMap { $0["object"]?["metadata"]?["name"]?.stringValue }
                #expect(names == (0..<20).map { "cm-\($0)" })
            }
        }
    }

    @Test func defaultUserFacingRoles() async throws {
        try await withHarness { (harness: Harness) async throws in
            let binding = #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"viewers"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},"subjects":[{"kind":"User","name":"carol"}]}"#
            #expect(try await harness.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", body: binding).status == 201)
            let headers = ["Impersonate-User: carol"]
            #expect(try await harness.request("GET", "/apis/apps/v1/namespaces/default/deployments", headers: headers).status == 200)
            #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm,
                                        headers: headers).status == 403)
        }
    }
}
