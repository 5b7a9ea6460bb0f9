/// An error from parsing or evaluating a CEL expression, with the position it refers to.
///
/// `description` follows cel-go: `ERROR: <input>:1:5: Syntax error: ...`, followed by the
/// offending source line and a caret under the column.
public struct CELError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, without position information.
    public let message: String
    /// Offset in Unicode scalars from the start of the source.
    public let offset: Int
    /// 1-based line.
    public let line: Int
    /// 1-based column, counted in Unicode scalars.
    public let column: Int
    /// The broad class of the error.
    public let kind: Kind
    /// The source line the error points into (empty when unknown).
    public let sourceLine: String

    /// The broad class of a ``CELError``.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable { case syntax, evaluation, costLimit }
        private let code: Code
        /// The source text is not a valid expression.
        public static let syntax = Kind(code: .syntax)
        /// Evaluation failed (no such overload, overflow, missing key, ...).
        public static let evaluation = Kind(code: .evaluation)
        /// Evaluation exceeded its cost limit.
        public static let costLimit = Kind(code: .costLimit)
        public var description: String {
            switch code {
            case .syntax: "syntax"
            case .evaluation: "evaluation"
            case .costLimit: "cost limit"
            }
        }
    }

    init(kind: Kind, message: String, offset: Int, in source: SourceText) {
        self.kind = kind
        self.message = message
        self.offset = offset
        let (line, column, text) = source.location(of: offset)
        self.line = line
        self.column = column
        self.sourceLine = text
    }

    public var description: String {
        let prefix = kind == .syntax ? "Syntax error: " : ""
        var out = "ERROR: <input>:\(line):\(column): \(prefix)\(message)"
        if !sourceLine.isEmpty || column == 1 {
            out += "\n | \(sourceLine)\n | \(String(repeating: ".", count: max(0, column - 1)))^"
        }
        return out
    }
}

/// Source text as Unicode scalars, with line lookup for error positions.
struct SourceText: Sendable {
    let scalars: [Unicode.Scalar]

    init(_ text: String) {
        scalars = Array(text.unicodeScalars)
    }

    /// 1-based line and column of `offset`, and the text of that line.
    func location(of offset: Int) -> (line: Int, column: Int, text: String) {
        let target = min(max(0, offset), scalars.count)
        var line = 1
        var lineStart = 0
        var index = 0
        while index < target {
            if scalars[index] == "\n" {
                line += 1
                lineStart = index + 1
            }
            index += 1
        }
        var lineEnd = lineStart
        while lineEnd < scalars.count, scalars[lineEnd] != "\n", scalars[lineEnd] != "\r" { lineEnd += 1 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[lineStart..<lineEnd])
        return (line, target - lineStart + 1, String(text))
    }
}
