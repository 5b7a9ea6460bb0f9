import Foundation

/// The standard function library plus the Kubernetes `strings` and `lists` extensions.
extension Interpreter {
    /// Every function name the library defines, for telling unknown functions from bad overloads.
    static let functionNames: Set<String> = [
        "size", "type", "dyn", "int", "uint", "double", "string", "bool", "bytes", "timestamp", "duration",
        "matches", "contains", "startsWith", "endsWith", "charAt", "indexOf", "lastIndexOf", "lowerAscii",
        "upperAscii", "replace", "split", "substring", "trim", "reverse", "join", "isSorted", "min", "max", "sum",
        "getFullYear", "getMonth", "getDate", "getDayOfMonth", "getDayOfWeek", "getDayOfYear", "getHours",
        "getMinutes", "getSeconds", "getMilliseconds", "strings.quote", "slice", "flatten", "distinct", "sort",
        "quantity", "isQuantity", "sign", "isInteger", "asInteger", "asApproximateFloat", "add", "sub", "isLessThan",
        "isGreaterThan", "compareTo", "optional.of", "optional.none", "optional.ofNonZeroValue", "hasValue", "value",
        "or", "orValue", "find", "findAll",
    ]

    static let collectionFunctions: Set<String> = ["lists.range", "sets.contains", "sets.equivalent", "sets.intersects"]
    static let optionalFunctions: Set<String> = ["optional.of", "optional.none", "optional.ofNonZeroValue"]
    /// Global functions whose names contain a namespace, called as `namespace.function(args)`.
    static let namespacedFunctions: Set<String> = extensionFunctions.union(collectionFunctions).union(optionalFunctions)
        .union(["strings.quote", "ip.isCanonical"])

    /// `lists.range(n)` and the `sets` library, dispatched from ``call(_:target:_:at:)``.
    mutating func collectionExtension(_ function: String, _ arguments: [CELValue], at offset: Int) throws(EvalFailure) -> CELValue? {
        switch (function, arguments.count) {
        case ("lists.range", 1):
            guard case .int(let n) = arguments[0] else { return nil }
            guard n >= 0 else { throw EvalFailure(message: "lists.range() requires a non-negative size", offset: offset) }
            try chargeSize(list: Int(clamping: n), at: offset)
            return .list((0..<n).map { .int($0) })
        case ("sets.contains", 2), ("sets.equivalent", 2), ("sets.intersects", 2):
            guard case .list(let a) = arguments[0], case .list(let b) = arguments[1] else { return nil }
            try charge(a.count * b.count / 10, at: offset)
            let aInB = a.allSatisfy { x in b.contains { $0 == x } }
            let bInA = b.allSatisfy { x in a.contains { $0 == x } }
            switch function {
            case "sets.contains": return .bool(bInA)
            case "sets.equivalent": return .bool(aInB && bInA)
            default: return .bool(a.contains { x in b.contains { $0 == x } })
            }
        default:
            return nil
        }
    }

