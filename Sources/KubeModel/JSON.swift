/// Why a JSON text could not be decoded, and where.
///
/// The message follows the wording of Go's `encoding/json` syntax errors
/// (for example `invalid character 'x' looking for beginning of value`).
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, without the position.
    public let message: String
    /// Zero-based byte offset of the offending byte (the input length for a premature end).
    public let offset: Int
    /// One-based line number of ``offset``.
    public let line: Int
    /// One-based column of ``offset``, counted in Unicode scalars from the start of the line.
    public let column: Int

    public init(message: String, offset: Int, line: Int, column: Int) {
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String { "\(message) at line \(line), column \(column) (offset \(offset))" }
}

/// The JSON text codec for ``JSONValue``: a strict RFC 8259 parser and an encoder whose output
/// matches Go's `encoding/json`.
///
/// Decoding rules (Go's where RFC 8259 leaves room):
/// - object key order is preserved; a duplicate key keeps its first position and takes the last value;
/// - a number literal without fraction or exponent that fits `Int64` becomes ``JSONValue/int(_:)``
///   (so `-0` is `.int(0)`), every other number ``JSONValue/double(_:)`` (`1e3` is `.double(1000)`);
///   a number whose magnitude overflows `Double` is an error, so decoded values never hold NaN or
///   infinity, while one that underflows becomes `0`;
/// - invalid UTF-8 inside strings and unpaired UTF-16 surrogate escapes are replaced by U+FFFD,
///   byte by byte, exactly as Go does; they are not errors;
/// - nesting deeper than ``maxDepth`` is an error (the parser never recurses, so the stack is safe);
/// - a byte-order mark, comments, trailing commas and non-JSON literals (`NaN`, `Infinity`) are errors.
public enum JSON {
    /// The deepest nesting of arrays and objects the decoder accepts (Go's limit).
    public static let maxDepth = 10_000

    /// Decodes one JSON value from `text`; only whitespace may surround it.
    public static func decode(_ text: String) throws(JSONError) -> JSONValue {
        var text = text
        return try text.withUTF8(parse).get()
    }

