import Foundation
import Testing

/// Runs the real `stagesetctl` binary (built next to the test bundle) and checks its exit codes.
struct ExitCodeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func binary() throws -> URL {
        // The test bundle lives in the build products directory, beside the executables.
        let products = Bundle.main.bundleURL.lastPathComponent.hasSuffix(".xctest")
            ? Bundle.main.bundleURL.deletingLastPathComponent() : Bundle.main.bundleURL
        let candidates = [products, root.appending(path: ".build/debug")].map { $0.appending(path: "stagesetctl") }
        return try #require(candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) })
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func validExamplesExitZero() throws {
        let result = try Self.run(["validate", "-f", "examples"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("StageSet(s) valid, 0 document(s) invalid"))
    }

    @Test func invalidFixturesExitOne() throws {
        let result = try Self.run(["validate", "-f", "Tests/Fixtures/invalid"])
        #expect(result.status == 1, "\(result.output)")
    }

    @Test func missingFileExitsThree() throws {
        let result = try Self.run(["validate", "-f", "does/not/exist.yaml"])
        #expect(result.status == 3)
        #expect(result.output.contains("does/not/exist.yaml: no such file or directory"))
    }

    @Test func usageErrorExitsTwo() throws {
        #expect(try Self.run(["validate"]).status == 2)
        #expect(try Self.run(["validate", "-f", "examples", "-o", "xml"]).status == 2)
        #expect(try Self.run(["no-such-command"]).status == 2)
    }

    @Test func jsonOutputPrintsDefaultedObjects() throws {
        let result = try Self.run(["validate", "-f", "examples/01-minimal.yaml", "-o", "json"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\"kind\": \"ExternalArtifact\""))
        #expect(result.output.contains("\"path\": \"./\""))
    }
}
