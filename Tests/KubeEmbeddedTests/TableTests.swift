@testable import KubeEmbedded
import KubeModel
import Testing

/// The Table kubectl asks for: printer-column JSONPaths and typed cells as kube-apiserver renders them.
struct TableTests {
    @Test func jsonPathStepsKeepFiltersWhole() {
        #expect(Table.steps(#".status.conditions[?(@.type=="Ready")].status"#)
            == ["status", #"conditions[?(@.type=="Ready")]"#, "status"])
        #expect(Table.steps(".spec.stages[*].name") == ["spec", "stages[*]", "name"])
    }

    @Test func cellsFollowFiltersAndWildcards() {
        let object: JSONValue = [
            "status": ["conditions": [["type": "Reconciling", "status": "True"], ["type": "Ready", "status": "False"]]],
            "spec": ["stages": [["name": "a"], ["name": "b"]], "replicas": 3],
        ]
        #expect(Table.cell(object, Table.steps(#".status.conditions[?(@.type=="Ready")].status"#)) == "False")
        #expect(Table.cell(object, Table.steps(".spec.stages[*].name")) == "a")
        #expect(Table.cell(object, Table.steps(".spec.missing")) == nil)
        let now = Timestamp(seconds: 1_000_000)
        #expect(Table.typed(3, type: "string", now: now) == "3")
        #expect(Table.typed(3, type: "integer", now: now) == 3)
        #expect(Table.typed("1970-01-12T13:43:10Z", type: "date", now: now) == "3m30s")
        #expect(Table.typed("yesterday", type: "date", now: now) == "<invalid>")
    }

    @Test(arguments: [
        (0, "0s"), (119, "119s"), (120, "2m"), (130, "2m10s"), (600, "10m"), (3 * 3600 - 1, "179m"),
        (3 * 3600, "3h"), (3 * 3600 + 120, "3h2m"), (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"),
        (2 * 86400 + 3600, "2d1h"), (8 * 86400, "8d"), (800 * 86400, "2y70d"), (9 * 365 * 86400, "9y"),
    ] as [(Int64, String)])
    func humanDurations(_ seconds: Int64, _ expected: String) {
        #expect(Table.humanDuration(seconds: seconds) == expected)
    }
}
