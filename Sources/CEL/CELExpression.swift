/// A parsed, immutable CEL program.
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
