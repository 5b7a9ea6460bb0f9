import Foundation
import KubeAPI
import KubeClient
import KubeModel
import StageSetController
import StageSetTesting
import Testing

/// The walking skeleton end to end: the real controller over HTTPS against the embedded API server,
/// artifacts downloaded over HTTP from the embedded artifact server.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct RolloutTests {
    static let kinds: [GroupVersionKind] = [
        GroupVersionKind(group: "", version: "v1", kind: "Namespace"),
        GroupVersionKind(group: "apiextensions.k8s.io", version: "v1", kind: "CustomResourceDefinition"),
        GroupVersionKind(group: "apps", version: "v1", kind: "StatefulSet"),
        GroupVersionKind(group: "", version: "v1", kind: "Service"),
        GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"),
    ]

    @Test func quickstartRollsOutStageByStage() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        let recorder = CreationRecorder()
        let from = try await harness.client.list(Self.kinds[0]).resourceVersion
        let watches = try await recorder.watch(Self.kinds, client: harness.client, from: from)
        defer { watches.forEach { $0.cancel() } }

        let quickstart = Harness.repository + "/examples/quickstart"
        try await harness.environment.installQuickstart(directory: quickstart, logger: .init(label: "test"))
        let key = ObjectKey(namespace: "quickstart", name: "shop")
        let shop = try await harness.waitForStageSet(key, "quickstart Ready") { $0.ready?.status == .true }

        // Status: Ready with the reference reason, every stage Ready at its pinned revision.
        #expect(shop.ready?.reason == "Succeeded")
        #expect(shop.ready?.message == "Applied and verified 3 stage(s)")
        #expect(shop.json["status"]?["observedGeneration"]?.intValue == shop.generation)
        for stage in ["platform", "database", "app"] {
            let published = try #require(harness.artifacts.published(kind: .externalArtifact, namespace: "quickstart", name: stage))
            #expect(shop.stage(stage)?["phase"]?.stringValue == "Ready")
            #expect(shop.stage(stage)?["appliedRevision"]?.stringValue == published.revision)
            #expect(shop.json["status"]?["lastAppliedRevisions"]?["quickstart/\(stage)"]?.stringValue == published.revision)
        }
        #expect(shop.stageStatuses.map { $0["name"]?.stringValue } == ["platform", "database", "app"])

        // Order, by the resourceVersion at which each object was created: every object of a stage after
        // every object of the stage before, and the app only after the database reported ready.
        let created = await recorder.created
        let platform = [try #require(created["Namespace//shop"]),
                        try #require(created["CustomResourceDefinition//storefronts.shop.example.com"])]
        let database = [try #require(created["StatefulSet/shop/postgres"]), try #require(created["Service/shop/postgres"])]
        let app = [try #require(created["Deployment/shop/web"])]
        #expect(platform.max()! < database.min()!)
        #expect(database.max()! < app.min()!)
        let databaseReady = try #require(await recorder.firstReady["StatefulSet/shop/postgres"])
        #expect(databaseReady < app.min()!)
        // The custom object of stage 3 exists (its CRD came from stage 1) and carries the stage labels.
        let storefront = try await harness.client.get(
            GroupVersionKind(group: "shop.example.com", version: "v1", kind: "Storefront"), namespace: "shop", name: "main")
        #expect(storefront.labels["stages.metio.wtf/name"] == "shop")
        #expect(storefront.labels["stages.metio.wtf/namespace"] == "quickstart")
        #expect(storefront.labels["stages.metio.wtf/stage"] == "app")
        #expect(Int(storefront.resourceVersion)! > databaseReady)
    }

    @Test func failingJobStopsTheRunBeforeLaterStages() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: failing\n")
        try harness.publish("migrate", namespace: "failing", files: ["job.yaml": """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
              namespace: failing
              annotations:
                simulator.stages.metio.wtf/outcome: fail
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: migrate
                      image: busybox
            """])
        try harness.publish("app", namespace: "failing", files: ["cm.yaml": """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app-settings
              namespace: failing
            data:
              mode: production
            """])
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: release
              namespace: failing
            spec:
              timeout: 1m
              stages:
                - name: migrate
                  sourceRef: {name: migrate}
                - name: app
                  sourceRef: {name: app}
            """)
        let key = ObjectKey(namespace: "failing", name: "release")
        let release = try await harness.waitForStageSet(key, "StageFailed") { $0.ready?.status == .false }
        #expect(release.ready?.reason == "StageFailed")
        let message = release.ready?.message ?? ""
        #expect(message.contains("Job failing/migrate"), "message: \(message)")
        #expect(message.hasSuffix("(runbook: https://stageset.projects.metio.wtf/runbooks/stagefailed/)"))
        #expect(release.stage("migrate")?["phase"]?.stringValue == "Failed")
        #expect(release.stage("app")?["phase"]?.stringValue != "Ready")
        let settings = try await harness.client.getIfExists(
            GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "failing", name: "app-settings")
        #expect(settings == nil, "stage 2 must not be applied after stage 1 failed")
    }

    @Test func newRevisionRollsAgainAndDigestMismatchAppliesNothing() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: rev\n")
        func configMap(_ name: String, _ value: String) -> [String: String] {
            ["cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \(name)\n  namespace: rev\ndata:\n  value: \(value)\n"]
        }
        try harness.publish("one", namespace: "rev", files: configMap("one", "a"))
        let first = try harness.publish("two", namespace: "rev", files: configMap("two", "a"))
        try harness.publish("three", namespace: "rev", files: configMap("three", "a"))
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: chain
              namespace: rev
            spec:
              stages:
                - {name: one, sourceRef: {name: one}}
                - {name: two, sourceRef: {name: two}}
                - {name: three, sourceRef: {name: three}}
            """)
        let key = ObjectKey(namespace: "rev", name: "chain")
        try await harness.waitForStageSet(key, "first run Ready") { $0.ready?.status == .true }
        let configMapKind = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
        let oneBefore = try await harness.client.get(configMapKind, namespace: "rev", name: "one").resourceVersion

        // A new revision of stage 2: the watch on the ExternalArtifact starts a new run.
        let second = try harness.publish("two", namespace: "rev", files: configMap("two", "b"))
        #expect(second.revision != first.revision)
        let chain = try await harness.waitForStageSet(key, "second revision applied") {
            $0.ready?.status == .true && $0.json["status"]?["lastAppliedRevisions"]?["rev/two"]?.stringValue == second.revision
        }
        #expect(chain.stage("two")?["appliedRevision"]?.stringValue == second.revision)
        #expect(chain.stage("three")?["phase"]?.stringValue == "Ready")
        #expect(chain.json["status"]?["lastAttemptedRevisions"] == chain.json["status"]?["lastAppliedRevisions"])
        let two = try await harness.client.get(configMapKind, namespace: "rev", name: "two")
        #expect(two.json["data"]?["value"]?.stringValue == "b")
        // Stage 1 was re-applied with identical content: the server saw no change.
        #expect(try await harness.client.get(configMapKind, namespace: "rev", name: "one").resourceVersion == oneBefore)

        // Stage 3's source now advertises a digest its bytes do not have: the stage fails, nothing applied.
        try harness.publish("three", namespace: "rev", files: configMap("three-new", "c"))
        let eaKind = GroupVersionKind(group: "source.toolkit.fluxcd.io", version: "v1", kind: "ExternalArtifact")
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        _ = try await harness.client.patchStatus(
            eaKind, namespace: "rev", name: "three",
            patch: .merge(["status": ["artifact": ["digest": .string(wrong)]]]))
        let failed = try await harness.waitForStageSet(key, "digest mismatch") {
            $0.ready?.status == .false && $0.ready?.reason == "StageFailed"
        }
        let message = failed.ready?.message ?? ""
        #expect(message.contains("digest"), "message: \(message)")
        #expect(message.contains(wrong), "message: \(message)")
        #expect(try await harness.client.getIfExists(configMapKind, namespace: "rev", name: "three-new") == nil)
    }

    @Test func sourceNotReadyHoldsAndClearsWhenTheSourceRecovers() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: waiting\n")
        try harness.publish("web", namespace: "waiting", kind: .gitRepository, files: [
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: waiting\n",
        ])
        try harness.artifacts.markNotReady(
            kind: .gitRepository, namespace: "waiting", name: "web", reason: "GitOperationFailed",
            message: "failed to checkout and determine revision")
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: web
              namespace: waiting
            spec:
              retryInterval: 1h
              stages:
                - name: web
                  sourceRef: {kind: GitRepository, name: web}
            """)
        let key = ObjectKey(namespace: "waiting", name: "web")
        let held = try await harness.waitForStageSet(key, "SourceNotReady") { $0.ready?.reason == "SourceNotReady" }
        #expect(held.ready?.message.contains("GitRepository waiting/web is not ready: Ready=False reason=GitOperationFailed") == true)
        // The source recovers: its watch event (not the 1h retry) brings the StageSet to Ready.
        try harness.publish("web", namespace: "waiting", kind: .gitRepository, files: [
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: waiting\n",
        ])
        try await harness.waitForStageSet(key, "Ready after recovery") { $0.ready?.status == .true }
    }

    @Test func invalidStageSetIsStalledWithFieldPath() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bad\n")
        // Passes the CRD schema, fails admission rules the reconciler re-checks (duplicate stage names).
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: twice
              namespace: bad
            spec:
              stages:
                - {name: app, sourceRef: {name: a}}
                - {name: app, sourceRef: {name: b}}
            """)
        let bad = try await harness.waitForStageSet(ObjectKey(namespace: "bad", name: "twice"), "InvalidSpec") {
            $0.ready?.reason == "InvalidSpec"
        }
        #expect(bad.ready?.message.contains("spec.stages[1].name") == true, "\(bad.ready?.message ?? "")")
        let stalled = (bad.json["status"]?["conditions"]?.arrayValue ?? []).compactMap(Condition.init(json:)).condition("Stalled")
        #expect(stalled?.status == .true)
    }
}

