import KubeModel
import StageSetAPI
import Testing

struct StageSetCodingTests {
    @Test func fullStageSetRoundTripsUnchanged() throws {
        let json = try Fixtures.json("stageset-full.json")
        let (stageSet, unknown) = try JSONValueDecoder().decodeReportingUnknownFields(StageSet.self, from: json)
        #expect(unknown.isEmpty, "unknown fields: \(unknown)")
        let encoded = try JSONValueEncoder().encode(stageSet)
        #expect(encoded == json)
    }

    @Test func decodedFieldsAreTyped() throws {
        let stageSet = try JSONValueDecoder().decode(StageSet.self, from: Fixtures.json("stageset-full.json"))
        #expect(stageSet.metadata.name == "payments")
        #expect(stageSet.metadata.labels?["team"] == "core")
        #expect(stageSet.spec.onTimeout == .rollback)
        #expect(stageSet.spec.interval == .minutes(10))
        #expect(stageSet.spec.stages.count == 2)
        let pre = try #require(stageSet.spec.stages[0].actions?.pre)
        #expect(pre[0].operation?.kind == .patch)
        let patch = try #require(pre[0].operation?.spec as? PatchAction)
        #expect(patch.target.selector?.matchExpressions?.first?.operator == .in)
        #expect(stageSet.status?.stages?.first?.promotionState?.phase == .soaking)
        #expect(stageSet.spec.updateWindows?[1].from?.description == "2025-12-24T00:00:00Z")
    }

    @Test func encodingKeepsDeclarationOrderAndOmitsNil() throws {
        var stage = Stage(name: "app", sourceRef: SourceReference(name: "src"))
        stage.prune = false
        let encoded = try JSONValueEncoder().encode(stage)
        guard case .object(let object) = encoded else {
            Issue.record("not an object")
            return
        }
        #expect(Array(object.keys) == ["name", "sourceRef", "prune"])
        #expect(encoded["sourceRef"] == ["name": "src"])
    }

    @Test func minimalStageSetDefaults() throws {
        let json: JSONValue = [
            "apiVersion": "stages.metio.wtf/v1", "kind": "StageSet",
            "metadata": ["name": "my-app", "namespace": "default"],
            "spec": ["stages": [["name": "app", "sourceRef": ["name": "my-app"]]]],
        ]
        let stageSet = try JSONValueDecoder().decode(StageSet.self, from: json).defaulted()
        let expected: JSONValue = [
            "apiVersion": "stages.metio.wtf/v1", "kind": "StageSet",
            "metadata": ["name": "my-app", "namespace": "default"],
            "spec": [
                "timeout": "15m0s", "onTimeout": "Hold", "suspend": false, "windowScope": "Updates",
                "stages": [[
                    "name": "app",
                    "sourceRef": ["apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "ExternalArtifact", "name": "my-app"],
                    "path": "./", "prune": true, "applyHelmHookResources": true,
                ]],
            ],
        ]
        #expect(try JSONValueEncoder().encode(stageSet) == expected)
    }

    /// decode → default → encode of a StageSet that leaves every defaultable field unset.
    @Test func sparseStageSetDefaultsMatchGolden() throws {
        let sparse = try Fixtures.json("stageset-sparse.json")
        let stageSet = try JSONValueDecoder().decode(StageSet.self, from: sparse)
        #expect(stageSet.validate().isEmpty)
        let defaulted = stageSet.defaulted()
        #expect(try JSONValueEncoder().encode(defaulted) == Fixtures.json("stageset-sparse-defaulted.json"))
        #expect(defaulted.validate().isEmpty)
        // Defaulting is idempotent.
        #expect(defaulted.defaulted() == defaulted)
    }

    @Test func fullStageSetDefaultsFillEveryGap() throws {
        let stageSet = try JSONValueDecoder().decode(StageSet.self, from: Fixtures.json("stageset-full.json")).defaulted()
        let spec = stageSet.spec
        let db = spec.stages[0]
        #expect(db.actions?.onFailure?.first?.operation?.spec as? HTTPAction == {
            var http = HTTPAction(url: "https://hooks.example.com/failed")
            http.method = .post
            return http
        }())
        #expect(db.errorBudget?.resumeThreshold == "0.1")
        #expect(db.errorBudget?.onSourceError == .allow)
        #expect(db.errorBudget?.dryRun == false)
        let producer = try #require(db.actions?.post?[1].operation?.spec as? ApplyAction)
        #expect(producer.sourceRef.apiVersion == "jaas.metio.wtf/v1")
        let app = spec.stages[1]
        #expect(app.sourceRef.kind == "ExternalArtifact")
        #expect(app.sourceRef.apiVersion == "source.toolkit.fluxcd.io/v1")
        #expect(app.prune == true)
        #expect(app.path == "./")
        // Authored values are kept.
        #expect(db.prune == false)
        #expect(db.conflictPolicy?.default == .keepExisting)
        #expect(spec.windowScope == .all)
        #expect(spec.updateWindows?[1].timeZone == "UTC")
        #expect(spec.kubeConfig?.secretRef?.key == "value")
    }

    @Test func defaultsForOperations() {
        let wait = WaitAction(target: NamespacedObjectKindReference(kind: "Pod", name: "p"), expr: "true").defaulted()
        #expect(wait.timeout == .minutes(5))
        #expect(WaitAction(duration: .seconds(3)).defaulted().timeout == nil)
        #expect(PatchAction(target: PatchTarget(kind: "Pod", name: "p"), patch: "{}").defaulted().type == .merge)
        #expect(DeleteAction(target: NamespacedObjectKindReference(kind: "Pod", name: "p")).defaulted().cascade == .background)
        #expect(JobAction(sourceRef: SourceReference(name: "j")).defaulted().path == "./")
        #expect(JobAction(sourceRef: SourceReference(name: "j")).defaulted().sourceRef.kind == "ExternalArtifact")
        var policy = ConflictPolicy()
        policy.rules = []
        var stage = Stage(name: "a", sourceRef: SourceReference(name: "s"))
        stage.conflictPolicy = policy
        var version = VersionSource()
        version.fromObject = ObjectVersionRef(kind: "Deployment", name: "d")
        var spec = StageSetSpec(stages: [stage])
        spec.version = version
        spec.migrations = [Migration(name: "m", to: "1.0.0")]
        let defaulted = spec.defaulted()
        #expect(defaulted.stages[0].conflictPolicy?.default == .fail)
        #expect(defaulted.version?.fromObject?.stage == "a")
        #expect(defaulted.version?.approvalMode == .never)
        #expect(defaulted.migrations?[0].stage == "a")
    }
}
