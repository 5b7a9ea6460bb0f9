import Foundation
import StageSetTesting
import Testing

/// Runs the real `stagesetctl` binary (built next to the test bundle).
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func binary() throws -> URL {
        try #require(BuildProducts.executable("stagesetctl", repository: root))
    }

    /// Exit status, standard output and standard error of one run.
    static func run(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = root
        // Standard error goes to a file so neither stream can fill a pipe and block the child.
        let errorFile = FileManager.default.temporaryDirectory.appending(path: "stagesetctl-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errorHandle
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let errors = try String(contentsOf: errorFile, encoding: .utf8)
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), errors)
    }
}
