import StageSetTesting
import Curl
import Foundation
import Testing

/// The transport against a real HTTP peer on loopback.
@Suite(.timeLimit(.minutes(1)))
struct HTTPClientTests {
    private func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func sendsMethodHeadersAndBody() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        for method in ["POST", "PUT", "PATCH", "DELETE"] {
            let request = HTTPRequest(
                method: method, url: peer.base + "/echo?a=b",
                headers: [("Content-Type", "application/merge-patch+json"), ("Impersonate-Group", "g1"), ("Impersonate-Group", "g2")],
                body: Array(#"{"x":1}"#.utf8))
            let response = try await client.send(request)
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json")
            let echo = try json(response.body)
            #expect(echo["method"] as? String == method)
            #expect(echo["path"] as? String == "/echo?a=b")
            #expect(echo["body"] as? String == #"{"x":1}"#)
            let headers = try #require(echo["headers"] as? [[String]])
            #expect(headers.filter { $0.first == "Impersonate-Group" }.map { $0[1] } == ["g1", "g2"])
            #expect(headers.contains(["Content-Type", "application/merge-patch+json"]))
            #expect(!headers.contains { $0.first?.lowercased() == "expect" })
        }
    }

    @Test func getWithoutBodyAndEmptyPost() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let get = try json(try await client.send(HTTPRequest(url: peer.base + "/echo")).body)
        #expect(get["method"] as? String == "GET")
        #expect(get["body"] as? String == "")
        let post = try json(try await client.send(HTTPRequest(method: "POST", url: peer.base + "/echo")).body)
        #expect(post["method"] as? String == "POST")
        let headers = try #require(post["headers"] as? [[String]])
        #expect(headers.contains(["Content-Length", "0"]))
    }