    mutating func call(
        _ function: String, target: CELValue?, _ arguments: [CELValue], at offset: Int
    ) throws(EvalFailure) -> CELValue {
        if Interpreter.extensionFunctions.contains(function) {
            return try extensionCall(function, arguments, at: offset)
        }
        if Interpreter.collectionFunctions.contains(function) {
            guard let result = try collectionExtension(function, arguments, at: offset) else {
                throw noOverload(function, arguments, at: offset)
            }
            return result
        }
        if Interpreter.networkFunctions.contains(function),
            let result = try networkFunction(function, target: target, arguments, at: offset)
        {
            return result
        }
        guard Interpreter.functionNames.contains(function) || Interpreter.networkFunctions.contains(function) else {
            throw EvalFailure(message: "unbound function: \(function)", offset: offset)
        }
        switch (function, target, arguments.count) {
        case ("optional.of", nil, 1): return .optional(arguments[0])
        case ("optional.none", nil, 0): return .optional(nil)
        case ("optional.ofNonZeroValue", nil, 1): return .optional(arguments[0].isZeroValue ? nil : arguments[0])
        case ("hasValue", .optional(let inner)?, 0): return .bool(inner != nil)
        case ("value", .optional(let inner)?, 0):
            guard let inner else { throw EvalFailure(message: "optional.none() dereference", offset: offset) }
            return inner
        default: break
        }
        if let result = try quantityFunction(function, target: target, arguments, at: offset) {
            return result
        }
        if let target {
            return try receiverCall(function, target, arguments, at: offset)
        }
        switch (function, arguments.count) {
        case ("size", 1): return try size(arguments[0], at: offset)
        case ("type", 1): return .type(arguments[0].celType)
        case ("dyn", 1): return arguments[0]
        case ("int", 1): return try convertToInt(arguments[0], at: offset)
        case ("uint", 1): return try convertToUint(arguments[0], at: offset)
        case ("double", 1): return try convertToDouble(arguments[0], at: offset)
        case ("string", 1): return try convertToString(arguments[0], at: offset)
        case ("bool", 1): return try convertToBool(arguments[0], at: offset)
        case ("bytes", 1): return try convertToBytes(arguments[0], at: offset)
        case ("timestamp", 1): return try convertToTimestamp(arguments[0], at: offset)
        case ("duration", 1): return try convertToDuration(arguments[0], at: offset)
        case ("matches", 2): return try receiverCall("matches", arguments[0], [arguments[1]], at: offset)
        case ("strings.quote", 1):
            guard case .string(let s) = arguments[0] else { throw noOverload(function, arguments, at: offset) }
            return .string(quoteForStrings(s))
        default:
            throw EvalFailure(message: "no such overload: \(function)/\(arguments.count)", offset: offset)
        }
    }

    private mutating func receiverCall(
        _ function: String, _ target: CELValue, _ arguments: [CELValue], at offset: Int
    ) throws(EvalFailure) -> CELValue {
        switch (target, function, arguments.count) {
        case (_, "size", 0): return try size(target, at: offset)
        case (.string(let s), _, _):
            return try stringFunction(function, s, arguments, at: offset)
        case (.timestamp(let t), _, 0), (.timestamp(let t), _, 1):
            return try timestampAccessor(function, t, arguments.first, at: offset)
        case (.duration(let d), _, 0):
            switch function {
            case "getHours": return .int(d / 3_600_000_000_000)
            case "getMinutes": return .int(d / 60_000_000_000)
            case "getSeconds": return .int(d / 1_000_000_000)
            case "getMilliseconds": return .int(d % 1_000_000_000 / 1_000_000)
            default: break
            }
        case (.list(let elements), _, _):
            return try listFunction(function, elements, arguments, at: offset)
        default: break
        }
        throw noOverload(function, [target] + arguments, at: offset)
    }

    func noOverload(_ function: String, _ values: [CELValue], at offset: Int) -> EvalFailure {
        let types = values.map(\.celType.name).joined(separator: ", ")
        return EvalFailure(message: "no such overload: \(function) applied to (\(types))", offset: offset)
    }

    private func size(_ value: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch value {
        case .string(let s): return .int(Int64(s.unicodeScalars.count))
        case .bytes(let b): return .int(Int64(b.count))
        case .list(let l): return .int(Int64(l.count))
        case .map(let m): return .int(Int64(m.count))
        default: throw noOverload("size", [value], at: offset)
        }
    }

    // MARK: Strings

