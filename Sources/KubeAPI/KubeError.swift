public import KubeModel

/// An error the API server reported: the decoded `Status` body of a failed request or an `ERROR` watch event.
public struct KubeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// HTTP status code (`Status.code`, or the response status when the body had none).
    public var code: Int
    /// Machine-readable reason, e.g. `NotFound`, `Conflict`; empty when the server gave none.
    public var reason: Reason
    /// Human-readable message as the server wrote it.
    public var message: String
    /// `Status.details`, when present.
    public var details: Details?
    /// Seconds the server asked the client to wait (`Retry-After` header or `details.retryAfterSeconds`).
    public var retryAfterSeconds: Int?

    public init(code: Int, reason: Reason, message: String, details: Details? = nil, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// A `StatusReason`; open so that reasons added by newer servers survive.
    public struct Reason: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        public static let unknown: Reason = ""
        public static let unauthorized: Reason = "Unauthorized"
        public static let forbidden: Reason = "Forbidden"
        public static let notFound: Reason = "NotFound"
        public static let alreadyExists: Reason = "AlreadyExists"
        public static let conflict: Reason = "Conflict"
        public static let gone: Reason = "Gone"
        public static let invalid: Reason = "Invalid"
        public static let serverTimeout: Reason = "ServerTimeout"
        public static let timeout: Reason = "Timeout"
        public static let tooManyRequests: Reason = "TooManyRequests"
        public static let badRequest: Reason = "BadRequest"
        public static let methodNotAllowed: Reason = "MethodNotAllowed"
        public static let notAcceptable: Reason = "NotAcceptable"
        public static let requestEntityTooLarge: Reason = "RequestEntityTooLarge"
        public static let unsupportedMediaType: Reason = "UnsupportedMediaType"
        public static let internalError: Reason = "InternalError"
        public static let expired: Reason = "Expired"
        public static let serviceUnavailable: Reason = "ServiceUnavailable"
    }

    /// `Status.details`: which object the error is about and the field-level causes.
    public struct Details: Sendable, Hashable {
        public var name: String
        public var group: String
        /// The resource (plural) for most errors, the Kind for `Invalid`.
        public var kind: String
        public var uid: String
        public var causes: [Cause]
        public var retryAfterSeconds: Int?

        public init(name: String = "", group: String = "", kind: String = "", uid: String = "", causes: [Cause] = [],
                    retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// One `StatusCause`: e.g. `{reason: FieldValueInvalid, message, field: spec.replicas}`.
    public struct Cause: Sendable, Hashable {
        public var reason: String
        public var message: String
        public var field: String

        public init(reason: String = "", message: String = "", field: String = "") {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }

    public var description: String {
        message.isEmpty ? "\(reason.rawValue.isEmpty ? "error" : reason.rawValue) (\(code))" : message
    }

    // MARK: Classification (apimachinery `errors.IsXxx`)

    /// Reason `NotFound`, or code 404 without a more specific reason.
    public var isNotFound: Bool { matches(.notFound, 404) }
    public var isAlreadyExists: Bool { reason == .alreadyExists }
    /// Reason `Conflict` (optimistic concurrency, preconditions, server-side apply conflicts).
    public var isConflict: Bool { matches(.conflict, 409) }
    public var isForbidden: Bool { matches(.forbidden, 403) }
    public var isUnauthorized: Bool { matches(.unauthorized, 401) }
    public var isInvalid: Bool { matches(.invalid, 422) }
    public var isBadRequest: Bool { matches(.badRequest, 400) }
    /// `Gone` or `Expired` (410): the resourceVersion or continue token is too old; relist.
    public var isResourceExpired: Bool { reason == .expired || reason == .gone || (reason == .unknown && code == 410) }
    public var isTooManyRequests: Bool { matches(.tooManyRequests, 429) }
    public var isTimeout: Bool { reason == .timeout || reason == .serverTimeout || (reason == .unknown && code == 504) }
    public var isInternalError: Bool { matches(.internalError, 500) }
    public var isServiceUnavailable: Bool { matches(.serviceUnavailable, 503) }
    public var isMethodNotSupported: Bool { matches(.methodNotAllowed, 405) }
    public var isUnsupportedMediaType: Bool { matches(.unsupportedMediaType, 415) }
    /// A server-side apply conflict: `Conflict` with at least one `FieldManagerConflict` cause.
    public var isApplyConflict: Bool {
        isConflict && (details?.causes.contains { $0.reason == "FieldManagerConflict" } ?? false)
    }

    private func matches(_ wanted: Reason, _ wantedCode: Int) -> Bool {
        reason == wanted || (reason == .unknown && code == wantedCode)
    }

    // MARK: Decoding

    /// Decodes an error from a response: the `Status` body when there is one, otherwise a message built from
    /// the status code and the body text (as client-go does for non-Status bodies).
    public init(httpStatus: Int, body: [UInt8], retryAfter: Int? = nil) {
        if let value = try? JSON.decode(body), let status = KubeError(status: value) {
            self = status
            if status.code == 0 { code = httpStatus }
            if let retryAfter { retryAfterSeconds = retryAfter }
            return
        }
        let text = String(decoding: body.prefix(1024), as: UTF8.self)
        let reason = Self.reason(forHTTPStatus: httpStatus)
        let message = text.isEmpty
            ? "the server responded with the status code \(httpStatus) but did not return more information"
            : "the server responded with status \(httpStatus): \(text)"
        self.init(code: httpStatus, reason: reason, message: message, retryAfterSeconds: retryAfter)
    }

    /// Decodes a `Status` object; `nil` when `value` is not `kind: Status` or reports success.
    public init?(status value: JSONValue) {
        guard value["kind"]?.stringValue == "Status", value["status"]?.stringValue != "Success" else { return nil }
        let code = Int(value["code"]?.intValue ?? 0)
        let rawReason = value["reason"]?.stringValue ?? ""
        var details: Details?
        if let object = value["details"], object.objectValue != nil {
            let causes = (object["causes"]?.arrayValue ?? []).map { cause in
                Cause(reason: cause["reason"]?.stringValue ?? "", message: cause["message"]?.stringValue ?? "",
                      field: cause["field"]?.stringValue ?? "")
            }
            details = Details(
                name: object["name"]?.stringValue ?? "", group: object["group"]?.stringValue ?? "",
                kind: object["kind"]?.stringValue ?? "", uid: object["uid"]?.stringValue ?? "", causes: causes,
                retryAfterSeconds: object["retryAfterSeconds"]?.intValue.map { Int($0) })
        }
        self.init(
            code: code, reason: Reason(rawValue: rawReason.isEmpty ? Self.reason(forHTTPStatus: code).rawValue : rawReason),
            message: value["message"]?.stringValue ?? "", details: details,
            retryAfterSeconds: details?.retryAfterSeconds)
    }

    /// The reason apimachinery infers for a status code without a Status body.
    public static func reason(forHTTPStatus code: Int) -> Reason {
        switch code {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 406: .notAcceptable
        case 409: .conflict
        case 410: .gone
        case 413: .requestEntityTooLarge
        case 415: .unsupportedMediaType
        case 422: .invalid
        case 429: .tooManyRequests
        case 500: .internalError
        case 503: .serviceUnavailable
        case 504: .serverTimeout
        default: .unknown
        }
    }
}
