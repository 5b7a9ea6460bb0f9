import Foundation
import Testing

@testable import StageSetCLI

/// `stagesetctl validate` over the bundled examples and the invalid fixtures.
struct ValidateTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let examples = root.appending(path: "examples").path
    static let invalid = root.appending(path: "Tests/Fixtures/invalid").path

    static func manifestNames(in directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }

    @Test func thereAreAtLeastTwentyExampleStageSets() throws {
        var report = ValidationReport()
        for input in try ManifestInputs.expand([Self.examples]) { report.check(input) }
        #expect(report.valid.count >= 20)
    }

    @Test(arguments: manifestNames(in: examples))
    func exampleIsValid(name: String) throws {
        var report = ValidationReport()
        for input in try ManifestInputs.expand([Self.examples + "/" + name]) { report.check(input) }
        #expect(report.problems == [])
        #expect(!report.valid.isEmpty)
        #expect(report.skipped == 0)
    }

    /// Each fixture states the problems it must produce on `# expect: <field path>: <message>` lines;
    /// validation must report exactly those.
    @Test(arguments: manifestNames(in: invalid))
    func invalidFixtureFailsWithExpectedErrors(name: String) throws {
        let path = Self.invalid + "/" + name
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expected = text.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("# expect: ") else { return nil }
            return String(line.dropFirst("# expect: ".count))
        }
        try #require(!expected.isEmpty, "\(name) declares no # expect: lines")
        var report = ValidationReport()
        for input in try ManifestInputs.expand([path]) { report.check(input) }
        #expect(report.valid.isEmpty)
        let reported = report.problems.map { line -> String in
            // "<file>: StageSet <ns>/<name>: <path>: <message>" → "<path>: <message>"
            guard let range = line.range(of: ": StageSet ") else { return line }
            let rest = line[range.upperBound...]
            guard let colon = rest.range(of: ": ") else { return String(rest) }
            return String(rest[colon.upperBound...])
        }
        #expect(reported.sorted() == expected.sorted())
    }
}
