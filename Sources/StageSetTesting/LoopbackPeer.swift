import Foundation

/// A Python HTTP(S) peer on an ephemeral loopback port: a real server process for transport tests.
public final class LoopbackPeer {
    public let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    public let port: Int
    public let scheme: String

    /// Starts `python3 script arguments…`; the script prints `ready <port>` once it listens.
    /// - Parameters:
    ///   - script: the path of the peer script (for example Tests/Fixtures/client/httpserver.py).
    public init(scriptPath script: String, arguments extra: [String] = [], tls: Certificates? = nil,
                requireClientCA: Bool = false) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["python3", script] + extra
        if let tls {
            arguments += ["--cert", tls.serverCert, "--key", tls.serverKey]
            if requireClientCA { arguments += ["--client-ca", tls.caCert] }
        }
        process.arguments = arguments
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        // The first line is "ready <port>"; a peer that fails to start closes stdout instead.
        var line: [UInt8] = []
        while true {
            let byte = try output.fileHandleForReading.read(upToCount: 1) ?? Data()
            guard let first = byte.first else { break }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("ready "), let port = Int(text.dropFirst(6)) else {
            process.terminate()
            throw PeerError(message: "peer did not start: \(text)")
        }
        self.port = port
        scheme = tls == nil ? "http" : "https"
    }

    public var base: String { "\(scheme)://127.0.0.1:\(port)" }

    deinit {
        try? input.fileHandleForWriting.close()
        process.terminate()
        process.waitUntilExit()
    }
}

public struct PeerError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, made with `openssl`.
public struct Certificates {
    public let directory: String
    public var caCert: String { directory + "/ca.crt" }
    public var serverCert: String { directory + "/server.crt" }
    public var serverKey: String { directory + "/server.key" }
    public var clientCert: String { directory + "/client.crt" }
    public var clientKey: String { directory + "/client.key" }

    public static var opensslAvailable: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    public init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "curl-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try Self.openssl(["req", "-x509"] + ec + ["-keyout", caKey, "-out", caCert, "-subj", "/CN=test-ca", "-days", "2"])
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(toFile: directory + "/san.ext", atomically: true, encoding: .utf8)
        for (name, cn) in [("server", "127.0.0.1"), ("client", "test-client")] {
            try Self.openssl(["req"] + ec + ["-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).csr", "-subj", "/CN=\(cn)"])
            var sign = ["x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", caCert, "-CAkey", caKey,
                        "-CAcreateserial", "-out", "\(directory)/\(name).crt", "-days", "2"]
            if name == "server" { sign += ["-extfile", directory + "/san.ext"] }
            try Self.openssl(sign)
        }
    }

    private var caKey: String { directory + "/ca.key" }

    public func read(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PeerError(message: "openssl \(arguments.first ?? "") failed")
        }
    }
}