/// Records, per object, the resourceVersion of its creation and of the first time it reported ready.
actor CreationRecorder {
    private(set) var created: [String: Int] = [:]
    private(set) var firstReady: [String: Int] = [:]

    func watch(_ kinds: [GroupVersionKind], client: KubeClient, from resourceVersion: String) async throws -> [Task<Void, Never>] {
        var tasks: [Task<Void, Never>] = []
        for kind in kinds {
            let stream = try await client.watch(kind, namespace: nil, options: WatchOptions(resourceVersion: resourceVersion))
            tasks.append(Task {
                do {
                    for try await event in stream { self.record(event) }
                } catch {}
            })
        }
        return tasks
    }

    private func record(_ event: WatchEvent) {
        let object = event.object
        let key = "\(object.kind)/\(object.namespace)/\(object.name)"
        guard let version = Int(object.resourceVersion) else { return }
        if event.type == .added, created[key] == nil { created[key] = version }
        let status = object.json["status"]
        let replicas = object.json["spec"]?["replicas"]?.intValue ?? 1
        if object.kind == "StatefulSet", firstReady[key] == nil, (status?["readyReplicas"]?.intValue ?? 0) >= replicas {
            firstReady[key] = version
        }
    }
}

/// kubectl (a client nobody here wrote) shows StageSets through the CRD's printer columns.
@Suite(.timeLimit(.minutes(2)))
struct KubectlStatusTests {
    @Test(.enabled(if: Kubectl.path != nil, "kubectl is not installed"))
    func getStageSetsShowsReadyColumns() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.environment.installQuickstart(
            directory: Harness.repository + "/examples/quickstart", logger: .init(label: "test"))
        try await harness.waitForStageSet(ObjectKey(namespace: "quickstart", name: "shop"), "Ready") {
            $0.ready?.status == .true
        }
        let result = try Kubectl.run([
            "--kubeconfig", harness.environment.kubeconfigPath, "--cache-dir", harness.workDirectory + "/cache",
            "get", "stagesets", "-A",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        }
        #expect(lines.first?.prefix(5) == ["NAMESPACE", "NAME", "READY", "REASON", "STAGES"])
        // As kube-apiserver does, a multi-valued path shows its first value.
        #expect(lines.dropFirst().first?.prefix(5) == ["quickstart", "shop", "True", "Succeeded", "platform"])
    }
}