    private mutating func stringFunction(
        _ function: String, _ s: String, _ arguments: [CELValue], at offset: Int
    ) throws(EvalFailure) -> CELValue {
        try charge(s.utf8.count / 10, at: offset)
        let fail = noOverload(function, [.string(s)] + arguments, at: offset)
        func stringArgument(_ index: Int) throws(EvalFailure) -> String {
            guard index < arguments.count, case .string(let value) = arguments[index] else { throw fail }
            return value
        }
        func intArgument(_ index: Int) throws(EvalFailure) -> Int64 {
            guard index < arguments.count, case .int(let value) = arguments[index] else { throw fail }
            return value
        }
        switch (function, arguments.count) {
        case ("contains", 1):
            let needle = try stringArgument(0)
            return .bool(ScalarText(s).find(ScalarText(needle), from: 0) != nil)
        case ("startsWith", 1):
            return .bool(s.unicodeScalars.starts(with: try stringArgument(0).unicodeScalars))
        case ("endsWith", 1):
            return .bool(s.unicodeScalars.reversed().starts(with: try stringArgument(0).unicodeScalars.reversed()))
        case ("matches", 1):
            let regex = try compiledRegex(try stringArgument(0), at: offset)
            try charge(s.unicodeScalars.count * max(1, regex.programSize) / 10, at: offset)
            return .bool(regex.matches(s))
        case ("find", 1), ("findAll", 1), ("findAll", 2):
            // The Kubernetes regex library: leftmost-first matches, as Go's regexp finds them.
            let regex = try compiledRegex(try stringArgument(0), at: offset)
            let limit = arguments.count == 2 ? try intArgument(1) : (function == "find" ? 1 : -1)
            let input = Array(s.unicodeScalars)
            var found: [String] = []
            var position = 0
            var previousEnd = -1
            while position <= input.count, limit < 0 || Int64(found.count) < limit {
                try charge(input.count * max(1, regex.programSize) / 10, at: offset)
                guard let match = regex.firstMatch(in: input, from: position) else { break }
                if match.isEmpty, match.lowerBound == previousEnd {
                    // An empty match right after the previous match does not count.
                    position = match.lowerBound + 1
                    continue
                }
                found.append(String(String.UnicodeScalarView(input[match])))
                previousEnd = match.upperBound
                position = match.isEmpty ? match.upperBound + 1 : match.upperBound
            }
            if function == "find" { return .string(found.first ?? "") }
            return .list(found.map { .string($0) })
        case ("charAt", 1):
            let text = ScalarText(s)
            let i = try intArgument(0)
            guard i >= 0, i <= Int64(text.count) else { throw rangeError(i, at: offset) }
            return .string(i == Int64(text.count) ? "" : text.string(Int(i)..<Int(i) + 1))
        case ("indexOf", 1), ("indexOf", 2):
            let text = ScalarText(s)
            let needle = ScalarText(try stringArgument(0))
            let start = arguments.count == 2 ? try intArgument(1) : 0
            guard start >= 0, start <= Int64(text.count) else { throw rangeError(start, at: offset) }
            return .int(Int64(text.find(needle, from: Int(start)) ?? -1))
        case ("lastIndexOf", 1), ("lastIndexOf", 2):
            let text = ScalarText(s)
            let needle = ScalarText(try stringArgument(0))
            let last = arguments.count == 2 ? try intArgument(1) : Int64(text.count)
            guard last >= 0, last <= Int64(text.count) else { throw rangeError(last, at: offset) }
            return .int(Int64(text.findLast(needle, startingAtOrBefore: Int(last)) ?? -1))
        case ("lowerAscii", 0):
            return .string(String(String.UnicodeScalarView(s.unicodeScalars.map { c in
                ("A"..."Z").contains(c) ? Unicode.Scalar(c.value + 32) ?? c : c
            })))
        case ("upperAscii", 0):
            return .string(String(String.UnicodeScalarView(s.unicodeScalars.map { c in
                ("a"..."z").contains(c) ? Unicode.Scalar(c.value - 32) ?? c : c
            })))
        case ("replace", 2), ("replace", 3):
            let old = ScalarText(try stringArgument(0))
            let new = try stringArgument(1)
            let limit = arguments.count == 3 ? try intArgument(2) : -1
            // Worst case: every position replaced (an empty `old` inserts around each code point).
            let growth = (s.unicodeScalars.count + 1) * new.utf8.count
            try chargeSize(bytes: s.utf8.count + (old.count == 0 || old.count < new.utf8.count ? growth : 0), at: offset)
            return .string(ScalarText(s).replacing(old, with: new, limit: limit))
        case ("split", 1), ("split", 2):
            let separator = ScalarText(try stringArgument(0))
            let limit = arguments.count == 2 ? try intArgument(1) : -1
            return .list(ScalarText(s).split(separator, limit: limit).map { .string($0) })
        case ("substring", 1), ("substring", 2):
            let text = ScalarText(s)
            let start = try intArgument(0)
            let end = arguments.count == 2 ? try intArgument(1) : Int64(text.count)
            guard start >= 0, start <= Int64(text.count) else { throw rangeError(start, at: offset) }
            guard end >= 0, end <= Int64(text.count) else { throw rangeError(end, at: offset) }
            guard start <= end else {
                throw EvalFailure(message: "invalid substring range. start: \(start), end: \(end)", offset: offset)
            }
            return .string(text.string(Int(start)..<Int(end)))
        case ("trim", 0):
            let scalars = Array(s.unicodeScalars)
            var low = 0
            var high = scalars.count
            while low < high, scalars[low].properties.isWhitespace { low += 1 }
            while high > low, scalars[high - 1].properties.isWhitespace { high -= 1 }
            return .string(String(String.UnicodeScalarView(scalars[low..<high])))
        case ("reverse", 0):
            return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
        default:
            throw fail
        }
    }