    @Test func errorStatusesAreResponsesWithHeaders() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let response = try await client.send(HTTPRequest(url: peer.base + "/status/429?retry-after=7"))
        #expect(response.status == 429)
        #expect(response.header("Retry-After") == "7")
        #expect(String(decoding: response.body, as: UTF8.self) == "status 429")
        let missing = try await client.send(HTTPRequest(url: peer.base + "/nothing"))
        #expect(missing.status == 404)
    }

    @Test func reusesTheConnection() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        var ports: Set<Int> = []
        for _ in 0..<5 {
            let echo = try json(try await client.send(HTTPRequest(url: peer.base + "/echo")).body)
            ports.insert(try #require(echo["client_port"] as? Int))
        }
        #expect(ports.count == 1)
    }

    @Test func concurrentRequests() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let base = peer.base
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<20 {
                group.addTask { try await client.send(HTTPRequest(url: base + "/status/\(200 + index % 3)")).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.sorted() == (0..<20).map { 200 + $0 % 3 }.sorted())
    }

    @Test func streamsTheBodyAsItArrives() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let response = try await client.stream(HTTPRequest(url: peer.base + "/stream/3"))
        #expect(response.status == 200)
        var iterator = response.body.makeAsyncIterator()
        // The first line arrives while the server still holds the others back.
        let first = try #require(try await iterator.next())
        #expect(String(decoding: first, as: UTF8.self) == "{\"i\": 0}\n")
        _ = try await client.send(HTTPRequest(url: peer.base + "/release"))
        var rest: [UInt8] = []
        while let chunk = try await iterator.next() { rest += chunk }
        #expect(String(decoding: rest, as: UTF8.self) == "{\"i\": 1}\n{\"i\": 2}\n")
    }

    @Test func slowReaderPausesAndResumesTheTransfer() async throws {
        let peer = try LoopbackPeer()
        // A 16 KiB budget: a 2 MiB body is received in many pause/resume rounds, and nothing is lost.
        let client = try HTTPClient(streamBufferLimit: 16 << 10)
        let size = 2 << 20
        let response = try await client.stream(HTTPRequest(url: peer.base + "/big/\(size)"))
        var total = 0
        var allX = true
        for try await chunk in response.body {
            total += chunk.count
            allX = allX && chunk.allSatisfy { $0 == UInt8(ascii: "x") }
            await Task.yield()
        }
        #expect(total == size)
        #expect(allX)
        // Several paused streams at once on one client.
        let base = peer.base
        let totals = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await client.stream(HTTPRequest(url: base + "/big/\(size / 4)")).collect().count }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(totals == Array(repeating: size / 4, count: 4))
    }

    @Test func streamReturnsAtHeadersBeforeAnyBody() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let response = try await client.stream(HTTPRequest(url: peer.base + "/hold"))
        #expect(response.status == 200)
        #expect(response.header("Transfer-Encoding") == "chunked")
        _ = try await client.send(HTTPRequest(url: peer.base + "/release"))
        #expect(try await response.collect().isEmpty)
    }

    @Test func cancellingTheTaskCancelsTheTransfer() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let started = try await client.stream(HTTPRequest(url: peer.base + "/hold"))
        let task = Task { try await started.collect() }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        // The client keeps working after a cancellation.
        #expect(try await client.send(HTTPRequest(url: peer.base + "/status/204")).status == 204)
    }

    @Test func perRequestTimeout() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient()
        let error = await #expect(throws: CurlError.self) {
            _ = try await client.send(HTTPRequest(url: peer.base + "/hold", timeout: .milliseconds(200)))
        }
        #expect(error?.isTimeout == true)
        #expect(error?.isTransient == true)
    }

    @Test func connectionRefusedIsAConnectFailure() async throws {
        let port: Int
        do {
            // A port that was just free: the peer is gone when the request is made.
            let peer = try LoopbackPeer()
            port = peer.port
        }
        let client = try HTTPClient()
        let error = await #expect(throws: CurlError.self) {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(port)/echo", connectTimeout: .seconds(5)))
        }
        #expect(error?.isConnectFailure == true)
    }

    @Test func sendsThroughAProxy() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient(proxy: peer.base)
        let response = try await client.send(HTTPRequest(url: "http://origin.invalid/echo?x=1"))
        let echo = try json(response.body)
        // The proxy (our peer) received the absolute-form target.
        #expect(echo["path"] as? String == "http://origin.invalid/echo?x=1")
    }

    @Test func bodyLimitIsEnforced() async throws {
        let peer = try LoopbackPeer()
        let client = try HTTPClient(maxBodySize: 1000)
        #expect(try await client.send(HTTPRequest(url: peer.base + "/big/1000")).body.count == 1000)
        await #expect(throws: CurlError.self) { _ = try await client.send(HTTPRequest(url: peer.base + "/big/5000")) }
    }

    @Test func rejectsHeaderInjectionAndOtherSchemes() async throws {
        let client = try HTTPClient()
        await #expect(throws: CurlError.self) {
            _ = try await client.send(HTTPRequest(url: "http://127.0.0.1:1/", headers: [("X", "a\r\nInjected: 1")]))
        }
        await #expect(throws: CurlError.self) { _ = try await client.send(HTTPRequest(url: "file:///etc/passwd")) }
    }
}

/// TLS: CA data and file, client certificates, verification failures, insecure mode.
@Suite(.timeLimit(.minutes(1)), .enabled(if: Certificates.opensslAvailable))
struct HTTPClientTLSTests {
    @Test func verifiesWithCAData() async throws {
        let certs = try Certificates()
        let peer = try LoopbackPeer(tls: certs)
        let client = try HTTPClient(tls: TLSConfiguration(caData: try certs.read(certs.caCert)))
        let response = try await client.send(HTTPRequest(url: peer.base + "/echo"))
        #expect(response.status == 200)
    }

    @Test func verifiesWithCAFile() async throws {
        let certs = try Certificates()
        let peer = try LoopbackPeer(tls: certs)
        let client = try HTTPClient(tls: TLSConfiguration(caFile: certs.caCert))
        #expect(try await client.send(HTTPRequest(url: peer.base + "/echo")).status == 200)
    }

    @Test func unknownCAFailsUnlessInsecure() async throws {
        let certs = try Certificates()
        let other = try Certificates()
        let peer = try LoopbackPeer(tls: certs)
        let strict = try HTTPClient(tls: TLSConfiguration(caData: try other.read(other.caCert)))
        let error = await #expect(throws: CurlError.self) { _ = try await strict.send(HTTPRequest(url: peer.base + "/echo")) }
        #expect(error?.isTLSFailure == true)
        #expect(error?.isTransient == false)
        let insecure = try HTTPClient(tls: TLSConfiguration(insecureSkipVerify: true))
        #expect(try await insecure.send(HTTPRequest(url: peer.base + "/echo")).status == 200)
    }

