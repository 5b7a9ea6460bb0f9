/// A YAML document that cannot be read (syntax, encoding, limits) or cannot become JSON
/// (`.inf`, a null map key, `!!int yes`), with its 1-based position.
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without the position.
    public let message: String
    /// 1-based line of the offending input.
    public let line: Int
    /// 1-based column (in characters) of the offending input.
    public let column: Int
    /// 0-based index of the document in the stream (counting empty documents), when known.
    public let document: Int?

    public init(message: String, line: Int, column: Int, document: Int?) {
        self.message = message
        self.line = line
        self.column = column
        self.document = document
    }

    public var description: String {
        let place = document.map { "document \($0), " } ?? ""
        return "yaml: \(place)line \(line), column \(column): \(message)"
    }
}
