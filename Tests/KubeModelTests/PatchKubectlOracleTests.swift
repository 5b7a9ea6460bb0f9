import Dispatch
import Foundation
import KubeModel
import StageSetTesting
import Testing

/// Compares our strategic merge patch with `kubectl patch --local --type strategic` on the cases
/// in Fixtures/patch/strategic-oracle-cases.json. Skipped when kubectl is not installed.
struct PatchKubectlOracleTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let original: JSONValue
        let patch: JSONValue
        var testDescription: String { name }
        var expectsError: Bool { name.hasPrefix("error:") }
    }

    static func cases() throws -> [Case] {
        guard case .array(let entries) = try PatchJSON.fixture("strategic-oracle-cases.json") else { return [] }
        return entries.map {
            Case(name: $0["name"]?.stringValue ?? "?", original: $0["original"] ?? .null, patch: $0["patch"] ?? .null)
        }
    }

    static let kubectl: URL? = Kubectl.path.map { URL(fileURLWithPath: $0) }

    enum Outcome: Equatable, CustomStringConvertible {
        case result(JSONValue)
        case failure(String)

        var description: String {
            switch self {
            case .result(let value): (try? PatchJSON.text(value)) ?? "\(value)"
            case .failure(let message): "error: \(message)"
            }
        }

        var isFailure: Bool {
            if case .failure = self { return true }
            return false
        }
    }

    static func ours(_ testCase: Case) -> Outcome {
        do {
            return .result(try StrategicMergePatch.apply(testCase.patch, to: testCase.original, schema: .builtIn))
        } catch {
            return .failure(error.description)
        }
    }

    /// Runs kubectl offline on one case, killing it after 30 seconds.
    static func theirs(_ testCase: Case, kubectl: URL) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("patch-oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let objectFile = directory.appendingPathComponent("object.json")
        try Data(PatchJSON.text(testCase.original).utf8).write(to: objectFile)

        let process = Process()
        process.executableURL = kubectl
        process.arguments = [
            "patch", "--local", "-f", objectFile.path, "--type", "strategic",
            "-p", try PatchJSON.text(testCase.patch), "-o", "json",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = "/dev/null"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        guard process.terminationStatus == 0 else {
            return .failure(String(decoding: stderr, as: UTF8.self))
        }
        return .result(try PatchJSON.parse(data: stdout))
    }

    @Test func fixtureHasCases() throws {
        let cases = try Self.cases()
        #expect(cases.count > 50)
        #expect(cases.contains { $0.expectsError })
    }

    /// Without kubectl: the error cases fail and the others succeed.
    @Test(arguments: try cases())
    func outcomeKind(_ testCase: Case) {
        #expect(Self.ours(testCase).isFailure == testCase.expectsError, "\(Self.ours(testCase))")
    }

    @Test(.enabled(if: kubectl != nil, "kubectl is not installed"), arguments: try cases())
    func matchesKubectl(_ testCase: Case) throws {
        let kubectl = try #require(Self.kubectl)
        let theirs = try Self.theirs(testCase, kubectl: kubectl)
        let ours = Self.ours(testCase)
        switch (ours, theirs) {
        case (.result(let mine), .result(let reference)):
            if mine != reference {
                Issue.record("ours:    \(ours)\nkubectl: \(theirs)")
            }
        case (.failure, .failure):
            break
        default:
            Issue.record("ours: \(ours)\nkubectl: \(theirs)")
        }
    }
}