    @Test func presentsClientCertificateFromData() async throws {
        let certs = try Certificates()
        let peer = try LoopbackPeer(tls: certs, requireClientCA: true)
        let client = try HTTPClient(tls: TLSConfiguration(
            caData: try certs.read(certs.caCert), clientCertificate: try certs.read(certs.clientCert),
            clientKey: try certs.read(certs.clientKey)))
        let body = try await client.send(HTTPRequest(url: peer.base + "/echo")).body
        let echo = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(echo["peer_cn"] as? String == "test-client")
    }

    @Test func presentsClientCertificateFromFiles() async throws {
        let certs = try Certificates()
        let peer = try LoopbackPeer(tls: certs, requireClientCA: true)
        let client = try HTTPClient(tls: TLSConfiguration(
            caFile: certs.caCert, clientCertificateFile: certs.clientCert, clientKeyFile: certs.clientKey))
        let body = try await client.send(HTTPRequest(url: peer.base + "/echo")).body
        let echo = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
        #expect(echo["peer_cn"] as? String == "test-client")
    }
}

/// The blocking one-shot API (used by the KMS decryptor) against the same peer.
@Suite(.timeLimit(.minutes(1)))
struct CurlEasyTests {
    @Test func performsRequestsOnTheCallingThread() throws {
        let peer = try LoopbackPeer()
        let easy = try CurlEasy()
        let response = try easy.perform(CurlRequest(
            method: "POST", url: peer.base + "/echo", headers: [("X-Amz-Target", "TrentService.Decrypt")],
            body: Array("{}".utf8)))
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.headers.allSatisfy { $0.name == $0.name.lowercased() })
        let echo = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(echo["method"] as? String == "POST")
        #expect(echo["body"] as? String == "{}")
        #expect((echo["headers"] as? [[String]])?.contains(["X-Amz-Target", "TrentService.Decrypt"]) == true)
        let put = try easy.perform(CurlRequest(method: "PUT", url: peer.base + "/echo"))
        #expect(put.status == 200)
    }

    @Test func limitsAndTimeouts() throws {
        let peer = try LoopbackPeer()
        let easy = try CurlEasy()
        #expect(throws: CurlError.self) { try easy.perform(CurlRequest(url: peer.base + "/big/100"), maxBodyBytes: 10) }
        let error = #expect(throws: CurlError.self) {
            try easy.perform(CurlRequest(url: peer.base + "/hold", timeoutMilliseconds: 200))
        }
        #expect(error?.isTimeout == true)
        #expect(try easy.perform(CurlRequest(url: peer.base + "/status/418")).status == 418)
    }
}

/// HTTP/2 where the server offers it: hypercorn (an independent h2 implementation) negotiates h2 by ALPN.
@Suite(.timeLimit(.minutes(1)))
struct HTTP2Tests {
    static let hypercornAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import hypercorn, h2"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test(.enabled(if: Certificates.opensslAvailable && hypercornAvailable, "openssl or hypercorn missing"))
    func negotiatesHTTP2AndMultiplexes() async throws {
        let certificates = try Certificates()
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let peer = try LoopbackPeer(
            scriptPath: tests.appending(path: "Fixtures/client/h2server.py").path, tls: certificates)
        var tls = TLSConfiguration()
        tls.caFile = certificates.caCert
        let client = try HTTPClient(tls: tls)
        let response = try await client.send(HTTPRequest(method: "POST", url: peer.base + "/first", body: Array("abc".utf8)))
        #expect(response.status == 200)
        #expect(response.httpVersion == 2)
        #expect(String(decoding: response.body, as: UTF8.self) == "2 POST /first 3")
        // Concurrent requests share the connection as streams; every answer is an HTTP/2 answer.
        let base = peer.base
        let versions = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask { String(decoding: try await client.send(HTTPRequest(url: base + "/n\(index)")).body, as: UTF8.self) }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(versions.count == 20)
        #expect(versions.allSatisfy { $0.hasPrefix("2 GET /n") })
    }
}
