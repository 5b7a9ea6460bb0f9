import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory generate-crds [--check]`:
/// runs `stageset-crdgen` over `Sources/StageSetAPI` and writes `deploy/crds/`.
@main
struct GenerateCRDs: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        let tool = try context.tool(named: "stageset-crdgen")
        let root = context.package.directoryURL
        let process = Process()
        process.executableURL = tool.url
        process.arguments =
            ["--output", root.appending(path: "deploy/crds").path(percentEncoded: false)] + arguments
            + [root.appending(path: "Sources/StageSetAPI").path(percentEncoded: false)]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Diagnostics.error("stageset-crdgen exited with \(process.terminationStatus)")
            return
        }
    }
}
