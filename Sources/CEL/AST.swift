/// A node of a parsed CEL expression. `offset` is the scalar offset the node's errors point at.
struct Expr: Sendable {
    let kind: ExprKind
    let offset: Int
    /// Height of the subtree (1 for a leaf); bounded by the parser's recursion limit.
    let depth: Int

    init(_ kind: ExprKind, at offset: Int) {
        self.kind = kind
        self.offset = offset
        var childDepth = 0
        kind.forEachChild { childDepth = max(childDepth, $0.depth) }
        self.depth = childDepth + 1
    }
}

enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", modulo = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case `in` = "in"
}

/// The comprehension macros of the standard environment.
enum MacroKind: Sendable {
    case all, exists, existsOne, map, filter, transformList, transformMap
}

struct Comprehension: Sendable {
    let kind: MacroKind
    let range: Expr
    let variable: String
    /// The second variable of a two-variable comprehension (index or map value).
    let variable2: String?
    /// The predicate (`all`, `exists`, `exists_one`, `filter`, the filter of 3-argument `map`).
    let predicate: Expr?
    /// The transform of `map`.
    let transform: Expr?
}

indirect enum ExprKind: Sendable {
    case literal(CELValue)
    /// An identifier; `rooted` when written with a leading dot.
    case identifier(String, rooted: Bool)
    /// `operand.field`; `testOnly` for the `has()` macro.
    case select(Expr, field: String, testOnly: Bool)
    /// A global call `f(args)` or a receiver call `target.f(args)`.
    case call(function: String, target: Expr?, arguments: [Expr])
    case index(Expr, Expr)
    case list([Expr])
    case map([(key: Expr, value: Expr)])
    case message(typeName: String, fields: [(name: String, value: Expr)])
    case not(Expr)
    case negate(Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case conditional(Expr, Expr, Expr)
    case comprehension(Comprehension)
    /// `cel.bind(name, value, body)`: evaluates `body` with `name` bound to `value`.
    case bind(name: String, value: Expr, body: Expr)
    /// `operand.?field`: an optional that is empty when the field is absent.
    case optionalSelect(Expr, field: String)
    /// `operand[?key]`: an optional that is empty when the key or index is absent.
    case optionalIndex(Expr, Expr)
    /// `?value` in a list element, map entry or message field: the entry is omitted when the optional is empty.
    case optionalEntry(Expr)
    /// `target.optMap(name, expr)` and `target.optFlatMap(name, expr)`.
    case optMap(Expr, variable: String, body: Expr, flat: Bool)
    /// A name in parentheses: `(a).b` selects field `b` of `a`, never the qualified name `a.b`.
    case parenthesized(Expr)

    func forEachChild(_ body: (Expr) -> Void) {
        switch self {
        case .literal, .identifier: break
        case .select(let e, _, _), .not(let e), .negate(let e), .parenthesized(let e), .optionalSelect(let e, _),
            .optionalEntry(let e):
            body(e)
        case .call(_, let target, let arguments):
            if let target { body(target) }
            arguments.forEach(body)
        case .index(let a, let b), .binary(_, let a, let b), .and(let a, let b), .or(let a, let b),
            .bind(_, let a, let b), .optionalIndex(let a, let b), .optMap(let a, _, let b, _):
            body(a)
            body(b)
        case .list(let elements): elements.forEach(body)
        case .map(let entries):
            for entry in entries {
                body(entry.key)
                body(entry.value)
            }
        case .message(_, let fields): fields.forEach { body($0.value) }
        case .conditional(let a, let b, let c):
            body(a)
            body(b)
            body(c)
        case .comprehension(let c):
            body(c.range)
            if let p = c.predicate { body(p) }
            if let t = c.transform { body(t) }
        }
    }
}
