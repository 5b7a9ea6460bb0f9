import Foundation
import KubeModel

/// Access to Tests/Fixtures/kstatus.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Fixtures/kstatus")

    struct Missing: Error {
        var name: String
    }

    /// The case or index document `name` (without extension), decoded from its JSON rendering
    /// (json/<name>.json, written from cases/<name>.yaml by tools/yaml_to_json.py).
    static func document(_ name: String) throws -> JSONValue {
        let url = directory.appending(path: "json/\(name).json")
        let data = try Data(contentsOf: url)
        return try JSONDecoder().decode(DecodedJSON.self, from: data).value
    }
}

/// Decodes any JSON document into a `JSONValue` (object key order is not kept; kstatus does not look at it).
private struct DecodedJSON: Decodable {
    var value: JSONValue

    init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: Key.self) {
            var object = JSONObject()
            for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) {
                object[key.stringValue] = try container.decode(DecodedJSON.self, forKey: key).value
            }
            value = .object(object)
            return
        }
        if var container = try? decoder.unkeyedContainer() {
            var array: [JSONValue] = []
            while !container.isAtEnd {
                array.append(try container.decode(DecodedJSON.self).value)
            }
            value = .array(array)
            return
        }
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            value = .int(int)
        } else if let double = try? container.decode(Double.self) {
            value = .double(double)
        } else {
            value = .string(try container.decode(String.self))
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
