import KubeModel

/// The two ways kstatus reads fields of an unstructured object.
///
/// *Lenient* reads (`GetIntField`, `GetStringField`, `GetBoolField` upstream) fall back to a default
/// when the field is missing, null, of the wrong type, or below a non-object. *Strict* reads
/// (apimachinery's `NestedInt64` / `NestedString`) report "missing" for a missing field or a null
/// on the way, and an error for a present value of the wrong type.
extension JSONValue {
    func lenientInt(_ path: String..., default defaultValue: Int64) -> Int64 {
        guard let value = value(at: path) else { return defaultValue }
        return value.kstatusInt ?? defaultValue
    }

    func lenientString(_ path: String..., default defaultValue: String) -> String {
        value(at: path)?.stringValue ?? defaultValue
    }

    func lenientBool(_ path: String..., default defaultValue: Bool) -> Bool {
        value(at: path)?.boolValue ?? defaultValue
    }

    /// An integer as the API server decodes it into an unstructured object (`int64`).
    ///
    /// The decoders of this project keep integral numbers as `.int`; an integral `.double`
    /// (possible when a value was built by hand) is accepted as the same number.
    var kstatusInt: Int64? {
        intValue
    }

    /// apimachinery's `NestedFieldNoCopy`: `nil` when not found, an error when a value on the
    /// way is neither an object nor null.
    func strictField(_ path: [String]) throws(KStatusError) -> JSONValue? {
        var current = self
        for (index, key) in path.enumerated() {
            switch current {
            case .null:
                return nil
            case .object(let object):
                guard let next = object[key] else { return nil }
                current = next
            default:
                throw KStatusError(
                    "\(goJSONPath(path.prefix(index + 1))) accessor error: \(current.goDescription) is of the type "
                        + "\(current.goTypeName), expected map[string]interface{}")
            }
        }
        return current
    }

    /// apimachinery's `NestedInt64`.
    func strictInt(_ path: String...) throws(KStatusError) -> Int64? {
        guard let value = try strictField(path) else { return nil }
        guard let int = value.kstatusInt else {
            throw KStatusError(
                "\(goJSONPath(path)) accessor error: \(value.goDescription) is of the type \(value.goTypeName), expected int64")
        }
        return int
    }

    /// apimachinery's `NestedString`.
    func strictString(_ path: String...) throws(KStatusError) -> String? {
        guard let value = try strictField(path) else { return nil }
        guard let string = value.stringValue else {
            throw KStatusError(
                "\(goJSONPath(path)) accessor error: \(value.goDescription) is of the type \(value.goTypeName), expected string")
        }
        return string
    }

    /// `u.GetKind()`: the kind when it is a string, else empty.
    var kindName: String {
        self["kind"]?.stringValue ?? ""
    }

    /// The group of `apiVersion` as `schema.ParseGroupVersion` splits it: empty for `v1`,
    /// and empty (with an empty kind) when `apiVersion` has more than one `/`.
    var groupKindKey: String {
        let apiVersion = self["apiVersion"]?.stringValue ?? ""
        let parts = apiVersion.split(separator: "/", omittingEmptySubsequences: false)
        let group: String
        switch parts.count {
        case 1: group = ""
        case 2: group = apiVersion == "/" ? "" : String(parts[0])
        default: return ""
        }
        return group.isEmpty ? kindName : "\(group)/\(kindName)"
    }
}

private func goJSONPath(_ fields: some Sequence<String>) -> String {
    "." + fields.joined(separator: ".")
}

// MARK: - Go's fmt %v and %T for unstructured values, for error texts

extension JSONValue {
    /// What Go's `%T` prints for this value inside an unstructured object.
    var goTypeName: String {
        switch self {
        case .null: "<nil>"
        case .bool: "bool"
        case .int: "int64"
        case .double: "float64"
        case .string: "string"
        case .array: "[]interface {}"
        case .object: "map[string]interface {}"
        }
    }

    /// What Go's `%v` prints for this value inside an unstructured object (maps with sorted keys).
    var goDescription: String {
        switch self {
        case .null: "<nil>"
        case .bool(let value): value ? "true" : "false"
        case .int(let value): String(value)
        case .double(let value): goFormatFloat(value)
        case .string(let value): value
        case .array(let values): "[" + values.map(\.goDescription).joined(separator: " ") + "]"
        case .object(let object):
            "map["
                + object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
                .map { "\($0):\(object[$0]?.goDescription ?? "<nil>")" }
                .joined(separator: " ") + "]"
        }
    }
}

/// Go's `%v` for a float64: the shortest digits that round-trip, in `%e` form when the decimal
/// exponent is below -4 or at least 6 (`1e+06`, `1.5`, `1e-05`).
func goFormatFloat(_ value: Double) -> String {
    guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-Inf" : "+Inf") }
    if value == 0 { return value.sign == .minus ? "-0" : "0" }
    // Swift prints the shortest round-trip digits too; take digits and exponent from it.
    var text = "\(value.magnitude)"
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...]) ?? 0
        text = String(text[..<e])
    }
    let integerPart = text.split(separator: ".", omittingEmptySubsequences: false).first.map(String.init) ?? ""
    var digits = text.filter { $0 != "." }
    var decimalPoint = integerPart.count + exponent  // digits before the point
    while digits.first == "0" {
        digits.removeFirst()
        decimalPoint -= 1
    }
    while digits.count > 1, digits.last == "0" {
        digits.removeLast()
    }
    let sign = value < 0 ? "-" : ""
    let decimalExponent = decimalPoint - 1
    let characters = Array(digits)
    if decimalExponent < -4 || decimalExponent >= 6 {
        var mantissa = String(characters[0])
        if characters.count > 1 { mantissa += "." + String(characters[1...]) }
        let magnitude = abs(decimalExponent)
        let exponentText = magnitude < 10 ? "0\(magnitude)" : "\(magnitude)"
        return "\(sign)\(mantissa)e\(decimalExponent < 0 ? "-" : "+")\(exponentText)"
    }
    if decimalPoint <= 0 {
        return sign + "0." + String(repeating: "0", count: -decimalPoint) + digits
    }
    if decimalPoint >= characters.count {
        return sign + digits + String(repeating: "0", count: decimalPoint - characters.count)
    }
    return sign + String(characters[..<decimalPoint]) + "." + String(characters[decimalPoint...])
}
