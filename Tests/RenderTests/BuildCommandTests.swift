import KubeModel
@testable import StageSetCLI
import Testing

/// `stagesetctl build`: exit codes and Secret masking.
struct BuildCommandTests {
    static let cli = Fixtures.root + "/cli"

    @Test func rendersStageSet() async {
        let code = await Stagesetctl.run(arguments: [
            "build", "-f", Self.cli + "/stageset.yaml", "--source-dir", Self.cli + "/source",
        ])
        #expect(code == 0)
    }

    @Test func rendersOneStageWithItsOwnSource() async {
        let code = await Stagesetctl.run(arguments: [
            "build", "-f", Self.cli + "/stageset.yaml", "--source-dir", "secrets=" + Self.cli + "/source", "--stage",
            "secrets", "--show-secrets",
        ])
        #expect(code == 0)
    }

    @Test func rendersDirectory() async {
        #expect(await Stagesetctl.run(arguments: ["build", "--path", Fixtures.root + "/kustomize/01-resources-only"]) == 0)
    }

    @Test(
        "usage errors exit 2",
        arguments: [
            ["build"],
            ["build", "-f", "x.yaml"],
            ["build", "--path", "a", "-f", "b"],
            ["build", "--path", "a", "--stage", "x"],
        ])
    func usage(_ arguments: [String]) async {
        #expect(await Stagesetctl.run(arguments: arguments) == 2)
    }

    @Test func unknownStageExits2() async {
        let code = await Stagesetctl.run(arguments: [
            "build", "-f", Self.cli + "/stageset.yaml", "--source-dir", Self.cli + "/source", "--stage", "nope",
        ])
        #expect(code == 2)
    }

    @Test func renderErrorsExit3() async {
        #expect(await Stagesetctl.run(arguments: ["build", "--path", Fixtures.root + "/does-not-exist"]) == 3)
        let offline = await Stagesetctl.run(arguments: [
            "build", "-f", Self.cli + "/stageset-substitute-from.yaml", "--source-dir", Self.cli + "/source",
        ])
        #expect(offline == 3)
    }

    @Test func secretsAreMasked() {
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"], "data": ["a": "YQ=="],
            "stringData": ["b": "plain"],
        ]
        let masked = BuildCommand.masked(secret)
        #expect(masked["data"] == ["a": "***"])
        #expect(masked["stringData"] == ["b": "***"])
        let configMap: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "c"], "data": ["a": "b"]]
        #expect(BuildCommand.masked(configMap) == configMap)
    }
}
