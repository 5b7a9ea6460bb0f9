/// Limits applied while parsing, so hostile input ends in an error rather than a crash.
public struct CELParseLimits: Sendable, Hashable {
    /// Maximum source size in Unicode scalars (cel-go's default is 100,000 code points).
    public var maxSourceScalars: Int
    /// Maximum nesting depth of the expression tree (cel-go's default recursion limit is 250).
    /// Parsing and evaluation recurse once per level, so raising it raises stack use.
    public var maxRecursionDepth: Int

    public init(maxSourceScalars: Int = 100_000, maxRecursionDepth: Int = 250) {
        self.maxSourceScalars = maxSourceScalars
        self.maxRecursionDepth = maxRecursionDepth
    }
}

/// Recursive-descent parser for the CEL grammar, expanding the standard macros.
struct Parser {
    private let source: SourceText
    private let tokens: [Token]
    private let limits: CELParseLimits
    private var index = 0
    private var nesting = 0

    static let reserved: Set<String> = [
        "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let",
        "loop", "package", "namespace", "return", "var", "void", "while", "in",
    ]

    init(source: SourceText, limits: CELParseLimits) throws(CELError) {
        self.source = source
        self.limits = limits
        if source.scalars.count > limits.maxSourceScalars {
            throw CELError(
                kind: .syntax,
                message: "expression code point size exceeds limit: size: \(source.scalars.count), limit \(limits.maxSourceScalars)",
                offset: 0, in: source)
        }
        var lexer = Lexer(source)
        tokens = try lexer.tokenize()
    }

    mutating func parse() throws(CELError) -> Expr {
        let expr = try parseExpr()
        if current.kind != .eof {
            throw mismatched(expecting: "<EOF>")
        }
        return expr
    }

    // MARK: Helpers

    private var current: Token { tokens[min(index, tokens.count - 1)] }

    private func peekKind(_ ahead: Int) -> Token.Kind {
        tokens[min(index + ahead, tokens.count - 1)].kind
    }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func isPunct(_ p: String) -> Bool {
        if case .punct(let q) = current.kind { return q == p }
        return false
    }

    private mutating func accept(_ p: String) -> Bool {
        if isPunct(p) {
            advance()
            return true
        }
        return false
    }

    private mutating func expect(_ p: String) throws(CELError) {
        guard accept(p) else { throw mismatched(expecting: "'\(p)'") }
    }

    private func error(_ message: String, at offset: Int) -> CELError {
        CELError(kind: .syntax, message: message, offset: offset, in: source)
    }

    private func describe(_ token: Token) -> String {
        switch token.kind {
        case .eof: return "<EOF>"
        default:
            var view = String.UnicodeScalarView()
            view.append(contentsOf: source.scalars[token.start..<token.end])
            return String(view)
        }
    }

    private func mismatched(expecting: String) -> CELError {
        let token = current
        if case .eof = token.kind {
            return error("mismatched input '<EOF>' expecting \(expecting)", at: token.start)
        }
        return error("mismatched input '\(describe(token))' expecting \(expecting)", at: token.start)
    }

    /// Builds a node, enforcing the depth limit on the resulting tree.
    private func node(_ kind: ExprKind, at offset: Int) throws(CELError) -> Expr {
        let expr = Expr(kind, at: offset)
        if expr.depth > limits.maxRecursionDepth {
            throw error("expression recursion limit exceeded: \(limits.maxRecursionDepth)", at: offset)
        }
        return expr
    }

    // MARK: Grammar

