import Artifacts
import StageSetCore
import Testing

struct URLGuardTests {
    /// Resolves nothing: literal hosts never reach the resolver, names must not resolve in these cases.
    static let noDNS: @Sendable (String) -> [String] = { _ in [] }

    @Test(arguments: [
        "http://localhost/a.tar.gz", "http://LOCALHOST./a", "http://api.localhost/a",
        "http://127.0.0.1/a", "http://127.1/a", "http://127.0.1/a", "http://0x7f000001/a", "http://0x7f.1/a",
        "http://017700000001/a", "http://0177.0.0.1/a", "http://2130706433/a", "http://127.255.255.254:9090/a",
        "http://0.0.0.0/a", "http://0/a", "http://169.254.169.254/latest/meta-data", "http://0xa9fea9fe/a",
        "http://224.0.0.1/a", "http://239.255.255.250/a", "http://255.255.255.255/a",
        "http://[::1]/a", "http://[::]/a", "http://[fe80::1]/a", "http://[ff02::1]/a", "http://[::ffff:127.0.0.1]/a",
        "http://[::ffff:169.254.169.254]/a",
        "ftp://example.com/a", "file:///etc/passwd", "gopher://example.com/", "http:///a", "http://",
        "http://user:secret@example.com/a", "http://%31%32%37.0.0.1/a", "http://[fe80::1%25eth0]/a",
        "not a url", "http://exa mple.com/a",
    ])
    func productionRefuses(_ url: String) {
        #expect(throws: StageSetError.self) { try ArtifactURLGuard.vet(url, policy: .production, resolver: Self.noDNS) }
        do {
            _ = try ArtifactURLGuard.vet(url, policy: .production, resolver: Self.noDNS)
        } catch {
            #expect(error.reason == .stageFailed)
            #expect(error.retry == .terminal)
        }
    }

    @Test(arguments: [
        ("http://10.0.0.1/a.tar.gz", "10.0.0.1:80:10.0.0.1"),
        ("https://192.168.1.2:9090/x", "192.168.1.2:9090:192.168.1.2"),
        ("http://100.64.0.1/x", "100.64.0.1:80:100.64.0.1"),
        ("http://[fd00::1]:8080/x", "[fd00::1]:8080:[fd00::1]"),
        ("http://0x0a000001/x", "0x0a000001:80:10.0.0.1"),
    ])
    func productionAllowsPrivateAddresses(_ url: String, _ pin: String) throws {
        let vetted = try ArtifactURLGuard.vet(url, policy: .production, resolver: Self.noDNS)
        #expect(vetted.resolveEntry == pin)
    }

    @Test func namesArePinnedToEveryVettedAddress() throws {
        let vetted = try ArtifactURLGuard.vet(
            "http://source-controller.flux-system.svc.cluster.local./gitrepository/a/b/c.tar.gz", policy: .production,
            resolver: { _ in ["10.96.0.10", "fd00::a"] })
        #expect(vetted.resolveEntry == "source-controller.flux-system.svc.cluster.local.:80:10.96.0.10,[fd00::a]")
    }

    @Test func aNameResolvingToAnyForbiddenAddressIsRefused() {
        #expect(throws: StageSetError.self) {
            try ArtifactURLGuard.vet("http://rebind.example/a", policy: .production,
                                     resolver: { _ in ["10.0.0.1", "127.0.0.1"] })
        }
        #expect(throws: StageSetError.self) {
            try ArtifactURLGuard.vet("http://meta.example/a", policy: .production, resolver: { _ in ["169.254.169.254"] })
        }
        // Unresolvable: a retryable failure, not an SSRF verdict.
        do {
            _ = try ArtifactURLGuard.vet("http://nowhere.example/a", policy: .production, resolver: Self.noDNS)
            Issue.record("unresolvable host accepted")
        } catch {
            #expect(error.retry == .backoff)
        }
    }

    @Test func allowLoopbackAdmitsLoopbackOnly() throws {
        let vetted = try ArtifactURLGuard.vet("http://127.0.0.1:8080/a", policy: .allowLoopback, resolver: Self.noDNS)
        #expect(vetted.resolveEntry == "127.0.0.1:8080:127.0.0.1")
        _ = try ArtifactURLGuard.vet("http://[::1]:8080/a", policy: .allowLoopback, resolver: Self.noDNS)
        _ = try ArtifactURLGuard.vet("http://localhost:8080/a", policy: .allowLoopback, resolver: { _ in ["127.0.0.1"] })
        for url in ["http://169.254.169.254/a", "http://0.0.0.0/a", "http://224.0.0.1/a", "http://[fe80::1]/a"] {
            #expect(throws: StageSetError.self) { try ArtifactURLGuard.vet(url, policy: .allowLoopback, resolver: Self.noDNS) }
        }
    }

    @Test(arguments: [
        ("127.0.0.1", UInt32(0x7F00_0001)), ("127.1", 0x7F00_0001), ("0x7f000001", 0x7F00_0001),
        ("017700000001", 0x7F00_0001), ("2130706433", 0x7F00_0001), ("0x7F.0.0.1", 0x7F00_0001),
        ("10.1.258", 0x0A01_0102), ("0", 0), ("1.2.3.4", 0x0102_0304),
    ])
    func inetAtonSpellings(_ text: String, _ value: UInt32) {
        #expect(ArtifactURLGuard.inetAton(text) == value)
    }

    @Test(arguments: ["256.1.1.1", "1.2.3.4.5", "1.2.3.256", "08.1.1.1", "example.com", "1..2", "", "0x1g", "4294967296"])
    func inetAtonRejects(_ text: String) {
        #expect(ArtifactURLGuard.inetAton(text) == nil)
    }
}
