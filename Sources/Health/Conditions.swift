import KubeModel

/// A condition of `status.conditions` as kstatus decodes it: missing or null fields are empty.
struct BasicCondition: Sendable, Hashable {
    var type: String
    var status: String
    var reason: String
    var message: String
}

extension JSONValue {
    /// `status.conditions` decoded as kstatus decodes it (a typed conversion of the whole status):
    /// a missing or null status or list is empty; anything not shaped as a list of objects with
    /// string `type`, `status`, `reason` and `message` is an error.
    func basicConditions() throws(KStatusError) -> [BasicCondition] {
        guard let status = self["status"], !status.isNull else { return [] }
        guard case .object(let statusObject) = status else {
            throw KStatusError("status is not an object: \(status.goDescription) is of the type \(status.goTypeName)")
        }
        guard let list = statusObject["conditions"], !list.isNull else { return [] }
        guard case .array(let items) = list else {
            throw KStatusError("status.conditions is not a list")
        }
        var conditions: [BasicCondition] = []
        conditions.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            switch item {
            case .null:
                conditions.append(BasicCondition(type: "", status: "", reason: "", message: ""))
            case .object(let fields):
                func field(_ name: String) throws(KStatusError) -> String {
                    switch fields[name] {
                    case nil, .null?: return ""
                    case .string(let value)?: return value
                    case let other?:
                        throw KStatusError(
                            "status.conditions[\(index)].\(name) is not a string: \(other.goDescription) is of the type \(other.goTypeName)")
                    }
                }
                conditions.append(
                    BasicCondition(
                        type: try field("type"), status: try field("status"),
                        reason: try field("reason"), message: try field("message")))
            default:
                throw KStatusError(
                    "status.conditions[\(index)] is not an object: \(item.goDescription) is of the type \(item.goTypeName)")
            }
        }
        return conditions
    }
}
