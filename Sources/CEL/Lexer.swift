/// A lexical token with its scalar offsets in the source.
struct Token: Sendable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        /// Integer literal digits (without sign or suffix); `hex` when written with `0x`.
        case int(digits: String, hex: Bool)
        case uint(digits: String, hex: Bool)
        case double(String)
        case string(String)
        case bytes([UInt8])
        case punct(String)
        case eof
    }
    let kind: Kind
    let start: Int
    let end: Int
}

/// Splits CEL source into tokens, following the lexis of the CEL language definition.
struct Lexer {
    private let source: SourceText
    private var scalars: [Unicode.Scalar] { source.scalars }
    private var position = 0

    init(_ source: SourceText) {
        self.source = source
    }

    private func error(_ message: String, at offset: Int) -> CELError {
        CELError(kind: .syntax, message: message, offset: offset, in: source)
    }

    private func peek(_ ahead: Int = 0) -> Unicode.Scalar? {
        let index = position + ahead
        return index < scalars.count ? scalars[index] : nil
    }

    /// All tokens, ending with `.eof`.
    mutating func tokenize() throws(CELError) -> [Token] {
        var tokens: [Token] = []
        while true {
            let token = try next()
            tokens.append(token)
            if token.kind == .eof { return tokens }
        }
    }

    private mutating func skipTrivia() {
        while let c = peek() {
            switch c {
            case " ", "\t", "\n", "\r", "\u{0C}":
                position += 1
            case "/" where peek(1) == "/":
                while let d = peek(), d != "\n", d != "\r" { position += 1 }
            default:
                return
            }
        }
    }

