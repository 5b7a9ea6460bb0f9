import Foundation
import StageSetTesting
import Testing

/// `stagesetctl dev apiserver`: prints `ready <url>`, writes a kubeconfig kubectl can use, stops on SIGTERM.
@Suite(.timeLimit(.minutes(1)))
struct DevAPIServerTests {
    @Test(.enabled(if: Kubectl.path != nil, "kubectl is not installed"))
    func servesKubectlUntilTerminated() throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "dev-apiserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = directory.appending(path: "kubeconfig").path

        let server = Process()
        server.executableURL = try CLI.binary()
        server.arguments = ["dev", "apiserver", "--kubeconfig-out", kubeconfig, "--no-simulator"]
        let output = Pipe()
        server.standardOutput = output
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { if server.isRunning { server.terminate() } }
        // The first line is "ready <url>"; a server that fails to start closes stdout instead.
        var line: [UInt8] = []
        while let byte = try output.fileHandleForReading.read(upToCount: 1)?.first, byte != UInt8(ascii: "\n") {
            line.append(byte)
        }
        let ready = String(decoding: line, as: UTF8.self)
        #expect(ready.hasPrefix("ready https://127.0.0.1:"), "\(ready)")

        let listing = try Kubectl.run([
            "--kubeconfig", kubeconfig, "--cache-dir", directory.appending(path: "cache").path,
            "get", "namespaces", "-o", "name",
        ])
        #expect(listing.status == 0, "\(listing.stderr)")
        let names = String(decoding: listing.stdout, as: UTF8.self)
        #expect(names.contains("namespace/default"))

        server.terminate()  // SIGTERM
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
    }
}
