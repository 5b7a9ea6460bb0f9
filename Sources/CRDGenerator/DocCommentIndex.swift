/// The `///` doc comments of type and stored-property declarations in Swift source files,
/// keyed by declaration path (`Stage`, `Stage.sourceRef`, `Promotion.Analysis.checks`).
///
/// A deliberately small scanner: it tracks brace depth and `struct`/`enum`/`class`/`extension`
/// openings, which is all the API files need. Symbol-graph tooling would do the same at the
/// cost of a compiler run per generation.
public struct DocCommentIndex: Sendable {
    private var entries: [String: String] = [:]

    public init() {}

    /// Indexes every file's declarations.
    public init(sources: [String]) {
        for source in sources { index(source) }
    }

    /// The doc comment of a type.
    public func description(of type: String) -> String? {
        entries[type]
    }

    /// The doc comment of a type's stored property.
    public func description(of type: String, member: String) -> String? {
        entries[type + "." + member]
    }

    private mutating func index(_ source: String) {
        var scopes: [(name: String, depth: Int)] = []
        var depth = 0
        var pendingDoc: [String] = []
        for rawLine in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("///") {
                var text = line.dropFirst(3)
                if text.first == " " { text = text.dropFirst() }
                pendingDoc.append(String(text))
                continue
            }
            if line.hasPrefix("@") && !line.contains("{") {
                continue  // attributes between a doc comment and its declaration
            }
            let code = Self.stripStringsAndComments(line)
            let words = code.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ":" || $0 == "<" || $0 == "{" })
                .map(String.init)
            let doc = pendingDoc.isEmpty ? nil : Self.join(pendingDoc)
            pendingDoc = []
            let owner = scopes.last.map(\.name)
            let memberLevel = scopes.last.map { $0.depth == depth } ?? false
            if let (keyword, name) = Self.typeDeclaration(words) {
                let qualified = keyword == "extension" || owner == nil ? name : "\(owner ?? "").\(name)"
                if let doc, keyword != "extension" { entries[qualified] = doc }
                if code.contains("{") || !code.contains("}") {
                    scopes.append((qualified, depth + 1))
                }
            } else if memberLevel, let owner, let property = Self.propertyName(words), let doc {
                entries[owner + "." + property] = doc
            }
            for character in code {
                if character == "{" {
                    depth += 1
                } else if character == "}" {
                    depth -= 1
                    while let last = scopes.last, last.depth > depth { scopes.removeLast() }
                }
            }
        }
    }

    private static let modifiers: Set<String> = [
        "public", "internal", "package", "private", "fileprivate", "final", "indirect", "open", "nonisolated",
    ]

    private static func typeDeclaration(_ words: [String]) -> (String, String)? {
        var index = 0
        while index < words.count, modifiers.contains(words[index]) { index += 1 }
        guard index + 1 < words.count,
            ["struct", "enum", "class", "actor", "extension"].contains(words[index])
        else { return nil }
        return (words[index], words[index + 1])
    }

    private static func propertyName(_ words: [String]) -> String? {
        var index = 0
        while index < words.count, modifiers.contains(words[index]) || words[index].hasPrefix("private(") {
            index += 1
        }
        guard index + 1 < words.count, words[index] == "var" || words[index] == "let" else { return nil }
        let name = words[index + 1]
        return name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) ? name : nil
    }

    /// Joins comment lines into one paragraph-preserving description.
    private static func join(_ lines: [String]) -> String {
        var paragraphs: [[String]] = [[]]
        for line in lines {
            if line.trimmingPrefix(while: { $0 == " " }).isEmpty {
                if paragraphs.last?.isEmpty == false { paragraphs.append([]) }
            } else {
                paragraphs[paragraphs.count - 1].append(line.trimmingPrefix(while: { $0 == " " }).description)
            }
        }
        return paragraphs.filter { !$0.isEmpty }.map { $0.joined(separator: " ") }.joined(separator: "\n\n")
    }

    /// Removes `"…"` literals and `//` comments so braces inside them are not counted.
    private static func stripStringsAndComments(_ line: Substring) -> String {
        var result = ""
        var inString = false
        var previous: Character = " "
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if inString {
                if character == "\"" && previous != "\\" { inString = false }
            } else if character == "\"" {
                inString = true
            } else if character == "/" && previous == "/" {
                result.removeLast()
                break
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }
}
