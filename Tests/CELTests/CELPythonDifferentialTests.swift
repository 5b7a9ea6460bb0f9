import Foundation
import KubeModel
import Testing

@testable import CEL

/// Differential test against cel-python (PyPI `cel-python`, module `celpy`, installed by
/// scripts/install-deps.sh): deterministically generated expressions over generated Kubernetes-like
/// objects must evaluate to the same value (same CEL types, recursively) or fail in both.
///
/// The generator is typed, so it only builds expressions inside the part of CEL that cel-python 0.5.0
/// implements as the language definition says. Constructs left out, and why (each checked against
/// cel-python 0.5.0 by hand):
///
/// - Heterogeneous equality: `1 == 1.0`, `1 == 1u`, `null == 1`, `'a' == 1` and `[1, 'a'] == ['a', 1]`
///   are "no matching overload" errors in cel-python; the spec compares numbers by value and makes other
///   mixed-type comparisons false. Operands of `==`, `!=` and `in` always have one type; `null` is only
///   compared with `null`.
/// - Mixed numeric ordering and arithmetic: `1 < 1.5` and `1 + 1.0` are errors in cel-python (the spec
///   orders numbers across types), and `1 + 1u` is `2` (the spec has no such overload). Arithmetic and
///   ordering use one numeric type per operator.
/// - Indexing with a double or uint (`[1, 2][1.0]`, `{1: 'a'}[1u]`) fails in cel-python; the spec accepts
///   integral numbers of any numeric type. Indexes are ints.
/// - Negative list indexes: cel-python uses Python indexing (`[1, 2, 3][-1]` is `3`), the spec fails
///   with an invalid index. Indexes are never negative.
/// - `0.0 / 0.0` is `+inf` in cel-python (IEEE 754 and the spec: NaN). Double divisors are nonzero literals.
/// - `-9223372036854775808 % -1` is `0` in cel-python (the spec and cel-go: overflow error). Int `%`
///   divisors are literals other than -1.
/// - `int(-9223372036854775808.0)` is an int in cel-python (cel-go: the range is exclusive, an overflow
///   error). Double-to-int conversions stay away from the int range's ends.
/// - `string(true)` is `'True'`, `string(null)` is `'None'` and `string(-0.0)` is `'-0.0'` in cel-python
///   (the spec: `'true'`, no overload, and Go's shortest formatting). `string()` takes ints, uints and strings.
/// - `bool(1)` is `true` in cel-python (the spec: no overload), and `bool('T')`, `bool('1')` are errors
///   (the spec accepts them). `bool()` takes `'true'`, `'false'`, `'yes'` and bools.
/// - String-to-number conversions use Python's parsers, which accept surrounding whitespace, `_`
///   separators and (for `int`) base prefixes such as `'0x10'`; the spec uses Go's strict parsing.
///   Only strings both parse alike (plain decimal numbers and non-numbers) are converted.
/// - `size(null)` is `0` in cel-python (the spec: no overload). `size` takes strings, lists and maps.
/// - `&&`, `||` and `!` with non-bool operands: `1 || false` is `1` in cel-python (the spec: an error).
///   Logic operands are bool expressions (which may still fail, to exercise error absorption).
/// - `has()` on a missing or non-map parent (`has({}.a.b)`, `has({'a': 1}.a.b)`) is `false` in
///   cel-python (the spec: the parent's error, or no such field). `has()` is applied to fields of
///   maps that exist.
/// - The three-argument `map(x, filter, transform)` macro is not implemented in cel-python.
/// - Errors inside the bodies of `exists_one`, `map` and `filter` escape cel-python's `&&` and `||` as
///   Python exceptions: `true || [1].exists_one(x, 1/0 == 1)` fails (the spec: `true`). Those bodies are
///   built from parts that cannot fail (`all` and `exists` absorb errors as the spec says, and are not restricted).
/// - `contains` on the result of `+`: cel-python's concatenation returns a plain Python `str`, which has no
///   `contains` (`('a' + 'b').contains('a')` fails). `contains` receivers are never concatenations.
/// - `double('1e400')` is `+inf` in cel-python (cel-go: a range error from strconv.ParseFloat). Out-of-range
///   strings are not converted.
/// - `--9223372036854775808` parses in cel-python (as the negation of the int minimum); the CEL grammar reads
///   two negations of the out-of-range literal 9223372036854775808, a syntax error in cel-go and here.
///   Negated int expressions are parenthesised.
/// - `type()` of the result of an operator: cel-python's `+` on strings and doubles returns plain Python
///   values, so `type('a' + 'b') == string` is false. `type()` is applied to literals and paths.
/// - Timestamps and durations: cel-python keeps them as Python `datetime`/`timedelta`, with microsecond
///   precision, so `duration('1ns') > duration('0s')` is false and
///   `string(timestamp('2020-01-01T00:00:00.123456789Z'))` drops the fraction (the spec: nanoseconds).
///   They are not generated (the objects are JSON, where timestamps are plain strings anyway).
@Suite(
    .enabled(if: CELPythonOracle.unavailableReason == nil, Comment(rawValue: CELPythonOracle.unavailableReason ?? "")))
