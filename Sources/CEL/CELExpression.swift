/// A parsed, immutable CEL program.
///
/// Parse once, evaluate many times (the value is `Sendable` and holds no evaluation state):
///
/// ```swift
/// let ready = try CELExpression(parsing: "status.conditions.filter(c, c.type == 'Ready').all(c, c.status == 'True')")
/// let isReady = try ready.evaluateBool(json: ["metadata": metadata, "spec": spec, "status": status])
/// ```
///
/// Supported: the CEL language definition (literals, operators with error absorption, macros
/// `has`, `all`, `exists`, `exists_one`, `map`, `filter` and their two-variable forms,
/// `transformList`, `transformMap`, `cel.bind`, optional values), the standard functions and
/// conversions, timestamps and durations, `matches` with RE2 syntax, and the Kubernetes / cel-go
/// `strings`, `lists`, `sets`, `math`, `base64` and `quantity` libraries. Protocol buffer
/// messages other than the well-known types are not supported. There is no type checker:
/// type errors surface at evaluation, as with cel-go's unchecked programs.
public struct CELExpression: Sendable {
    /// The text the expression was parsed from.
    public let source: String
    let root: Expr
    let text: SourceText

    /// Parses `source` with the default limits.
    public init(parsing source: String) throws(CELError) {
        try self.init(parsing: source, limits: CELParseLimits())
    }

    /// Parses `source`, failing with a positioned syntax error.
    public init(parsing source: String, limits: CELParseLimits) throws(CELError) {
        self.source = source
        self.text = SourceText(source)
        var parser = try Parser(source: text, limits: limits)
        self.root = try parser.parse()
    }
}
