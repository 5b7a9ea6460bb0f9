import Foundation
import KubeModel
import Testing

@Suite("Conditions")
struct ConditionTests {
    let t0 = Timestamp(year: 2024, month: 3, day: 1)
    let t1 = Timestamp(year: 2024, month: 3, day: 2)
    let t2 = Timestamp(year: 2024, month: 3, day: 3)

    @Test func statusDecodesLeniently() throws {
        #expect(ConditionStatus(lenient: "True") == .true)
        #expect(ConditionStatus(lenient: "False") == .false)
        #expect(ConditionStatus(lenient: "Unknown") == .unknown)
        #expect(ConditionStatus(lenient: "true") == .unknown)
        #expect(ConditionStatus(lenient: "") == .unknown)
        let decoded = try JSONDecoder().decode([ConditionStatus].self, from: Data(#"["True","False","Maybe",null]"#.utf8))
        #expect(decoded == [.true, .false, .unknown, .unknown])
    }

    @Test func jsonFormHasGoFieldOrder() throws {
        let condition = Condition(
            type: "Ready", status: .true, reason: "Succeeded", message: "ok", observedGeneration: 3,
            lastTransitionTime: t0)
        #expect(
            JSON.encode(condition.json)
                == #"{"type":"Ready","status":"True","observedGeneration":3,"lastTransitionTime":"2024-03-01T00:00:00Z","reason":"Succeeded","message":"ok"}"#
        )
        // Without generation and time: generation omitted, time null, reason and message kept.
        #expect(
            JSON.encode(Condition(type: "Ready", status: .false).json)
                == #"{"type":"Ready","status":"False","lastTransitionTime":null,"reason":"","message":""}"#)
        #expect(Condition(json: condition.json) == condition)
    }

    @Test func readsLenientlyFromJSON() throws {
        let json = try JSON.decode(#"{"type":"Available","status":"Bogus","lastTransitionTime":"nope","lastUpdateTime":"x"}"#)
        let condition = try #require(Condition(json: json))
        #expect(condition.type == "Available")
        #expect(condition.status == .unknown)
        #expect(condition.lastTransitionTime == nil)
        #expect(condition.reason == "")
        #expect(Condition(json: ["status": "True"]) == nil)
        #expect(Condition(json: "Ready") == nil)
    }

    @Test func codableMatchesJSONForm() throws {
        let condition = Condition(
            type: "Ready", status: .true, reason: "R", message: "m", observedGeneration: 2, lastTransitionTime: t1)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(condition)
        #expect(try JSONDecoder().decode(Condition.self, from: data) == condition)
        #expect(try JSON.decode(data) == condition.json)
        let missing = try JSONDecoder().decode(Condition.self, from: Data(#"{"type":"Ready","lastTransitionTime":null}"#.utf8))
        #expect(missing == Condition(type: "Ready", status: .unknown))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Condition.self, from: Data(#"{"status":"True"}"#.utf8)) }
    }

    @Test func setAddsNewConditionWithTransitionTime() {
        var conditions: [Condition] = []
        let result1 = conditions.setCondition(Condition(type: "Ready", status: .false, reason: "Progressing"), now: t0)
        #expect(result1)
        #expect(conditions.count == 1)
        #expect(conditions[0].lastTransitionTime == t0)
        // An explicit transition time on a new condition is kept.
        let result2 = conditions.setCondition(Condition(type: "Stalled", status: .false, lastTransitionTime: t2), now: t0)
        #expect(result2)
        #expect(conditions.condition("Stalled")?.lastTransitionTime == t2)
    }

    @Test func setPreservesTransitionTimeWhenStatusIsUnchanged() {
        var conditions = [Condition(type: "Ready", status: .true, reason: "A", message: "one", lastTransitionTime: t0)]
        let changed = conditions.setCondition(
            Condition(type: "Ready", status: .true, reason: "B", message: "two", observedGeneration: 4), now: t1)
        #expect(changed)
        #expect(conditions[0].lastTransitionTime == t0)
        #expect(conditions[0].reason == "B")
        #expect(conditions[0].message == "two")
        #expect(conditions[0].observedGeneration == 4)
        // Setting the same again changes nothing.
        let again = conditions.setCondition(
            Condition(type: "Ready", status: .true, reason: "B", message: "two", observedGeneration: 4), now: t2)
        #expect(!again)
    }

    @Test func setUpdatesTransitionTimeWhenStatusChanges() {
        var conditions = [
            Condition(type: "Other", status: .true, lastTransitionTime: t0),
            Condition(type: "Ready", status: .true, lastTransitionTime: t0),
        ]
        let result3 = conditions.setCondition(Condition(type: "Ready", status: .false), now: t1)
        #expect(result3)
        #expect(conditions[1].lastTransitionTime == t1)
        #expect(conditions[1].status == .false)
        // An explicit time in the new condition wins over `now`.
        let result4 = conditions.setCondition(Condition(type: "Ready", status: .unknown, lastTransitionTime: t2), now: t1)
        #expect(result4)
        #expect(conditions[1].lastTransitionTime == t2)
        #expect(conditions.map(\.type) == ["Other", "Ready"])
    }

    @Test func findAndStatusQueries() {
        let conditions = [
            Condition(type: "Ready", status: .true),
            Condition(type: "Stalled", status: .false),
            Condition(type: "Reconciling", status: .unknown),
        ]
        #expect(conditions.condition("Stalled")?.status == .false)
        #expect(conditions.condition("Missing") == nil)
        #expect(conditions.isTrue("Ready"))
        #expect(!conditions.isTrue("Stalled"))
        #expect(conditions.isFalse("Stalled"))
        #expect(!conditions.isTrue("Reconciling") && !conditions.isFalse("Reconciling"))
        #expect(!conditions.isTrue("Missing") && !conditions.isFalse("Missing"))
    }

    @Test func remove() {
        var conditions = [Condition(type: "Ready", status: .true), Condition(type: "Stalled", status: .false)]
        let result5 = conditions.removeCondition("Ready")
        #expect(result5)
        let result6 = conditions.removeCondition("Ready")
        #expect(!result6)
        #expect(conditions.map(\.type) == ["Stalled"])
    }
}
