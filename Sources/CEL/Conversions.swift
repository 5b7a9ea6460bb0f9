public import KubeModel

/// Type conversion functions (`int`, `uint`, `double`, `string`, `bool`, `bytes`, `timestamp`, `duration`).
extension Interpreter {
    func convertToInt(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .int: return value
        case .uint(let u):
            guard let i = Int64(exactly: u) else { throw rangeError("int", at: offset) }
            return .int(i)
        case .double(let d):
            // Truncates toward zero; the result must lie strictly inside the int64 range.
            guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775807e18 else {
                throw rangeError("int", at: offset)
            }
            return .int(Int64(d.rounded(.towardZero)))
        case .string(let s):
            guard let i = Int64(s) else { throw parseError(s, "int", at: offset) }
            return .int(i)
        case .timestamp(let t): return .int(t.seconds)
        default: throw noOverload("int", [value], at: offset)
        }
    }

    func convertToUint(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .uint: return value
        case .int(let i):
            guard let u = UInt64(exactly: i) else { throw rangeError("uint", at: offset) }
            return .uint(u)
        case .double(let d):
            guard d.isFinite, d > -1, d < 1.8446744073709551615e19 else { throw rangeError("uint", at: offset) }
            return .uint(UInt64(d.rounded(.towardZero)))
        case .string(let s):
            guard !s.hasPrefix("+"), let u = UInt64(s) else { throw parseError(s, "uint", at: offset) }
            return .uint(u)
        default: throw noOverload("uint", [value], at: offset)
        }
    }

    func convertToDouble(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .double: return value
        case .int(let i): return .double(Double(i))
        case .uint(let u): return .double(Double(u))
        case .string(let s):
            guard let d = parseDouble(s) else { throw parseError(s, "double", at: offset) }
            return .double(d)
        default: throw noOverload("double", [value], at: offset)
        }
    }

    func convertToString(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .string: return value
        case .int(let i): return .string(String(i))
        case .uint(let u): return .string(String(u))
        case .double(let d): return .string(formatDouble(d))
        case .bool(let b): return .string(b ? "true" : "false")
        case .bytes(let b):
            guard let s = String(validating: b, as: UTF8.self) else {
                throw EvalFailure(message: "invalid UTF-8 in bytes, cannot convert to string", offset: offset)
            }
            return .string(s)
        case .timestamp(let t): return .string(formatTimestamp(t))
        case .duration(let d): return .string(formatDuration(d))
        case .type(let t): return .string(t.name)
        case .quantity(let q): return .string(q.description)
        case .ip(let ip): return .string(ip.description)
        case .cidr(let cidr): return .string(cidr.description)
        default: throw noOverload("string", [value], at: offset)
        }
    }

    func convertToBool(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .bool: return value
        case .string(let s):
            switch s {
            case "1", "t", "T", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "F", "false", "FALSE", "False": return .bool(false)
            default: throw parseError(s, "bool", at: offset)
            }
        default: throw noOverload("bool", [value], at: offset)
        }
    }

    func convertToBytes(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .bytes: return value
        case .string(let s): return .bytes(Array(s.utf8))
        default: throw noOverload("bytes", [value], at: offset)
        }
    }

    func convertToTimestamp(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .timestamp: return value
        case .string(let s):
            guard let t = parseTimestamp(s) else {
                throw EvalFailure(message: "timestamp out of range or malformed: \(quoteString(s))", offset: offset)
            }
            return .timestamp(t)
        case .int(let seconds):
            guard let t = CELTimestamp(seconds: seconds) else {
                throw EvalFailure(message: "timestamp out of range", offset: offset)
            }
            return .timestamp(t)
        default: throw noOverload("timestamp", [value], at: offset)
        }
    }

    func convertToDuration(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .duration: return value
        case .string(let s):
            do {
                return .duration(try GoDuration(parsing: s).nanoseconds)
            } catch {
                throw EvalFailure(message: "duration out of range or malformed: \(error.description)", offset: offset)
            }
        default: throw noOverload("duration", [value], at: offset)
        }
    }

    private func rangeError(_ type: String, at offset: Int) -> EvalFailure {
        EvalFailure(message: "\(type) range error", offset: offset)
    }

    private func parseError(_ text: String, _ type: String, at offset: Int) -> EvalFailure {
        EvalFailure(message: "cannot convert \(quoteString(text)) to \(type): invalid syntax", offset: offset)
    }
}

/// Parses a double the way Go's `strconv.ParseFloat` accepts common input (decimal, exponent, inf, nan).
func parseDouble(_ text: String) -> Double? {
    let lowered = text.lowercased()
    switch lowered {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    case "nan": return .nan
    default: break
    }
    guard !text.isEmpty, text.unicodeScalars.allSatisfy({ "0123456789+-.eE_xXpPabcdefABCDEF".unicodeScalars.contains($0) })
    else { return nil }
    guard let d = Double(text), d.isFinite else { return nil }
    return d
}

// MARK: - JSON

extension CELValue {
    /// The CEL value of a JSON document: numbers stay `int` or `double`, objects become maps with string keys.
    public init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .double(let d): self = .double(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(CELValue.init(json:)))
        case .object(let object):
            var map = CELMap()
            for (key, value) in object {
                // Keys of a JSON object are unique strings, so insertion cannot fail.
                try? map.insert(.string(key), CELValue(json: value))
            }
            self = .map(map)
        }
    }

    /// The value as JSON: uints that fit become ints, bytes base64, timestamps and durations
    /// their string forms, types their names, and map keys strings.
    public var jsonValue: JSONValue {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return Int64(exactly: u).map(JSONValue.int) ?? .double(Double(u))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bytes(let b): return .string(base64(b))
        case .list(let items): return .array(items.map(\.jsonValue))
        case .map(let map):
            var object = JSONObject()
            for (key, value) in map.entries {
                let name: String
                switch key {
                case .string(let s): name = s
                case .bool(let b): name = b ? "true" : "false"
                case .int(let i): name = String(i)
                case .uint(let u): name = String(u)
                default: name = key.literalDescription
                }
                object[name] = value.jsonValue
            }
            return .object(object)
        case .timestamp(let t): return .string(formatTimestamp(t))
        case .duration(let d): return .string(formatDuration(d))
        case .type(let t): return .string(t.name)
        case .quantity(let q): return .string(q.description)
        case .optional(let inner): return inner?.jsonValue ?? .null
        case .ip(let ip): return .string(ip.description)
        case .cidr(let cidr): return .string(cidr.description)
        }
    }
}

extension CELValue: CustomStringConvertible {
    /// The value written as a CEL literal (timestamps and durations as conversion calls).
    public var description: String { literalDescription }
}

private func base64(_ bytes: [UInt8]) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let b0 = bytes[i]
        let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
        let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
        out.append(alphabet[Int(b0 >> 2)])
        out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
        out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
        out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}
