/// Formats a double the way Go's `strconv.FormatFloat(d, 'g', -1, 64)` does (cel-go's `string(double)`).
func formatDouble(_ d: Double) -> String {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d < 0 ? "-Inf" : "+Inf" }
    if d == 0 { return d.sign == .minus ? "-0" : "0" }
    let (negative, digits, exponent) = shortestDigits(d)
    var out = negative ? "-" : ""
    // Go's shortest 'g' switches to exponent form below 1e-4 and from 1e6 on (eprec 6).
    if exponent < -4 || exponent >= 6 {
        out += String(digits.first ?? "0")
        if digits.count > 1 { out += "." + digits.dropFirst() }
        out += exponent < 0 ? "e-" : "e+"
        out += String(abs(exponent)).leftPadded(to: 2)
        return out
    }
    if exponent < 0 {
        return out + "0." + String(repeating: "0", count: -exponent - 1) + digits
    }
    if digits.count <= exponent + 1 {
        return out + digits + String(repeating: "0", count: exponent + 1 - digits.count)
    }
    let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
    return out + digits[..<split] + "." + digits[split...]
}

/// The shortest round-tripping decimal digits of a finite non-zero double and the decimal
/// exponent of the first digit (d = 0.d1d2... * 10^(exponent+1)).
func shortestDigits(_ d: Double) -> (negative: Bool, digits: String, exponent: Int) {
    var text = abs(d).description
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    var integer = text
    var fraction = ""
    if let dot = text.firstIndex(of: ".") {
        integer = String(text[..<dot])
        fraction = String(text[text.index(after: dot)...])
    }
    var digits = integer + fraction
    var pointPosition = integer.count + exponent
    while digits.hasPrefix("0") && digits.count > 1 {
        digits.removeFirst()
        pointPosition -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    return (d < 0, digits, pointPosition - 1)
}

/// `string(duration)`: seconds with the shortest fraction and an `s` suffix, e.g. `5400s`, `0.0015s`.
func formatDuration(_ nanoseconds: Int64) -> String {
    let negative = nanoseconds < 0
    let magnitude = nanoseconds.magnitude
    let seconds = magnitude / 1_000_000_000
    let nanos = magnitude % 1_000_000_000
    var out = (negative ? "-" : "") + String(seconds)
    if nanos != 0 {
        var fraction = String(nanos).leftPadded(to: 9)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        out += "." + fraction
    }
    return out + "s"
}