struct CELPythonDifferentialTests {
    /// `CEL_DIFF_SEED` and `CEL_DIFF_CASES` override the seed and the number of cases, to explore further.
    @Test func generatedExpressionsAgreeWithCelPython() throws {
        let objects = (0..<24).map { index in
            var generator = KubeObjectGenerator(seed: UInt64(index) &+ 0xC0FFEE)
            return generator.object()
        }
        let environment = ProcessInfo.processInfo.environment
        var random = SplitMix(seed: environment["CEL_DIFF_SEED"].flatMap { UInt64($0) } ?? 0x5EED_CE1)
        var cases: [(source: String, object: Int)] = []
        for _ in 0..<(environment["CEL_DIFF_CASES"].flatMap { Int($0) } ?? 1_600) {
            let index = random.next(objects.count)
            var generator = ExpressionGenerator(object: objects[index], random: random)
            let source = generator.expression(ExpressionGenerator.Kind.bool, depth: 4)
            random = generator.random
            cases.append((source, index))
        }

        let bindings = objects.map { object in
            Dictionary(uniqueKeysWithValues: (object.objectValue ?? [:]).map { ($0.key, $0.value) })
        }
        let results = try CELPythonOracle.evaluate(cases: cases, objects: objects)
        guard results.count == cases.count else {
            Issue.record("cel-python returned \(results.count) results for \(cases.count) cases")
            return
        }

        var compared = 0
        var values = 0
        var errors = 0
        var mismatches: [String] = []
        for ((source, index), theirs) in zip(cases, results) {
            let ours: Result<CELValue, CELError>
            do {
                let expression = try CELExpression(parsing: source)
                ours = Result { () throws(CELError) in
                    try expression.evaluate(json: bindings[index], options: CELEvaluationOptions(costLimit: 1_000_000))
                }
            } catch {
                Issue.record("generated expression does not parse: \(source): \(error)")
                continue
            }
            compared += 1
            switch (ours, theirs) {
            case (.success(let a), .value(let b)) where a.strictlyEquals(b):
                values += 1
            case (.failure, .error):
                errors += 1
            default:
                let mine =
                    switch ours {
                    case .success(let value): "\(value)"
                    case .failure(let error): "error: \(error.message)"
                    }
                mismatches.append("object \(index): \(source)\n  ours:       \(mine)\n  cel-python: \(theirs)")
            }
        }
        for mismatch in mismatches.prefix(40) { Issue.record(Comment(rawValue: mismatch)) }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) cases disagree")
        #expect(compared >= 1_000)
        // The generator must exercise both outcomes in earnest.
        #expect(values >= compared / 2 && errors >= compared / 20, "values \(values), errors \(errors)")
        print("CEL differential vs cel-python: \(compared) cases compared, \(values) equal values, \(errors) both errors")
    }
}

// MARK: - Oracle

/// A result reported by the cel-python helper script.
enum OracleResult: CustomStringConvertible {
    case value(CELValue)
    case error(String)
    case unsupported(String)

    var description: String {
        switch self {
        case .value(let value): "\(value)"
        case .error(let message): "error: \(message)"
        case .unsupported(let text): "unsupported result: \(text)"
        }
    }
}

