/// A duration with Go's `time.Duration` text form: parsed as `time.ParseDuration` parses it
/// (`1h30m`, `300ms`, `-1.5h`, `2h45m0.5s`) and printed as `Duration.String()` prints it (`1h30m0s`).
///
/// Kubernetes and Flux APIs (`metav1.Duration`) carry durations in this form.
public struct GoDuration: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The length in nanoseconds, as Go's `time.Duration`.
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    public static let zero = GoDuration(nanoseconds: 0)
    public static func seconds(_ value: Int64) -> GoDuration { GoDuration(nanoseconds: value * 1_000_000_000) }
    public static func minutes(_ value: Int64) -> GoDuration { .seconds(value * 60) }
    public static func hours(_ value: Int64) -> GoDuration { .seconds(value * 3600) }

    /// The length in seconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// The value as a Swift `Duration`.
    public var swiftDuration: Duration { .nanoseconds(nanoseconds) }

    public static func < (lhs: GoDuration, rhs: GoDuration) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Why a text is not a duration; the message is Go's.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    private static let units: [String: UInt64] = [
        "ns": 1,
        "us": 1_000,
        "\u{00B5}s": 1_000,  // micro sign
        "\u{03BC}s": 1_000,  // Greek small letter mu
        "ms": 1_000_000,
        "s": 1_000_000_000,
        "m": 60_000_000_000,
        "h": 3_600_000_000_000,
    ]

    /// Parses `text` exactly as Go's `time.ParseDuration` does.
    public init(parsing text: String) throws(ParseError) {
        let invalid = ParseError(description: "time: invalid duration \(goQuote(text))")
        var s = Substring(text).utf8[...]
        var total: UInt64 = 0
        var negative = false
        if let first = s.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            s = s.dropFirst()
        }
        if s.elementsEqual("0".utf8) {
            self.init(nanoseconds: 0)
            return
        }
        if s.isEmpty { throw invalid }
        let limit: UInt64 = 1 << 63
        while let first = s.first {
            guard first == UInt8(ascii: ".") || Self.isDigit(first) else { throw invalid }
            // The integer part.
            var whole: UInt64 = 0
            var sawWhole = false
            while let c = s.first, Self.isDigit(c) {
                if whole > limit / 10 { throw invalid }
                whole = whole * 10 + UInt64(c - UInt8(ascii: "0"))
                if whole > limit { throw invalid }
                sawWhole = true
                s = s.dropFirst()
            }
            // The fraction, with overflow silently truncating precision as Go does.
            var fraction: UInt64 = 0
            var scale = 1.0
            var sawFraction = false
            if s.first == UInt8(ascii: ".") {
                s = s.dropFirst()
                var overflow = false
                while let c = s.first, Self.isDigit(c) {
                    sawFraction = true
                    s = s.dropFirst()
                    if overflow { continue }
                    if fraction > (limit - 1) / 10 {
                        overflow = true
                        continue
                    }
                    let next = fraction * 10 + UInt64(c - UInt8(ascii: "0"))
                    if next > limit {
                        overflow = true
                        continue
                    }
                    fraction = next
                    scale *= 10
                }
            }
            guard sawWhole || sawFraction else { throw invalid }
            // The unit: everything up to the next '.' or digit.
            let unitEnd = s.firstIndex { $0 == UInt8(ascii: ".") || Self.isDigit($0) } ?? s.endIndex
            let unitBytes = s[s.startIndex..<unitEnd]
            guard !unitBytes.isEmpty else {
                throw ParseError(description: "time: missing unit in duration \(goQuote(text))")
            }
            let unitName = String(decoding: unitBytes, as: UTF8.self)
            guard let unit = Self.units[unitName] else {
                throw ParseError(
                    description: "time: unknown unit \(goQuote(unitName)) in duration \(goQuote(text))")
            }
            s = s[unitEnd...]
            if whole > limit / unit { throw invalid }
            var value = whole * unit
            if fraction > 0 {
                value += UInt64(Double(fraction) * (Double(unit) / scale))
                if value > limit { throw invalid }
            }
            total += value
            if total > limit { throw invalid }
        }
        if negative {
            self.init(nanoseconds: total == limit ? Int64.min : -Int64(total))
        } else {
            guard total <= limit - 1 else { throw invalid }
            self.init(nanoseconds: Int64(total))
        }
    }

    /// The text Go's `Duration.String()` prints, such as `1h30m0s`, `1.5s`, `300ms` or `0s`.
    public var description: String {
        var u = nanoseconds.magnitude
        var out: [UInt8] = []  // built backwards
        if u < 1_000_000_000 {
            out.append(UInt8(ascii: "s"))
            let precision: Int
            if u == 0 {
                return "0s"
            } else if u < 1_000 {
                precision = 0
                out.append(UInt8(ascii: "n"))
            } else if u < 1_000_000 {
                precision = 3
                out.append(contentsOf: "\u{00B5}".utf8.reversed())
            } else {
                precision = 6
                out.append(UInt8(ascii: "m"))
            }
            u = Self.appendFraction(&out, u, precision: precision)
            Self.appendInteger(&out, u)
        } else {
            out.append(UInt8(ascii: "s"))
            u = Self.appendFraction(&out, u, precision: 9)
            Self.appendInteger(&out, u % 60)
            u /= 60
            if u > 0 {
                out.append(UInt8(ascii: "m"))
                Self.appendInteger(&out, u % 60)
                u /= 60
                if u > 0 {
                    out.append(UInt8(ascii: "h"))
                    Self.appendInteger(&out, u)
                }
            }
        }
        if nanoseconds < 0 { out.append(UInt8(ascii: "-")) }
        return String(decoding: out.reversed(), as: UTF8.self)
    }

    private static func appendFraction(_ out: inout [UInt8], _ value: UInt64, precision: Int) -> UInt64 {
        var v = value
        var printing = false
        for _ in 0..<precision {
            let digit = v % 10
            printing = printing || digit != 0
            if printing { out.append(UInt8(ascii: "0") + UInt8(digit)) }
            v /= 10
        }
        if printing { out.append(UInt8(ascii: ".")) }
        return v
    }

    private static func appendInteger(_ out: inout [UInt8], _ value: UInt64) {
        var v = value
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(v % 10))
            v /= 10
        } while v > 0
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}

extension GoDuration: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
