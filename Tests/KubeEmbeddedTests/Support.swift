import CCurl
import Foundation
import StageSetTesting
import KubeModel
import Testing
import YAML

@testable import KubeEmbedded

/// A running server with a kubeconfig and a private kubectl cache directory.
final class Harness: Sendable {
    let server: EmbeddedAPIServer
    let directory: String
    let kubeconfig: String
    let caFile: String

    private init(server: EmbeddedAPIServer, directory: String) {
        self.server = server
        self.directory = directory
        kubeconfig = directory + "/kubeconfig"
        caFile = directory + "/ca.pem"
    }

    static func start(options: EmbeddedAPIServer.Options = .init()) async throws -> Harness {
        let server = try EmbeddedAPIServer(options: options)
        try await server.start(host: "127.0.0.1", port: 0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-embedded-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let harness = Harness(server: server, directory: directory)
        try server.writeKubeconfig(to: harness.kubeconfig)
        try Data(server.caCertificatePEM.utf8).write(to: URL(fileURLWithPath: harness.caFile))
        return harness
    }

    func stop() async {
        try? await server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Installs the widgets CRD fixture with a raw YAML POST (no kubectl needed).
    func installWidgets() async throws {
        let response = try await request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                         body: try fixture("widgets-crd.yaml"), contentType: "application/yaml")
        #expect(response.status == 201, "\(response.body)")
    }

    /// Writes a kubeconfig for another bearer token and returns its path.
    func kubeconfig(token: String, name: String) throws -> String {
        let path = directory + "/kubeconfig-\(name)"
        try server.writeKubeconfig(to: path, token: token)
        return path
    }

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs kubectl against the server with a private cache directory; killed after `timeout` seconds.
    func kubectl(_ arguments: [String], stdin: String? = nil, kubeconfig: String? = nil, timeout: Double = 60) async throws -> Result {
        try await heavyWork.run {
            try await onThread { try self.kubectlSync(arguments, stdin: stdin, kubeconfig: kubeconfig, timeout: timeout) }
        }
    }

    func kubectlSync(_ arguments: [String], stdin: String? = nil, kubeconfig: String? = nil, timeout: Double = 60) throws -> Result {
        let process = Process()
        guard let kubectl = kubectlPath else { throw HarnessError.curl("kubectl is not on PATH") }
        process.executableURL = URL(fileURLWithPath: kubectl)
        process.arguments = ["--cache-dir", directory + "/cache"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = kubeconfig ?? self.kubeconfig
        environment["HOME"] = directory
        process.environment = environment
        let id = UUID().uuidString
        let outPath = directory + "/out-\(id)"
        let errPath = directory + "/err-\(id)"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inPath = directory + "/in-\(id)"
            try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        let deadline = DispatchTime.now() + timeout
        let finished = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            process.waitUntilExit()
            finished.signal()
        }
        if finished.wait(timeout: deadline) == .timedOut {
            process.terminate()
            finished.wait()
        }
        try out.close()
        try err.close()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    struct Response: Sendable {
        var status: Int
        var body: String
        var headers: [String]
        var json: JSONValue? { try? JSON.decode(body) }
    }

    /// One raw HTTPS request through libcurl (admin token unless `token` is given, "" for none).
    func request(_ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
                 token: String? = nil, headers extra: [String] = [], timeout: Int = 30) async throws -> Response {
        try await onThread {
            try self.requestSync(method, path, body: body, contentType: contentType, token: token, headers: extra, timeout: timeout)
        }
    }

    func requestSync(_ method: String, _ path: String, body: String? = nil, contentType: String = "application/json",
                     token: String? = nil, headers extra: [String] = [], timeout: Int = 30) throws -> Response {
        guard let handle = curl_easy_init() else { throw HarnessError.curl("init") }
        defer { curl_easy_cleanup(handle) }
        final class Sink {
            var body: [UInt8] = []
            var headers: [String] = []
        }
        let sink = Sink()
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        _ = CCurl_easy_setopt_string(handle, CURLOPT_URL, server.url + path)
        _ = CCurl_easy_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        _ = CCurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)
        _ = CCurl_easy_setopt_long(handle, CURLOPT_TIMEOUT, timeout)
        _ = CCurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // Large bodies go with `Expect: 100-continue`; the server must answer it rather than make curl wait.
        _ = CCurl_easy_setopt_long(handle, CURLOPT_EXPECT_100_TIMEOUT_MS, 60_000)
        let accept = extra.contains { $0.lowercased().hasPrefix("accept:") } ? [] : ["Accept: application/json"]
        var lines = accept + ["Content-Type: \(contentType)"] + extra
        let bearer = token ?? server.adminToken
        if !bearer.isEmpty { lines.append("Authorization: Bearer \(bearer)") }
        var list: UnsafeMutablePointer<curl_slist>? = nil
        for line in lines { list = curl_slist_append(list, line) }
        defer { curl_slist_free_all(list) }
        _ = CCurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        var bodyBytes: [CChar] = []
        if let body {
            bodyBytes = Array(body.utf8CString)
            _ = CCurl_easy_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.utf8.count)
        }
        let write: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
            guard let data, let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            sink.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        let header: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { data, size, count, user in
            guard let data, let user else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(user).takeUnretainedValue()
            let text = String(decoding: UnsafeRawBufferPointer(start: data, count: size * count), as: UTF8.self)
            sink.headers.append(text.trimmingCharacters(in: .whitespacesAndNewlines))
            return size * count
        }
        _ = CCurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, write)
        _ = CCurl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = CCurl_easy_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, header)
        _ = CCurl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        let code = bodyBytes.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            if body != nil { _ = CCurl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, buffer.baseAddress) }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else { throw HarnessError.curl(String(cString: curl_easy_strerror(code))) }
        var status = 0
        _ = CCurl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: String(decoding: sink.body, as: UTF8.self), headers: sink.headers)
    }

    /// Opens a watch whose client stops reading after the first bytes (libcurl pause) until `seconds` pass.
    func stalledWatch(_ path: String, seconds: Int) throws {
        guard let handle = curl_easy_init() else { throw HarnessError.curl("init") }
        defer { curl_easy_cleanup(handle) }
        _ = CCurl_easy_setopt_string(handle, CURLOPT_URL, server.url + path)
        _ = CCurl_easy_setopt_string(handle, CURLOPT_CAINFO, caFile)
        _ = CCurl_easy_setopt_long(handle, CURLOPT_TIMEOUT, seconds)
        _ = CCurl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = CCurl_easy_setopt_long(handle, CURLOPT_BUFFERSIZE, 1024)
        var list: UnsafeMutablePointer<curl_slist>? = nil
        list = curl_slist_append(list, "Authorization: Bearer \(server.adminToken)")
        defer { curl_slist_free_all(list) }
        _ = CCurl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        let pause: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = { _, _, _, _ in
            0x1000_0001  // CURL_WRITEFUNC_PAUSE
        }
        _ = CCurl_easy_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, pause)
        _ = curl_easy_perform(handle)
    }

    /// Watch events of a bounded watch (`timeoutSeconds` must be in the path's query).
    func watchEvents(_ path: String, token: String? = nil) async throws -> [JSONValue] {
        let response = try await request("GET", path, token: token, timeout: 30)
        return response.body.split(separator: "\n").compactMap { try? JSON.decode(String($0)) }
    }
}