    /// Decodes one JSON value from UTF-8 bytes; only whitespace may surround it.
    public static func decode(_ bytes: some Collection<UInt8>) throws(JSONError) -> JSONValue {
        if let result = bytes.withContiguousStorageIfAvailable(parse) { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer(parse).get()
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONError> {
        var parser = JSONParser(buffer)
        do throws(JSONError) {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }

    /// Encodes `value` as Go's `encoding/json` would.
    ///
    /// Compact by default; `pretty` indents by four spaces as `kubectl -o json` does (no trailing newline).
    /// Object members keep their order unless `sortKeys` is set, which sorts them bytewise as Go sorts
    /// map keys. Strings are escaped HTML-safe (`<`, `>`, `&`, U+2028, U+2029 as `\uXXXX`).
    /// Doubles use Go's float formatting (`1000`, `0.5`, `1e+21`, `1e-7`). NaN and infinities,
    /// which no decoder produces, are written as `null`.
    public static func encode(_ value: JSONValue, pretty: Bool = false, sortKeys: Bool = false) -> String {
        String(decoding: encodeToBytes(value, pretty: pretty, sortKeys: sortKeys), as: UTF8.self)
    }

    /// ``encode(_:pretty:sortKeys:)`` as UTF-8 bytes.
    public static func encodeToBytes(_ value: JSONValue, pretty: Bool = false, sortKeys: Bool = false) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty, sortKeys: sortKeys)
        writer.write(value, indent: 0)
        return writer.out
    }
}

// MARK: - Parser

private enum Byte {
    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")
    static let slash = UInt8(ascii: "/")
    static let comma = UInt8(ascii: ",")
    static let colon = UInt8(ascii: ":")
    static let openBrace = UInt8(ascii: "{")
    static let closeBrace = UInt8(ascii: "}")
    static let openBracket = UInt8(ascii: "[")
    static let closeBracket = UInt8(ascii: "]")
    static let minus = UInt8(ascii: "-")
    static let plus = UInt8(ascii: "+")
    static let dot = UInt8(ascii: ".")
    static let zero = UInt8(ascii: "0")
    static let nine = UInt8(ascii: "9")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}

/// An iterative (non-recursive) RFC 8259 parser over a contiguous UTF-8 buffer.
private struct JSONParser {
    /// An open container. Finished members wait in the flat `values` (and `keys`) buffers from
    /// `valueStart` (`keyStart`) on, and become one array or object when the container closes.
    private struct Frame {
        var isObject: Bool
        var valueStart: Int
        var keyStart: Int
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var pos = 0
    private var scratch: [UInt8] = []

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        var frames: [Frame] = []
        var values: [JSONValue] = []
        var keys: [String] = []
        var value: JSONValue
        parsing: while true {
            // Parse the start of a value; containers open a frame and loop for their first member.
            skipWhitespace()
            guard pos < bytes.count else { throw error("unexpected end of JSON input") }
            let c = bytes[pos]
            switch c {
            case Byte.openBrace:
                guard frames.count < JSON.maxDepth else { throw error("exceeded max depth") }
                pos += 1
                skipWhitespace()
                if pos < bytes.count, bytes[pos] == Byte.closeBrace {
                    pos += 1
                    value = .object([:])
                } else {
                    frames.append(Frame(isObject: true, valueStart: values.count, keyStart: keys.count))
                    keys.append(try parseKey())
                    continue parsing
                }
            case Byte.openBracket:
                guard frames.count < JSON.maxDepth else { throw error("exceeded max depth") }
                pos += 1
                skipWhitespace()
                if pos < bytes.count, bytes[pos] == Byte.closeBracket {
                    pos += 1
                    value = .array([])
                } else {
                    frames.append(Frame(isObject: false, valueStart: values.count, keyStart: keys.count))
                    continue parsing
                }
            case Byte.quote:
                value = .string(try parseString())
            case Byte.minus, Byte.zero...Byte.nine:
                value = try parseNumber()
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                value = .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                value = .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                value = .null
            default:
                throw error("invalid character \(Self.quoteChar(c)) looking for beginning of value")
            }

            // Store the finished value in its container, closing containers as they end.
            while let frame = frames.last {
                values.append(value)
                skipWhitespace()
                guard pos < bytes.count else { throw error("unexpected end of JSON input") }
                let c = bytes[pos]
                if c == Byte.comma {
                    pos += 1
                    if frame.isObject {
                        skipWhitespace()
                        keys.append(try parseKey())
                    }
                    continue parsing
                }
                if frame.isObject {
                    guard c == Byte.closeBrace else {
                        throw error("invalid character \(Self.quoteChar(c)) after object key:value pair")
                    }
                    var members = JSONObject(minimumCapacity: values.count - frame.valueStart)
                    for (key, member) in zip(keys[frame.keyStart...], values[frame.valueStart...]) {
                        members[key] = member  // a duplicate keeps its first position and takes the last value
                    }
                    keys.removeSubrange(frame.keyStart...)
                    value = .object(members)
                } else {
                    guard c == Byte.closeBracket else {
                        throw error("invalid character \(Self.quoteChar(c)) after array element")
                    }
                    value = .array(Array(values[frame.valueStart...]))
                }
                pos += 1
                values.removeSubrange(frame.valueStart...)
                frames.removeLast()
            }
            break parsing
        }
        skipWhitespace()
        if pos < bytes.count {
            throw error("invalid character \(Self.quoteChar(bytes[pos])) after top-level value")
        }
        return value
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case Byte.space, Byte.tab, Byte.newline, Byte.carriageReturn: pos += 1
            default: return
            }
        }
    }

    /// Parses `"key"` followed by `:`; leaves `pos` at the start of the member's value.
    private mutating func parseKey() throws(JSONError) -> String {
        guard pos < bytes.count else { throw error("unexpected end of JSON input") }
        guard bytes[pos] == Byte.quote else {
            throw error("invalid character \(Self.quoteChar(bytes[pos])) looking for beginning of object key string")
        }
        let key = try parseString()
        skipWhitespace()
        guard pos < bytes.count else { throw error("unexpected end of JSON input") }
        guard bytes[pos] == Byte.colon else {
            throw error("invalid character \(Self.quoteChar(bytes[pos])) after object key")
        }
        pos += 1
        return key
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for e in expected {
            guard pos < bytes.count else { throw error("unexpected end of JSON input") }
            let c = bytes[pos]
            guard c == e else {
                throw error(
                    "invalid character \(Self.quoteChar(c)) in literal \(literal) (expecting \(Self.quoteChar(e)))"
                )
            }
            pos += 1
        }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws(JSONError) -> String {
        pos += 1  // opening quote
        let start = pos
        // Fast path: plain ASCII without escapes.
        while pos < bytes.count {
            let c = bytes[pos]
            if c == Byte.quote {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
                pos += 1
                return text
            }
            if c == Byte.backslash || c < 0x20 || c >= 0x80 { break }
            pos += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let c = bytes[pos]
            switch c {
            case Byte.quote:
                pos += 1
                return String(decoding: scratch, as: UTF8.self)
            case Byte.backslash:
                try parseEscape()
            case 0..<0x20:
                throw error("invalid character \(Self.quoteChar(c)) in string literal")
            case 0x80...:
                appendUTF8Sequence()
            default:
                scratch.append(c)
                pos += 1
            }
        }
        throw error("unexpected end of JSON input")
    }

    /// Copies one UTF-8 sequence starting at `pos`, or U+FFFD for an invalid lead byte (Go's rule:
    /// an invalid sequence consumes exactly one byte).
    private mutating func appendUTF8Sequence() {
        let c0 = bytes[pos]
        var width = 0
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch c0 {
        case 0xC2...0xDF: width = 2
        case 0xE0: width = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: width = 3
        case 0xED: width = 3; high = 0x9F
        case 0xF0: width = 4; low = 0x90
        case 0xF1...0xF3: width = 4
        case 0xF4: width = 4; high = 0x8F
        default: width = 0
        }
        var valid = width > 0 && pos + width <= bytes.count
        if valid {
            let c1 = bytes[pos + 1]
            valid = c1 >= low && c1 <= high
            var i = 2
            while valid && i < width {
                let ci = bytes[pos + i]
                valid = ci >= 0x80 && ci <= 0xBF
                i += 1
            }
        }
        if valid {
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[pos..<pos + width]))
            pos += width
        } else {
            scratch.append(contentsOf: [0xEF, 0xBF, 0xBD])
            pos += 1
        }
    }

    private mutating func parseEscape() throws(JSONError) {
        pos += 1  // backslash
        guard pos < bytes.count else { throw error("unexpected end of JSON input") }
        let c = bytes[pos]
        pos += 1
        switch c {
        case Byte.quote, Byte.backslash, Byte.slash: scratch.append(c)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4()
            var scalar: UInt32 = 0xFFFD
            if unit >= 0xD800 && unit < 0xDC00 {
                // A high surrogate pairs only with an immediately following low-surrogate escape;
                // otherwise it alone becomes U+FFFD and the next escape is read on its own.
                if pos + 6 <= bytes.count, bytes[pos] == Byte.backslash, bytes[pos + 1] == UInt8(ascii: "u"),
                    let low = Self.hex4(bytes, at: pos + 2), low >= 0xDC00 && low < 0xE000
                {
                    scalar = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    pos += 6
                }
            } else if unit < 0xDC00 || unit >= 0xE000 {
                scalar = unit
            }
            appendScalar(scalar)
        default:
            pos -= 1
            throw error("invalid character \(Self.quoteChar(c)) in string escape code")
        }
    }

    private mutating func parseHex4() throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard pos < bytes.count else { throw error("unexpected end of JSON input") }
            let c = bytes[pos]
            guard let digit = Self.hexValue(c) else {
                throw error("invalid character \(Self.quoteChar(c)) in \\u hexadecimal character escape")
            }
            value = value << 4 | digit
            pos += 1
        }
        return value
    }

    private static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        var value: UInt32 = 0
        for i in index..<index + 4 {
            guard let digit = hexValue(bytes[i]) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case Byte.zero...Byte.nine: UInt32(c - Byte.zero)
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    private mutating func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Numbers

    private func isDigit(at index: Int) -> Bool {
        index < bytes.count && bytes[index] >= Byte.zero && bytes[index] <= Byte.nine
    }

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = pos
        let negative = bytes[pos] == Byte.minus
        if negative {
            pos += 1
            guard pos < bytes.count else { throw error("unexpected end of JSON input") }
            guard isDigit(at: pos) else {
                throw error("invalid character \(Self.quoteChar(bytes[pos])) in numeric literal")
            }
        }
        // Integer part, accumulated negatively so Int64.min fits.
        var accumulator: Int64 = 0
        var overflow = false
        if bytes[pos] == Byte.zero {
            pos += 1
        } else {
            while isDigit(at: pos) {
                let digit = Int64(bytes[pos] - Byte.zero)
                if !overflow {
                    let (times, o1) = accumulator.multipliedReportingOverflow(by: 10)
                    let (next, o2) = times.subtractingReportingOverflow(digit)
                    if o1 || o2 { overflow = true } else { accumulator = next }
                }
                pos += 1
            }
        }
        var integral = true
        if pos < bytes.count, bytes[pos] == Byte.dot {
            integral = false
            pos += 1
            guard pos < bytes.count else { throw error("unexpected end of JSON input") }
            guard isDigit(at: pos) else {
                throw error("invalid character \(Self.quoteChar(bytes[pos])) after decimal point in numeric literal")
            }
            while isDigit(at: pos) { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            integral = false
            pos += 1
            if pos < bytes.count, bytes[pos] == Byte.plus || bytes[pos] == Byte.minus { pos += 1 }
            guard pos < bytes.count else { throw error("unexpected end of JSON input") }
            guard isDigit(at: pos) else {
                throw error("invalid character \(Self.quoteChar(bytes[pos])) in exponent of numeric literal")
            }
            while isDigit(at: pos) { pos += 1 }
        }
        if integral && !overflow {
            if negative { return .int(accumulator) }
            if accumulator != .min { return .int(-accumulator) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        guard let double = Double(text), double.isFinite else {
            throw JSONError.at(start, in: bytes, "number \(text) is out of range for a 64-bit float")
        }
        return .double(double)
    }

    // MARK: Errors

    private func error(_ message: String) -> JSONError {
        JSONError.at(pos, in: bytes, message)
    }

    /// Go's `quoteChar`: a byte as a quoted character for messages.
    static func quoteChar(_ c: UInt8) -> String {
        switch c {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        case Byte.newline: return "'\\n'"
        case Byte.carriageReturn: return "'\\r'"
        case Byte.tab: return "'\\t'"
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(c)))'"
        default:
            let hex = String(c, radix: 16)
            return "'\\x\(hex.count == 1 ? "0" + hex : hex)'"
        }
    }
}

