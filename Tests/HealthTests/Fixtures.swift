import Foundation
import KubeModel
import YAML

/// Access to Tests/Fixtures/kstatus.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures/kstatus")

    /// The case or index document cases/<name>.yaml.
    static func document(_ name: String) throws -> JSONValue {
        let text = try String(contentsOf: directory.appending(path: "cases/\(name).yaml"), encoding: .utf8)
        return try YAML.decode(text)
    }
}
