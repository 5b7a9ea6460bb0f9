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
