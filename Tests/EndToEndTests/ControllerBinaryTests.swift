import Foundation
import KubeModel
import StageSetTesting
import Testing

/// The real `stageset-controller` binary: the README's quickstart, on the embedded default.
@Suite(.timeLimit(.minutes(3)))
struct ControllerBinaryTests {
    static func binary() throws -> URL {
        try #require(BuildProducts.executable("stageset-controller", repository: URL(fileURLWithPath: Harness.repository)))
    }

    /// The controller on the embedded default: run from the repository, with no kubeconfig anywhere and no
    /// in-cluster ServiceAccount (`home` stands in for `$HOME`).
    static func controller(_ arguments: [String], home: URL) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Harness.repository)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = home.path
        environment.removeValue(forKey: "KUBECONFIG")
        environment.removeValue(forKey: "KUBERNETES_SERVICE_HOST")
        process.environment = environment
        return process
    }

    @Test func quickstartOnceExitsZeroWhenReady() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "controller-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let logFile = directory.appending(path: "log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)

        let process = try Self.controller([
            "--quickstart", "--once", "--once-timeout", "2m", "--log-format", "json",
            "--health-probe-bind-address", "127.0.0.1:0",
            "--embedded-kubeconfig-out", directory.appending(path: "kubeconfig").path,
        ], home: directory)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        process.waitUntilExit()
        try log.close()

        let lines = try String(contentsOf: logFile, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(process.terminationStatus == 0, "\(lines.suffix(10).joined(separator: "\n"))")
        let first = try #require(lines.first)
        let record = try JSON.decode(Array(first.utf8))
        #expect(record["msg"]?.stringValue?.contains("embedded Kubernetes-compatible API server") == true, "\(first)")
        #expect(lines.contains { $0.contains(#""msg":"stage ready""#) && $0.contains(#""stage":"database""#) })
        #expect(lines.contains { $0.contains(#""msg":"quickstart StageSet is Ready""#) })
    }

    @Test(.enabled(if: Kubectl.path != nil, "kubectl is not installed"))
    func keepsReconcilingUntilTerminatedAndKubectlSeesTheStageSet() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "controller-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = directory.appending(path: "kubeconfig").path
        let process = try Self.controller([
            "--quickstart", "--log-format", "json", "--health-probe-bind-address", "127.0.0.1:0",
            "--embedded-kubeconfig-out", kubeconfig,
        ], home: directory)
        let log = Pipe()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Read the log line by line until the run succeeded (a controller that dies closes the pipe instead).
        var seen: [String] = []
        var line: [UInt8] = []
        while !seen.contains(where: { $0.contains(#""msg":"run succeeded""#) }),
              let byte = try log.fileHandleForReading.read(upToCount: 1)?.first {
            if byte == UInt8(ascii: "\n") {
                seen.append(String(decoding: line, as: UTF8.self))
                line = []
            } else {
                line.append(byte)
            }
        }
        #expect(seen.contains { $0.contains(#""msg":"run succeeded""#) }, "\(seen.suffix(5))")

        let listing = try Kubectl.run([
            "--kubeconfig", kubeconfig, "--cache-dir", directory.appending(path: "cache").path,
            "get", "stagesets", "-n", "quickstart", "-o", "jsonpath={.items[0].status.conditions[0].reason}",
        ])
        #expect(String(decoding: listing.stdout, as: UTF8.self) == "Succeeded", "\(listing.stderr)")

        process.terminate()  // SIGTERM
        let rest = log.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(String(decoding: rest, as: UTF8.self).contains(#""msg":"stopped""#))
    }

    @Test func onceWithoutQuickstartIsAUsageError() throws {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = ["--once"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 64 || process.terminationStatus == 2)
    }
}
