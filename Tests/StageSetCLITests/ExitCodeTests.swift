import Foundation
import Testing

/// `stagesetctl`'s exit codes.
struct ExitCodeTests {
    @Test func validExamplesExitZero() throws {
        let result = try CLI.run(["validate", "-f", "examples"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("StageSet(s) valid, 0 document(s) invalid"))
    }

    @Test func invalidFixturesExitOne() throws {
        let result = try CLI.run(["validate", "-f", "Tests/Fixtures/invalid"])
        #expect(result.status == 1, "\(result.output)")
    }

    @Test func missingFileExitsThree() throws {
        let result = try CLI.run(["validate", "-f", "does/not/exist.yaml"])
        #expect(result.status == 3)
        #expect(result.errors.contains("does/not/exist.yaml: no such file or directory"))
    }

    @Test func usageErrorExitsTwo() throws {
        #expect(try CLI.run(["validate"]).status == 2)
        #expect(try CLI.run(["validate", "-f", "examples", "-o", "xml"]).status == 2)
        #expect(try CLI.run(["no-such-command"]).status == 2)
    }

    @Test func jsonOutputPrintsDefaultedObjects() throws {
        let result = try CLI.run(["validate", "-f", "examples/01-minimal.yaml", "-o", "json"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("\"kind\": \"ExternalArtifact\""))
        #expect(result.output.contains("\"path\": \"./\""))
    }
}