/// Runs Tests/CELTests/Support/celpy_oracle.py over a batch of cases.
enum CELPythonOracle {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Support/celpy_oracle.py")

    /// Why the differential test cannot run here, or nil when `python3 -c 'import celpy'` succeeds.
    static let unavailableReason: String? = {
        do {
            let (status, _) = try run(["-c", "import celpy"])
            return status == 0 ? nil : "cel-python is not installed: `python3 -c 'import celpy'` exited with \(status)"
        } catch {
            return "python3 cannot be started: \(error)"
        }
    }()

    static func run(_ arguments: [String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    static func evaluate(cases: [(source: String, object: Int)], objects: [JSONValue]) throws -> [OracleResult] {
        var document = "{\"objects\": ["
        document += objects.map(\.jsonText).joined(separator: ",\n")
        document += "],\n\"cases\": ["
        document += cases.map { "[\(JSONValue.string($0.source).jsonText), \($0.object)]" }.joined(separator: ",\n")
        document += "]}"
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("celpy-cases-\(ProcessInfo.processInfo.processIdentifier).json")
        try Data(document.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        // CEL_DIFF_KEEP=PATH keeps a copy of the cases, to rerun celpy_oracle.py on them by hand.
        if let keep = ProcessInfo.processInfo.environment["CEL_DIFF_KEEP"] {
            try Data(document.utf8).write(to: URL(fileURLWithPath: keep))
        }
        let (status, output) = try run([script.path, file.path])
        guard status == 0 else { throw OracleFailure(message: "celpy_oracle.py exited with \(status)") }
        let parsed = try need(try JSONSerialization.jsonObject(with: output) as? [Any])
        return try parsed.map { item throws in try decode(item) }
    }

    private static func decode(_ item: Any) throws -> OracleResult {
        let tagged = try need(item as? [String: Any])
        if let message = tagged["error"] as? String { return .error(message) }
        if let text = tagged["unsupported"] as? String { return .unsupported(text) }
        return .value(try value(tagged))
    }

    private static func value(_ item: Any) throws -> CELValue {
        let tagged = try need(item as? [String: Any])
        let (tag, payload) = try need(tagged.first)
        switch tag {
        case "null": return .null
        case "bool": return .bool(try need(payload as? Bool))
        case "int": return .int(try need(Int64(try need(payload as? String))))
        case "uint": return .uint(try need(UInt64(try need(payload as? String))))
        case "double": return .double(try need(Double(try need(payload as? String))))
        case "string": return .string(try need(payload as? String))
        case "bytes":
            let hex = Array(try need(payload as? String).utf8)
            var bytes: [UInt8] = []
            for index in stride(from: 0, to: hex.count, by: 2) {
                bytes.append(try need(UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16)))
            }
            return .bytes(bytes)
        case "list": return .list(try (try need(payload as? [Any])).map { try value($0) })
        case "map":
            var map = CELMap()
            for entry in try need(payload as? [[Any]]) {
                guard entry.count == 2 else { throw OracleFailure(message: "map entry \(entry)") }
                try map.insert(try value(entry[0]), try value(entry[1]))
            }
            return .map(map)
        default:
            throw OracleFailure(message: "unknown result tag \(tag)")
        }
    }

    /// The value, or a failure naming the malformed oracle output.
    private static func need<T>(_ value: T?, _ what: String = #function) throws -> T {
        guard let value else { throw OracleFailure(message: "malformed cel-python output in \(what)") }
        return value
    }
}

/// The cel-python helper failed or printed something unexpected.
struct OracleFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

extension CELValue {
    /// Equality that also requires the same types throughout (`1` and `1.0` differ); NaN equals NaN.
    func strictlyEquals(_ other: CELValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.strictlyEquals($1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count
                && a.entries.allSatisfy { entry in
                    b.entries.contains { $0.key.strictlyEquals(entry.key) && $0.value.strictlyEquals(entry.value) }
                }
        default: return false
        }
    }
}

extension JSONValue {
    /// JSON text in which doubles always keep a fraction or exponent, so Python reads them as floats.
    var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            let text = "\(d)"
            return text.contains(where: { $0 == "." || $0 == "e" }) ? text : text + ".0"
        case .string(let s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let object):
            return "{" + object.map { JSONValue.string($0.key).jsonText + ":" + $0.value.jsonText }.joined(separator: ",") + "}"
        }
    }
}

