public import Foundation
public import KubeModel

/// A parsed update-window schedule, with the syntax of robfig/cron's standard parser
/// (`cron.ParseStandard`), which the reference implementation uses:
///
/// - five fields: minute (0-59), hour (0-23), day of month (1-31), month (1-12 or JAN-DEC),
///   day of week (0-6 or SUN-SAT; names case-insensitive);
/// - each field a comma-separated list of `*` or `?` (any), `n`, `a-b`, each optionally with
///   a step `/s` (`n/s` means from `n` to the field's maximum);
/// - or a descriptor: `@yearly`/`@annually`, `@monthly`, `@weekly`, `@daily`/`@midnight`,
///   `@hourly`, or `@every <positive Go duration>`.
///
/// Deliberate difference: robfig's `TZ=`/`CRON_TZ=` prefix is rejected, because the window's
/// `timeZone` field is the one place a time zone is given.
public struct CronSchedule: Sendable, Hashable {
    /// Why a schedule did not parse; `description` is user-facing.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// A field-based schedule or a fixed interval.
    public enum Kind: Sendable, Hashable {
        /// Fires at every minute whose fields are all in these sets.
        case fields(CronFields)
        /// Fires every `interval` (`@every`).
        case every(GoDuration)
    }

    /// What the schedule is.
    public let kind: Kind

    /// Parses `text`.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw ParseError(description: "empty spec string") }
        if trimmed.hasPrefix("TZ=") || trimmed.hasPrefix("CRON_TZ=") {
            throw ParseError(description: "a time zone prefix is not supported; set timeZone instead")
        }
        if trimmed.hasPrefix("@") {
            self.kind = try Self.parseDescriptor(trimmed)
            return
        }
        let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 else {
            throw ParseError(description: "expected exactly 5 fields, found \(fields.count): \(trimmed)")
        }
        let daysOfMonth = try CronField.dayOfMonth.parse(fields[2])
        let daysOfWeek = try CronField.dayOfWeek.parse(fields[4])
        self.kind = .fields(
            CronFields(
                minutes: try CronField.minute.parse(fields[0]).values,
                hours: try CronField.hour.parse(fields[1]).values,
                daysOfMonth: daysOfMonth.values,
                months: try CronField.month.parse(fields[3]).values,
                daysOfWeek: daysOfWeek.values,
                dayOfMonthIsWildcard: daysOfMonth.isWildcard,
                dayOfWeekIsWildcard: daysOfWeek.isWildcard))
    }

    private static func parseDescriptor(_ text: String) throws(ParseError) -> Kind {
        func fields(_ minute: Int, _ hour: Int, _ dom: Int?, _ month: Int?, _ dow: Int?) -> Kind {
            .fields(
                CronFields(
                    minutes: [minute], hours: hour < 0 ? Set(0...23) : [hour],
                    daysOfMonth: dom.map { [$0] } ?? Set(1...31), months: month.map { [$0] } ?? Set(1...12),
                    daysOfWeek: dow.map { [$0] } ?? Set(0...6),
                    dayOfMonthIsWildcard: dom == nil, dayOfWeekIsWildcard: dow == nil))
        }
        switch text.lowercased() {
        case "@yearly", "@annually": return fields(0, 0, 1, 1, nil)
        case "@monthly": return fields(0, 0, 1, nil, nil)
        case "@weekly": return fields(0, 0, nil, nil, 0)
        case "@daily", "@midnight": return fields(0, 0, nil, nil, nil)
        case "@hourly": return fields(0, -1, nil, nil, nil)
        default: break
        }
        if text.hasPrefix("@every ") {
            let durationText = String(text.dropFirst("@every ".count)).trimmingSpaces
            let duration: GoDuration
            do {
                duration = try GoDuration(parsing: durationText)
            } catch {
                throw ParseError(description: "failed to parse duration \(text): \(error.description)")
            }
            guard duration.nanoseconds > 0 else {
                throw ParseError(description: "@every needs a positive duration: \(text)")
            }
            return .every(duration)
        }
        throw ParseError(description: "unrecognized descriptor: \(text)")
    }
}

/// The value sets of a field-based schedule.
public struct CronFields: Sendable, Hashable {
    /// Minutes 0-59.
    public let minutes: Set<Int>
    /// Hours 0-23.
    public let hours: Set<Int>
    /// Days of month 1-31.
    public let daysOfMonth: Set<Int>
    /// Months 1-12.
    public let months: Set<Int>
    /// Days of week 0-6, Sunday = 0.
    public let daysOfWeek: Set<Int>
    /// True when the day-of-month field was `*` or `?` (or a step of 1 over it).
    public let dayOfMonthIsWildcard: Bool
    /// True when the day-of-week field was `*` or `?` (or a step of 1 over it).
    public let dayOfWeekIsWildcard: Bool

