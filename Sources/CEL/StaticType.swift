extension CELExpression {
    /// The type every successful evaluation returns, when that follows from the expression's shape
    /// alone (`a == b` is `bool`, `[x]` is `list`, `size(x)` is `int`); nil when it depends on the
    /// variables (`dyn`). Lets a validator reject, say, an integer-valued readiness check up front.
    public var resultType: CELType? { root.staticType }
}

extension Expr {
    var staticType: CELType? {
        switch kind {
        case .literal(let value): return value.celType
        case .identifier, .select(_, _, false), .index, .parenthesized, .optionalEntry: return nil
        case .select(_, _, true), .and, .or, .not: return .bool
        case .binary(let op, let lhs, let rhs):
            switch op {
            case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .in: return .bool
            case .add, .subtract, .multiply, .divide, .modulo:
                guard let left = lhs.staticType, let right = rhs.staticType else { return nil }
                switch (op, left, right) {
                case (.modulo, .int, .int), (.modulo, .uint, .uint): return left
                case (.modulo, _, _): return nil
                case (_, .int, .int), (_, .uint, .uint), (_, .double, .double): return left
                case (.add, .string, .string), (.add, .bytes, .bytes), (.add, .list, .list): return left
                case (.add, .duration, .duration), (.subtract, .duration, .duration): return .duration
                case (.subtract, .timestamp, .timestamp): return .duration
                case (.add, .timestamp, .duration), (.add, .duration, .timestamp), (.subtract, .timestamp, .duration):
                    return .timestamp
                default: return nil
                }
            }
        case .negate(let operand):
            let type = operand.staticType
            return type == .int || type == .double ? type : nil
        case .conditional(_, let then, let otherwise):
            let type = then.staticType
            return type != nil && type == otherwise.staticType ? type : nil
        case .list: return .list
        case .map: return .map
        case .message: return nil
        case .comprehension(let c):
            switch c.kind {
            case .all, .exists, .existsOne: return .bool
            case .map, .filter, .transformList: return .list
            case .transformMap: return .map
            }
        case .optionalSelect, .optionalIndex, .optMap: return .optional
        case .bind(_, _, let body): return body.staticType
        case .call(let function, _, let arguments):
            switch (function, arguments.count) {
            case ("contains", 1), ("startsWith", 1), ("endsWith", 1), ("matches", _), ("isSorted", 0), ("hasValue", 0),
                ("isIP", 1), ("isCIDR", 1), ("isQuantity", 1), ("isLessThan", 1), ("isGreaterThan", 1):
                return .bool
            case ("size", _), ("int", 1), ("indexOf", _), ("lastIndexOf", _), ("getFullYear", _), ("getMonth", _),
                ("getDate", _), ("getDayOfMonth", _), ("getDayOfWeek", _), ("getDayOfYear", _), ("getHours", _),
                ("getMinutes", _), ("getSeconds", _), ("getMilliseconds", _), ("compareTo", 1):
                return .int
            case ("uint", 1): return .uint
            case ("double", 1): return .double
            case ("string", 1), ("lowerAscii", 0), ("upperAscii", 0), ("trim", 0), ("replace", _), ("substring", _),
                ("charAt", 1), ("join", _):
                return .string
            case ("bytes", 1): return .bytes
            case ("bool", 1): return .bool
            case ("timestamp", 1): return .timestamp
            case ("duration", 1): return .duration
            case ("type", 1): return .type
            case ("split", _): return .list
            default: return nil
            }
        }
    }
}