enum HarnessError: Error { case curl(String) }

/// kubectl on PATH, if any; suites that drive kubectl are skipped without it.
let kubectlPath = Kubectl.path

extension EmbeddedAPIServer.Options {
    /// Test default: the workload simulator is off so that tests own every write.
    static var quiet: EmbeddedAPIServer.Options {
        var options = EmbeddedAPIServer.Options()
        options.simulator = .disabled
        return options
    }
}

/// Runs `body` with a started harness and always stops it.
func withHarness<T>(options: EmbeddedAPIServer.Options = .quiet, _ body: (Harness) async throws -> T) async throws -> T {
    let harness = try await Harness.start(options: options)
    do {
        let result = try await body(harness)
        await harness.stop()
        return result
    } catch {
        await harness.stop()
        throw error
    }
}

/// Loads a fixture from Tests/Fixtures/embedded.
func fixture(_ name: String) throws -> String {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    return try String(contentsOf: here.appendingPathComponent("Fixtures/embedded/\(name)"), encoding: .utf8)
}

/// Lets one CPU-heavy step (a kubectl process, a bulk transfer) run at a time across all suites, so that this
/// module's tests do not starve the wall-clock-bounded tests of other modules on a busy two-core machine.
actor HeavyWorkGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            release()
            return result
        } catch {
            release()
            throw error
        }
    }

    private func acquire() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
    }
}

let heavyWork = HeavyWorkGate()

/// Runs blocking work (libcurl, kubectl) on its own thread so that it never starves the cooperative pool.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}