// MARK: - Generators

/// SplitMix64: small, seedable and well distributed.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func nextUInt64() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`.
    mutating func next(_ bound: Int) -> Int { Int(nextUInt64() % UInt64(bound)) }
    /// True with probability `percent`/100.
    mutating func chance(_ percent: Int) -> Bool { next(100) < percent }
    mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
}

/// Kubernetes-like objects: `metadata`, `spec` and `status` with conditions, numbers of both kinds,
/// strings (some non-ASCII), bools, nulls, nested lists and maps, and fields that are sometimes absent.
struct KubeObjectGenerator {
    var random: SplitMix
    init(seed: UInt64) { random = SplitMix(seed: seed) }

    mutating func object() -> JSONValue {
        var metadata: JSONObject = [
            "name": .string(random.pick(["web", "api-7", "db", "héllo-wörld", "x"])),
            "generation": .int(Int64(1 + random.next(5))),
        ]
        if random.chance(70) { metadata["namespace"] = .string(random.pick(["default", "prod", "kube-system"])) }
        if random.chance(75) {
            var labels: JSONObject = ["app": .string(random.pick(["web", "api", "Ready"]))]
            if random.chance(50) { labels["tier"] = .string(random.pick(["frontend", "backend", ""])) }
            metadata["labels"] = .object(labels)
        }
        if random.chance(30) { metadata["deletionTimestamp"] = .null }

        var spec: JSONObject = [
            "replicas": .int(random.pick([0, 1, 3, 5, 9_223_372_036_854_775_807, -4])),
            "paused": .bool(random.chance(30)),
            "ratio": .double(random.pick([0.5, 2.0, -1.25, 1e300, 0.1, 3.0])),
            "image": .string(random.pick(["nginx:1.25", "registry.local/app@sha256:ab12", "busybox", ""])),
            "ports": .array((0..<random.next(4)).map { _ in .int(random.pick([80, 443, 8080, 0, 65535])) }),
            "tags": .array((0..<random.next(4)).map { _ in .string(random.pick(["blue", "green", "canary", "日本"])) }),
        ]
        if random.chance(70) {
            var nested: JSONObject = ["depth": .int(Int64(random.next(10))), "flag": .bool(random.chance(50))]
            if random.chance(60) { nested["items"] = .array([.array([1, 2]), .array([3]), .array([])]) }
            spec["template"] = .object(["nested": .object(nested), "weights": .array([.double(0.25), .double(1.5)])])
        }
        if random.chance(40) { spec["optional"] = .null }

        var status: JSONObject = [
            "observedGeneration": .int(Int64(1 + random.next(5))),
            "phase": .string(random.pick(["Running", "Pending", "Failed", ""])),
            "score": .double(random.pick([0.0, 99.5, -0.5, 1e-3])),
        ]
        if random.chance(80) {
            status["readyReplicas"] = .int(random.pick([0, 1, 3, 5, -9_223_372_036_854_775_808]))
        }
        if random.chance(85) {
            let types = ["Ready", "Reconciling", "Stalled", "Available", "Progressing"]
            status["conditions"] = .array(
                (0..<random.next(4)).map { _ in
                    var condition: JSONObject = [
                        "type": .string(random.pick(types)),
                        "status": .string(random.pick(["True", "False", "Unknown"])),
                    ]
                    if random.chance(60) { condition["reason"] = .string(random.pick(["Succeeded", "Failed", "Progress"])) }
                    if random.chance(50) { condition["message"] = .string(random.pick(["ok", "", "naïve ✓"])) }
                    if random.chance(50) { condition["observedGeneration"] = .int(Int64(1 + random.next(5))) }
                    return .object(condition)
                })
        }
        return .object(["metadata": .object(metadata), "spec": .object(spec), "status": .object(status)])
    }
}

/// Builds well-typed CEL expressions over one object (see the exclusions on ``CELPythonDifferentialTests``).
struct ExpressionGenerator {
    enum Kind: Hashable {
        case int, uint, double, string, bool, null
        case intList, stringList, conditionList, stringMap, condition
    }

