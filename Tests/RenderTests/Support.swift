import Foundation
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
    static let kubectl: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// `KUBECONFIG=/dev/null kubectl kustomize DIR`, decoded.
    static func kubectlKustomize(_ directory: String) throws -> [JSONValue] {
        guard let kubectl else { throw TestFailure("kubectl is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: kubectl)
        process.arguments = ["kustomize", directory]
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = "/dev/null"
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestFailure("kubectl kustomize \(directory) failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return try YAML.decodeAll(Array(data))
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
