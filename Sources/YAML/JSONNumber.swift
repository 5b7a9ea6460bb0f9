internal import KubeModel

/// How a YAML float ends up in kubectl's object: encoding/json prints the shortest decimal that
/// round-trips, without exponent below 1e21, and the API machinery reads an integer literal that
/// fits `Int64` back as an integer. So `1e3` becomes the integer 1000.
enum JSONNumber {
    static func asKubectlReadsIt(_ value: Double) -> JSONValue {
        let magnitude = value.magnitude
        guard magnitude < 1e21 else { return .double(value) }
        if magnitude < 9_007_199_254_740_992 {  // 2^53: every integral double is printed exactly
            let integer = Int64(value)
            return Double(integer) == value ? .int(integer) : .double(value)
        }
        // Above 2^53 every double is integral; Go prints its shortest digits padded with zeros.
        return shortestInteger(value).map { .int($0) } ?? .double(value)
    }

    /// The integer Go's `FormatFloat(v, 'f', -1, 64)` prints, when it fits `Int64`.
    private static func shortestInteger(_ value: Double) -> Int64? {
        var digits: [Int64] = []
        var pointPosition: Int?
        var exponent = 0
        let text = Array(value.magnitude.description.utf8)
        for (index, byte) in text.enumerated() {
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if byte == UInt8(ascii: "e") {
                exponent = Int(String(decoding: text[(index + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(Int64(byte &- UInt8(ascii: "0")))
            }
        }
        let integerDigits = (pointPosition ?? digits.count) + exponent
        var result: Int64 = 0
        for position in 0..<integerDigits {
            let digit = position < digits.count ? digits[position] : 0
            let (shifted, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { return nil }
            result = sum
        }
        return value < 0 ? -result : result
    }
}
