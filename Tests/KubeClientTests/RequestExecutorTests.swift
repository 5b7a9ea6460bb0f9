import StageSetTesting
import Curl
import Foundation
import KubeAPI
import KubeClient
import KubeModel
import Testing

/// Retries, Retry-After, token-file rotation and impersonation headers, against a real HTTP peer.
@Suite(.timeLimit(.minutes(1)))
struct RequestExecutorTests {
    private func client(_ peer: LoopbackPeer, credentials: Credentials = .none, retries: Int = 3,
                        impersonation: Impersonation? = nil) throws -> KubeClient {
        let configuration = ClientConfiguration(
            server: peer.base, credentials: credentials, impersonation: impersonation, qps: 0,
            timeout: .seconds(10),
            retry: RetryPolicy(maxRetries: retries, initialDelay: .milliseconds(1), maxDelay: .milliseconds(20)))
        return try KubeClient(configuration: configuration, mapper: StaticRESTMapper([]))
    }

    private func attempts(_ response: HTTPResponse) throws -> Int64? {
        try JSON.decode(response.body)["attempts"]?.intValue
    }

    @Test func retriesServiceUnavailableAndTooManyRequests() async throws {
        let peer = try LoopbackPeer()
        let client = try client(peer)
        #expect(try attempts(try await client.send(path: "/flaky/a/2/503")) == 3)
        #expect(try attempts(try await client.send(path: "/flaky/b/3/429")) == 4)
        // POST is retried on 429/503 too: the server did not act on it.
        #expect(try attempts(try await client.send(method: "POST", path: "/flaky/c/1/429")) == 2)
    }

    @Test func givesUpAfterMaxRetriesWithTheServerError() async throws {
        let peer = try LoopbackPeer()
        let client = try client(peer, retries: 2)
        let error = await #expect(throws: KubeError.self) { _ = try await client.send(path: "/flaky/d/5/503") }
        #expect(error?.isServiceUnavailable == true)
        #expect(error?.message == "try again")
        #expect(error?.retryAfterSeconds == 0)
        // 1 try + 2 retries were made; the next request is the 4th.
        #expect(try attempts(try await client.send(path: "/flaky/d/3/503")) == 4)
    }

    @Test func writesAreRetriedOnlyWhenTheServerDidNotActOnThem() async throws {
        let peer = try LoopbackPeer()
        let client = try client(peer)
        await #expect(throws: KubeError.self) { _ = try await client.send(method: "POST", path: "/flaky/e/1/500") }
        #expect(try attempts(try await client.send(method: "POST", path: "/flaky/e/1/500")) == 2)
        await #expect(throws: KubeError.self) { _ = try await client.send(path: "/flaky/f/1/409") }
        #expect(try attempts(try await client.send(path: "/flaky/f/1/409")) == 2)
        // GET retries a 500 and a 504; a PATCH does not (it may have been applied).
        #expect(try attempts(try await client.send(path: "/flaky/g/1/500")) == 2)
        #expect(try attempts(try await client.send(path: "/flaky/h/1/504")) == 2)
        await #expect(throws: KubeError.self) { _ = try await client.send(method: "PATCH", path: "/flaky/i/1/504") }
        #expect(try attempts(try await client.send(method: "PATCH", path: "/flaky/i/1/504")) == 2)
        #expect(try attempts(try await client.send(method: "PATCH", path: "/flaky/j/1/503")) == 2)
    }

    @Test func connectionRefusedBecomesATransportError() async throws {
        let port: Int
        do { port = try LoopbackPeer().port }
        let configuration = ClientConfiguration(
            server: "http://127.0.0.1:\(port)", qps: 0,
            retry: RetryPolicy(maxRetries: 2, initialDelay: .milliseconds(1), maxDelay: .milliseconds(5)))
        let client = try KubeClient(configuration: configuration, mapper: StaticRESTMapper([]))
        let error = await #expect(throws: KubeClientError.self) { _ = try await client.send(path: "/echo") }
        #expect(error?.code == .transport)
        #expect(error?.isTransient == true)
    }

    @Test func bearerTokenFileIsReReadAfterUnauthorized() async throws {
        let peer = try LoopbackPeer()
        let directory = try Fixtures.temporaryDirectory()
        let tokenFile = directory + "/token"
        try "first\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let configuration = ClientConfiguration(
            server: peer.base, credentials: .bearerTokenFile(tokenFile), qps: 0, retry: .none,
            tokenFileRefreshInterval: .seconds(3600))
        let client = try KubeClient(configuration: configuration, mapper: StaticRESTMapper([]))
        #expect(try await client.send(path: "/auth/first").status == 200)
        // Rotation: the cached token is stale; the 401 makes the client read the file again.
        try "second\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        #expect(try await client.send(path: "/auth/second").status == 200)
        let error = await #expect(throws: KubeError.self) { _ = try await client.send(path: "/auth/third") }
        #expect(error?.isUnauthorized == true)
    }

    @Test func sendsCredentialsAndImpersonationHeaders() async throws {
        let peer = try LoopbackPeer()
        let base = try client(peer, credentials: .bearerToken("admin-token"))
        let tenant = try #require(
            base.impersonating(Impersonation(user: "system:serviceaccount:t:deployer", groups: ["g1", "g2"], uid: "u-1"))
                as? KubeClient)
        let echo = try JSON.decode(try await tenant.send(path: "/echo").body)
        let headers = echo["headers"]?.arrayValue?.compactMap { pair -> (String, String)? in
            guard let name = pair[0]?.stringValue, let value = pair[1]?.stringValue else { return nil }
            return (name, value)
        } ?? []
        #expect(headers.contains { $0 == ("Authorization", "Bearer admin-token") })
        #expect(headers.contains { $0 == ("Impersonate-User", "system:serviceaccount:t:deployer") })
        #expect(headers.filter { $0.0 == "Impersonate-Group" }.map(\.1) == ["g1", "g2"])
        #expect(headers.contains { $0 == ("Impersonate-Uid", "u-1") })
        #expect(headers.contains { $0 == ("Accept", "application/json") })
        // A token-authenticated copy sends no impersonation.
        let asToken = base.authenticating(with: .bearerToken("sa-token"))
        let plain = try JSON.decode(try await asToken.send(path: "/echo").body)
        let plainHeaders = plain["headers"]?.arrayValue ?? []
        #expect(plainHeaders.contains(["Authorization", "Bearer sa-token"]))
        #expect(!plainHeaders.contains { $0[0]?.stringValue?.hasPrefix("Impersonate") == true })
    }

    @Test func perRequestTimeout() async throws {
        let peer = try LoopbackPeer()
        let client = try client(peer, retries: 0).withTimeout(.milliseconds(200))
        let error = await #expect(throws: KubeClientError.self) { _ = try await client.send(path: "/hold") }
        #expect(error?.code == .transport)
        #expect(client.timeout == .milliseconds(200))
    }

    @Test func basicAuth() async throws {
        let peer = try LoopbackPeer()
        let client = try client(peer, credentials: .basic(username: "u", password: "p"))
        let echo = try JSON.decode(try await client.send(path: "/echo").body)
        #expect(echo["headers"]?.arrayValue?.contains(["Authorization", "Basic dTpw"]) == true)
    }
}
