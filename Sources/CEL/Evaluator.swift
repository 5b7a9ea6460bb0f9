public import KubeModel

/// Options for one evaluation.
public struct CELEvaluationOptions: Sendable, Hashable {
    /// Maximum evaluation cost: roughly one unit per evaluated node and comprehension step,
    /// plus a share of the size of strings, lists and regular expression inputs handled.
    public var costLimit: Int
    /// The namespace names are resolved in: with container `a.b`, the name `x` is looked up as
    /// `a.b.x`, then `a.x`, then `x` (a leading dot, `.x`, skips the container).
    public var container: String

    public init(costLimit: Int = 10_000_000, container: String = "") {
        self.costLimit = costLimit
        self.container = container
    }
}

extension CELExpression {
    /// Evaluates the expression with CEL values bound to variable names.
    public func evaluate(
        _ bindings: [String: CELValue], options: CELEvaluationOptions = CELEvaluationOptions()
    ) throws(CELError) -> CELValue {
        var interpreter = Interpreter(bindings: bindings, costLimit: options.costLimit, container: options.container)
        do throws(EvalFailure) {
            return try interpreter.eval(root)
        } catch {
            throw CELError(
                kind: error.isCostLimit ? .costLimit : .evaluation, message: error.message, offset: error.offset,
                in: text)
        }
    }

    /// Evaluates the expression with JSON documents (for example `metadata`, `spec`, `status`) bound to names.
    public func evaluate(
        json bindings: [String: JSONValue], options: CELEvaluationOptions = CELEvaluationOptions()
    ) throws(CELError) -> CELValue {
        try evaluate(bindings.mapValues(CELValue.init(json:)), options: options)
    }

    /// Evaluates the expression with JSON bindings and requires a `bool` result.
    public func evaluateBool(
        json bindings: [String: JSONValue], options: CELEvaluationOptions = CELEvaluationOptions()
    ) throws(CELError) -> Bool {
        try evaluateBool(bindings.mapValues(CELValue.init(json:)), options: options)
    }

    /// Evaluates the expression and requires a `bool` result.
    public func evaluateBool(
        _ bindings: [String: CELValue], options: CELEvaluationOptions = CELEvaluationOptions()
    ) throws(CELError) -> Bool {
        let value = try evaluate(bindings, options: options)
        guard case .bool(let result) = value else {
            throw CELError(
                kind: .evaluation, message: "expression returned \(value.celType), want bool", offset: 0, in: text)
        }
        return result
    }
}

/// An evaluation failure before it is positioned in the source.
struct EvalFailure: Error {
    let message: String
    let offset: Int
    var isCostLimit = false
}

/// Tree-walking evaluator with CEL's error-absorbing logic and a cost budget.
struct Interpreter {
    let bindings: [String: CELValue]
    let costLimit: Int
    let container: String
    private var cost = 0

    /// Largest list a single operation may build.
    static let maxListElements = 1_000_000
    /// Largest string or bytes value (in bytes) a single operation may build.
    static let maxStringBytes = 16 << 20
    private var locals: [(name: String, value: CELValue)] = []
    var regexCache: [ScalarString: RE2Regex] = [:]

    init(bindings: [String: CELValue], costLimit: Int, container: String = "") {
        self.bindings = bindings
        self.costLimit = costLimit
        self.container = container
    }

    mutating func charge(_ units: Int, at offset: Int) throws(EvalFailure) {
        cost += max(0, units)
        if cost > costLimit {
            throw EvalFailure(message: "operation cancelled: actual cost limit exceeded", offset: offset, isCostLimit: true)
        }
    }

    /// Fails when a value about to be built would exceed the size limits; charges its size too.
    mutating func chargeSize(list count: Int = 0, bytes: Int = 0, at offset: Int) throws(EvalFailure) {
        if count > Interpreter.maxListElements || bytes > Interpreter.maxStringBytes {
            throw EvalFailure(message: "operation cancelled: result exceeds size limit", offset: offset, isCostLimit: true)
        }
        try charge(count + bytes / 16, at: offset)
    }

