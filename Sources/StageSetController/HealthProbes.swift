import PlainHTTP

/// `/healthz` (the process answers) and `/readyz` (the StageSet cache has synced) for the kubelet's probes.
final class HealthProbes: Sendable {
    private let server: PlainHTTPServer

    init(ready: @escaping @Sendable () -> Bool) {
        server = PlainHTTPServer { path in
            switch path {
            case "/healthz": return PlainHTTPResponse(status: 200, body: Array("ok".utf8))
            case "/readyz":
                return ready()
                    ? PlainHTTPResponse(status: 200, body: Array("ok".utf8))
                    : PlainHTTPResponse(status: 500, body: Array("StageSet cache not synced yet".utf8))
            default: return .notFound
            }
        }
    }

    func start(host: String, port: Int) async throws {
        try await server.start(host: host, port: port)
    }

    /// `host:port` once listening.
    var address: String {
        guard let address = server.address else { return "" }
        return address.host.contains(":") ? "[\(address.host)]:\(address.port)" : "\(address.host):\(address.port)"
    }

    func shutdown() async { await server.shutdown() }

    /// `host:port`, `:port` (all interfaces) or `[v6]:port`; `nil` when malformed.
    static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