    private mutating func next() throws(CELError) -> Token {
        skipTrivia()
        let start = position
        guard let c = peek() else { return Token(kind: .eof, start: start, end: start) }

        if c.isCELDigit || (c == "." && (peek(1)?.isCELDigit ?? false)) {
            return try number()
        }
        if c.isCELIdentifierStart {
            if let literal = try stringWithPrefix() { return literal }
            while let d = peek(), d.isCELIdentifierPart { position += 1 }
            return Token(kind: .identifier(text(start, position)), start: start, end: position)
        }
        if c == "\"" || c == "'" {
            return try string(raw: false, bytes: false, start: start)
        }
        if c == "`" {
            // Quoted identifier for field selection (`a.`b-c``).
            position += 1
            let nameStart = position
            while let d = peek(), d != "`" {
                guard d.isCELDigit || d.isCELIdentifierPart || "_.-/ ".unicodeScalars.contains(d) else {
                    throw error("unsupported character in quoted identifier", at: position)
                }
                position += 1
            }
            guard peek() == "`", position > nameStart else { throw error("unterminated quoted identifier", at: start) }
            let name = text(nameStart, position)
            position += 1
            return Token(kind: .punct("`" + name), start: start, end: position)
        }
        let two = peek(1).map { String(c) + String($0) } ?? ""
        if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
            position += 2
            return Token(kind: .punct(two), start: start, end: position)
        }
        if "<>!?:.,()[]{}+-*/%".unicodeScalars.contains(c) {
            position += 1
            return Token(kind: .punct(String(c)), start: start, end: position)
        }
        throw error("token recognition error at: '\(String(c))'", at: start)
    }

    private func text(_ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[from..<to])
        return String(view)
    }

    // MARK: Numbers

    private mutating func digits(hex: Bool = false) {
        while let d = peek(), hex ? d.isCELHexDigit : d.isCELDigit { position += 1 }
    }

    private mutating func number() throws(CELError) -> Token {
        let start = position
        if peek() == "0", peek(1) == "x", peek(2)?.isCELHexDigit ?? false {
            position += 2
            let digitsStart = position
            digits(hex: true)
            let value = text(digitsStart, position)
            if peek() == "u" || peek() == "U" {
                position += 1
                return Token(kind: .uint(digits: value, hex: true), start: start, end: position)
            }
            return Token(kind: .int(digits: value, hex: true), start: start, end: position)
        }
        digits()
        var isFloat = false
        if peek() == ".", peek(1)?.isCELDigit ?? false {
            isFloat = true
            position += 1
            digits()
        }
        if peek() == "e" || peek() == "E" {
            var ahead = 1
            if peek(1) == "+" || peek(1) == "-" { ahead = 2 }
            if peek(ahead)?.isCELDigit ?? false {
                isFloat = true
                position += ahead
                digits()
            }
        }
        let literal = text(start, position)
        if isFloat {
            return Token(kind: .double(literal), start: start, end: position)
        }
        if peek() == "u" || peek() == "U" {
            position += 1
            return Token(kind: .uint(digits: literal, hex: false), start: start, end: position)
        }
        return Token(kind: .int(digits: literal, hex: false), start: start, end: position)
    }

    // MARK: Strings

    /// A string or bytes literal with an `r`/`b` prefix, or nil if the identifier is not one.
    private mutating func stringWithPrefix() throws(CELError) -> Token? {
        let start = position
        var raw = false
        var bytes = false
        var ahead = 0
        while ahead < 2, let c = peek(ahead) {
            if (c == "r" || c == "R") && !raw {
                raw = true
            } else if (c == "b" || c == "B") && !bytes {
                bytes = true
            } else {
                break
            }
            ahead += 1
        }
        guard ahead > 0, let quote = peek(ahead), quote == "\"" || quote == "'" else { return nil }
        // Only accept the prefix if every scanned scalar was a prefix letter.
        position += ahead
        return try string(raw: raw, bytes: bytes, start: start)
    }

    private mutating func string(raw: Bool, bytes: Bool, start: Int) throws(CELError) -> Token {
        guard let quote = peek() else { throw error("unterminated string", at: start) }
        let triple = peek(1) == quote && peek(2) == quote
        position += triple ? 3 : 1
        var out: [UInt8] = []
        var scalarsOut = String.UnicodeScalarView()
        func append(_ scalar: Unicode.Scalar) {
            if bytes { out.append(contentsOf: Array(String(scalar).utf8)) } else { scalarsOut.append(scalar) }
        }
        while true {
            guard let c = peek() else { throw error("unterminated string literal", at: start) }
            if triple {
                if c == quote, peek(1) == quote, peek(2) == quote {
                    position += 3
                    break
                }
            } else {
                if c == quote {
                    position += 1
                    break
                }
                if c == "\n" || c == "\r" { throw error("newline in string literal", at: position) }
            }
            if c == "\\" && !raw {
                let escapeStart = position
                position += 1
                guard let e = peek() else { throw error("unterminated string literal", at: start) }
                position += 1
                switch e {
                case "a": append("\u{07}")
                case "b": append("\u{08}")
                case "f": append("\u{0C}")
                case "n": append("\n")
                case "r": append("\r")
                case "t": append("\t")
                case "v": append("\u{0B}")
                case "\\", "'", "\"", "`", "?": append(e)
                case "x", "X":
                    let value = try hexValue(count: 2, escapeStart: escapeStart)
                    if bytes { out.append(UInt8(value)) } else { scalarsOut.append(Unicode.Scalar(UInt8(value))) }
                case "u", "U":
                    // In bytes literals a code point escape stands for its UTF-8 encoding.
                    let value = try hexValue(count: e == "u" ? 4 : 8, escapeStart: escapeStart)
                    guard let scalar = Unicode.Scalar(value) else {
                        throw error("invalid unicode code point in escape sequence", at: escapeStart)
                    }
                    append(scalar)
                case "0"..."3":
                    guard let d1 = peek(), ("0"..."7").contains(d1), let d2 = peek(1), ("0"..."7").contains(d2) else {
                        throw error("invalid octal escape sequence", at: escapeStart)
                    }
                    position += 2
                    let value = (e.value - 48) * 64 + (d1.value - 48) * 8 + (d2.value - 48)
                    if bytes { out.append(UInt8(value)) } else { scalarsOut.append(Unicode.Scalar(UInt8(value))) }
                default:
                    throw error("invalid escape sequence '\\\(String(e))'", at: escapeStart)
                }
                continue
            }
            append(c)
            position += 1
        }
        if bytes {
            return Token(kind: .bytes(out), start: start, end: position)
        }
        return Token(kind: .string(String(scalarsOut)), start: start, end: position)
    }

    private mutating func hexValue(count: Int, escapeStart: Int) throws(CELError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            guard let d = peek(), let digit = d.celHexValue else {
                throw error("invalid hex escape sequence", at: escapeStart)
            }
            value = value &* 16 &+ digit
            position += 1
        }
        return value
    }
}

extension Unicode.Scalar {
    var isCELDigit: Bool { ("0"..."9").contains(self) }
    var isCELHexDigit: Bool { celHexValue != nil }
    var celHexValue: UInt32? {
        switch self {
        case "0"..."9": value - 48
        case "a"..."f": value - 87
        case "A"..."F": value - 55
        default: nil
        }
    }
    var isCELIdentifierStart: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) || self == "_" }
    var isCELIdentifierPart: Bool { isCELIdentifierStart || isCELDigit }
}
