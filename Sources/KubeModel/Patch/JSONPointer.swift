/// A parsed JSON pointer (RFC 6901): the reference tokens, unescaped.
struct JSONPointer: Hashable, Sendable, CustomStringConvertible {
    /// The unescaped reference tokens; empty for the whole document.
    let tokens: [String]

    /// Parses the string form: `""` is the whole document, otherwise every token is preceded by `/`,
    /// and `~1` / `~0` stand for `/` / `~`. Any other `~` sequence is an error.
    init(parsing text: String) throws(PatchError) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else {
            throw PatchError(.invalidPointer, "pointer \"\(text)\" must be empty or start with \"/\"")
        }
        var result: [String] = []
        for raw in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else {
                    token.append(character)
                    continue
                }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default:
                    throw PatchError(.invalidPointer, "pointer \"\(text)\" has an invalid escape (only ~0 and ~1 are allowed)")
                }
            }
            result.append(token)
        }
        tokens = result
    }

    /// The escaped string form.
    var description: String {
        var text = ""
        for token in tokens {
            text.append("/")
            for character in token {
                switch character {
                case "~": text.append("~0")
                case "/": text.append("~1")
                default: text.append(character)
                }
            }
        }
        return text
    }

    /// True when `self` is a proper prefix of `other` (`other` lies strictly inside `self`).
    func isProperPrefix(of other: JSONPointer) -> Bool {
        tokens.count < other.tokens.count && Array(other.tokens.prefix(tokens.count)) == tokens
    }
}
