import Foundation
import StageSetTesting
import KubeModel
import YAML

/// Paths and helpers shared by the Render test suites.
enum Fixtures {
    /// `Tests/Fixtures/render`.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        return url.appendingPathComponent("Fixtures/render").path
    }()

    /// The differential cases: every directory under `Tests/Fixtures/render/kustomize`.
    static let kustomizeCases: [String] = {
        let directory = root + "/kustomize"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }()

    /// The kubectl binary, if installed.
    static let kubectl = Kubectl.path

    /// `KUBECONFIG=/dev/null kubectl kustomize DIR`, decoded.
    static func kubectlKustomize(_ directory: String) throws -> [JSONValue] {
        let result = try Kubectl.run(["kustomize", directory])
        guard result.status == 0 else {
            throw TestFailure("kubectl kustomize \(directory) failed: \(result.stderr)")
        }
        return try YAML.decodeAll(result.stdout)
    }

    /// A temporary directory holding `files` (relative path → contents); removed by the caller.
    static func temporaryTree(_ files: [String: String]) throws -> String {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("render-tests-\(UUID().uuidString)")
        for (relative, contents) in files {
            let url = base.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(contents.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        return base.path
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