    /// `strings.quote`: a double-quoted literal with C-style escapes for control characters.
    private func quoteForStrings(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{0B}": out += "\\v"
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A compiled pattern, cached for the rest of the evaluation.
    private mutating func compiledRegex(_ pattern: String, at offset: Int) throws(EvalFailure) -> RE2Regex {
        if let cached = regexCache[ScalarString(pattern)] { return cached }
        do {
            let regex = try RE2Regex(pattern)
            if regexCache.count < 64 { regexCache[ScalarString(pattern)] = regex }
            return regex
        } catch {
            throw EvalFailure(message: "invalid regular expression: \(error.message)", offset: offset)
        }
    }

    private func rangeError(_ index: Int64, at offset: Int) -> EvalFailure {
        EvalFailure(message: "index out of range: \(index)", offset: offset)
    }

    // MARK: Lists

    private mutating func listFunction(
        _ function: String, _ elements: [CELValue], _ arguments: [CELValue], at offset: Int
    ) throws(EvalFailure) -> CELValue {
        try charge(elements.count / 10, at: offset)
        switch (function, arguments.count) {
        case ("join", 0), ("join", 1):
            var separator = ""
            if arguments.count == 1 {
                guard case .string(let s) = arguments[0] else { break }
                separator = s
            }
            var parts: [String] = []
            var total = 0
            for element in elements {
                guard case .string(let s) = element else {
                    throw noOverload("join", [.list(elements)] + arguments, at: offset)
                }
                parts.append(s)
                total += s.utf8.count + separator.utf8.count
            }
            try chargeSize(bytes: total, at: offset)
            return .string(parts.joined(separator: separator))
        case ("indexOf", 1):
            return .int(Int64(elements.firstIndex { $0 == arguments[0] } ?? -1))
        case ("lastIndexOf", 1):
            return .int(Int64(elements.lastIndex { $0 == arguments[0] } ?? -1))
        case ("isSorted", 0):
            for i in elements.indices.dropFirst() {
                if let order = try compare(elements[i - 1], elements[i], name: "isSorted", at: offset), order > 0 {
                    return .bool(false)
                }
            }
            return .bool(true)
        case ("min", 0), ("max", 0):
            guard var best = elements.first else {
                throw EvalFailure(message: "\(function) called on an empty list", offset: offset)
            }
            for element in elements.dropFirst() {
                guard let order = try compare(element, best, name: function, at: offset) else { continue }
                if function == "min" ? order < 0 : order > 0 { best = element }
            }
            return best
        case ("slice", 2):
            guard case .int(let start) = arguments[0], case .int(let end) = arguments[1] else { break }
            guard start >= 0, end >= start, end <= Int64(elements.count) else {
                throw EvalFailure(
                    message: "cannot slice(\(start), \(end)) a list of size \(elements.count)", offset: offset)
            }
            return .list(Array(elements[Int(start)..<Int(end)]))
        case ("flatten", 0), ("flatten", 1):
            var depth: Int64 = 1
            if arguments.count == 1 {
                guard case .int(let d) = arguments[0] else { break }
                guard d >= 0 else { throw EvalFailure(message: "flatten(): level must be non-negative", offset: offset) }
                depth = d
            }
            func flattenedCount(_ items: [CELValue], _ level: Int64) -> Int {
                var count = 0
                for item in items {
                    if level > 0, case .list(let inner) = item {
                        count += flattenedCount(inner, level - 1)
                    } else {
                        count += 1
                    }
                    if count > Interpreter.maxListElements { break }
                }
                return count
            }
            func flatten(_ items: [CELValue], _ level: Int64) -> [CELValue] {
                var out: [CELValue] = []
                for item in items {
                    if level > 0, case .list(let inner) = item {
                        out += flatten(inner, level - 1)
                    } else {
                        out.append(item)
                    }
                }
                return out
            }
            try chargeSize(list: flattenedCount(elements, min(depth, 64)), at: offset)
            return .list(flatten(elements, min(depth, 64)))
        case ("distinct", 0):
            var out: [CELValue] = []
            for element in elements where !out.contains(where: { $0 == element }) {
                try charge(out.count / 10, at: offset)
                out.append(element)
            }
            return .list(out)
        case ("reverse", 0):
            return .list(elements.reversed())
        case ("sort", 0):
            // Bottom-up merge sort: O(n log n) with typed comparison errors.
            var items = elements
            var buffer = elements
            var width = 1
            while width < items.count {
                try charge(items.count, at: offset)
                var start = 0
                while start < items.count {
                    let middle = min(start + width, items.count)
                    let end = min(start + 2 * width, items.count)
                    var left = start
                    var right = middle
                    var out = start
                    while out < end {
                        let takeLeft: Bool
                        if left < middle && right < end {
                            takeLeft = (try compare(items[left], items[right], name: "sort", at: offset) ?? 0) <= 0
                        } else {
                            takeLeft = left < middle
                        }
                        if takeLeft {
                            buffer[out] = items[left]
                            left += 1
                        } else {
                            buffer[out] = items[right]
                            right += 1
                        }
                        out += 1
                    }
                    start = end
                }
                swap(&items, &buffer)
                width *= 2
            }
            if items.count == 1 { _ = try compare(items[0], items[0], name: "sort", at: offset) }
            return .list(items)
        case ("sum", 0):
            guard var total = elements.first else { return .int(0) }
            for element in elements.dropFirst() {
                total = try binary(.add, total, element, at: offset)
            }
            return total
        default: break
        }
        throw noOverload(function, [.list(elements)] + arguments, at: offset)
    }

    // MARK: Timestamps

    private func timestampAccessor(
        _ function: String, _ t: CELTimestamp, _ zone: CELValue?, at offset: Int
    ) throws(EvalFailure) -> CELValue {
        var utcOffset: Int64 = 0
        if let zone {
            guard case .string(let name) = zone else { throw noOverload(function, [.timestamp(t), zone], at: offset) }
            guard let seconds = timeZoneOffset(name, at: t) else {
                throw EvalFailure(message: "unknown timezone: \(name)", offset: offset)
            }
            utcOffset = seconds
        }
        let local = t.seconds + utcOffset
        let days = floorDiv(local, 86_400)
        let secondOfDay = local - days * 86_400
        let (year, month, day) = Civil.date(days: days)
        switch function {
        case "getFullYear": return .int(year)
        case "getMonth": return .int(month - 1)
        case "getDate": return .int(day)
        case "getDayOfMonth": return .int(day - 1)
        case "getDayOfYear": return .int(days - Civil.days(year: year, month: 1, day: 1))
        case "getDayOfWeek":
            // 1970-01-01 was a Thursday (4); Sunday is 0.
            return .int(((days % 7) + 11) % 7)
        case "getHours": return .int(secondOfDay / 3600)
        case "getMinutes": return .int(secondOfDay / 60 % 60)
        case "getSeconds": return .int(secondOfDay % 60)
        case "getMilliseconds": return .int(Int64(t.nanos) / 1_000_000)
        default: throw noOverload(function, [.timestamp(t)] + (zone.map { [$0] } ?? []), at: offset)
        }
    }

    /// Seconds east of UTC for `[+-]HH:MM` or an IANA time zone name at instant `t`.
    private func timeZoneOffset(_ name: String, at t: CELTimestamp) -> Int64? {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count == 2 {
            var hours = parts[0]
            var sign: Int64 = 1
            if hours.first == "-" || hours.first == "+" {
                sign = hours.first == "-" ? -1 : 1
                hours = hours.dropFirst()
            }
            guard hours.count <= 2, parts[1].count == 2, let h = Int64(hours), let m = Int64(parts[1]),
                hours.allSatisfy(\.isASCII), h < 24, m < 60
            else { return nil }
            return sign * (h * 3600 + m * 60)
        }
        guard let zone = TimeZone(identifier: name) else { return nil }
        return Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t.seconds))))
    }
}

