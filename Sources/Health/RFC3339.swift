/// Parses a Kubernetes timestamp (`metav1.Time`, RFC 3339: `2006-01-02T15:04:05Z`, optional
/// fractional seconds, `Z` or a `±hh:mm` offset) into seconds since the Unix epoch.
/// Returns `nil` for anything else, including out-of-range fields.
func parseRFC3339(_ text: String) -> Double? {
    let bytes = Array(text.utf8)
    var position = 0

    func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<(position + width)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        position += width
        return value
    }
    func literal(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    guard let year = number(4), literal("-"), let month = number(2), literal("-"), let day = number(2),
        literal("T"), let hour = number(2), literal(":"), let minute = number(2), literal(":"),
        let second = number(2)
    else { return nil }
    var fraction = 0.0
    if literal(".") {
        var scale = 0.1
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            fraction += Double(bytes[position] - UInt8(ascii: "0")) * scale
            scale /= 10
            position += 1
        }
        guard position > start else { return nil }
    }
    var offsetSeconds = 0
    if literal("Z") {
        // UTC
    } else if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        let negative = bytes[position] == UInt8(ascii: "-")
        position += 1
        guard let offsetHours = number(2), literal(":"), let offsetMinutes = number(2),
            offsetHours < 24, offsetMinutes < 60
        else { return nil }
        offsetSeconds = (offsetHours * 3600 + offsetMinutes * 60) * (negative ? -1 : 1)
    } else {
        return nil
    }
    guard position == bytes.count else { return nil }

    let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    let monthLengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    guard (1...12).contains(month), day >= 1, day <= monthLengths[month - 1], hour < 24, minute < 60, second < 60
    else { return nil }

    // Days from 1970-01-01 to the civil date (proleptic Gregorian calendar).
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    let days = era * 146_097 + dayOfEra - 719_468

    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
    return Double(seconds) + fraction
}
