public import KubeModel

/// `dryRun=All`: the server validates and answers as usual but stores nothing.
public enum DryRun: Sendable, Hashable {
    case none
    case all
}

/// How the server treats unknown or duplicate fields (`fieldValidation`).
public enum FieldValidation: String, Sendable, Hashable {
    case ignore = "Ignore"
    case warn = "Warn"
    case strict = "Strict"
}

/// Options of `list` (and of the initial list of a watch).
public struct ListOptions: Sendable, Hashable {
    /// A label selector in its string form, e.g. `app=web,tier!=db`.
    public var labelSelector: String?
    /// A field selector, e.g. `metadata.name=demo`.
    public var fieldSelector: String?
    /// Page size; `nil` for no paging.
    public var limit: Int?
    /// The `metadata.continue` token of the previous page.
    public var continueToken: String?
    /// `resourceVersion`: `nil` for the most recent, `"0"` for any.
    public var resourceVersion: String?
    /// `resourceVersionMatch` (`Exact`, `NotOlderThan`).
    public var resourceVersionMatch: String?
    /// Server-side timeout of the call.
    public var timeoutSeconds: Int?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil,
                continueToken: String? = nil, resourceVersion: String? = nil, resourceVersionMatch: String? = nil,
                timeoutSeconds: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
        self.timeoutSeconds = timeoutSeconds
    }

    /// The query parameters these options add to a request URL.
    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
        if let limit { items.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { items.append(("continue", continueToken)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// Options of one watch request.
public struct WatchOptions: Sendable, Hashable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this version; `nil` or `"0"` first replays the current objects as `ADDED`.
    public var resourceVersion: String?
    /// Ask for `BOOKMARK` events.
    public var allowBookmarks: Bool
    /// Let the server end the stream after this many seconds.
    public var timeoutSeconds: Int?
    /// Watch-list: initial `ADDED` events followed by a bookmark annotated `k8s.io/initial-events-end`.
    public var sendInitialEvents: Bool?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
                allowBookmarks: Bool = true, timeoutSeconds: Int? = nil, sendInitialEvents: Bool? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowBookmarks = allowBookmarks
        self.timeoutSeconds = timeoutSeconds
        self.sendInitialEvents = sendInitialEvents
    }

    /// The query parameters these options add to a request URL.
    public var queryItems: [(String, String)] {
        var items: [(String, String)] = [("watch", "true")]
        if let labelSelector, !labelSelector.isEmpty { items.append(("labelSelector", labelSelector)) }
        if let fieldSelector, !fieldSelector.isEmpty { items.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { items.append(("resourceVersion", resourceVersion)) }
        if allowBookmarks { items.append(("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { items.append(("timeoutSeconds", String(timeoutSeconds))) }
        if let sendInitialEvents {
            items.append(("sendInitialEvents", String(sendInitialEvents)))
            if sendInitialEvents { items.append(("resourceVersionMatch", "NotOlderThan")) }
        }
        return items
    }
}

/// Options of create and update.
public struct WriteOptions: Sendable, Hashable {
    public var dryRun: DryRun
    /// The field manager recorded in `managedFields`.
    public var fieldManager: String?
    public var fieldValidation: FieldValidation?

    public init(dryRun: DryRun = .none, fieldManager: String? = nil, fieldValidation: FieldValidation? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
    }

    /// The query parameters these options add to a request URL.
    public var queryItems: [(String, String)] {
        var items: [(String, String)] = []
        if dryRun == .all { items.append(("dryRun", "All")) }
        if let fieldManager { items.append(("fieldManager", fieldManager)) }
        if let fieldValidation { items.append(("fieldValidation", fieldValidation.rawValue)) }
        return items
    }
}

/// A patch body and its type.
public enum Patch: Sendable, Hashable {
    /// RFC 7386 JSON merge patch (`application/merge-patch+json`).
    case merge(JSONValue)
    /// RFC 6902 JSON patch, an array of operations (`application/json-patch+json`).
    case json(JSONValue)
    /// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`), built-in kinds only.
    case strategicMerge(JSONValue)

    /// The request `Content-Type`.
    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .strategicMerge: "application/strategic-merge-patch+json"
        }
    }

    public var body: JSONValue {
        switch self {
        case .merge(let value), .json(let value), .strategicMerge(let value): value
        }
    }
}

/// Options of server-side apply.
public struct ApplyOptions: Sendable, Hashable {
    /// Required by the server: who owns the applied fields.
    public var fieldManager: String
    /// Take ownership of fields other managers own instead of failing with a conflict.
    public var force: Bool
    public var dryRun: DryRun
    public var fieldValidation: FieldValidation?

    public init(fieldManager: String, force: Bool = false, dryRun: DryRun = .none, fieldValidation: FieldValidation? = nil) {
        self.fieldManager = fieldManager
        self.force = force
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
    }

    /// The query parameters these options add to a request URL.
    public var queryItems: [(String, String)] {
        var items: [(String, String)] = [("fieldManager", fieldManager)]
        if force { items.append(("force", "true")) }
        if dryRun == .all { items.append(("dryRun", "All")) }
        if let fieldValidation { items.append(("fieldValidation", fieldValidation.rawValue)) }
        return items
    }
}

/// Options of delete (sent as a `DeleteOptions` body).
public struct DeleteOptions: Sendable, Hashable {
    /// `propagationPolicy`: what happens to dependents.
    public enum Propagation: String, Sendable, Hashable {
        case background = "Background"
        case foreground = "Foreground"
        case orphan = "Orphan"
    }

    public var propagationPolicy: Propagation?
    public var gracePeriodSeconds: Int?
    /// Delete only if the object still has this uid.
    public var preconditionUID: String?
    /// Delete only if the object still has this resourceVersion.
    public var preconditionResourceVersion: String?
    public var dryRun: DryRun

    public init(propagationPolicy: Propagation? = nil, gracePeriodSeconds: Int? = nil, preconditionUID: String? = nil,
                preconditionResourceVersion: String? = nil, dryRun: DryRun = .none) {
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.dryRun = dryRun
    }

    /// The `DeleteOptions` request body.
    public var body: JSONValue {
        var object: JSONObject = ["kind": "DeleteOptions", "apiVersion": "v1"]
        if let propagationPolicy { object["propagationPolicy"] = .string(propagationPolicy.rawValue) }
        if let gracePeriodSeconds { object["gracePeriodSeconds"] = .int(Int64(gracePeriodSeconds)) }
        if preconditionUID != nil || preconditionResourceVersion != nil {
            var preconditions: JSONObject = [:]
            if let preconditionUID { preconditions["uid"] = .string(preconditionUID) }
            if let preconditionResourceVersion { preconditions["resourceVersion"] = .string(preconditionResourceVersion) }
            object["preconditions"] = .object(preconditions)
        }
        if dryRun == .all { object["dryRun"] = ["All"] }
        return .object(object)
    }

    /// The query parameters these options add to a request URL.
    public var queryItems: [(String, String)] { dryRun == .all ? [("dryRun", "All")] : [] }
}
