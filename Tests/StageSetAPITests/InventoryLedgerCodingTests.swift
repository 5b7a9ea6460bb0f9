import KubeModel
import StageSetAPI
import Testing

struct InventoryLedgerCodingTests {
    @Test func stageInventoryRoundTrips() throws {
        let json: JSONValue = [
            "apiVersion": "stages.metio.wtf/v1", "kind": "StageInventory",
            "metadata": [
                "name": "payments-app-00-0123456789", "namespace": "apps",
                "labels": ["stages.metio.wtf/stage-set": "payments", "stages.metio.wtf/stage": "app", "stages.metio.wtf/shard": "0"],
            ],
            "spec": ["stagePosition": 1, "entries": [["id": "apps_web_apps_Deployment", "v": "v1"], ["id": "_ns__Namespace", "v": "v1"]]],
        ]
        let (inventory, unknown) = try JSONValueDecoder().decodeReportingUnknownFields(StageInventory.self, from: json)
        #expect(unknown.isEmpty)
        #expect(inventory.spec.entries?.first?.id == "apps_web_apps_Deployment")
        #expect(inventory.metadata.labels?[StageInventory.stageLabel] == "app")
        #expect(try JSONValueEncoder().encode(inventory) == json)
    }

    @Test func stageLedgerRoundTrips() throws {
        let json: JSONValue = [
            "apiVersion": "stages.metio.wtf/v1", "kind": "StageLedger",
            "metadata": ["name": "payments", "namespace": "apps"],
            "spec": ["baseline": [["stage": "db", "action": "bootstrap"]]],
            "status": [
                "completedActions": [[
                    "stage": "db", "action": "bootstrap", "origin": "Baselined", "digest": "sha256:1",
                    "anchor": ["apiVersion": "v1", "kind": "PersistentVolumeClaim", "name": "data", "uid": "u-1"],
                    "completedAt": "2025-01-01T00:00:00Z",
                ]],
                "conditions": [[
                    "type": "BaselineValid", "status": "True", "observedGeneration": 1,
                    "lastTransitionTime": "2025-01-01T00:00:00Z", "reason": "AllResolved", "message": "",
                ]],
            ],
        ]
        let (ledger, unknown) = try JSONValueDecoder().decodeReportingUnknownFields(StageLedger.self, from: json)
        #expect(unknown.isEmpty)
        #expect(ledger.isCompleted(stage: "db", action: "bootstrap"))
        #expect(!ledger.isCompleted(stage: "db", action: "other"))
        #expect(ledger.status?.completedActions?.first?.origin == .baselined)
        #expect(try JSONValueEncoder().encode(ledger) == json)
    }

    @Test func ledgerOriginIsAnEnum() {
        #expect(throws: DecodingError.self) {
            try JSONValueDecoder().decode(LedgerCompletion.self, from: [
                "stage": "s", "action": "a", "origin": "Manual", "completedAt": "2025-01-01T00:00:00Z",
            ])
        }
    }

    @Test func everyEnumDecodesOnlyItsSpellings() throws {
        #expect(try JSONValueDecoder().decode(PatchType.self, from: "json6902") == .json6902)
        #expect(throws: DecodingError.self) { try JSONValueDecoder().decode(PatchType.self, from: "JSON6902") }
        #expect(FailurePolicy.allCases.map(\.rawValue) == ["Hold", "Rollback"])
        #expect(StagePhase.allCases.map(\.rawValue) == ["Pending", "Applying", "Pruning", "Verifying", "Ready", "Failed"])
        #expect(PromotionPhase.allCases.map(\.rawValue) == ["Soaking", "Analyzing", "Blocked", "AwaitingManual", "Promoted"])
        #expect(try JSONValueEncoder().encode(ApprovalMode.onMigrations) == "OnMigrations")
    }
}