    private mutating func parseExpr() throws(CELError) -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > limits.maxRecursionDepth {
            throw error("expression recursion limit exceeded: \(limits.maxRecursionDepth)", at: current.start)
        }
        let condition = try parseOr()
        guard isPunct("?") else { return condition }
        let offset = current.start
        advance()
        let then = try parseOr()
        try expect(":")
        let otherwise = try parseExpr()
        return try node(.conditional(condition, then, otherwise), at: offset)
    }

    private mutating func parseOr() throws(CELError) -> Expr {
        var terms = [try parseAnd()]
        var offsets: [Int] = []
        while isPunct("||") {
            offsets.append(current.start)
            advance()
            terms.append(try parseAnd())
        }
        return try balance(terms, offsets) { .or($0, $1) }
    }

    private mutating func parseAnd() throws(CELError) -> Expr {
        var terms = [try parseBinary(minPrecedence: 1)]
        var offsets: [Int] = []
        while isPunct("&&") {
            offsets.append(current.start)
            advance()
            terms.append(try parseBinary(minPrecedence: 1))
        }
        return try balance(terms, offsets) { .and($0, $1) }
    }

    /// Builds a balanced tree for a chain of one associative logical operator (as cel-go does),
    /// keeping evaluation depth logarithmic in the chain length.
    private func balance(
        _ terms: [Expr], _ offsets: [Int], _ make: (Expr, Expr) -> ExprKind
    ) throws(CELError) -> Expr {
        if terms.count == 1 { return terms[0] }
        func build(_ low: Int, _ high: Int) throws(CELError) -> Expr {
            if low == high { return terms[low] }
            let middle = (low + high + 1) / 2
            let left = try build(low, middle - 1)
            let right = try build(middle, high)
            return try node(make(left, right), at: offsets[middle - 1])
        }
        return try build(0, terms.count - 1)
    }

    private func binaryOperator() -> (BinaryOperator, Int)? {
        switch current.kind {
        case .identifier("in"): return (.in, 1)
        case .punct(let p):
            switch p {
            case "==": return (.equal, 1)
            case "!=": return (.notEqual, 1)
            case "<": return (.less, 1)
            case "<=": return (.lessEqual, 1)
            case ">": return (.greater, 1)
            case ">=": return (.greaterEqual, 1)
            case "+": return (.add, 2)
            case "-": return (.subtract, 2)
            case "*": return (.multiply, 3)
            case "/": return (.divide, 3)
            case "%": return (.modulo, 3)
            default: return nil
            }
        default: return nil
        }
    }

    private mutating func parseBinary(minPrecedence: Int) throws(CELError) -> Expr {
        var lhs = try parseUnary()
        while let (op, precedence) = binaryOperator(), precedence >= minPrecedence {
            let offset = current.start
            advance()
            let rhs = try parseBinary(minPrecedence: precedence + 1)
            lhs = try node(.binary(op, lhs, rhs), at: offset)
        }
        return lhs
    }

    private mutating func parseUnary() throws(CELError) -> Expr {
        if isPunct("!") {
            var offsets: [Int] = []
            while isPunct("!") {
                offsets.append(current.start)
                advance()
            }
            // `!-1` negates a negative literal; other operands are members.
            var expr: Expr
            if isPunct("-"), case .int = peekKind(1) {
                let minus = current.start
                advance()
                expr = try parseMember(negativeLiteralAt: minus)
            } else if isPunct("-"), case .double = peekKind(1) {
                let minus = current.start
                advance()
                expr = try parseMember(negativeLiteralAt: minus)
            } else {
                expr = try parseMember()
            }
            for offset in offsets.reversed() { expr = try node(.not(expr), at: offset) }
            return expr
        }
        if isPunct("-") {
            var offsets: [Int] = []
            while isPunct("-") {
                offsets.append(current.start)
                advance()
            }
            // A single minus directly before a number is part of the literal (so the
            // smallest int64 can be written), as in the reference grammar.
            var expr: Expr
            if offsets.count == 1, case .int = current.kind {
                expr = try parseMember(negativeLiteralAt: offsets.removeLast())
            } else if offsets.count == 1, case .double = current.kind {
                expr = try parseMember(negativeLiteralAt: offsets.removeLast())
            } else {
                expr = try parseMember()
            }
            for offset in offsets.reversed() { expr = try node(.negate(expr), at: offset) }
            return expr
        }
        return try parseMember()
    }

    private mutating func parseMember(negativeLiteralAt: Int? = nil) throws(CELError) -> Expr {
        var expr = try parsePrimary(negativeLiteralAt: negativeLiteralAt)
        while true {
            if isPunct("."), case .punct("?") = peekKind(1) {
                let dotOffset = current.start
                advance()
                advance()
                let name: String
                switch current.kind {
                case .identifier(let n) where !["true", "false", "null", "in"].contains(n): name = n
                case .punct(let p) where p.hasPrefix("`"): name = String(p.dropFirst())
                default: throw mismatched(expecting: "IDENTIFIER")
                }
                advance()
                expr = try node(.optionalSelect(expr, field: name), at: dotOffset)
            } else if isPunct(".") {
                let dotOffset = current.start
                advance()
                let name: String
                switch current.kind {
                case .identifier(let n) where !["true", "false", "null", "in"].contains(n):
                    // Reserved words other than the keywords are allowed as field and method names.
                    name = n
                case .punct(let p) where p.hasPrefix("`"):
                    name = String(p.dropFirst())
                    advance()
                    expr = try node(.select(expr, field: name, testOnly: false), at: dotOffset)
                    continue
                default:
                    throw mismatched(expecting: "IDENTIFIER")
                }
                advance()
                if isPunct("(") {
                    let callOffset = current.start
                    advance()
                    let arguments = try parseList(closing: ")")
                    expr = try receiverCall(name, target: expr, arguments: arguments, at: callOffset)
                } else {
                    expr = try node(.select(expr, field: name, testOnly: false), at: dotOffset)
                }
            } else if isPunct("[") {
                let offset = current.start
                advance()
                let optional = accept("?")
                let subscriptExpr = try parseExpr()
                try expect("]")
                expr = try node(optional ? .optionalIndex(expr, subscriptExpr) : .index(expr, subscriptExpr), at: offset)
            } else if isPunct("{"), let typeName = qualifiedName(expr) {
                let offset = current.start
                advance()
                var fields: [(name: String, value: Expr)] = []
                while !isPunct("}") {
                    let optional = accept("?")
                    guard case .identifier(let field) = current.kind else { throw mismatched(expecting: "IDENTIFIER") }
                    advance()
                    try expect(":")
                    fields.append((field, try optionalEntry(optional, try parseExpr())))
                    if !accept(",") { break }
                }
                try expect("}")
                expr = try node(.message(typeName: typeName, fields: fields), at: offset)
            } else {
                return expr
            }
        }
    }

    /// The dotted name an identifier/selection chain spells, or nil.
    private func qualifiedName(_ expr: Expr) -> String? {
        switch expr.kind {
        case .identifier(let name, let rooted): return rooted ? "." + name : name
        case .select(let operand, let field, false):
            return qualifiedName(operand).map { $0 + "." + field }
        default: return nil
        }
    }

    /// Comma-separated expressions up to `closing` (already past the opening bracket); trailing comma allowed.
    /// Wraps `value` as an optional entry when it was written with a leading `?`.
    private func optionalEntry(_ optional: Bool, _ value: Expr) throws(CELError) -> Expr {
        optional ? try node(.optionalEntry(value), at: value.offset) : value
    }

    private mutating func parseList(closing: String, allowOptional: Bool = false) throws(CELError) -> [Expr] {
        var items: [Expr] = []
        while !isPunct(closing) {
            let optional = allowOptional && accept("?")
            items.append(try optionalEntry(optional, try parseExpr()))
            if !accept(",") { break }
        }
        try expect(closing)
        return items
    }

    private mutating func parsePrimary(negativeLiteralAt: Int?) throws(CELError) -> Expr {
        let token = current
        let start = negativeLiteralAt ?? token.start
        let sign = negativeLiteralAt == nil ? "" : "-"
        switch token.kind {
        case .int(let digits, let hex):
            advance()
            guard let value = Int64(sign + digits, radix: hex ? 16 : 10) else {
                throw error("invalid int literal", at: start)
            }
            return try node(.literal(.int(value)), at: start)
        case .uint(let digits, let hex):
            advance()
            guard let value = UInt64(digits, radix: hex ? 16 : 10) else {
                throw error("invalid uint literal", at: start)
            }
            return try node(.literal(.uint(value)), at: start)
        case .double(let text):
            advance()
            guard let value = Double(sign + text), value.isFinite else {
                throw error("invalid double literal", at: start)
            }
            return try node(.literal(.double(value)), at: start)
        case .string(let value):
            advance()
            return try node(.literal(.string(value)), at: start)
        case .bytes(let value):
            advance()
            return try node(.literal(.bytes(value)), at: start)
        case .identifier(let name):
            return try parseIdentifier(name, rooted: false, at: start)
        case .punct("."):
            advance()
            guard case .identifier(let name) = current.kind else { throw mismatched(expecting: "IDENTIFIER") }
            return try parseIdentifier(name, rooted: true, at: start)
        case .punct("("):
            advance()
            let inner = try parseExpr()
            try expect(")")
            switch inner.kind {
            case .identifier, .select: return try node(.parenthesized(inner), at: start)
            default: return inner
            }
        case .punct("["):
            advance()
            let elements = try parseList(closing: "]", allowOptional: true)
            return try node(.list(elements), at: start)
        case .punct("{"):
            advance()
            var entries: [(key: Expr, value: Expr)] = []
            while !isPunct("}") {
                let optional = accept("?")
                let key = try parseExpr()
                try expect(":")
                entries.append((key, try optionalEntry(optional, try parseExpr())))
                if !accept(",") { break }
            }
            try expect("}")
            return try node(.map(entries), at: start)
        case .eof:
            throw mismatched(expecting: "an expression")
        default:
            throw error("mismatched input '\(describe(token))' expecting an expression", at: start)
        }
    }

    private mutating func parseIdentifier(_ name: String, rooted: Bool, at start: Int) throws(CELError) -> Expr {
        let nameOffset = current.start
        if !rooted {
            switch name {
            case "true":
                advance()
                return try node(.literal(.bool(true)), at: start)
            case "false":
                advance()
                return try node(.literal(.bool(false)), at: start)
            case "null":
                advance()
                return try node(.literal(.null), at: start)
            default: break
            }
        }
        if Parser.reserved.contains(name) || ["true", "false", "null"].contains(name) {
            throw error("reserved identifier: \(name)", at: nameOffset)
        }
        advance()
        if isPunct("(") {
            let callOffset = current.start
            advance()
            let arguments = try parseList(closing: ")")
            if name == "has" && !rooted {
                guard arguments.count == 1 else {
                    return try node(.call(function: name, target: nil, arguments: arguments), at: callOffset)
                }
                guard case .select(let operand, let field, false) = arguments[0].kind else {
                    throw error("invalid argument to has() macro", at: arguments[0].offset)
                }
                return try node(.select(operand, field: field, testOnly: true), at: callOffset)
            }
            return try node(.call(function: name, target: nil, arguments: arguments), at: callOffset)
        }
        return try node(.identifier(name, rooted: rooted), at: start)
    }

    private func receiverCall(_ name: String, target: Expr, arguments: [Expr], at offset: Int) throws(CELError) -> Expr {
        // (kind, number of variables, has filter)
        let shape: (MacroKind, Int, Bool)?
        switch (name, arguments.count) {
        case ("all", 2): shape = (.all, 1, true)
        case ("all", 3): shape = (.all, 2, true)
        case ("exists", 2): shape = (.exists, 1, true)
        case ("exists", 3): shape = (.exists, 2, true)
        case ("exists_one", 2), ("existsOne", 2): shape = (.existsOne, 1, true)
        case ("exists_one", 3), ("existsOne", 3): shape = (.existsOne, 2, true)
        case ("map", 2): shape = (.map, 1, false)
        case ("map", 3): shape = (.map, 1, true)
        case ("filter", 2): shape = (.filter, 1, true)
        case ("transformList", 3): shape = (.transformList, 2, false)
        case ("transformList", 4): shape = (.transformList, 2, true)
        case ("transformMap", 3): shape = (.transformMap, 2, false)
        case ("transformMap", 4): shape = (.transformMap, 2, true)
        default: shape = nil
        }
        if name == "optMap" || name == "optFlatMap", arguments.count == 2 {
            guard case .identifier(let variable, false) = arguments[0].kind else {
                throw error("argument must be a simple name", at: arguments[0].offset)
            }
            return try node(.optMap(target, variable: variable, body: arguments[1], flat: name == "optFlatMap"), at: offset)
        }
        if name == "bind", arguments.count == 3, case .identifier("cel", false) = target.kind {
            guard case .identifier(let variable, false) = arguments[0].kind else {
                throw error("cel.bind() variable name must be a simple identifier", at: arguments[0].offset)
            }
            return try node(.bind(name: variable, value: arguments[1], body: arguments[2]), at: offset)
        }
        guard let (kind, variableCount, hasFilter) = shape else {
            return try node(.call(function: name, target: target, arguments: arguments), at: offset)
        }
        var variables: [String] = []
        for argument in arguments.prefix(variableCount) {
            guard case .identifier(let variable, false) = argument.kind else {
                throw error("argument must be a simple name", at: argument.offset)
            }
            variables.append(variable)
        }
        if variableCount == 2, variables[0] == variables[1] {
            throw error("duplicate variable name: \(variables[0])", at: arguments[1].offset)
        }
        let rest = Array(arguments.dropFirst(variableCount))
        let predicate: Expr?
        let transform: Expr?
        switch kind {
        case .all, .exists, .existsOne, .filter:
            predicate = rest[0]
            transform = nil
        default:
            predicate = hasFilter ? rest[0] : nil
            transform = rest[rest.count - 1]
        }
        let comprehension = Comprehension(
            kind: kind, range: target, variable: variables[0], variable2: variableCount == 2 ? variables[1] : nil,
            predicate: predicate, transform: transform)
        return try node(.comprehension(comprehension), at: offset)
    }
}
