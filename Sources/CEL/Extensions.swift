import Foundation

/// The cel-go `math` and `encoders` extension libraries (namespaced global functions).
extension Interpreter {
    static let extensionFunctions: Set<String> = [
        "math.greatest", "math.least", "math.ceil", "math.floor", "math.round", "math.trunc", "math.abs",
        "math.sign", "math.isNaN", "math.isInf", "math.isFinite", "math.sqrt", "math.bitAnd", "math.bitOr",
        "math.bitXor", "math.bitNot", "math.bitShiftLeft", "math.bitShiftRight", "base64.encode", "base64.decode",
    ]

    func extensionCall(_ function: String, _ arguments: [CELValue], at offset: Int) throws(EvalFailure) -> CELValue {
        let fail = noOverload(function, arguments, at: offset)
        switch (function, arguments.count) {
        case ("math.greatest", _), ("math.least", _):
            var candidates = arguments
            if arguments.count == 1, case .list(let elements) = arguments[0] { candidates = elements }
            guard var best = candidates.first else {
                throw EvalFailure(message: "\(function) requires at least one argument", offset: offset)
            }
            for candidate in candidates {
                guard let order = compareNumbers(candidate, best) else {
                    if !isNumber(candidate) || !isNumber(best) { throw fail }
                    continue
                }
                if function == "math.greatest" ? order > 0 : order < 0 { best = candidate }
            }
            guard isNumber(best) else { throw fail }
            return best
        case ("math.ceil", 1), ("math.floor", 1), ("math.round", 1), ("math.trunc", 1), ("math.sqrt", 1):
            let d: Double
            switch arguments[0] {
            case .double(let value): d = value
            case .int(let value) where function == "math.sqrt": d = Double(value)
            case .uint(let value) where function == "math.sqrt": d = Double(value)
            default: throw fail
            }
            switch function {
            case "math.ceil": return .double(d.rounded(.up))
            case "math.floor": return .double(d.rounded(.down))
            case "math.round": return .double(d.rounded(.toNearestOrAwayFromZero))
            case "math.trunc": return .double(d.rounded(.towardZero))
            default: return .double(d.squareRoot())
            }
        case ("math.abs", 1):
            switch arguments[0] {
            case .int(let i):
                guard i != .min else { throw overflow(at: offset) }
                return .int(abs(i))
            case .uint: return arguments[0]
            case .double(let d): return .double(abs(d))
            default: throw fail
            }
        case ("math.sign", 1):
            switch arguments[0] {
            case .int(let i): return .int(i.signum())
            case .uint(let u): return .uint(u == 0 ? 0 : 1)
            case .double(let d): return .double(d.isNaN ? d : (d > 0 ? 1 : (d < 0 ? -1 : 0)))
            default: throw fail
            }
        case ("math.isNaN", 1), ("math.isInf", 1), ("math.isFinite", 1):
            guard case .double(let d) = arguments[0] else { throw fail }
            switch function {
            case "math.isNaN": return .bool(d.isNaN)
            case "math.isInf": return .bool(d.isInfinite)
            default: return .bool(d.isFinite)
            }
        case ("math.bitAnd", 2), ("math.bitOr", 2), ("math.bitXor", 2):
            func apply<T: FixedWidthInteger>(_ a: T, _ b: T) -> T {
                function == "math.bitAnd" ? a & b : (function == "math.bitOr" ? a | b : a ^ b)
            }
            switch (arguments[0], arguments[1]) {
            case (.int(let a), .int(let b)): return .int(apply(a, b))
            case (.uint(let a), .uint(let b)): return .uint(apply(a, b))
            default: throw fail
            }
        case ("math.bitNot", 1):
            switch arguments[0] {
            case .int(let i): return .int(~i)
            case .uint(let u): return .uint(~u)
            default: throw fail
            }
        case ("math.bitShiftLeft", 2), ("math.bitShiftRight", 2):
            guard case .int(let shift) = arguments[1] else { throw fail }
            guard shift >= 0 else { throw EvalFailure(message: "\(function) negative offset: \(shift)", offset: offset) }
            let left = function == "math.bitShiftLeft"
            switch arguments[0] {
            case .int(let i):
                if shift >= 64 { return .int(left ? 0 : (i < 0 ? -1 : 0)) }
                return .int(left ? i << shift : i >> shift)
            case .uint(let u):
                if shift >= 64 { return .uint(0) }
                return .uint(left ? u << shift : u >> shift)
            default: throw fail
            }
        case ("base64.encode", 1):
            guard case .bytes(let b) = arguments[0] else { throw fail }
            return .string(Data(b).base64EncodedString())
        case ("base64.decode", 1):
            guard case .string(let s) = arguments[0] else { throw fail }
            var text = s
            // Accept unpadded input, as cel-go does.
            while text.utf8.count % 4 != 0 { text += "=" }
            guard let data = Data(base64Encoded: text) else {
                throw EvalFailure(message: "illegal base64 data", offset: offset)
            }
            return .bytes(Array(data))
        default:
            throw fail
        }
    }

    private func isNumber(_ value: CELValue) -> Bool {
        switch value {
        case .int, .uint, .double: true
        default: false
        }
    }
}
