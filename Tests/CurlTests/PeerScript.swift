import Foundation
import StageSetTesting

extension LoopbackPeer {
    /// The generic peer, Tests/Fixtures/client/httpserver.py.
    convenience init(tls: Certificates? = nil, requireClientCA: Bool = false) throws {
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let script: String = tests.appending(path: "Fixtures/client/httpserver.py").path
        try self.init(scriptPath: script, arguments: [], tls: tls, requireClientCA: requireClientCA)
    }
}