    static let typeNames: [String: CELType] = [
        "bool": .bool, "int": .int, "uint": .uint, "double": .double, "string": .string, "bytes": .bytes,
        "list": .list, "map": .map, "null_type": .null, "type": .type,
        "google.protobuf.Timestamp": .timestamp, "google.protobuf.Duration": .duration, "optional_type": .optional,
        "net.IP": .ip, "net.CIDR": .cidr,
    ]

    private func local(_ name: String) -> CELValue? {
        for entry in locals.reversed() where entry.name == name { return entry.value }
        return nil
    }

    /// Resolves a possibly qualified name against variables and type names.
    private func global(_ name: String, rooted: Bool = false) -> CELValue? {
        func lookup(_ qualified: String) -> CELValue? {
            if let value = bindings[qualified] { return value }
            if let type = Interpreter.typeNames[qualified] { return .type(type) }
            if qualified == "google.protobuf.NullValue.NULL_VALUE" { return .int(0) }
            return nil
        }
        if !rooted, !container.isEmpty {
            var prefix = Substring(container)
            while true {
                if let value = lookup(prefix + "." + name) { return value }
                guard let dot = prefix.lastIndex(of: ".") else { break }
                prefix = prefix[..<dot]
            }
        }
        return lookup(name)
    }

    /// The identifiers of a pure selection chain `a.b.c`, with whether it was written rooted.
    private func nameChain(_ expr: Expr) -> (names: [String], rooted: Bool)? {
        var names: [String] = []
        var current = expr
        while true {
            switch current.kind {
            case .select(let operand, let field, false):
                names.append(field)
                current = operand
            case .identifier(let name, let rooted):
                names.append(name)
                return (names.reversed(), rooted)
            default:
                return nil
            }
        }
    }

