public import KubeModel

/// One page of a list response.
public struct ObjectList: Sendable, Hashable {
    /// The list kind, e.g. `ConfigMapList`.
    public var kind: String
    public var apiVersion: String
    /// Items, each with `apiVersion` and `kind` filled in when the server left them out.
    public var items: [KubeObject]
    /// The collection's resourceVersion: where a watch of it resumes.
    public var resourceVersion: String
    /// Token for the next page; empty on the last page.
    public var continueToken: String
    public var remainingItemCount: Int64?

    public init(kind: String = "", apiVersion: String = "", items: [KubeObject] = [], resourceVersion: String = "",
                continueToken: String = "", remainingItemCount: Int64? = nil) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    /// Decodes a list body; `itemKind` names items that carry no `kind` (built-in lists omit it).
    public init(json value: JSONValue, itemKind: String? = nil) throws(KubeClientError) {
        guard value.objectValue != nil, let rawItems = value["items"].map({ $0.isNull ? [] : $0.arrayValue }) ?? [] else {
            throw KubeClientError(.decoding, "list response has no items array")
        }
        kind = value["kind"]?.stringValue ?? ""
        apiVersion = value["apiVersion"]?.stringValue ?? ""
        resourceVersion = value["metadata"]?["resourceVersion"]?.stringValue ?? ""
        continueToken = value["metadata"]?["continue"]?.stringValue ?? ""
        remainingItemCount = value["metadata"]?["remainingItemCount"]?.intValue
        let defaultKind = itemKind ?? (kind.hasSuffix("List") ? String(kind.dropLast(4)) : "")
        var decoded: [KubeObject] = []
        decoded.reserveCapacity(rawItems.count)
        for item in rawItems {
            guard var object = KubeObject(json: item) else {
                throw KubeClientError(.decoding, "list item is not an object")
            }
            if object.apiVersion.isEmpty { object.apiVersion = apiVersion }
            if object.kind.isEmpty, !defaultKind.isEmpty { object.kind = defaultKind }
            decoded.append(object)
        }
        items = decoded
    }
}

/// What a delete answered.
public enum DeleteResult: Sendable, Hashable {
    /// The object is gone (the server answered with a success `Status`, or with the final object).
    case deleted
    /// The object still exists, marked for deletion (finalizers pending or foreground deletion).
    case pending(KubeObject)
}