/// A string as an array of Unicode scalars, for code-point indexed operations.
struct ScalarText {
    let scalars: [Unicode.Scalar]
    init(_ s: String) { scalars = Array(s.unicodeScalars) }
    var count: Int { scalars.count }

    func string(_ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(scalars[range]))
    }

    private func matches(_ needle: ScalarText, at position: Int) -> Bool {
        guard position + needle.count <= count else { return false }
        for k in 0..<needle.count where scalars[position + k] != needle.scalars[k] { return false }
        return true
    }

    func find(_ needle: ScalarText, from start: Int) -> Int? {
        guard needle.count <= count - start else { return nil }
        for position in start...(count - needle.count) where matches(needle, at: position) { return position }
        return nil
    }

    func findLast(_ needle: ScalarText, startingAtOrBefore last: Int) -> Int? {
        var position = min(last, count - needle.count)
        while position >= 0 {
            if matches(needle, at: position) { return position }
            position -= 1
        }
        return nil
    }

    /// Go's `strings.Replace`: an empty `old` inserts `new` around every code point.
    func replacing(_ old: ScalarText, with new: String, limit: Int64) -> String {
        var out = String.UnicodeScalarView()
        let replacement = new.unicodeScalars
        // A negative limit means no limit; normalising it keeps the countdown from overflowing.
        var remaining = limit < 0 ? Int64.max : limit
        var position = 0
        if old.count == 0 {
            while position <= count {
                if remaining != 0 {
                    out.append(contentsOf: replacement)
                    remaining -= 1
                }
                if position < count { out.append(scalars[position]) }
                position += 1
            }
            return String(out)
        }
        while position < count {
            if remaining != 0, matches(old, at: position) {
                out.append(contentsOf: replacement)
                position += old.count
                remaining -= 1
            } else {
                out.append(scalars[position])
                position += 1
            }
        }
        return String(out)
    }

    /// Go's `strings.SplitN`: limit 0 gives no parts, negative means all.
    func split(_ separator: ScalarText, limit: Int64) -> [String] {
        if limit == 0 { return [] }
        var parts: [String] = []
        if separator.count == 0 {
            for (i, scalar) in scalars.enumerated() {
                if limit > 0, Int64(parts.count) == limit - 1 {
                    parts.append(string(i..<count))
                    return parts
                }
                parts.append(String(scalar))
            }
            return parts
        }
        var start = 0
        var position = 0
        while position + separator.count <= count {
            if limit > 0, Int64(parts.count) == limit - 1 { break }
            if matches(separator, at: position) {
                parts.append(string(start..<position))
                position += separator.count
                start = position
            } else {
                position += 1
            }
        }
        parts.append(string(start..<count))
        return parts
    }
}
