import Foundation

/// The `kubectl` on PATH, as an independent peer for differential tests.
public enum Kubectl {
    /// The full path of `kubectl` on PATH, or nil; tests that need it are skipped without it.
    public static let path: String? = {
        let search = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in search.split(separator: ":") {
            let candidate = "\(directory)/kubectl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// What one kubectl run printed.
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: [UInt8]
        public let stderr: String
    }

    /// Why kubectl could not be run.
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `kubectl arguments…` offline (`KUBECONFIG=/dev/null`) unless `environment` says otherwise.
    /// Standard error goes to a file, so neither stream can fill a pipe and block kubectl.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        guard let path else { throw Unavailable(description: "kubectl is not on PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        merged["KUBECONFIG"] = "/dev/null"
        merged.merge(environment) { _, new in new }
        process.environment = merged
        let errorFile = FileManager.default.temporaryDirectory.appending(path: "kubectl-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        return Output(status: process.terminationStatus, stdout: Array(stdout), stderr: stderr)
    }
}
