import Testing

@testable import CEL

/// Timestamps and durations: parsing, accessors with time zones, arithmetic and range errors.
struct TimestampTests {
    private let t = "timestamp('2009-02-13T23:31:30Z')"

    @Test func accessorsInUTC() {
        expectTrue([
            "\(t).getFullYear() == 2009", "\(t).getMonth() == 1", "\(t).getDate() == 13", "\(t).getDayOfMonth() == 12",
            "\(t).getDayOfWeek() == 5", "\(t).getDayOfYear() == 43", "\(t).getHours() == 23", "\(t).getMinutes() == 31",
            "\(t).getSeconds() == 30", "timestamp('2009-02-13T23:31:20.123456789Z').getMilliseconds() == 123",
            "timestamp('1969-12-31T23:59:59Z').getDayOfWeek() == 3", "timestamp('0001-01-01T00:00:00Z').getFullYear() == 1",
            "timestamp('2024-12-31T00:00:00Z').getDayOfYear() == 365",
        ])
    }

    @Test func accessorsWithTimeZones() {
        expectTrue([
            "\(t).getDate('Australia/Sydney') == 14", "\(t).getDayOfMonth('US/Central') == 12",
            "\(t).getDayOfMonth('+11:00') == 13", "timestamp('2009-02-13T02:00:00Z').getDayOfMonth('-02:30') == 11",
            "timestamp('2009-02-13T02:00:00Z').getDayOfMonth('America/St_Johns') == 11",
            "\(t).getDayOfWeek('UTC') == 5", "\(t).getFullYear('-09:30') == 2009", "\(t).getHours('02:00') == 1",
            "\(t).getMinutes('Asia/Kathmandu') == 16", "\(t).getSeconds('-00:00') == 30",
        ])
        expectErrors([("\(t).getHours('Mars/Olympus')", "unknown timezone"), ("\(t).getHours('25:00')", "unknown timezone")])
    }

    @Test func arithmetic() {
        expectTrue([
            "timestamp('2009-02-13T23:00:00Z') + duration('240s') == timestamp('2009-02-13T23:04:00Z')",
            "duration('120s') + timestamp('2009-02-13T23:01:00Z') == timestamp('2009-02-13T23:03:00Z')",
            "timestamp('2009-02-13T23:10:00Z') - duration('600s') == timestamp('2009-02-13T23:00:00Z')",
            "timestamp('2009-02-13T23:31:00Z') - timestamp('2009-02-13T23:29:00Z') == duration('120s')",
            "duration('1h30m') == duration('5400s')", "duration('900s') - duration('42s') == duration('858s')",
            "timestamp('0001-01-01T00:00:01.000000001Z') + duration('-999999999ns') == timestamp('0001-01-01T00:00:00.000000002Z')",
            "timestamp('0001-01-01T00:00:01.999999999Z') + duration('999999999ns') == timestamp('0001-01-01T00:00:02.999999998Z')",
            "duration('10000s').getHours() == 2", "duration('3730s').getMinutes() == 62",
            "duration('3730s').getSeconds() == 3730", "duration('123.321456789s').getMilliseconds() == 321",
            "timestamp(1234567890) == \(t)", "timestamp('2009-02-14T01:31:30+02:00') == \(t)",
        ])
    }

    @Test func rangeErrors() {
        expectErrors([
            ("timestamp('0000-01-01T00:00:00Z')", "range"), ("timestamp('10000-01-01T00:00:00Z')", "range"),
            ("timestamp('2009-02-30T00:00:00Z')", "range"), ("timestamp('2009-02-13 23:31:30Z')", "malformed"),
            ("timestamp('0001-01-01T00:00:00Z') + duration('-1ns')", "range"),
            ("timestamp('9999-12-31T23:59:59.999999999Z') + duration('1ns')", "range"),
            ("timestamp('9999-12-31T23:59:59Z') - timestamp('0001-01-01T00:00:00Z')", "range"),
            ("duration('320000000000s')", "range"), ("duration('1x')", "malformed"),
            ("duration('2000000h') + duration('2000000h')", "range"),
            ("timestamp('2009-02-13T23:31:30Z') + 1", "no such overload"),
        ])
    }
}
