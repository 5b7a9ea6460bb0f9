import StageSetTesting

extension LoopbackPeer {
    /// A peer script of Tests/Fixtures/client: `httpserver.py` (generic) or `fakeapiserver.py` (API-shaped).
    convenience init(
        script: String = "httpserver.py", arguments: [String] = [], tls: Certificates? = nil, requireClientCA: Bool = false
    ) throws {
        try self.init(scriptPath: Fixtures.path(script), arguments: arguments, tls: tls, requireClientCA: requireClientCA)
    }
}