    mutating func eval(_ expr: Expr) throws(EvalFailure) -> CELValue {
        try charge(1, at: expr.offset)
        switch expr.kind {
        case .literal(let value):
            return value
        case .parenthesized(let inner):
            return try eval(inner)
        case .optionalEntry(let inner):
            // Only reachable through list, map and message literals, which unwrap it.
            return try eval(inner)
        case .optionalSelect(let operandExpr, let field):
            let base = try eval(operandExpr)
            if case .optional(let inner) = base {
                guard let inner else { return .optional(nil) }
                return try optionalSelect(inner, field: field, at: expr.offset)
            }
            return try optionalSelect(base, field: field, at: expr.offset)
        case .optionalIndex(let operandExpr, let keyExpr):
            let base = try eval(operandExpr)
            let key = try eval(keyExpr)
            if case .optional(let inner) = base {
                guard let inner else { return .optional(nil) }
                return try optionalIndex(inner, key, at: expr.offset)
            }
            return try optionalIndex(base, key, at: expr.offset)
        case .optMap(let targetExpr, let variable, let body, let flat):
            guard case .optional(let inner) = try eval(targetExpr) else {
                throw EvalFailure(message: "no such overload: \(flat ? "optFlatMap" : "optMap") on a non-optional value", offset: expr.offset)
            }
            guard let inner else { return .optional(nil) }
            locals.append((variable, inner))
            defer { locals.removeLast() }
            let result = try eval(body)
            if flat {
                guard case .optional = result else {
                    throw EvalFailure(message: "optFlatMap() expression must return an optional", offset: expr.offset)
                }
                return result
            }
            return .optional(result)
        case .bind(let name, let valueExpr, let body):
            let value = try eval(valueExpr)
            locals.append((name, value))
            defer { locals.removeLast() }
            return try eval(body)
        case .identifier(let name, let rooted):
            // Comprehension variables shadow globals, even when written with a leading dot.
            if let value = local(name) { return value }
            if let value = global(name, rooted: rooted) { return value }
            throw EvalFailure(message: "undeclared reference to '\(name)' (in container '')", offset: expr.offset)
        case .select(let operand, let field, let testOnly):
            if !testOnly, let (names, rooted) = nameChain(expr), local(names[0]) == nil {
                return try resolveQualified(names, rooted: rooted, at: expr.offset)
            }
            let base = try eval(operand)
            return try select(base, field: field, testOnly: testOnly, at: expr.offset)
        case .call(let function, let targetExpr, let argumentExprs):
            if let targetExpr, let (names, rooted) = nameChain(targetExpr),
                Interpreter.namespacedFunctions.contains(names.joined(separator: ".") + "." + function),
                local(names[0]) == nil, global(names[0], rooted: rooted) == nil
            {
                // A namespaced global function such as `strings.quote(s)`.
                var arguments: [CELValue] = []
                for argument in argumentExprs { arguments.append(try eval(argument)) }
                return try call(names.joined(separator: ".") + "." + function, target: nil, arguments, at: expr.offset)
            }
            let target: CELValue? = if let targetExpr { try eval(targetExpr) } else { nil }
            if function == "or" || function == "orValue", argumentExprs.count == 1, case .optional(let inner) = target {
                // `or` and `orValue` evaluate their argument only when the optional is empty.
                if let inner { return function == "or" ? .optional(inner) : inner }
                let alternative = try eval(argumentExprs[0])
                if function == "or", case .optional = alternative {} else if function == "or" {
                    throw noOverload("or", [.optional(nil), alternative], at: expr.offset)
                }
                return alternative
            }
            var arguments: [CELValue] = []
            arguments.reserveCapacity(argumentExprs.count)
            for argument in argumentExprs { arguments.append(try eval(argument)) }
            return try call(function, target: target, arguments, at: expr.offset)
        case .index(let operandExpr, let keyExpr):
            let operand = try eval(operandExpr)
            let key = try eval(keyExpr)
            return try index(operand, key, at: expr.offset)
        case .list(let elementExprs):
            var elements: [CELValue] = []
            elements.reserveCapacity(elementExprs.count)
            for element in elementExprs {
                if let value = try entryValue(element) { elements.append(value) }
            }
            return .list(elements)
        case .map(let entries):
            var map = CELMap()
            for entry in entries {
                let key = try eval(entry.key)
                guard let value = try entryValue(entry.value) else { continue }
                do throws(CELMapError) {
                    try map.insert(key, value)
                } catch .repeatedKey {
                    throw EvalFailure(message: "Failed with repeated key", offset: entry.key.offset)
                } catch {
                    throw EvalFailure(message: "unsupported key type: \(key.celType)", offset: entry.key.offset)
                }
            }
            return .map(map)
        case .message(let typeName, let fields):
            return try constructMessage(typeName, fields, at: expr.offset)
        case .not(let operandExpr):
            guard case .bool(let b) = try eval(operandExpr) else {
                throw noOverload("!_", at: expr.offset)
            }
            return .bool(!b)
        case .negate(let operandExpr):
            switch try eval(operandExpr) {
            case .int(let i):
                guard i != .min else { throw EvalFailure(message: "integer overflow", offset: expr.offset) }
                return .int(-i)
            case .double(let d): return .double(-d)
            default: throw noOverload("-_", at: expr.offset)
            }
        case .binary(let op, let lhsExpr, let rhsExpr):
            let lhs = try eval(lhsExpr)
            let rhs = try eval(rhsExpr)
            return try binary(op, lhs, rhs, at: expr.offset)
        case .and(let lhsExpr, let rhsExpr):
            return try logical(lhsExpr, rhsExpr, absorbing: false, name: "_&&_", at: expr.offset)
        case .or(let lhsExpr, let rhsExpr):
            return try logical(lhsExpr, rhsExpr, absorbing: true, name: "_||_", at: expr.offset)
        case .conditional(let conditionExpr, let thenExpr, let elseExpr):
            guard case .bool(let condition) = try eval(conditionExpr) else {
                throw noOverload("_?_:_", at: expr.offset)
            }
            return try eval(condition ? thenExpr : elseExpr)
        case .comprehension(let comprehension):
            return try comprehend(comprehension, at: expr.offset)
        }
    }

    func noOverload(_ function: String, _ values: CELValue..., at offset: Int) -> EvalFailure {
        let types = values.map(\.celType.name).joined(separator: ", ")
        let suffix = values.isEmpty ? "" : " applied to (\(types))"
        return EvalFailure(message: "no such overload: \(function)\(suffix)", offset: offset)
    }