extension JSONError {
    /// An error at byte `offset` of `bytes`, with its line and column computed.
    fileprivate static func at(_ offset: Int, in bytes: UnsafeBufferPointer<UInt8>, _ message: String) -> JSONError {
        var line = 1
        var column = 1
        for i in 0..<min(offset, bytes.count) {
            let c = bytes[i]
            if c == Byte.newline {
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONError(message: message, offset: offset, line: line, column: column)
    }
}

// MARK: - Writer

private struct JSONWriter {
    var out: [UInt8] = []
    let pretty: Bool
    let sortKeys: Bool

    init(pretty: Bool, sortKeys: Bool) {
        self.pretty = pretty
        self.sortKeys = sortKeys
        out.reserveCapacity(256)
    }

    /// An open container: its remaining members are written one per step, so deep values never
    /// recurse.
    private enum Frame {
        case array([JSONValue], next: Int)
        case object(JSONObject, keys: [String]?, next: Int)
    }

    mutating func write(_ root: JSONValue, indent: Int) {
        var stack: [Frame] = []
        var pending: JSONValue? = root
        while true {
            if let value = pending {
                pending = nil
                switch value {
                case .null: out.append(contentsOf: "null".utf8)
                case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
                case .int(let i): out.append(contentsOf: String(i).utf8)
                case .double(let d): GoFloat.append(d, to: &out)
                case .string(let s): writeString(s)
                case .array(let elements):
                    if elements.isEmpty {
                        out.append(contentsOf: "[]".utf8)
                    } else {
                        out.append(Byte.openBracket)
                        stack.append(.array(elements, next: 0))
                    }
                case .object(let members):
                    if members.isEmpty {
                        out.append(contentsOf: "{}".utf8)
                    } else {
                        out.append(Byte.openBrace)
                        let keys = sortKeys
                            ? members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } : nil
                        stack.append(.object(members, keys: keys, next: 0))
                    }
                }
            }
            guard let frame = stack.popLast() else { return }
            let depth = indent + stack.count + 1
            switch frame {
            case .array(let elements, let next):
                if next == elements.count {
                    newline(depth - 1)
                    out.append(Byte.closeBracket)
                    continue
                }
                if next > 0 { out.append(Byte.comma) }
                newline(depth)
                pending = elements[next]
                stack.append(.array(elements, next: next + 1))
            case .object(let members, let keys, let next):
                if next == members.count {
                    newline(depth - 1)
                    out.append(Byte.closeBrace)
                    continue
                }
                if next > 0 { out.append(Byte.comma) }
                newline(depth)
                let key = keys?[next] ?? members.keys[next]
                writeString(key)
                out.append(Byte.colon)
                if pretty { out.append(Byte.space) }
                pending = members[key]
                stack.append(.object(members, keys: keys, next: next + 1))
            }
        }
    }

    private mutating func newline(_ indent: Int) {
        guard pretty else { return }
        out.append(Byte.newline)
        out.append(contentsOf: repeatElement(Byte.space, count: indent * 4))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Go's HTML-safe string encoding.
    private mutating func writeString(_ s: String) {
        out.append(Byte.quote)
        let utf8 = s.utf8
        var runStart = utf8.startIndex
        var i = utf8.startIndex
        while i != utf8.endIndex {
            let c = utf8[i]
            var escape: [UInt8]? = nil
            var width = 1
            switch c {
            case Byte.quote: escape = [Byte.backslash, Byte.quote]
            case Byte.backslash: escape = [Byte.backslash, Byte.backslash]
            case Byte.newline: escape = [Byte.backslash, UInt8(ascii: "n")]
            case Byte.carriageReturn: escape = [Byte.backslash, UInt8(ascii: "r")]
            case Byte.tab: escape = [Byte.backslash, UInt8(ascii: "t")]
            case 0x08: escape = [Byte.backslash, UInt8(ascii: "b")]
            case 0x0C: escape = [Byte.backslash, UInt8(ascii: "f")]
            case 0..<0x20, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                escape = Self.unicodeEscape(UInt16(c))
            case 0xE2:
                // U+2028 and U+2029 are E2 80 A8 / E2 80 A9.
                let j = utf8.index(after: i)
                if j != utf8.endIndex, utf8[j] == 0x80 {
                    let k = utf8.index(after: j)
                    if k != utf8.endIndex, utf8[k] == 0xA8 || utf8[k] == 0xA9 {
                        escape = Self.unicodeEscape(utf8[k] == 0xA8 ? 0x2028 : 0x2029)
                        width = 3
                    }
                }
            default: break
            }
            if let escape {
                out.append(contentsOf: utf8[runStart..<i])
                out.append(contentsOf: escape)
                i = utf8.index(i, offsetBy: width)
                runStart = i
            } else {
                i = utf8.index(after: i)
            }
        }
        out.append(contentsOf: utf8[runStart..<i])
        out.append(Byte.quote)
    }

    private static func unicodeEscape(_ unit: UInt16) -> [UInt8] {
        [
            Byte.backslash, UInt8(ascii: "u"),
            hexDigits[Int(unit >> 12 & 0xF)], hexDigits[Int(unit >> 8 & 0xF)],
            hexDigits[Int(unit >> 4 & 0xF)], hexDigits[Int(unit & 0xF)],
        ]
    }
}

/// Go's `encoding/json` float formatting: shortest round-trip digits, `'f'` notation for
/// magnitudes in [1e-6, 1e21), otherwise `'e'` notation with a two-digit minimum exponent,
/// where `e-07` is then shortened to `e-7`.
enum GoFloat {
    static func format(_ value: Double) -> String {
        var out: [UInt8] = []
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func append(_ value: Double, to out: inout [UInt8]) {
        guard value.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if value.sign == .minus { out.append(Byte.minus) }
        let magnitude = value.magnitude
        if magnitude == 0 {
            out.append(Byte.zero)
            return
        }
        // Shortest digits d1 d2 ... dn with value = 0.d1...dn × 10^point.
        let (digits, point) = shortestDigits(magnitude)
        if magnitude < 1e-6 || magnitude >= 1e21 {
            out.append(digits[0])
            if digits.count > 1 {
                out.append(Byte.dot)
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            let exponent = point - 1
            out.append(exponent < 0 ? Byte.minus : Byte.plus)
            let text = Array(String(exponent.magnitude).utf8)
            // Go prints at least two exponent digits, but encoding/json trims `e-0X` to `e-X`.
            if text.count == 1 && exponent >= 0 { out.append(Byte.zero) }
            out.append(contentsOf: text)
        } else {
            if point <= 0 {
                out.append(Byte.zero)
                out.append(Byte.dot)
                out.append(contentsOf: repeatElement(Byte.zero, count: -point))
                out.append(contentsOf: digits)
            } else if point >= digits.count {
                out.append(contentsOf: digits)
                out.append(contentsOf: repeatElement(Byte.zero, count: point - digits.count))
            } else {
                out.append(contentsOf: digits[..<point])
                out.append(Byte.dot)
                out.append(contentsOf: digits[point...])
            }
        }
    }

    /// The shortest round-trip decimal digits of a positive finite double (from Swift's own
    /// shortest-representation `description`), without leading or trailing zeros.
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], point: Int) {
        var digits: [UInt8] = []
        var point = 0
        var seenDot = false
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for c in value.description.utf8 {
            if inExponent {
                if c == Byte.minus {
                    exponentNegative = true
                } else if c >= Byte.zero && c <= Byte.nine {
                    exponent = exponent * 10 + Int(c - Byte.zero)
                }
                continue
            }
            switch c {
            case Byte.zero...Byte.nine:
                if digits.isEmpty && c == Byte.zero {
                    if seenDot { point -= 1 }
                } else {
                    digits.append(c)
                    if !seenDot { point += 1 }
                }
            case Byte.dot: seenDot = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            default: break
            }
        }
        while digits.count > 1, digits.last == Byte.zero { digits.removeLast() }
        point += exponentNegative ? -exponent : exponent
        return (digits, point)
    }
}
