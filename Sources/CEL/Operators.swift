/// Arithmetic, comparison and membership operators.
extension Interpreter {
    mutating func binary(_ op: BinaryOperator, _ lhs: CELValue, _ rhs: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch op {
        case .equal: return .bool(lhs == rhs)
        case .notEqual: return .bool(lhs != rhs)
        case .less, .lessEqual, .greater, .greaterEqual:
            let name = "_\(op.rawValue)_"
            guard let order = try compare(lhs, rhs, name: name, at: offset) else { return .bool(false) }
            switch op {
            case .less: return .bool(order < 0)
            case .lessEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .in:
            switch rhs {
            case .list(let elements):
                try charge(elements.count / 10, at: offset)
                return .bool(elements.contains { $0 == lhs })
            case .map(let map):
                switch lhs {
                case .bool, .int, .uint, .string, .double: return .bool(map[lhs] != nil)
                default: return .bool(false)
                }
            default: throw noOverload("@in", lhs, rhs, at: offset)
            }
        case .add: return try add(lhs, rhs, at: offset)
        case .subtract: return try subtract(lhs, rhs, at: offset)
        case .multiply:
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)):
                let (r, o) = a.multipliedReportingOverflow(by: b)
                if o { throw overflow(at: offset) }
                return .int(r)
            case (.uint(let a), .uint(let b)):
                let (r, o) = a.multipliedReportingOverflow(by: b)
                if o { throw overflow(at: offset) }
                return .uint(r)
            case (.double(let a), .double(let b)): return .double(a * b)
            default: throw noOverload("_*_", lhs, rhs, at: offset)
            }
        case .divide:
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)):
                if b == 0 { throw EvalFailure(message: "divide by zero", offset: offset) }
                let (r, o) = a.dividedReportingOverflow(by: b)
                if o { throw overflow(at: offset) }
                return .int(r)
            case (.uint(let a), .uint(let b)):
                if b == 0 { throw EvalFailure(message: "divide by zero", offset: offset) }
                return .uint(a / b)
            case (.double(let a), .double(let b)): return .double(a / b)
            default: throw noOverload("_/_", lhs, rhs, at: offset)
            }
        case .modulo:
            switch (lhs, rhs) {
            case (.int(let a), .int(let b)):
                if b == 0 { throw EvalFailure(message: "modulus by zero", offset: offset) }
                let (r, o) = a.remainderReportingOverflow(dividingBy: b)
                if o { throw overflow(at: offset) }
                return .int(r)
            case (.uint(let a), .uint(let b)):
                if b == 0 { throw EvalFailure(message: "modulus by zero", offset: offset) }
                return .uint(a % b)
            default: throw noOverload("_%_", lhs, rhs, at: offset)
            }
        }
    }

    func durationRange(at offset: Int) -> EvalFailure {
        EvalFailure(message: "duration out of range", offset: offset)
    }

    func overflow(at offset: Int) -> EvalFailure {
        EvalFailure(message: "integer overflow", offset: offset)
    }

    /// Ordering: numbers across types, otherwise operands of one orderable type. nil when NaN is involved.
    func compare(_ lhs: CELValue, _ rhs: CELValue, name: String, at offset: Int) throws(EvalFailure) -> Int? {
        switch (lhs, rhs) {
        case (.int, _), (.uint, _), (.double, _):
            switch rhs {
            case .int, .uint, .double: return compareNumbers(lhs, rhs)
            default: throw noOverload(name, lhs, rhs, at: offset)
            }
        case (.bool(let a), .bool(let b)): return a == b ? 0 : (!a ? -1 : 1)
        case (.string(let a), .string(let b)):
            return a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
                ? -1 : (a.unicodeScalars.elementsEqual(b.unicodeScalars) ? 0 : 1)
        case (.bytes(let a), .bytes(let b)):
            return a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
        case (.timestamp(let a), .timestamp(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.duration(let a), .duration(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        default: throw noOverload(name, lhs, rhs, at: offset)
        }
    }

    private mutating func add(_ lhs: CELValue, _ rhs: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)):
            let (r, o) = a.addingReportingOverflow(b)
            if o { throw overflow(at: offset) }
            return .int(r)
        case (.uint(let a), .uint(let b)):
            let (r, o) = a.addingReportingOverflow(b)
            if o { throw overflow(at: offset) }
            return .uint(r)
        case (.double(let a), .double(let b)): return .double(a + b)
        case (.string(let a), .string(let b)):
            try chargeSize(bytes: a.utf8.count + b.utf8.count, at: offset)
            return .string(a + b)
        case (.bytes(let a), .bytes(let b)):
            try chargeSize(bytes: a.count + b.count, at: offset)
            return .bytes(a + b)
        case (.list(let a), .list(let b)):
            try chargeSize(list: a.count + b.count, at: offset)
            return .list(a + b)
        case (.duration(let a), .duration(let b)):
            let (r, o) = a.addingReportingOverflow(b)
            if o { throw durationRange(at: offset) }
            return .duration(r)
        case (.timestamp(let t), .duration(let d)), (.duration(let d), .timestamp(let t)):
            return .timestamp(try shift(t, by: d, at: offset))
        default: throw noOverload("_+_", lhs, rhs, at: offset)
        }
    }

    private func subtract(_ lhs: CELValue, _ rhs: CELValue, at offset: Int) throws(EvalFailure) -> CELValue {
        switch (lhs, rhs) {
        case (.int(let a), .int(let b)):
            let (r, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow(at: offset) }
            return .int(r)
        case (.uint(let a), .uint(let b)):
            let (r, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow(at: offset) }
            return .uint(r)
        case (.double(let a), .double(let b)): return .double(a - b)
        case (.duration(let a), .duration(let b)):
            let (r, o) = a.subtractingReportingOverflow(b)
            if o { throw durationRange(at: offset) }
            return .duration(r)
        case (.timestamp(let t), .duration(let d)):
            guard d != .min else { throw durationRange(at: offset) }
            return .timestamp(try shift(t, by: -d, at: offset))
        case (.timestamp(let a), .timestamp(let b)):
            // The difference must fit a duration (int64 nanoseconds).
            let seconds = a.seconds - b.seconds
            let nanos = Int64(a.nanos) - Int64(b.nanos)
            let (scaled, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            let (total, o2) = scaled.addingReportingOverflow(nanos)
            if o1 || o2 { throw durationRange(at: offset) }
            return .duration(total)
        default: throw noOverload("_-_", lhs, rhs, at: offset)
        }
    }

    func shift(_ t: CELTimestamp, by nanoseconds: Int64, at offset: Int) throws(EvalFailure) -> CELTimestamp {
        var seconds = t.seconds + nanoseconds / 1_000_000_000
        var nanos = Int64(t.nanos) + nanoseconds % 1_000_000_000
        if nanos < 0 {
            nanos += 1_000_000_000
            seconds -= 1
        } else if nanos >= 1_000_000_000 {
            nanos -= 1_000_000_000
            seconds += 1
        }
        guard let result = CELTimestamp(seconds: seconds, nanos: Int32(nanos)) else {
            throw EvalFailure(message: "timestamp out of range", offset: offset)
        }
        return result
    }
}