    var random: SplitMix
    /// Paths into the object by the kind of value they hold.
    private var paths: [Kind: [String]] = [:]
    /// Paths of maps with their keys, for `has()`.
    private var maps: [(path: String, keys: [String])] = []
    private var scope: [(name: String, kind: Kind)] = []
    /// Set while generating the body of `exists_one`, `map` or `filter`: cel-python raises errors from
    /// those bodies past `&&` and `||`, so the bodies are built from parts that cannot fail.
    private var safe = false

    init(object: JSONValue, random: SplitMix) {
        self.random = random
        if case .object(let root) = object {
            for (key, value) in root { catalog(value, path: key) }
        }
    }

    private mutating func catalog(_ value: JSONValue, path: String) {
        switch value {
        case .null: paths[.null, default: []].append(path)
        case .bool: paths[.bool, default: []].append(path)
        case .int: paths[.int, default: []].append(path)
        case .double: paths[.double, default: []].append(path)
        case .string: paths[.string, default: []].append(path)
        case .array(let items):
            if items.allSatisfy(\.isInt) { paths[.intList, default: []].append(path) }
            if items.allSatisfy({ $0.stringValue != nil }) { paths[.stringList, default: []].append(path) }
            let conditions = path.hasSuffix("conditions")
            if conditions { paths[.conditionList, default: []].append(path) }
            for (index, item) in items.enumerated() {
                if conditions { paths[.condition, default: []].append("\(path)[\(index)]") }
                catalog(item, path: "\(path)[\(index)]")
            }
        case .object(let object):
            maps.append((path, Array(object.keys)))
            if object.values.allSatisfy({ $0.stringValue != nil }) { paths[.stringMap, default: []].append(path) }
            for (key, value) in object { catalog(value, path: "\(path).\(key)") }
        }
    }

    private mutating func variable(_ kind: Kind) -> String? {
        let matching = scope.filter { $0.kind == kind }
        return matching.isEmpty ? nil : random.pick(matching).name
    }

    /// A leaf of the given kind: a literal, a path, a loop variable, or (outside safe bodies) a failing selection.
    private mutating func leaf(_ kind: Kind) -> String {
        if !safe {
            if random.chance(4) {
                return random.pick([
                    "status.missing", "spec.template.nested.absent", "metadata.labels.nope", "status.conditions[7]",
                    "spec.notThere.deeper", "metadata.annotations.owner",
                ])
            }
            // Conditions do not always carry these fields.
            if kind == .int, let condition = variable(.condition), random.chance(30) { return "\(condition).observedGeneration" }
        }
        if let name = variable(kind), random.chance(50) { return name }
        if let candidates = paths[kind], !candidates.isEmpty, random.chance(55) { return random.pick(candidates) }
        return literal(kind)
    }

    private mutating func literal(_ kind: Kind) -> String {
        switch kind {
        case .int:
            return random.pick([
                "0", "1", "2", "3", "-7", "42", "9223372036854775807", "-9223372036854775808", "4611686018427387904",
                "0x10", "-1",
            ])
        case .uint: return random.pick(["0u", "1u", "7u", "18446744073709551615u", "9223372036854775808u", "0x10u"])
        case .double: return random.pick(["0.0", "1.5", "-2.25", "1e308", "2.0", "0.1", "-0.0", "3e-5", "1.0e2"])
        case .string:
            return random.pick([
                "''", "'Ready'", "'True'", "'web'", "\"héllo\"", "'a\\tb'", "r'\\d+'", "'\'\'tri\'\''", "'日本'", "'\\u00e9'",
                "'nginx:1.25'", "'A'", "'READY'", "' spaced '", "'a\\nb'", "'abcd'", "'x.y'", "'\\U0001F600'", "'É'", "'e\\u0301'", "'\u{17F}'", "'\\u212a'", "'\u{1E9E}'",
            ])
        case .bool: return random.pick(["true", "false"])
        case .null: return "null"
        case .intList: return random.pick(["[]", "[1, 2, 3]", "[80, 443]", "[0, -1, 9223372036854775807]"])
        case .stringList: return random.pick(["[]", "['blue', 'green']", "['Ready', '', 'é']"])
        case .conditionList:
            return random.pick([
                "[{'type': 'Ready', 'status': 'True'}]",
                "[{'type': 'Stalled', 'status': 'False', 'reason': 'Failed'}, {'type': 'Ready', 'status': 'Unknown'}]",
            ])
        case .stringMap:
            return random.pick(["{}", "{'app': 'web'}", "{'tier': '', 'app': 'Ready'}", "{'\\u00e9': 'é', 'e\\u0301': 'ready'}"])
        case .condition: return "{'type': 'Ready', 'status': 'True', 'observedGeneration': 2}"
        }
    }

