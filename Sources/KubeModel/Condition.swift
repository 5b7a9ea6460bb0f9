/// The status of a condition: `True`, `False` or `Unknown`.
///
/// Decoding is lenient because conditions are read from arbitrary kinds: any other string
/// (including an empty or missing one) decodes to ``unknown``, which is also how kstatus and
/// `meta.IsStatusConditionTrue` treat it.
public enum ConditionStatus: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    case `true` = "True"
    case `false` = "False"
    case unknown = "Unknown"

    /// The status spelled `text`, or ``unknown`` for anything else.
    public init(lenient text: String) {
        self = ConditionStatus(rawValue: text) ?? .unknown
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        self.init(lenient: container.decodeNil() ? "" : try container.decode(String.self))
    }

    public var description: String { rawValue }
}

/// A `metav1.Condition`: one aspect of an object's state.
///
/// Encoded with Go's field order and rules: `observedGeneration` is omitted when `nil`, a `nil`
/// `lastTransitionTime` is written as `null` (Go's zero time), `reason` and `message` are always
/// written. Decoding requires `type`; every other field may be missing, as with Go's decoder.
public struct Condition: Hashable, Sendable {
    /// The condition type in CamelCase, such as `Ready`.
    public var type: String
    public var status: ConditionStatus
    /// The `.metadata.generation` the condition was set for.
    public var observedGeneration: Int64?
    /// When the status last changed; `nil` until set (Go's zero time).
    public var lastTransitionTime: Timestamp?
    /// A CamelCase reason for the last transition.
    public var reason: String
    /// A human-readable message about the transition.
    public var message: String

    public init(
        type: String, status: ConditionStatus, reason: String = "", message: String = "",
        observedGeneration: Int64? = nil, lastTransitionTime: Timestamp? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }

    /// A condition read from its JSON form, or `nil` when `json` is not an object with a string `type`.
    /// A malformed `lastTransitionTime` reads as `nil`; a non-string status as ``ConditionStatus/unknown``.
    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.type = type
        status = ConditionStatus(lenient: json["status"]?.stringValue ?? "")
        observedGeneration = json["observedGeneration"]?.intValue
        lastTransitionTime = json["lastTransitionTime"]?.stringValue.flatMap { try? Timestamp(parsing: $0) }
        reason = json["reason"]?.stringValue ?? ""
        message = json["message"]?.stringValue ?? ""
    }

    /// The JSON form, in Go's field order.
    public var json: JSONValue {
        var object: JSONObject = ["type": .string(type), "status": .string(status.rawValue)]
        if let observedGeneration { object["observedGeneration"] = .int(observedGeneration) }
        object["lastTransitionTime"] = lastTransitionTime.map { .string($0.rfc3339) } ?? .null
        object["reason"] = .string(reason)
        object["message"] = .string(message)
        return .object(object)
    }
}

extension Condition: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, status, observedGeneration, lastTransitionTime, reason, message
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        status = try container.decodeIfPresent(ConditionStatus.self, forKey: .status) ?? .unknown
        observedGeneration = try container.decodeIfPresent(Int64.self, forKey: .observedGeneration)
        lastTransitionTime = try container.decodeIfPresent(Timestamp.self, forKey: .lastTransitionTime)
        reason = try container.decodeIfPresent(String.self, forKey: .reason) ?? ""
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(observedGeneration, forKey: .observedGeneration)
        if let lastTransitionTime {
            try container.encode(lastTransitionTime, forKey: .lastTransitionTime)
        } else {
            try container.encodeNil(forKey: .lastTransitionTime)
        }
        try container.encode(reason, forKey: .reason)
        try container.encode(message, forKey: .message)
    }
}

// MARK: - Helpers (apimachinery's meta.*StatusCondition)

extension Array where Element == Condition {
    /// The condition of `type`, if present (`meta.FindStatusCondition`).
    public func condition(_ type: String) -> Condition? {
        first { $0.type == type }
    }

    /// Whether the condition of `type` is present with status `True` (`meta.IsStatusConditionTrue`).
    public func isTrue(_ type: String) -> Bool {
        condition(type)?.status == .true
    }

    /// Whether the condition of `type` is present with status `False` (`meta.IsStatusConditionFalse`).
    public func isFalse(_ type: String) -> Bool {
        condition(type)?.status == .false
    }

    /// Adds or updates the condition of `new.type`, as `meta.SetStatusCondition` does, and reports
    /// whether anything changed.
    ///
    /// A new condition is appended; its `lastTransitionTime` is `new.lastTransitionTime` or `now`.
    /// An existing one takes the new status, reason, message and observed generation, but its
    /// `lastTransitionTime` changes only when the status changes (to `new.lastTransitionTime` or `now`),
    /// so a message-only update keeps the original transition time.
    @discardableResult
    public mutating func setCondition(_ new: Condition, now: @autoclosure () -> Timestamp = .now()) -> Bool {
        guard let index = firstIndex(where: { $0.type == new.type }) else {
            var added = new
            if added.lastTransitionTime == nil { added.lastTransitionTime = now() }
            append(added)
            return true
        }
        var changed = false
        if self[index].status != new.status {
            self[index].status = new.status
            self[index].lastTransitionTime = new.lastTransitionTime ?? now()
            changed = true
        }
        if self[index].reason != new.reason {
            self[index].reason = new.reason
            changed = true
        }
        if self[index].message != new.message {
            self[index].message = new.message
            changed = true
        }
        if self[index].observedGeneration != new.observedGeneration {
            self[index].observedGeneration = new.observedGeneration
            changed = true
        }
        return changed
    }

    /// Removes the condition of `type` and reports whether one was present (`meta.RemoveStatusCondition`).
    @discardableResult
    public mutating func removeCondition(_ type: String) -> Bool {
        let before = count
        removeAll { $0.type == type }
        return count != before
    }
}
