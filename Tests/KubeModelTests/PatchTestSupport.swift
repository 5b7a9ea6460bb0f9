import Foundation
import KubeModel

/// JSON text ↔ `JSONValue` for the patch tests, through Foundation's JSONSerialization.
enum PatchJSON {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ text: String) throws -> JSONValue {
        try parse(data: Data(text.utf8))
    }

    static func parse(data: Data) throws -> JSONValue {
        try convert(JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]))
    }

    static func convert(_ any: Any) throws -> JSONValue {
        switch any {
        case is NSNull:
            return .null
        case let string as String:
            return .string(string)
        case let number as NSNumber:
            if String(describing: type(of: number)).contains("Boolean") {
                return .bool(number.boolValue)
            }
            switch String(cString: number.objCType) {
            case "d", "f":
                return .double(number.doubleValue)
            default:
                return .int(number.int64Value)
            }
        case let array as [Any]:
            return .array(try array.map(convert))
        case let dictionary as [String: Any]:
            var object: JSONObject = [:]
            for key in dictionary.keys.sorted() {
                object[key] = try convert(dictionary[key] as Any)
            }
            return .object(object)
        default:
            throw Failure(description: "unexpected JSON value \(any)")
        }
    }

    static func foundation(_ value: JSONValue) -> Any {
        switch value {
        case .null: NSNull()
        case .bool(let flag): flag
        case .int(let number): number
        case .double(let number): number
        case .string(let text): text
        case .array(let array): array.map(foundation)
        case .object(let object): Dictionary(uniqueKeysWithValues: object.map { ($0.key, foundation($0.value)) })
        }
    }

    static func text(_ value: JSONValue) throws -> String {
        let data = try JSONSerialization.data(
            withJSONObject: foundation(value), options: [.fragmentsAllowed, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The directory holding this suite's fixtures.
    static let fixtures: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("patch")

    static func fixture(_ name: String) throws -> JSONValue {
        try parse(data: Data(contentsOf: fixtures.appendingPathComponent(name)))
    }
}