    /// `range.<macro>(v, body)`; bodies of `exists_one`, `map` and `filter` are built in safe mode.
    private mutating func macro(
        _ name: String, over list: Kind, element: Kind, depth: Int, body: (inout ExpressionGenerator) -> String
    ) -> String {
        let range = expression(list, depth: depth)
        let variable = "v\(scope.count)"
        scope.append((variable, element))
        let wasSafe = safe
        if ["exists_one", "map", "filter"].contains(name) { safe = true }
        let text = body(&self)
        safe = wasSafe
        scope.removeLast()
        return "\(range).\(name)(\(variable), \(text))"
    }

    /// A random iterable kind with its element kind (iterating a map yields its keys).
    private mutating func iterable() -> (list: Kind, element: Kind) {
        random.pick([(.intList, .int), (.stringList, .string), (.conditionList, .condition), (.stringMap, .string)])
    }

    mutating func expression(_ kind: Kind, depth: Int) -> String {
        if depth <= 0 || random.chance(18) { return leaf(kind) }
        let d = depth - 1
        switch kind {
        case .int: return intExpression(depth: d)
        case .uint:
            if safe { return leaf(.uint) }
            switch random.next(5) {
            case 0, 1:
                return "(\(expression(.uint, depth: d)) \(random.pick(["+", "-", "*"])) \(expression(.uint, depth: d)))"
            case 2: return "(\(expression(.uint, depth: d)) \(random.pick(["/", "%"])) \(random.pick(["0u", "1u", "3u"])))"
            case 3: return "uint(\(expression(.int, depth: d)))"
            default: return "uint(\(random.pick(["1.5", "0.0", "-0.5", "-1.0", "1e19", "2e19", "'5'", "'-1'", "'x'"])))"
            }
        case .double:
            switch random.next(6) {
            case 0, 1:
                return "(\(expression(.double, depth: d)) \(random.pick(["+", "-", "*"])) \(expression(.double, depth: d)))"
            case 2: return "(\(expression(.double, depth: d)) / \(random.pick(["2.0", "-0.5", "3.0", "1e-300"])))"
            case 3: return "-\(expression(.double, depth: d))"
            case 4: return "double(\(random.chance(50) ? expression(.int, depth: d) : expression(.uint, depth: d)))"
            default:
                let text = safe ? ["'1.5'", "'-2'", "'1e3'", "'.5'"] : ["'1.5'", "'-2'", "'1e3'", "'abc'", "''", "'.5'"]
                return "double(\(random.pick(text)))"
            }
        case .string:
            switch random.next(6) {
            case 0, 1: return "(\(expression(.string, depth: d)) + \(expression(.string, depth: d)))"
            case 2:
                switch random.next(3) {
                case 0: return "string(\(expression(.int, depth: d)))"
                case 1: return "string(\(expression(.uint, depth: d)))"
                default: return "string(\(expression(.string, depth: d)))"
                }
            case 3: return "(\(expression(.bool, depth: d)) ? \(expression(.string, depth: d)) : \(expression(.string, depth: d)))"
            case 4 where !safe:
                return "\(expression(.stringMap, depth: d))[\(random.pick(["'app'", "'tier'", "'zzz'", "'e\\u0301'"]))]"
            default:
                let field = random.pick(safe ? ["type", "status"] : ["type", "status", "reason", "message"])
                return "\(expression(.condition, depth: d)).\(field)"
            }
        case .bool: return boolExpression(depth: d)
        case .intList:
            switch random.next(5) {
            case 0: return "(\(expression(.intList, depth: d)) + \(expression(.intList, depth: d)))"
            case 1: return macro("filter", over: .intList, element: .int, depth: d) { $0.expression(.bool, depth: d) }
            case 2: return macro("map", over: .intList, element: .int, depth: d) { $0.expression(.int, depth: d) }
            case 3: return macro("map", over: .stringList, element: .string, depth: d) { $0.expression(.int, depth: d) }
            default:
                return macro("map", over: .conditionList, element: .condition, depth: d) { "size(\($0.scope.last?.name ?? "").type)" }
            }
        case .stringList:
            switch random.next(4) {
            case 0: return "(\(expression(.stringList, depth: d)) + \(expression(.stringList, depth: d)))"
            case 1: return macro("filter", over: .stringList, element: .string, depth: d) { $0.expression(.bool, depth: d) }
            case 2: return macro("map", over: .stringMap, element: .string, depth: d) { $0.expression(.string, depth: d) }
            default:
                return macro("map", over: .conditionList, element: .condition, depth: d) { "\($0.scope.last?.name ?? "").type" }
            }
        case .conditionList:
            if random.chance(50) { return leaf(.conditionList) }
            return macro("filter", over: .conditionList, element: .condition, depth: d) { $0.expression(.bool, depth: d) }
        case .null, .stringMap, .condition:
            return leaf(kind)
        }
    }

