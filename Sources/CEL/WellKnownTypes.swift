/// Construction of the protobuf well-known types that CEL maps onto its own values
/// (wrappers, `Value`, `ListValue`, `Struct`, `Duration`, `Timestamp`). Other messages are unsupported.
extension Interpreter {
    static let wellKnownTypes: Set<String> = [
        "google.protobuf.BoolValue", "google.protobuf.BytesValue", "google.protobuf.StringValue",
        "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
        "google.protobuf.Int32Value", "google.protobuf.UInt64Value", "google.protobuf.UInt32Value",
        "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Struct", "google.protobuf.Duration",
        "google.protobuf.Timestamp",
    ]

    /// Resolves a message name against the container (`Value` in container `google.protobuf`).
    private func resolveTypeName(_ typeName: String) -> String {
        if typeName.hasPrefix(".") { return String(typeName.dropFirst()) }
        var prefix = Substring(container)
        while !prefix.isEmpty {
            let candidate = prefix + "." + typeName
            if Interpreter.wellKnownTypes.contains(candidate) { return candidate }
            guard let dot = prefix.lastIndex(of: ".") else { break }
            prefix = prefix[..<dot]
        }
        if typeName.hasPrefix("protobuf."), Interpreter.wellKnownTypes.contains("google." + typeName) {
            return "google." + typeName
        }
        return typeName
    }

    mutating func constructMessage(
        _ typeName: String, _ fieldExprs: [(name: String, value: Expr)], at offset: Int
    ) throws(EvalFailure) -> CELValue {
        let name = resolveTypeName(typeName)
        var fields: [String: CELValue] = [:]
        for field in fieldExprs {
            guard fields[field.name] == nil else {
                throw EvalFailure(message: "duplicate field: \(field.name)", offset: field.value.offset)
            }
            if case .optionalEntry(let inner) = field.value.kind {
                guard case .optional(let value) = try eval(inner) else {
                    throw EvalFailure(message: "optional entry requires an optional value", offset: field.value.offset)
                }
                if let value { fields[field.name] = value }
            } else {
                fields[field.name] = try eval(field.value)
            }
        }
        func only(_ allowed: Set<String>) throws(EvalFailure) {
            for key in fields.keys where !allowed.contains(key) {
                throw EvalFailure(message: "no such field: \(key) in \(name)", offset: offset)
            }
        }
        func field(_ key: String, default value: CELValue, as type: CELType) throws(EvalFailure) -> CELValue {
            guard let given = fields[key] else { return value }
            guard given.celType == type else {
                throw EvalFailure(message: "field \(key) of \(name) expects \(type), got \(given.celType)", offset: offset)
            }
            return given
        }
        switch name {
        case "google.protobuf.BoolValue":
            try only(["value"])
            return try field("value", default: .bool(false), as: .bool)
        case "google.protobuf.BytesValue":
            try only(["value"])
            return try field("value", default: .bytes([]), as: .bytes)
        case "google.protobuf.StringValue":
            try only(["value"])
            return try field("value", default: .string(""), as: .string)
        case "google.protobuf.DoubleValue":
            try only(["value"])
            return try field("value", default: .double(0), as: .double)
        case "google.protobuf.FloatValue":
            try only(["value"])
            guard case .double(let d) = try field("value", default: .double(0), as: .double) else { return .double(0) }
            return .double(Double(Float(d)))
        case "google.protobuf.Int64Value":
            try only(["value"])
            return try field("value", default: .int(0), as: .int)
        case "google.protobuf.Int32Value":
            try only(["value"])
            guard case .int(let i) = try field("value", default: .int(0), as: .int) else { return .int(0) }
            guard Int32(exactly: i) != nil else { throw EvalFailure(message: "int32 range error", offset: offset) }
            return .int(i)
        case "google.protobuf.UInt64Value":
            try only(["value"])
            return try field("value", default: .uint(0), as: .uint)
        case "google.protobuf.UInt32Value":
            try only(["value"])
            guard case .uint(let u) = try field("value", default: .uint(0), as: .uint) else { return .uint(0) }
            guard UInt32(exactly: u) != nil else { throw EvalFailure(message: "uint32 range error", offset: offset) }
            return .uint(u)
        case "google.protobuf.Value":
            try only(["null_value", "number_value", "string_value", "bool_value", "struct_value", "list_value"])
            guard fields.count <= 1, let (key, value) = fields.first else { return .null }
            switch key {
            case "null_value": return .null
            case "number_value": return try field(key, default: .double(0), as: .double)
            case "string_value": return try field(key, default: .string(""), as: .string)
            case "bool_value": return try field(key, default: .bool(false), as: .bool)
            case "struct_value": return try field(key, default: .map(CELMap()), as: .map)
            default: return try field(key, default: value, as: .list)
            }
        case "google.protobuf.ListValue":
            try only(["values"])
            return try field("values", default: .list([]), as: .list)
        case "google.protobuf.Struct":
            try only(["fields"])
            let value = try field("fields", default: .map(CELMap()), as: .map)
            if case .map(let map) = value {
                for entry in map.entries {
                    guard case .string = entry.key else {
                        throw EvalFailure(message: "Struct keys must be strings", offset: offset)
                    }
                }
            }
            return value
        case "google.protobuf.Duration":
            try only(["seconds", "nanos"])
            guard case .int(let seconds) = try field("seconds", default: .int(0), as: .int),
                case .int(let nanos) = try field("nanos", default: .int(0), as: .int)
            else { return .duration(0) }
            let (scaled, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
            let (total, o2) = scaled.addingReportingOverflow(nanos)
            if o1 || o2 { throw durationRange(at: offset) }
            return .duration(total)
        case "google.protobuf.Timestamp":
            try only(["seconds", "nanos"])
            guard case .int(let seconds) = try field("seconds", default: .int(0), as: .int),
                case .int(let nanos) = try field("nanos", default: .int(0), as: .int),
                let base = CELTimestamp(seconds: seconds)
            else { throw EvalFailure(message: "timestamp out of range", offset: offset) }
            return .timestamp(try shift(base, by: nanos, at: offset))
        default:
            throw EvalFailure(message: "unknown type: \(typeName) (message construction is unsupported)", offset: offset)
        }
    }
}
