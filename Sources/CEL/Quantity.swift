/// A Kubernetes resource quantity (`1Gi`, `500m`, `1.5e3`), held exactly in units of 10⁻⁹.
///
/// Parsing follows `k8s.io/apimachinery` `resource.ParseQuantity`: a signed decimal number and an
/// optional binary (`Ki`…`Ei`), decimal (`n u m k M G T P E`) or exponent (`e3`) suffix; precision
/// finer than nano units rounds up, as the API server does.
public struct CELQuantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The value in nano units (10⁻⁹).
    public let nanos: Int128
    /// The text the quantity was parsed from.
    public let description: String

    private static let nano: Int128 = 1_000_000_000
    /// Largest magnitude accepted (Kubernetes stores quantities as int64 at some scale).
    private static let limit: Int128 = Int128(Int64.max) * nano

    /// Parses a quantity; nil when the text is not one.
    public init?(parsing text: String) {
        guard !text.isEmpty, text.utf8.count <= 64, let nanos = CELQuantity.parse(Array(text.utf8)) else { return nil }
        self.nanos = nanos
        self.description = text
    }

    init(nanos: Int128) {
        self.nanos = nanos
        // Canonical enough for display: integral values without suffix, others in nano units.
        if nanos % CELQuantity.nano == 0 {
            self.description = String(nanos / CELQuantity.nano)
        } else {
            self.description = "\(nanos)n"
        }
    }

    public static func < (lhs: CELQuantity, rhs: CELQuantity) -> Bool { lhs.nanos < rhs.nanos }
    public static func == (lhs: CELQuantity, rhs: CELQuantity) -> Bool { lhs.nanos == rhs.nanos }
    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }

    private static func parse(_ s: [UInt8]) -> Int128? {
        var i = 0
        var negative = false
        if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            negative = s[i] == UInt8(ascii: "-")
            i += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var sawDigit = false
        while i < s.count, (48...57).contains(s[i]) {
            digits.append(s[i] - 48)
            sawDigit = true
            i += 1
        }
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            while i < s.count, (48...57).contains(s[i]) {
                digits.append(s[i] - 48)
                fractionDigits += 1
                sawDigit = true
                i += 1
            }
        }
        guard sawDigit else { return nil }
        // Suffix: value = digits × 10^(decimalExponent - fractionDigits) × 2^binaryExponent.
        let suffix = String(decoding: s[i...], as: UTF8.self)
        var decimalExponent = 0
        var binaryExponent = 0
        switch suffix {
        case "": break
        case "Ki": binaryExponent = 10
        case "Mi": binaryExponent = 20
        case "Gi": binaryExponent = 30
        case "Ti": binaryExponent = 40
        case "Pi": binaryExponent = 50
        case "Ei": binaryExponent = 60
        case "n": decimalExponent = -9
        case "u": decimalExponent = -6
        case "m": decimalExponent = -3
        case "k": decimalExponent = 3
        case "M": decimalExponent = 6
        case "G": decimalExponent = 9
        case "T": decimalExponent = 12
        case "P": decimalExponent = 15
        case "E": decimalExponent = 18
        default:
            guard let first = suffix.first, first == "e" || first == "E", let exponent = Int(suffix.dropFirst()),
                suffix.dropFirst().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }),
                abs(exponent) <= 40
            else { return nil }
            decimalExponent = exponent
        }
        // Work in nano units: shift the decimal point by 9.
        var exponent10 = decimalExponent - fractionDigits + 9
        // Drop leading zeros so the magnitude check below is meaningful.
        while digits.count > 1, digits.first == 0 { digits.removeFirst() }
        var value: Int128 = 0
        var roundUp = false
        if exponent10 < 0 {
            // Digits beyond nano precision: truncate and remember to round up.
            let drop = -exponent10
            if drop >= digits.count {
                roundUp = digits.contains { $0 != 0 }
                digits = []
            } else {
                roundUp = digits.suffix(drop).contains { $0 != 0 }
                digits.removeLast(drop)
            }
            exponent10 = 0
        }
        guard digits.count + exponent10 <= 36 else { return nil }
        for digit in digits { value = value * 10 + Int128(digit) }
        for _ in 0..<exponent10 { value *= 10 }
        if roundUp { value += 1 }
        for _ in 0..<binaryExponent {
            value *= 2
            if value > limit { return nil }
        }
        guard value <= limit else { return nil }
        return negative ? -value : value
    }
}

extension Interpreter {
    /// `quantity()`, `isQuantity()` and the methods of `kubernetes.Quantity`.
    mutating func quantityFunction(
        _ function: String, target: CELValue?, _ arguments: [CELValue], at offset: Int
    ) throws(EvalFailure) -> CELValue? {
        if target == nil {
            guard arguments.count == 1, case .string(let text) = arguments[0] else { return nil }
            switch function {
            case "quantity":
                guard let q = CELQuantity(parsing: text) else {
                    throw EvalFailure(message: "quantities must match the regular expression for resource quantities: \(text)", offset: offset)
                }
                return .quantity(q)
            case "isQuantity":
                return .bool(CELQuantity(parsing: text) != nil)
            default:
                return nil
            }
        }
        guard case .quantity(let q) = target else { return nil }
        func other(_ value: CELValue) -> CELQuantity? {
            switch value {
            case .quantity(let o): return o
            case .int(let i): return CELQuantity(nanos: Int128(i) * 1_000_000_000)
            default: return nil
            }
        }
        switch (function, arguments.count) {
        case ("sign", 0): return .int(q.nanos == 0 ? 0 : (q.nanos < 0 ? -1 : 1))
        case ("isInteger", 0): return .bool(q.nanos % 1_000_000_000 == 0 && Int64(exactly: q.nanos / 1_000_000_000) != nil)
        case ("asInteger", 0):
            guard q.nanos % 1_000_000_000 == 0, let i = Int64(exactly: q.nanos / 1_000_000_000) else {
                throw EvalFailure(message: "cannot convert value to integer", offset: offset)
            }
            return .int(i)
        case ("asApproximateFloat", 0): return .double(Double(q.nanos) / 1e9)
        case ("add", 1), ("sub", 1):
            guard let o = other(arguments[0]) else { return nil }
            let (result, overflow) = function == "add"
                ? q.nanos.addingReportingOverflow(o.nanos) : q.nanos.subtractingReportingOverflow(o.nanos)
            if overflow { throw self.overflow(at: offset) }
            return .quantity(CELQuantity(nanos: result))
        case ("isLessThan", 1), ("isGreaterThan", 1), ("compareTo", 1):
            guard case .quantity(let o) = arguments[0] else { return nil }
            switch function {
            case "isLessThan": return .bool(q < o)
            case "isGreaterThan": return .bool(q > o)
            default: return .int(q < o ? -1 : (q == o ? 0 : 1))
            }
        default:
            return nil
        }
    }
}
