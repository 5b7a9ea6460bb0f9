/// Go's `strconv.Quote` (`%q`) for the texts in error messages: printable text passes through,
/// quotes, backslashes and control characters are escaped.
func goQuote(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case "\u{0}"..."\u{1F}", "\u{7F}":
            let hex = String(scalar.value, radix: 16)
            result += "\\x" + (hex.count == 1 ? "0" + hex : hex)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
