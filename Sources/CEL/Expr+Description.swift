extension Expr: CustomStringConvertible {
    /// A fully parenthesised rendering of the tree, used to check the parser.
    var description: String {
        switch kind {
        case .literal(let value): return value.literalDescription
        case .identifier(let name, let rooted): return (rooted ? "." : "") + name
        case .select(let operand, let field, let testOnly):
            return testOnly ? "has(\(operand).\(field))" : "\(operand).\(field)"
        case .call(let function, let target, let arguments):
            let args = arguments.map(\.description).joined(separator: ", ")
            return target.map { "\($0).\(function)(\(args))" } ?? "\(function)(\(args))"
        case .index(let operand, let key): return "\(operand)[\(key)]"
        case .list(let elements): return "[" + elements.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        case .message(let name, let fields):
            return name + "{" + fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") + "}"
        case .parenthesized(let inner): return inner.description
        case .optionalSelect(let operand, let field): return "\(operand).?\(field)"
        case .optionalIndex(let operand, let key): return "\(operand)[?\(key)]"
        case .optionalEntry(let inner): return "?\(inner)"
        case .optMap(let target, let variable, let body, let flat):
            return "\(target).\(flat ? "optFlatMap" : "optMap")(\(variable), \(body))"
        case .bind(let name, let value, let body): return "cel.bind(\(name), \(value), \(body))"
        case .not(let operand): return "!\(operand)"
        case .negate(let operand): return "-\(operand)"
        case .binary(let op, let lhs, let rhs): return "(\(lhs) \(op.rawValue) \(rhs))"
        case .and(let lhs, let rhs): return "(\(lhs) && \(rhs))"
        case .or(let lhs, let rhs): return "(\(lhs) || \(rhs))"
        case .conditional(let c, let t, let e): return "(\(c) ? \(t) : \(e))"
        case .comprehension(let c):
            let name: String
            switch c.kind {
            case .all: name = "all"
            case .exists: name = "exists"
            case .existsOne: name = "exists_one"
            case .map: name = "map"
            case .filter: name = "filter"
            case .transformList: name = "transformList"
            case .transformMap: name = "transformMap"
            }
            let parts = [c.variable] + (c.variable2.map { [$0] } ?? []) + [c.predicate, c.transform].compactMap { $0?.description }
            return "\(c.range).\(name)(\(parts.joined(separator: ", ")))"
        }
    }
}

extension CELValue {
    /// The value written as a CEL literal where one exists.
    var literalDescription: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .uint(let u): return "\(u)u"
        case .double(let d): return formatDouble(d)
        case .string(let s): return quoteString(s)
        case .bytes(let b): return "b" + quoteString(String(decoding: b, as: UTF8.self))
        case .list(let elements): return "[" + elements.map(\.literalDescription).joined(separator: ", ") + "]"
        case .map(let map):
            return "{" + map.entries.map { "\($0.key.literalDescription): \($0.value.literalDescription)" }
                .joined(separator: ", ") + "}"
        case .timestamp(let t): return "timestamp(\(quoteString(formatTimestamp(t))))"
        case .duration(let d): return "duration(\(quoteString(formatDuration(d))))"
        case .type(let t): return t.name
        case .quantity(let q): return "quantity(\(quoteString(q.description)))"
        case .optional(let inner): return inner.map { "optional.of(\($0.literalDescription))" } ?? "optional.none()"
        case .ip(let ip): return "ip(\(quoteString(ip.description)))"
        case .cidr(let cidr): return "cidr(\(quoteString(cidr.description)))"
        }
    }
}

/// A double-quoted string literal with the escapes CEL understands.
func quoteString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 {
                out += "\\x" + String(scalar.value, radix: 16).leftPadded(to: 2)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