    private mutating func resolveQualified(_ names: [String], rooted: Bool, at offset: Int) throws(EvalFailure) -> CELValue {
        for prefix in stride(from: names.count, through: 1, by: -1) {
            let name = names[0..<prefix].joined(separator: ".")
            guard let value = global(name, rooted: rooted) else { continue }
            var result = value
            for field in names[prefix...] {
                result = try select(result, field: field, testOnly: false, at: offset)
            }
            return result
        }
        throw EvalFailure(message: "undeclared reference to '\(names[0])' (in container '')", offset: offset)
    }

    /// `&&` and `||` with commutative error absorption: the absorbing value wins over an error.
    private mutating func logical(
        _ lhsExpr: Expr, _ rhsExpr: Expr, absorbing: Bool, name: String, at offset: Int
    ) throws(EvalFailure) -> CELValue {
        var firstError: EvalFailure?
        do throws(EvalFailure) {
            switch try eval(lhsExpr) {
            case .bool(let b) where b == absorbing: return .bool(absorbing)
            case .bool: break
            default: firstError = noOverload(name, at: offset)
            }
        } catch {
            if error.isCostLimit { throw error }
            firstError = error
        }
        do throws(EvalFailure) {
            switch try eval(rhsExpr) {
            case .bool(let b) where b == absorbing: return .bool(absorbing)
            case .bool:
                if let firstError { throw firstError }
                return .bool(!absorbing)
            default:
                throw firstError ?? noOverload(name, at: offset)
            }
        } catch {
            if error.isCostLimit { throw error }
            throw firstError ?? error
        }
    }

    // MARK: Selection and indexing

    /// Reads `entry` of a list, map or message literal; nil when it is an empty `?entry`.
    private mutating func entryValue(_ entry: Expr) throws(EvalFailure) -> CELValue? {
        guard case .optionalEntry(let inner) = entry.kind else { return try eval(entry) }
        guard case .optional(let value) = try eval(inner) else {
            throw EvalFailure(message: "optional entry requires an optional value", offset: entry.offset)
        }
        return value
    }

    private mutating func optionalSelect(_ base: CELValue, field: String, at offset: Int) throws(EvalFailure) -> CELValue {
        guard case .map(let map) = base else {
            return .optional(try select(base, field: field, testOnly: false, at: offset))
        }
        return .optional(map[field])
    }

    private func optionalIndex(_ base: CELValue, _ key: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch base {
        case .map(let map):
            switch key {
            case .bool, .int, .uint, .string, .double: return .optional(map[key])
            default: throw noOverload("_[?_]", base, key, at: offset)
            }
        case .list(let elements):
            let position: Int64?
            switch key {
            case .int(let i): position = i
            case .uint(let u): position = Int64(exactly: u)
            case .double(let d): position = d.rounded(.towardZero) == d ? Int64(exactly: d) : nil
            default: throw noOverload("_[?_]", base, key, at: offset)
            }
            guard let position, position >= 0, position < Int64(elements.count) else { return .optional(nil) }
            return .optional(elements[Int(position)])
        default:
            throw noOverload("_[?_]", base, key, at: offset)
        }
    }

    mutating func select(_ base: CELValue, field: String, testOnly: Bool, at offset: Int) throws(EvalFailure) -> CELValue {
        switch base {
        case .optional(let inner):
            // Selecting from an optional chains: empty stays empty, a missing field gives empty.
            guard let inner else { return testOnly ? .bool(false) : .optional(nil) }
            if testOnly { return try select(inner, field: field, testOnly: true, at: offset) }
            return try optionalSelect(inner, field: field, at: offset)
        case .map(let map):
            if testOnly { return .bool(map[field] != nil) }
            guard let value = map[field] else {
                throw EvalFailure(message: "no such key: \(field)", offset: offset)
            }
            return value
        default:
            throw EvalFailure(
                message: "type '\(base.celType)' does not support field selection", offset: offset)
        }
    }

