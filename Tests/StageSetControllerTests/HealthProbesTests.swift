import Curl
@testable import StageSetController
import Synchronization
import Testing

struct HealthProbesTests {
    @Test func healthzAnswersAndReadyzFollowsTheCache() async throws {
        let synced = Mutex(false)
        let probes = HealthProbes { synced.withLock { $0 } }
        try await probes.start(host: "127.0.0.1", port: 0)
        let client = try HTTPClient()
        let base = "http://\(probes.address)"
        #expect(try await client.send(HTTPRequest(url: base + "/healthz")).status == 200)
        #expect(try await client.send(HTTPRequest(url: base + "/readyz")).status == 500)
        synced.withLock { $0 = true }
        #expect(try await client.send(HTTPRequest(url: base + "/readyz")).status == 200)
        #expect(try await client.send(HTTPRequest(url: base + "/metrics")).status == 404)
        #expect(try await client.send(HTTPRequest(method: "POST", url: base + "/healthz")).status == 405)
        await probes.shutdown()
    }

    @Test func bindAddresses() {
        #expect(HealthProbes.parse(":8081")! == ("0.0.0.0", 8081))
        #expect(HealthProbes.parse("127.0.0.1:0")! == ("127.0.0.1", 0))
        #expect(HealthProbes.parse("[::1]:9000")! == ("::1", 9000))
        #expect(HealthProbes.parse("8081") == nil)
        #expect(HealthProbes.parse(":99999") == nil)
    }
}
