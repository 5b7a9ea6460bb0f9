import Foundation
import Health
import KubeModel
import Testing

/// Every case of the kstatus corpus (Tests/Fixtures/kstatus, see its PROVENANCE.md) against the
/// expectations in its `index.yaml`: status, message and the standard conditions' type/status/reason.
struct KStatusCasesTests {
    /// The clock the expectations were computed with (the corpus' RULES.md, caveats).
    static let now = Date(timeIntervalSince1970: 1_748_736_000)  // 2025-06-01T00:00:00Z

    struct Case: CustomTestStringConvertible, Sendable {
        var file: String
        var expected: JSONValue
        var testDescription: String { file }
    }

    static let cases: [Case] = {
        guard let index = try? Fixtures.document("index").arrayValue else { return [] }
        return index.compactMap { entry in
            guard let file = entry["file"]?.stringValue, let expected = entry["expected"] else { return nil }
            return Case(file: file, expected: expected)
        }
    }()

    @Test func indexListsEveryCaseFile() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.directory.appending(path: "cases").path)
            .filter { $0.hasSuffix(".yaml") && $0 != "index.yaml" }
        #expect(files.count == 106)
        #expect(Set(Self.cases.map(\.file)) == Set(files))
    }

    @Test(arguments: cases)
    func computesExpectedResult(_ testCase: Case) throws {
        let object = try Fixtures.document(String(testCase.file.dropLast(".yaml".count)))
        let result = KStatusComputer.compute(object, now: Self.now)

        let status = try #require(testCase.expected["status"]?.stringValue)
        #expect(result.status.rawValue == status)
        #expect(result.message == Self.expectedMessage(testCase))

        let conditions = try #require(testCase.expected["conditions"]?.arrayValue)
        #expect(result.conditions.count == conditions.count)
        for (actual, expected) in zip(result.conditions, conditions) {
            #expect(actual.type.rawValue == expected["type"]?.stringValue)
            #expect(actual.status == expected["status"]?.stringValue)
            #expect(actual.reason == expected["reason"]?.stringValue)
            // The standard condition carries the result's message, except for the Deployment
            // deadline rule, which copies the Progressing condition's own message.
            if testCase.file != "033-deployment-progress-deadline-exceeded.yaml" {
                #expect(actual.message == result.message)
            }
        }
    }

    /// The message the index expects. For Unknown the index describes the error as
    /// "Compute() returns an error: <error>"; our result carries the error text itself. Case 024's
    /// index text is the Python oracle's rendering of the value and its type (`'1' ... str`); the
    /// Go library, and we, print `1 ... string`, prefixed with the wrapping kstatus adds.
    static func expectedMessage(_ testCase: Case) -> String? {
        guard let message = testCase.expected["message"]?.stringValue else { return nil }
        guard testCase.expected["status"]?.stringValue == "Unknown" else { return message }
        if testCase.file == "024-error-generation-not-integer.yaml" {
            return "looking up metadata.generation from resource: "
                + ".metadata.generation accessor error: 1 is of the type string, expected int64"
        }
        let prefix = "Compute() returns an error: "
        return message.hasPrefix(prefix) ? String(message.dropFirst(prefix.count)) : message
    }

    @Test func notFoundMatchesIndex() throws {
        let index = try #require(try Fixtures.document("index").arrayValue)
        let entry = try #require(index.first { $0["file"]?.isNull == true })
        let result = HealthResult.notFound()
        #expect(result.status.rawValue == entry[path: "expected", "status"]?.stringValue)
        #expect(result.message == entry[path: "expected", "message"]?.stringValue)
        #expect(result.conditions.isEmpty)
    }

    /// The index's status counts (PROVENANCE.md) are what the cases yield.
    @Test func statusCounts() {
        var counts: [KStatus: Int] = [:]
        for testCase in Self.cases {
            guard let object = try? Fixtures.document(String(testCase.file.dropLast(".yaml".count))) else { continue }
            counts[KStatusComputer.compute(object, now: Self.now).status, default: 0] += 1
        }
        #expect(counts == [.inProgress: 53, .current: 36, .failed: 12, .unknown: 3, .terminating: 2])
    }
}