    func index(_ operand: CELValue, _ key: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch operand {
        case .optional(let inner):
            guard let inner else { return .optional(nil) }
            return try optionalIndex(inner, key, at: offset)
        case .list(let elements):
            let position: Int64
            switch key {
            case .int(let i): position = i
            case .uint(let u):
                guard u <= UInt64(Int64.max) else { throw indexError(key, count: elements.count, at: offset) }
                position = Int64(u)
            case .double(let d):
                guard d.rounded(.towardZero) == d, let i = Int64(exactly: d) else {
                    throw EvalFailure(message: "unsupported index value: \(d)", offset: offset)
                }
                position = i
            default:
                throw noOverload("_[_]", operand, key, at: offset)
            }
            guard position >= 0, position < Int64(elements.count) else {
                throw indexError(key, count: elements.count, at: offset)
            }
            return elements[Int(position)]
        case .map(let map):
            switch key {
            case .bool, .int, .uint, .string, .double: break
            default: throw noOverload("_[_]", operand, key, at: offset)
            }
            guard let value = map[key] else {
                throw EvalFailure(message: "no such key: \(key.literalDescription)", offset: offset)
            }
            return value
        default:
            throw noOverload("_[_]", operand, key, at: offset)
        }
    }

    private func indexError(_ key: CELValue, count: Int, at offset: Int) -> EvalFailure {
        EvalFailure(message: "index out of range: \(key.literalDescription) (size \(count))", offset: offset)
    }

    // MARK: Comprehensions

    private mutating func comprehend(_ c: Comprehension, at offset: Int) throws(EvalFailure) -> CELValue {
        let range = try eval(c.range)
        // Each step binds (first, second): one-variable macros see list elements or map keys;
        // two-variable macros see (index, element) or (key, value).
        let steps: [(CELValue, CELValue)]
        switch range {
        case .list(let elements):
            steps = c.variable2 == nil
                ? elements.map { ($0, .null) } : elements.enumerated().map { (.int(Int64($0.offset)), $0.element) }
        case .map(let map):
            steps = map.entries.map { ($0.key, $0.value) }
        default:
            throw EvalFailure(message: "cannot iterate over value of type '\(range.celType)'", offset: offset)
        }
        locals.append((c.variable, .null))
        if let second = c.variable2 { locals.append((second, .null)) }
        defer {
            locals.removeLast()
            if c.variable2 != nil { locals.removeLast() }
        }
        let slot = locals.count - (c.variable2 == nil ? 1 : 2)
        func bind(_ step: (CELValue, CELValue), _ locals: inout [(name: String, value: CELValue)]) {
            locals[slot].value = step.0
            if c.variable2 != nil { locals[slot + 1].value = step.1 }
        }

        switch c.kind {
        case .all, .exists:
            let absorbing = c.kind == .exists
            var firstError: EvalFailure?
            for step in steps {
                try charge(1, at: offset)
                bind(step, &locals)
                do throws(EvalFailure) {
                    guard let predicate = c.predicate else { break }
                    switch try eval(predicate) {
                    case .bool(let b) where b == absorbing: return .bool(absorbing)
                    case .bool: break
                    case let other:
                        if firstError == nil { firstError = noOverload(absorbing ? "_||_" : "_&&_", other, at: offset) }
                    }
                } catch {
                    if error.isCostLimit { throw error }
                    if firstError == nil { firstError = error }
                }
            }
            if let firstError { throw firstError }
            return .bool(!absorbing)
        case .existsOne:
            var count = 0
            for step in steps {
                try charge(1, at: offset)
                bind(step, &locals)
                guard let predicate = c.predicate else { break }
                switch try eval(predicate) {
                case .bool(let b): if b { count += 1 }
                case let other: throw noOverload("_?_:_", other, at: offset)
                }
            }
            return .bool(count == 1)
        case .map, .filter, .transformList, .transformMap:
            var results: [CELValue] = []
            var resultMap = CELMap()
            for step in steps {
                try charge(1, at: offset)
                bind(step, &locals)
                if let predicate = c.predicate {
                    switch try eval(predicate) {
                    case .bool(let keep): if !keep { continue }
                    case let other: throw noOverload("_?_:_", other, at: offset)
                    }
                }
                let value = try c.transform.map { (t: Expr) throws(EvalFailure) in try eval(t) } ?? step.0
                if c.kind == .transformMap {
                    do throws(CELMapError) {
                        try resultMap.insert(step.0, value)
                    } catch {
                        throw EvalFailure(message: "Failed with repeated key", offset: offset)
                    }
                } else {
                    results.append(value)
                }
                try charge(1, at: offset)
            }
            return c.kind == .transformMap ? .map(resultMap) : .list(results)
        }
    }
}
