/// CEL equality and ordering (language definition, "Equality" and "Ordering").
///
/// Equality is heterogeneous: values of different types are unequal, except that
/// `int`, `uint` and `double` compare by numeric value.
extension CELValue: Equatable {
    public static func == (lhs: CELValue, rhs: CELValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.timestamp(let a), .timestamp(let b)): return a == b
        case (.duration(let a), .duration(let b)): return a == b
        case (.type(let a), .type(let b)): return a == b
        case (.quantity(let a), .quantity(let b)): return a == b
        case (.ip(let a), .ip(let b)): return a.unmapped == b.unmapped
        case (.cidr(let a), .cidr(let b)): return a == b
        case (.optional(let a), .optional(let b)):
            switch (a, b) {
            case (nil, nil): return true
            case (let x?, let y?): return x == y
            default: return false
            }
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0 == $1 }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.entries {
                guard let other = b[key], other == value else { return false }
            }
            return true
        default:
            if let order = compareNumbers(lhs, rhs) { return order == 0 }
            return false
        }
    }
}

/// -1, 0 or 1 for two numbers of any numeric types; nil when either is not a number or NaN is involved.
func compareNumbers(_ lhs: CELValue, _ rhs: CELValue) -> Int? {
    switch (lhs, rhs) {
    case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.uint(let a), .uint(let b)): return a < b ? -1 : (a == b ? 0 : 1)
    case (.double(let a), .double(let b)):
        if a.isNaN || b.isNaN { return nil }
        return a < b ? -1 : (a == b ? 0 : 1)
    case (.int(let a), .uint(let b)):
        if a < 0 { return -1 }
        let ua = UInt64(a)
        return ua < b ? -1 : (ua == b ? 0 : 1)
    case (.uint, .int): return compareNumbers(rhs, lhs).map { -$0 }
    case (.int(let a), .double(let b)): return compareIntDouble(a, b)
    case (.double, .int): return compareNumbers(rhs, lhs).map { -$0 }
    case (.uint(let a), .double(let b)): return compareUintDouble(a, b)
    case (.double, .uint): return compareNumbers(rhs, lhs).map { -$0 }
    default: return nil
    }
}

private func compareIntDouble(_ a: Int64, _ b: Double) -> Int? {
    if b.isNaN { return nil }
    if b >= 9.223372036854775807e18 { return -1 }
    if b < -9.223372036854775808e18 { return 1 }
    // b is within Int64 range: compare the integral part, then the fraction.
    let truncated = b.rounded(.towardZero)
    let bi = Int64(truncated)
    if a != bi { return a < bi ? -1 : 1 }
    let fraction = b - truncated
    return fraction > 0 ? -1 : (fraction < 0 ? 1 : 0)
}

private func compareUintDouble(_ a: UInt64, _ b: Double) -> Int? {
    if b.isNaN { return nil }
    if b < 0 { return 1 }
    if b >= 1.8446744073709551615e19 { return -1 }
    let truncated = b.rounded(.towardZero)
    let bu = UInt64(truncated)
    if a != bu { return a < bu ? -1 : 1 }
    return b - truncated > 0 ? -1 : 0
}