    /// Whether a calendar day matches. As in cron (and robfig/cron): when both day fields are
    /// restricted a day matches if either does; otherwise both must.
    public func matchesDay(dayOfMonth: Int, dayOfWeek: Int) -> Bool {
        let domMatch = daysOfMonth.contains(dayOfMonth)
        let dowMatch = daysOfWeek.contains(dayOfWeek)
        if dayOfMonthIsWildcard || dayOfWeekIsWildcard { return domMatch && dowMatch }
        return domMatch || dowMatch
    }
}

extension CronSchedule {
    /// The first activation strictly after `date`, evaluated in `timeZone`; `nil` when none
    /// falls within five years (e.g. `0 0 30 2 *`). `@every` activations count from `date`.
    public func next(after date: Date, in timeZone: TimeZone) -> Date? {
        switch kind {
        case .every(let interval):
            return date.addingTimeInterval(Swift.max(1, interval.seconds.rounded(.down)))
        case .fields(let fields):
            return fields.next(after: date, in: timeZone)
        }
    }
}

extension CronFields {
    func next(after date: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        // Start at the next whole minute.
        let startSeconds = (date.timeIntervalSince1970 / 60).rounded(.down) * 60 + 60
        var current = Date(timeIntervalSince1970: startSeconds)
        guard let limit = calendar.date(byAdding: .year, value: 5, to: date) else { return nil }
        while current <= limit {
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: current)
            guard let month = parts.month, let day = parts.day, let hour = parts.hour, let minute = parts.minute,
                let weekday = parts.weekday
            else { return nil }
            if !months.contains(month) {
                guard let start = calendar.dateInterval(of: .month, for: current),
                    let next = calendar.date(byAdding: .month, value: 1, to: start.start)
                else { return nil }
                current = next
                continue
            }
            if !matchesDay(dayOfMonth: day, dayOfWeek: weekday - 1) {
                guard let start = calendar.dateInterval(of: .day, for: current),
                    let next = calendar.date(byAdding: .day, value: 1, to: start.start)
                else { return nil }
                current = next
                continue
            }
            if !hours.contains(hour) {
                guard let start = calendar.dateInterval(of: .hour, for: current) else { return nil }
                current = start.end
                continue
            }
            if !minutes.contains(minute) {
                current = current.addingTimeInterval(60)
                continue
            }
            return current
        }
        return nil
    }
}

private struct CronField {
    let name: String
    let range: ClosedRange<Int>
    let names: [String: Int]

    static let minute = CronField(name: "minute", range: 0...59, names: [:])
    static let hour = CronField(name: "hour", range: 0...23, names: [:])
    static let dayOfMonth = CronField(name: "day of month", range: 1...31, names: [:])
    static let month = CronField(
        name: "month", range: 1...12,
        names: ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12])
    static let dayOfWeek = CronField(
        name: "day of week", range: 0...6,
        names: ["sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6])

    /// The values of a field, and whether it is a plain wildcard (`*`, `?`, `*/1`).
    func parse(_ text: String) throws(CronSchedule.ParseError) -> (values: Set<Int>, isWildcard: Bool) {
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            values.formUnion(try parseRange(String(part)))
        }
        let isWildcard = ["*", "?", "*/1", "?/1"].contains(text)
        return (values, isWildcard)
    }

    private func parseRange(_ text: String) throws(CronSchedule.ParseError) -> Set<Int> {
        let rangeAndStep = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard rangeAndStep.count <= 2 else { throw error("too many slashes: \(text)") }
        let bounds = rangeAndStep[0].split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count <= 2 else { throw error("too many hyphens: \(text)") }
        var start: Int
        var end: Int
        if rangeAndStep[0] == "*" || rangeAndStep[0] == "?" {
            start = range.lowerBound
            end = range.upperBound
        } else {
            start = try value(bounds[0])
            end = bounds.count == 2 ? try value(bounds[1]) : start
        }
        var step = 1
        if rangeAndStep.count == 2 {
            guard let parsed = Int(rangeAndStep[1]), rangeAndStep[1].allSatisfy(\.isASCIIDigit), parsed > 0 else {
                throw error("step of range should be a positive number: \(text)")
            }
            step = parsed
            // `n/s` runs from n to the field's maximum.
            if bounds.count == 1, rangeAndStep[0] != "*", rangeAndStep[0] != "?" { end = range.upperBound }
        }
        guard start >= range.lowerBound else {
            throw error("beginning of range (\(start)) below minimum (\(range.lowerBound)): \(text)")
        }
        guard end <= range.upperBound else {
            throw error("end of range (\(end)) above maximum (\(range.upperBound)): \(text)")
        }
        guard start <= end else { throw error("beginning of range (\(start)) beyond end of range (\(end)): \(text)") }
        return Set(stride(from: start, through: end, by: step))
    }

    private func value(_ text: String) throws(CronSchedule.ParseError) -> Int {
        if let named = names[text.lowercased()] { return named }
        guard !text.isEmpty, text.allSatisfy(\.isASCIIDigit), let number = Int(text) else {
            throw error("failed to parse int from \(text)")
        }
        return number
    }

    private func error(_ detail: String) -> CronSchedule.ParseError {
        CronSchedule.ParseError(description: "\(name) field: \(detail)")
    }
}
