/// Go's `strconv.FormatFloat(v, 'g', -1, 32)`, which sigs.k8s.io/yaml uses to turn float map keys into strings.
enum GoFloat {
    static func format32(_ value: Double) -> String {
        let single = Float(value)
        if single.isNaN { return ".nan" }
        if single.isInfinite { return single < 0 ? "-.inf" : ".inf" }
        if single == 0 { return single.sign == .minus ? "-0" : "0" }
        // Swift prints the shortest digits that round-trip a Float; Go picks the same digits.
        var digits: [UInt8] = []
        var pointPosition: Int?
        var exponent = 0
        let text = Array(single.magnitude.description.utf8)
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ".") {
                pointPosition = digits.count
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                exponent = Int(String(decoding: text[(index + 1)...], as: UTF8.self)) ?? 0
                break
            } else {
                digits.append(byte)
            }
            index += 1
        }
        // Decimal point position relative to the digits, then strip leading and trailing zeros.
        var decimalPoint = (pointPosition ?? digits.count) + exponent
        while digits.first == UInt8(ascii: "0") {
            digits.removeFirst()
            decimalPoint -= 1
        }
        while digits.last == UInt8(ascii: "0") { digits.removeLast() }
        let decimalExponent = decimalPoint - 1
        var result = single.sign == .minus ? "-" : ""
        if decimalExponent < -4 || decimalExponent >= 6 {
            result += String(UnicodeScalar(digits[0]))
            if digits.count > 1 { result += "." + String(decoding: digits[1...], as: UTF8.self) }
            let magnitude = abs(decimalExponent)
            result += (decimalExponent < 0 ? "e-" : "e+") + (magnitude < 10 ? "0" : "") + String(magnitude)
        } else if decimalPoint <= 0 {
            result += "0." + String(repeating: "0", count: -decimalPoint) + String(decoding: digits, as: UTF8.self)
        } else if decimalPoint >= digits.count {
            result += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: decimalPoint - digits.count)
        } else {
            result += String(decoding: digits[..<decimalPoint], as: UTF8.self) + "."
                + String(decoding: digits[decimalPoint...], as: UTF8.self)
        }
        return result
    }
}

/// Go's `base64.StdEncoding.DecodeString` as go-yaml applies it to `!!binary`: padded standard
/// alphabet, line breaks ignored.
enum Base64 {
    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let symbols = text.filter { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        guard symbols.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(symbols.count / 4 * 3)
        var start = 0
        while start < symbols.count {
            let isLast = start + 4 == symbols.count
            var quad: UInt32 = 0
            var padding = 0
            for offset in 0..<4 {
                let byte = symbols[start + offset]
                var sextet: UInt32 = 0
                switch byte {
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): sextet = UInt32(byte - UInt8(ascii: "A"))
                case UInt8(ascii: "a")...UInt8(ascii: "z"): sextet = UInt32(byte - UInt8(ascii: "a")) + 26
                case UInt8(ascii: "0")...UInt8(ascii: "9"): sextet = UInt32(byte - UInt8(ascii: "0")) + 52
                case UInt8(ascii: "+"): sextet = 62
                case UInt8(ascii: "/"): sextet = 63
                case UInt8(ascii: "=") where isLast && offset >= 2: padding += 1
                default: return nil
                }
                // After a `=` only another `=` may follow.
                guard padding == 0 || byte == UInt8(ascii: "=") else { return nil }
                quad = quad << 6 | sextet
            }
            output.append(UInt8(truncatingIfNeeded: quad >> 16))
            if padding < 2 { output.append(UInt8(truncatingIfNeeded: quad >> 8)) }
            if padding < 1 { output.append(UInt8(truncatingIfNeeded: quad)) }
            start += 4
        }
        return output
    }
}
