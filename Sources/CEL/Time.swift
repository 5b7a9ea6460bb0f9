/// Civil-calendar helpers for timestamps (proleptic Gregorian, UTC).
enum Civil {
    /// Days since 1970-01-01 of a civil date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * m + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day number (days since 1970-01-01).
    static func date(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func isLeap(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysInMonth(_ year: Int64, _ month: Int64) -> Int64 {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Formats a timestamp as RFC 3339 in UTC with the shortest fraction (Go's `RFC3339Nano`).
func formatTimestamp(_ t: CELTimestamp) -> String {
    let days = floorDiv(t.seconds, 86_400)
    let secondOfDay = t.seconds - days * 86_400
    let (year, month, day) = Civil.date(days: days)
    var out = String(year).leftPadded(to: 4) + "-" + String(month).leftPadded(to: 2) + "-"
        + String(day).leftPadded(to: 2) + "T" + String(secondOfDay / 3600).leftPadded(to: 2) + ":"
        + String(secondOfDay / 60 % 60).leftPadded(to: 2) + ":" + String(secondOfDay % 60).leftPadded(to: 2)
    if t.nanos != 0 {
        var fraction = String(t.nanos).leftPadded(to: 9)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        out += "." + fraction
    }
    return out + "Z"
}

func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

/// Parses an RFC 3339 timestamp (`2023-01-01T00:00:00Z`, `...T10:00:00.5+02:00`); nil when malformed or out of range.
func parseTimestamp(_ text: String) -> CELTimestamp? {
    let s = Array(text.utf8)
    var i = 0
    func number(_ width: Int) -> Int64? {
        guard i + width <= s.count else { return nil }
        var value: Int64 = 0
        for k in i..<(i + width) {
            guard (48...57).contains(s[k]) else { return nil }
            value = value * 10 + Int64(s[k] - 48)
        }
        i += width
        return value
    }
    func expect(_ c: UInt8...) -> Bool {
        guard i < s.count, c.contains(s[i]) else { return false }
        i += 1
        return true
    }
    guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
        expect(84, 116), let hour = number(2), expect(58), let minute = number(2), expect(58),
        let second = number(2)
    else { return nil }
    guard (1...12).contains(month), day >= 1, day <= Civil.daysInMonth(year, month), hour < 24, minute < 60,
        second < 60
    else { return nil }
    var nanos: Int64 = 0
    if i < s.count, s[i] == 46 {
        i += 1
        var digits = 0
        while i < s.count, (48...57).contains(s[i]) {
            if digits < 9 { nanos = nanos * 10 + Int64(s[i] - 48) }
            digits += 1
            i += 1
        }
        guard digits > 0, digits <= 9 else { return nil }
        for _ in digits..<9 { nanos *= 10 }
    }
    var offset: Int64 = 0
    if expect(90, 122) {
        offset = 0
    } else if i < s.count, s[i] == 43 || s[i] == 45 {
        let sign: Int64 = s[i] == 45 ? -1 : 1
        i += 1
        guard let oh = number(2), expect(58), let om = number(2), oh < 24, om < 60 else { return nil }
        offset = sign * (oh * 3600 + om * 60)
    } else {
        return nil
    }
    guard i == s.count else { return nil }
    let seconds = Civil.days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    return CELTimestamp(seconds: seconds, nanos: Int32(nanos))
}
