import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

/// Watch streams (spec §4.3), read with bounded `timeoutSeconds`.
@Suite("Watch")
struct WatchTests {
    static let base = "/api/v1/namespaces/default/configmaps"

    static func create(_ harness: Harness, _ name: String, labels: String = "{}") async throws -> JSONValue {
        let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)","labels":\#(labels)}}"#
        let response = try await harness.request("POST", base, body: body)
        #expect(response.status == 201)
        return try #require(response.json)
    }

    @Test func initialEventsThenChangesAndTimeout() async throws {
        try await withHarness { harness in
            _ = try await Self.create(harness, "a")
            _ = try await Self.create(harness, "b")
            let events = try await harness.watchEvents(Self.base + "?watch=true&timeoutSeconds=1")
            #expect(events.map { $0["type"] } == ["ADDED", "ADDED"])
            #expect(events.map { $0["object"]?["metadata"]?["name"] } == ["a", "b"])
            #expect(events.first?["object"]?["kind"] == "ConfigMap")
            #expect(harness.server.activeWatchCount == 0, "the timed-out watcher is removed")
        }
    }

    @Test func resumeFromResourceVersionSeesEveryChangeInOrder() async throws {
        try await withHarness { harness in
            let list = try #require(try await harness.request("GET", Self.base).json)
            let version = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
            let created = try await Self.create(harness, "a")
            var updated = created
            updated["data"] = ["k": "v"]
            #expect(try await harness.request("PUT", Self.base + "/a", body: JSON.encode(updated)).status == 200)
            #expect(try await harness.request("DELETE", Self.base + "/a").status == 200)
            let events = try await harness.watchEvents(Self.base + "?watch=1&resourceVersion=\(version)&timeoutSeconds=1")
            #expect(events.map { $0["type"] } == ["ADDED", "MODIFIED", "DELETED"])
            let versions = events.compactMap { $0["object"]?["metadata"]?["resourceVersion"]?.stringValue }.compactMap { Int($0) }
            #expect(versions == versions.sorted() && Set(versions).count == 3)
            #expect(events.last?["object"]?["data"] == ["k": "v"], "DELETED carries the last state")
        }
    }

    @Test func selectorTransitionsAndBookmarks() async throws {
        try await withHarness { harness in
            let created = try await Self.create(harness, "a", labels: #"{"app":"x"}"#)
            let version = try #require(created["metadata"]?["resourceVersion"]?.stringValue)
            #expect(try await harness.request("PATCH", Self.base + "/a", body: #"{"metadata":{"labels":{"app":"y"}}}"#,
                                        contentType: "application/merge-patch+json").status == 200)
            #expect(try await harness.request("PATCH", Self.base + "/a", body: #"{"metadata":{"labels":{"app":"x"}}}"#,
                                        contentType: "application/merge-patch+json").status == 200)
            let events = try await harness.watchEvents(
                Self.base + "?watch=true&labelSelector=app%3Dx&allowWatchBookmarks=true&resourceVersion=\(version)&timeoutSeconds=1")
            #expect(events.map { $0["type"] } == ["DELETED", "ADDED", "BOOKMARK"])
            #expect(events.first?["object"]?["metadata"]?["labels"]?["app"] == "x", "DELETED carries the previous content")
            #expect(events.last?["object"]?["kind"] == "ConfigMap")
        }
    }

    @Test func tooOldResourceVersionIsExpired() async throws {
        try await withHarness { harness in
            let first = try await Self.create(harness, "a")
            _ = try await Self.create(harness, "b")
            harness.server.compactWatchHistory()
            _ = try await Self.create(harness, "c")
            let version = try #require(first["metadata"]?["resourceVersion"]?.stringValue)
            let response = try await harness.request("GET", Self.base + "?watch=true&resourceVersion=\(version)&timeoutSeconds=5")
            #expect(response.status == 200)
            let events = response.body.split(separator: "\n").compactMap { try? JSON.decode(String($0)) }
            #expect(events.count == 1)
            #expect(events.first?["type"] == "ERROR")
            #expect(events.first?["object"]?["code"] == 410)
            #expect(events.first?["object"]?["reason"] == "Expired")
            #expect(events.first?["object"]?["message"]?.stringValue?.hasPrefix("too old resource version: \(version) (") == true)
        }
    }

    @Test func liveEventsReachAnOpenWatch() async throws {
        try await withHarness { harness in
            let list = try #require(try await harness.request("GET", Self.base).json)
            let version = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
            let watcher = Task {
                try await harness.watchEvents(Self.base + "?watch=true&resourceVersion=\(version)&timeoutSeconds=60")
            }
            // Wait (bounded) until the watcher is registered, then write.
            for _ in 0..<2000 where harness.server.activeWatchCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.activeWatchCount == 1)
            _ = try await Self.create(harness, "live")
            harness.server.dropWatchStreams()
            let events = try await watcher.value
            #expect(events.map { $0["type"] } == ["ADDED"])
            #expect(events.first?["object"]?["metadata"]?["name"] == "live")
        }
    }

    @Test func tooLargeResourceVersionAndWatchList() async throws {
        try await withHarness { harness in
            _ = try await Self.create(harness, "a")
            let future = try await harness.watchEvents(Self.base + "?watch=true&resourceVersion=999999&timeoutSeconds=5")
            #expect(future.count == 1)
            let huge = Task { try await harness.request("GET", Self.base + "?watch=true&timeoutSeconds=99999999999999") }
            for _ in 0..<2000 where harness.server.activeWatchCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.activeWatchCount == 1, "absurd timeouts are clamped, not trapped on")
            harness.server.dropWatchStreams()
            #expect(try await huge.value.status == 200)
            #expect(future.first?["type"] == "ERROR")
            #expect(future.first?["object"]?["code"] == 504)
            #expect(future.first?["object"]?["details"]?["causes"]?[0]?["reason"] == "ResourceVersionTooLarge")
            let list = try await harness.watchEvents(
                Self.base + "?watch=true&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1")
            #expect(list.map { $0["type"] } == ["ADDED", "BOOKMARK"])
            #expect(list.last?["object"]?["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == "true")
        }
    }

    @Test func slowWatchersAreDropped() async throws {
        var options = EmbeddedAPIServer.Options.quiet
        options.watchBufferLimit = 8
        try await heavyWork.run { [options] in try await withHarness(options: options) { harness in
            _ = try await Self.create(harness, "big")
            let stalled = Task { try await onThread { try harness.stalledWatch(Self.base + "?watch=true", seconds: 30) } }
            for _ in 0..<2000 where harness.server.activeWatchCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.activeWatchCount == 1)
            let payload = String(repeating: "x", count: 512 * 1024)
            var updates = 0
            while harness.server.activeWatchCount > 0, updates < 200 {
                let body = #"{"data":{"v":"\#(updates)-\#(payload)"}}"#
                #expect(try await harness.request("PATCH", Self.base + "/big", body: body,
                                                  contentType: "application/merge-patch+json").status == 200)
                updates += 1
            }
            #expect(harness.server.activeWatchCount == 0, "the stalled watcher was dropped after \(updates) updates")
            #expect(updates < 200)
            stalled.cancel()
        } }
    }

    @Test func kubectlTableWatch() async throws {
        try await withHarness { harness in
            _ = try await Self.create(harness, "shown")
            let response = try await harness.request(
                "GET", Self.base + "?watch=true&timeoutSeconds=1",
                headers: ["Accept: application/json;as=Table;v=v1;g=meta.k8s.io,application/json"])
            let event = try #require(response.body.split(separator: "\n").first.flatMap { try? JSON.decode(String($0)) })
            #expect(event["object"]?["kind"] == "Table")
            #expect(event["object"]?["rows"]?[0]?["cells"]?[0] == "shown")
        }
    }
}
