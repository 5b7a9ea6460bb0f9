import Foundation
import StageSetTesting
import KubeModel
import Testing
@testable import YAML

/// Paths and helpers shared by the YAML suites.
enum Support {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/yaml")

    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    static func fixtureNames(withExtension ext: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: fixtures.path)
            .filter { $0.hasSuffix("." + ext) }.sorted()
    }

    /// The full path of `kubectl` on PATH, or nil.
    static let kubectlPath = Kubectl.path

    /// The outcome of reading a file with kubectl.
    enum KubectlResult {
        case objects([JSONValue])
        case failure(String)
    }

    /// Runs `kubectl label --local -f FILE stageset-oracle=1 -o json` on `yaml`: kubectl decodes the file
    /// offline and prints every object as JSON, one after another. (`kubectl create --dry-run=client` would
    /// need a server to know the unknown kind; `label --local` never contacts one.)
    static func kubectlDecode(_ yaml: String) throws -> KubectlResult {
        guard kubectlPath != nil else { throw KubectlMissing() }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("yaml-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input.yaml")
        try Data(yaml.utf8).write(to: file)

        let result = try Kubectl.run(["label", "--local", "-f", file.path, "stageset-oracle=1", "-o", "json"])
        guard result.status == 0 else { return .failure(result.stderr) }
        return .objects(try MiniJSON.parseAll(String(decoding: result.stdout, as: UTF8.self)))
    }

    /// The object kubectl printed, without the label the oracle command added.
    static func withoutOracleLabel(_ object: JSONValue) -> JSONValue {
        var object = object
        guard var metadata = object["metadata"]?.objectValue,
            var labels = metadata["labels"]?.objectValue
        else { return object }
        labels["stageset-oracle"] = nil
        metadata["labels"] = labels.isEmpty ? nil : .object(labels)
        object["metadata"] = .object(metadata)
        return object
    }

    struct KubectlMissing: Error, CustomStringConvertible {
        var description: String { "kubectl is not on PATH" }
    }
}

/// A small strict JSON reader for kubectl's output: integers that fit `Int64` become `.int`,
/// other numbers `.double` (as the Kubernetes API machinery reads JSON).
enum MiniJSON {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Every JSON value of a concatenated stream (kubectl prints one object after another).
    static func parseAll(_ text: String) throws -> [JSONValue] {
        var reader = Reader(bytes: Array(text.utf8))
        var values: [JSONValue] = []
        reader.skipSpace()
        while reader.index < reader.bytes.count {
            values.append(try reader.value())
            reader.skipSpace()
        }
        return values
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
        }

        mutating func expect(_ literal: String) throws {
            for byte in literal.utf8 {
                guard index < bytes.count, bytes[index] == byte else { throw Failure(description: "expected \(literal)") }
                index += 1
            }
        }

        mutating func value() throws -> JSONValue {
            guard index < bytes.count else { throw Failure(description: "unexpected end") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var object = JSONObject()
                skipSpace()
                if bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(object)
                }
                while true {
                    skipSpace()
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    object[key] = try value()
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect("}")
                    return .object(object)
                }
            case UInt8(ascii: "["):
                index += 1
                var array: [JSONValue] = []
                skipSpace()
                if bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(array)
                }
                while true {
                    skipSpace()
                    array.append(try value())
                    skipSpace()
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    try expect("]")
                    return .array(array)
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            default:
                let start = index
                while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                if let integer = Int64(text) { return .int(integer) }
                guard let double = Double(text) else { throw Failure(description: "bad number \(text)") }
                return .double(double)
            }
        }

        mutating func string() throws -> String {
            try expect("\"")
            var scalars = String.UnicodeScalarView()
            var pendingHigh: UInt32?
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    index += 1
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "u"):
                        let hex = String(decoding: bytes[index..<index + 4], as: UTF8.self)
                        index += 4
                        guard let code = UInt32(hex, radix: 16) else { throw Failure(description: "bad escape") }
                        if (0xD800..<0xDC00).contains(code) {
                            pendingHigh = code
                        } else if let high = pendingHigh, (0xDC00..<0xE000).contains(code) {
                            pendingHigh = nil
                            let combined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                            scalars.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                        } else {
                            scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                        }
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                    continue
                }
                // Copy one UTF-8 sequence.
                var length = 1
                if byte >= 0xF0 { length = 4 } else if byte >= 0xE0 { length = 3 } else if byte >= 0xC0 { length = 2 }
                let piece = String(decoding: bytes[index..<min(index + length, bytes.count)], as: UTF8.self)
                scalars.append(contentsOf: piece.unicodeScalars)
                index += length
            }
            throw Failure(description: "unterminated string")
        }
    }
}