    private mutating func intExpression(depth d: Int) -> String {
        switch random.next(10) {
        case 0 where !safe, 1 where !safe:
            return "(\(expression(.int, depth: d)) \(random.pick(["+", "-", "*"])) \(expression(.int, depth: d)))"
        case 2 where !safe:
            let divisor = random.chance(50) ? expression(.int, depth: d) : random.pick(["0", "-1", "2", "-3"])
            return "(\(expression(.int, depth: d)) / \(divisor))"
        case 3 where !safe:
            return "(\(expression(.int, depth: d)) % \(random.pick(["0", "2", "-3", "7", "9223372036854775807"])))"
        case 4 where !safe: return "-(\(expression(.int, depth: d)))"
        case 0...5:
            switch random.next(4) {
            case 0: return "size(\(expression(.string, depth: d)))"
            case 1: return "\(expression(.string, depth: d)).size()"
            case 2: return "size(\(expression(random.pick([.intList, .stringList, .conditionList]), depth: d)))"
            default: return "\(expression(.stringMap, depth: d)).size()"
            }
        case 6: return "(\(expression(.bool, depth: d)) ? \(expression(.int, depth: d)) : \(expression(.int, depth: d)))"
        case 7 where !safe: return "\(expression(.intList, depth: d))[\(random.pick(["0", "1", "2", "5"]))]"
        case 8 where !safe:
            switch random.next(4) {
            case 0: return "int(\(expression(.uint, depth: d)))"
            case 1: return "int(\(random.pick(["1.9", "-1.9", "0.0", "1e19", "-1e19", "9.2e18", "-2.5e18"])))"
            case 2: return "int(\(expression(.double, depth: d)))"
            default:
                return "int(\(random.pick(["'12'", "'-7'", "'abc'", "'1.5'", "''", "'9223372036854775807'", "'9223372036854775808'"])))"
            }
        case 7, 8: return leaf(.int)
        default:
            let (list, element) = iterable()
            return macro("filter", over: list, element: element, depth: d) { $0.expression(.bool, depth: d) } + ".size()"
        }
    }

    /// A string receiver for `contains`: cel-python cannot call `contains` on the plain Python `str` that
    /// `+` returns, so receivers are literals, paths, conversions and condition fields, never concatenations.
    private mutating func receiver(depth d: Int) -> String {
        switch random.next(4) {
        case 0: return random.chance(50) ? literal(.string) : (paths[.string].map { random.pick($0) } ?? literal(.string))
        case 1: return "string(\(expression(.int, depth: d)))"
        case 2: return "\(expression(.condition, depth: d)).\(random.pick(safe ? ["type", "status"] : ["type", "reason"]))"
        default: return safe ? literal(.string) : "\(expression(.stringMap, depth: d))['app']"
        }
    }

