import Foundation
import KubeModel
import StageSetAPI
import Testing

struct CronScheduleTests {
    @Test func fieldsExpand() throws {
        let schedule = try CronSchedule(parsing: "*/15 9-17/4 1,15 JAN-mar mon-FRI")
        guard case .fields(let fields) = schedule.kind else {
            Issue.record("expected fields")
            return
        }
        #expect(fields.minutes == [0, 15, 30, 45])
        #expect(fields.hours == [9, 13, 17])
        #expect(fields.daysOfMonth == [1, 15])
        #expect(fields.months == [1, 2, 3])
        #expect(fields.daysOfWeek == [1, 2, 3, 4, 5])
    }

    @Test func singleValueWithStepRunsToTheMaximum() throws {
        guard case .fields(let fields) = try CronSchedule(parsing: "50/5 ? * * *").kind else {
            Issue.record("expected fields")
            return
        }
        #expect(fields.minutes == [50, 55])
        #expect(fields.hours == Set(0...23))
    }

    @Test func descriptors() throws {
        guard case .fields(let daily) = try CronSchedule(parsing: "@daily").kind else {
            Issue.record("expected fields")
            return
        }
        #expect(daily.minutes == [0] && daily.hours == [0] && daily.daysOfWeek == Set(0...6))
        guard case .fields(let weekly) = try CronSchedule(parsing: "@weekly").kind else {
            Issue.record("expected fields")
            return
        }
        #expect(weekly.daysOfWeek == [0])
        #expect(try CronSchedule(parsing: "@every 1h30m").kind == .every(.minutes(90)))
        for descriptor in ["@yearly", "@annually", "@monthly", "@midnight", "@hourly"] {
            #expect(throws: Never.self) { try CronSchedule(parsing: descriptor) }
        }
    }

    @Test(arguments: [
        ("", "empty spec string"),
        ("* * * *", "expected exactly 5 fields, found 4: * * * *"),
        ("* * * * * *", "expected exactly 5 fields, found 6: * * * * * *"),
        ("60 * * * *", "minute field: end of range (60) above maximum (59): 60"),
        ("* * 0 * *", "day of month field: beginning of range (0) below minimum (1): 0"),
        ("* * * * 7", "day of week field: end of range (7) above maximum (6): 7"),
        ("5-1 * * * *", "minute field: beginning of range (5) beyond end of range (1): 5-1"),
        ("*/0 * * * *", "minute field: step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "minute field: too many hyphens: 1-2-3"),
        ("1/2/3 * * * *", "minute field: too many slashes: 1/2/3"),
        ("* * * FOO *", "month field: failed to parse int from FOO"),
        ("-1 * * * *", "minute field: failed to parse int from "),
        ("1, * * * *", "minute field: failed to parse int from "),
        ("@reboot", "unrecognized descriptor: @reboot"),
        ("@every 0s", "@every needs a positive duration: @every 0s"),
        ("@every soon", "failed to parse duration @every soon: time: invalid duration \"soon\""),
        ("CRON_TZ=UTC 0 9 * * *", "a time zone prefix is not supported; set timeZone instead"),
    ])
    func rejects(_ text: String, _ message: String) {
        do {
            _ = try CronSchedule(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.description == message)
        }
    }
}

struct CronNextActivationTests {
    static func date(_ text: String) throws -> Date {
        try Date(timeIntervalSince1970: Double(Timestamp(parsing: text).seconds))
    }

    @Test(arguments: [
        ("0 9 * * MON-FRI", "Europe/Berlin", "2025-01-03T10:00:00Z", "2025-01-06T08:00:00Z"),
        ("*/15 * * * *", "UTC", "2025-01-01T10:07:30Z", "2025-01-01T10:15:00Z"),
        ("*/15 * * * *", "UTC", "2025-01-01T10:15:00Z", "2025-01-01T10:30:00Z"),
        ("0 0 13 * FRI", "UTC", "2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z"),
        ("0 0 13 * FRI", "UTC", "2025-01-10T00:00:00Z", "2025-01-13T00:00:00Z"),
        ("30 2 * * *", "Europe/Berlin", "2025-03-29T12:00:00Z", "2025-03-31T00:30:00Z"),
        ("@monthly", "America/New_York", "2025-01-15T00:00:00Z", "2025-02-01T05:00:00Z"),
        ("0 0 29 2 *", "UTC", "2025-01-01T00:00:00Z", "2028-02-29T00:00:00Z"),
    ])
    func nextActivation(_ spec: String, _ zone: String, _ after: String, _ expected: String) throws {
        let schedule = try CronSchedule(parsing: spec)
        let timeZone = try #require(TimeZone(identifier: zone))
        #expect(schedule.next(after: try Self.date(after), in: timeZone) == (try Self.date(expected)))
    }

    @Test func impossibleScheduleHasNoActivation() throws {
        let schedule = try CronSchedule(parsing: "0 0 30 2 *")
        #expect(schedule.next(after: try Self.date("2025-01-01T00:00:00Z"), in: .gmt) == nil)
    }

    @Test func everyCountsFromTheGivenInstant() throws {
        let schedule = try CronSchedule(parsing: "@every 90m")
        let start = try Self.date("2025-01-01T00:00:00Z")
        #expect(schedule.next(after: start, in: .gmt) == start.addingTimeInterval(5400))
    }
}
