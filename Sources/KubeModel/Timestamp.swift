#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant in UTC with nanosecond precision, in the RFC 3339 text form Kubernetes uses.
///
/// Parsing accepts what Go's `time.Parse(time.RFC3339, s)` accepts (and so what `metav1.Time`
/// decodes): `2006-01-02T15:04:05Z`, offsets such as `+02:00`, fractional seconds of any length
/// after `.` or `,` (digits past the ninth are truncated), a one-digit hour, and Go's lenient
/// offset range (up to `+24:00`, minutes up to 60). Like Go it rejects lowercase `t`/`z`, missing
/// offsets, out-of-range fields, leap seconds (`:60`) and days past the end of the month.
///
/// ``rfc3339`` prints as `metav1.Time` marshals (UTC, whole seconds, `Z`); ``rfc3339Nano`` prints
/// as Go's `time.RFC3339Nano` in UTC (fraction with trailing zeros trimmed). Codable uses ``rfc3339``.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public private(set) var seconds: Int64
    /// Nanoseconds within the second, always in `0..<1_000_000_000`.
    public private(set) var nanoseconds: Int32

    /// An instant `seconds` (plus `nanoseconds`, which may be any value and is normalised) after the epoch.
    public init(seconds: Int64, nanoseconds: Int64 = 0) {
        let (carry, rest) = Self.floorDivide(nanoseconds, 1_000_000_000)
        self.seconds = seconds.addingReportingOverflow(carry).overflow
            ? (carry < 0 ? .min : .max) : seconds + carry
        self.nanoseconds = Int32(rest)
    }

    /// The instant of a UTC calendar date and time. Out-of-range fields carry over as in Go's
    /// `time.Date` (month 13 is January of the next year, second 60 the next minute). Fields far
    /// outside the calendar (beyond about ±10⁹ years in total) wrap instead of trapping.
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanosecond: Int = 0) {
        let (yearCarry, monthIndex) = Self.floorDivide(Int64(month) &- 1, 12)
        let days = Self.daysFromCivil(year: Int64(year) &+ yearCarry, month: monthIndex + 1, day: 1) &+ Int64(day) &- 1
        let secs = days &* 86_400 &+ Int64(hour) &* 3_600 &+ Int64(minute) &* 60 &+ Int64(second)
        self.init(seconds: secs, nanoseconds: Int64(nanosecond))
    }

    /// 1970-01-01T00:00:00Z.
    public static let unixEpoch = Timestamp(seconds: 0)

    /// The current wall-clock time.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanoseconds: Int64(spec.tv_nsec))
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// ``rfc3339``.
    public var description: String { rfc3339 }

    // MARK: Arithmetic

    /// The instant `duration` later (earlier for a negative duration), saturating at the representable range.
    public static func + (lhs: Timestamp, rhs: GoDuration) -> Timestamp {
        let (carry, rest) = floorDivide(rhs.nanoseconds, 1_000_000_000)
        let (secs, overflow) = lhs.seconds.addingReportingOverflow(carry)
        if overflow { return Timestamp(seconds: carry < 0 ? .min : .max) }
        return Timestamp(seconds: secs, nanoseconds: Int64(lhs.nanoseconds) + rest)
    }

    public static func - (lhs: Timestamp, rhs: GoDuration) -> Timestamp {
        if rhs.nanoseconds == .min {
            return lhs + GoDuration(nanoseconds: .max) + GoDuration(nanoseconds: 1)
        }
        return lhs + GoDuration(nanoseconds: -rhs.nanoseconds)
    }

    public static func += (lhs: inout Timestamp, rhs: GoDuration) { lhs = lhs + rhs }
    public static func -= (lhs: inout Timestamp, rhs: GoDuration) { lhs = lhs - rhs }

    /// The duration from `rhs` to `lhs`, saturating at the `GoDuration` range as Go's `Time.Sub` does.
    public static func - (lhs: Timestamp, rhs: Timestamp) -> GoDuration {
        let secs = lhs.seconds.subtractingReportingOverflow(rhs.seconds)
        let nanos = Int64(lhs.nanoseconds) - Int64(rhs.nanoseconds)
        guard !secs.overflow else { return GoDuration(nanoseconds: lhs > rhs ? .max : .min) }
        let scaled = secs.partialValue.multipliedReportingOverflow(by: 1_000_000_000)
        guard !scaled.overflow else { return GoDuration(nanoseconds: lhs > rhs ? .max : .min) }
        let total = scaled.partialValue.addingReportingOverflow(nanos)
        guard !total.overflow else { return GoDuration(nanoseconds: lhs > rhs ? .max : .min) }
        return GoDuration(nanoseconds: total.partialValue)
    }

    // MARK: Formatting

    /// `2006-01-02T15:04:05Z`: UTC, whole seconds (the fraction is truncated), as `metav1.Time` marshals.
    public var rfc3339: String {
        var out: [UInt8] = []
        appendDateTime(to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `2006-01-02T15:04:05.999999999Z`: UTC with the fraction's trailing zeros (and a bare `.`) trimmed.
    public var rfc3339Nano: String {
        var out: [UInt8] = []
        appendDateTime(to: &out)
        if nanoseconds > 0 {
            var digits = Array(String(nanoseconds).utf8)
            digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: 9 - digits.count), at: 0)
            while digits.last == UInt8(ascii: "0") { digits.removeLast() }
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits)
        }
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `2006-01-02T15:04:05.000000Z`: UTC with exactly six fractional digits (truncated), as
    /// `metav1.MicroTime` marshals (Lease and Event times).
    public var rfc3339Micro: String {
        var out: [UInt8] = []
        appendDateTime(to: &out)
        out.append(UInt8(ascii: "."))
        Self.appendPadded(UInt64(nanoseconds / 1_000), width: 6, to: &out)
        out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    private func appendDateTime(to out: inout [UInt8]) {
        let (days, secondOfDay) = Self.floorDivide(seconds, 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        if year < 0 { out.append(UInt8(ascii: "-")) }
        Self.appendPadded(year.magnitude, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendPadded(UInt64(month), width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        Self.appendPadded(UInt64(day), width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        Self.appendPadded(UInt64(secondOfDay / 3_600), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(UInt64(secondOfDay / 60 % 60), width: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        Self.appendPadded(UInt64(secondOfDay % 60), width: 2, to: &out)
    }

    private static func appendPadded(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        let digits = String(value).utf8
        if digits.count < width { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - digits.count)) }
        out.append(contentsOf: digits)
    }

    // MARK: Calendar

    private static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (month 1...12).
    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year &- 1 : year
        let era = floorDivide(y, 400).quotient
        let yearOfEra = y &- era &* 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 &+ day &- 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 &+ dayOfYear
        return era &* 146_097 &+ dayOfEra &- 719_468
    }

    private static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = floorDivide(z, 146_097).quotient
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

// MARK: - Parsing

extension Timestamp {
    /// Why a text is not an RFC 3339 timestamp; the message follows Go's `time.ParseError`.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// Parses `text` as Go's `time.Parse(time.RFC3339, text)` does.
    public init(parsing text: String) throws(ParseError) {
        try self.init(parsing: text, micro: false)
    }

    /// Parses `text` as `metav1.MicroTime` does (Go's `time.Parse` with layout
    /// `2006-01-02T15:04:05.000000Z07:00`): exactly six fractional digits after `.` or `,`.
    public init(parsingMicro text: String) throws(ParseError) {
        try self.init(parsing: text, micro: true)
    }

    private init(parsing text: String, micro: Bool) throws(ParseError) {
        var s = Substring(text).utf8[...]
        let quoted = goQuote(text)
        let layout = micro ? "2006-01-02T15:04:05.000000Z07:00" : "2006-01-02T15:04:05Z07:00"

        func cannotParse(_ element: String) -> ParseError {
            ParseError(
                description: "parsing time \(quoted) as \"\(layout)\": cannot parse "
                    + "\(goQuote(String(decoding: s, as: UTF8.self))) as \"\(element)\"")
        }
        func outOfRange(_ what: String) -> ParseError {
            ParseError(description: "parsing time \(quoted): \(what) out of range")
        }
        func digit(_ c: UInt8?) -> Int64? {
            guard let c, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            return Int64(c - UInt8(ascii: "0"))
        }
        /// Go's `getnum`: one digit, or two when the second is a digit or `fixed` demands it.
        func number(fixed: Bool, element: String) throws(ParseError) -> Int64 {
            guard let d0 = digit(s.first) else { throw cannotParse(element) }
            guard let d1 = digit(s.dropFirst().first) else {
                if fixed { throw cannotParse(element) }
                s = s.dropFirst()
                return d0
            }
            s = s.dropFirst(2)
            return d0 * 10 + d1
        }
        func literal(_ c: Character) throws(ParseError) {
            guard let first = s.first, first == c.asciiValue else { throw cannotParse(String(c)) }
            s = s.dropFirst()
        }

        // Year: exactly four digits.
        var year: Int64 = 0
        guard s.count >= 4, digit(s.first) != nil else { throw cannotParse("2006") }
        for c in s.prefix(4) {
            guard let d = digit(c) else { throw cannotParse("2006") }
            year = year * 10 + d
        }
        s = s.dropFirst(4)
        try literal("-")
        let month = try number(fixed: true, element: "01")
        guard month >= 1 && month <= 12 else { throw outOfRange("month") }
        try literal("-")
        let day = try number(fixed: true, element: "02")
        try literal("T")
        let hour = try number(fixed: false, element: "15")
        guard hour < 24 else { throw outOfRange("hour") }
        try literal(":")
        let minute = try number(fixed: true, element: "04")
        guard minute < 60 else { throw outOfRange("minute") }
        try literal(":")
        let second = try number(fixed: true, element: "05")
        guard second < 60 else { throw outOfRange("second") }

        var nanos: Int64 = 0
        if micro {
            // Exactly '.' or ',' and six digits.
            let fraction = Array(s.prefix(7))
            guard fraction.count == 7, fraction[0] == UInt8(ascii: ".") || fraction[0] == UInt8(ascii: ",") else {
                throw cannotParse(".000000")
            }
            for c in fraction[1...] {
                guard let d = digit(c) else { throw cannotParse(".000000") }
                nanos = nanos * 10 + d
            }
            nanos *= 1_000
            s = s.dropFirst(7)
        } else if let sep = s.first, sep == UInt8(ascii: ".") || sep == UInt8(ascii: ","),
            digit(s.dropFirst().first) != nil
        {
            // Fractional seconds: '.' or ',' and at least one digit; digits past nine are truncated.
            s = s.dropFirst()
            var count = 0
            while let d = digit(s.first) {
                if count < 9 { nanos = nanos * 10 + d }
                count += 1
                s = s.dropFirst()
            }
            for _ in count..<max(count, 9) { nanos *= 10 }
        }

        // Zone: 'Z' or ±hh:mm.
        var offset: Int64 = 0
        if s.first == UInt8(ascii: "Z") {
            s = s.dropFirst()
        } else {
            let zone = Array(s.prefix(6))
            guard zone.count == 6, zone[3] == UInt8(ascii: ":"),
                let h0 = digit(zone[1]), let h1 = digit(zone[2]), let m0 = digit(zone[4]), let m1 = digit(zone[5]),
                zone[0] == UInt8(ascii: "+") || zone[0] == UInt8(ascii: "-")
            else { throw cannotParse("Z07:00") }
            let offsetHours = h0 * 10 + h1
            let offsetMinutes = m0 * 10 + m1
            guard offsetHours <= 24 else { throw outOfRange("time zone offset hour") }
            guard offsetMinutes <= 60 else { throw outOfRange("time zone offset minute") }
            offset = (offsetHours * 60 + offsetMinutes) * 60
            if zone[0] == UInt8(ascii: "-") { offset = -offset }
            s = s.dropFirst(6)
        }
        guard s.isEmpty else {
            throw ParseError(
                description: "parsing time \(quoted): extra text: \(goQuote(String(decoding: s, as: UTF8.self)))")
        }
        guard day >= 1 && day <= Self.daysIn(month: month, year: year) else { throw outOfRange("day") }

        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let secs = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
        self.init(seconds: secs, nanoseconds: nanos)
    }
}

// MARK: - Codable

extension Timestamp: Codable {
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
        try container.encode(rfc3339)
    }
}