    private mutating func boolExpression(depth d: Int) -> String {
        switch random.next(12) {
        case 0, 1:
            let kind = random.pick([Kind.int, .int, .uint, .double, .string, .bool, .intList, .stringList, .stringMap, .conditionList])
            let ordered = [Kind.int, .uint, .double, .string, .bool].contains(kind)
            let op = random.pick(ordered ? ["==", "!=", "<", "<=", ">", ">="] : ["==", "!="])
            if !ordered, random.chance(25) {
                // type() of a literal or path (the results of cel-python's operators have Python types, see above).
                let value = random.chance(50) ? literal(kind) : (paths[kind].map { random.pick($0) } ?? literal(kind))
                return "(type(\(value)) \(op) \(random.pick(["int", "uint", "double", "string", "bool", "list", "map", "null_type"])))"
            }
            return "(\(expression(kind, depth: d)) \(op) \(expression(kind, depth: d)))"
        case 2:
            return "(\(expression(.bool, depth: d)) \(random.pick(["&&", "||"])) \(expression(.bool, depth: d)))"
        case 3: return "!\(expression(.bool, depth: d))"
        case 4: return "(\(expression(.bool, depth: d)) ? \(expression(.bool, depth: d)) : \(expression(.bool, depth: d)))"
        case 5:
            switch random.next(3) {
            case 0: return "(\(expression(.int, depth: d)) in \(expression(.intList, depth: d)))"
            case 1: return "(\(expression(.string, depth: d)) in \(expression(.stringList, depth: d)))"
            default: return "(\(expression(.string, depth: d)) in \(expression(.stringMap, depth: d)))"
            }
        case 6:
            guard !maps.isEmpty else { return leaf(.bool) }
            let (path, keys) = random.pick(maps)
            let key = keys.isEmpty || random.chance(35) ? random.pick(["absent", "labels", "reason", "items"]) : random.pick(keys)
            return "has(\(path).\(key))"
        case 7:
            if random.chance(50) { return "\(receiver(depth: d)).contains(\(expression(.string, depth: d)))" }
            return "\(expression(.string, depth: d)).\(random.pick(["startsWith", "endsWith"]))(\(expression(.string, depth: d)))"
        case 8:
            var patterns = [
                "'^[a-z]+$'", "'Ready'", "'^Re'", "'ue$'", "'[0-9]+'", "'a|b'", "'^$'", "'.*'", "'(?i)ready'", "'x{2,}'",
                "'\\\\d'", "'^\\\\w+:[0-9.]+$'", "'é'", "'^.{2}$'", "'\\\\s'", "'[[:upper:]]'", "'\\\\pL+$'", "'^a|b$'",
                "'(?s)a.b'", "'\\\\bweb\\\\b'", "'[^a-z]'", "'^(Ready|True)$'", "'^.{3,5}$'", "'\\\\x41'", "'[\\\\d.]+'",
                "'(?i)É'", "'✓'", "'^[^:]*:[0-9]+\\\\.[0-9]+$'", "'a+?b'", "'(a|ab)(c|bcd)'", "'\\\\.'", "'^$|^x'",
                "'(?i)\u{17F}'", "'(?i)^[k-s]+$'", "'(?i)\\\\p{Lu}'", "'\\\\pC'", "'(?i)[[:^lower:]]'", "'(?i)ß'",
            ]
            if !safe { patterns.append("'[a-'") }
            let pattern = random.pick(patterns)
            return random.chance(70)
                ? "\(expression(.string, depth: d)).matches(\(pattern))" : "matches(\(expression(.string, depth: d)), \(pattern))"
        case 9:
            if let nulls = paths[.null], !nulls.isEmpty, random.chance(50) {
                return "(\(random.pick(nulls)) \(random.pick(["==", "!="])) null)"
            }
            return "bool(\(random.pick(safe ? ["'true'", "'false'"] : ["'true'", "'false'", "'yes'"])))"
        default:
            let (list, element) = iterable()
            let name = random.pick(["all", "exists", "exists_one"])
            return macro(name, over: list, element: element, depth: d) { $0.expression(.bool, depth: d) }
        }
    }
}

extension JSONValue {
    fileprivate var isInt: Bool {
        if case .int = self { return true }
        return false
    }
}
