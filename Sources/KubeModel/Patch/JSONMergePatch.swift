/// JSON merge patch (RFC 7386): objects merge member by member, `null` deletes a member, and
/// everything else (arrays included) replaces the target wholesale.
public enum JSONMergePatch {
    /// Applies `patch` to `target` exactly as RFC 7386 section 2 describes. Members keep their
    /// position in `target`; new members follow in the patch's order.
    public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        var result: JSONObject
        if case .object(let object) = target { result = object } else { result = [:] }
        for (key, value) in patchObject {
            if case .null = value {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    /// Creates a merge patch that turns `from` into `to`: `apply(diff(from: a, to: b), to: a) == b`
    /// whenever `b` holds no `null` inside objects (RFC 7386 cannot express setting a member to `null`).
    /// Unchanged members are left out; changed arrays are carried whole.
    public static func diff(from original: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let from) = original, case .object(let to) = target else { return target }
        var patch: JSONObject = [:]
        for (key, _) in from where to[key] == nil {
            patch[key] = .null
        }
        for (key, newValue) in to {
            guard let oldValue = from[key] else {
                patch[key] = newValue
                continue
            }
            if oldValue == newValue { continue }
            if case .object = oldValue, case .object = newValue {
                patch[key] = diff(from: oldValue, to: newValue)
            } else {
                patch[key] = newValue
            }
        }
        return .object(patch)
    }
}
