import KubeModel

/// An API failure rendered as a Kubernetes `Status` body (spec §8).
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var details: JSONObject?

    /// The `Status` object of this error.
    var status: JSONValue {
        var object: JSONObject = [
            "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
            "message": .string(message), "reason": .string(reason),
        ]
        if let details { object["details"] = .object(details) }
        object["code"] = .int(Int64(code))
        return .object(object)
    }

    static func details(_ resource: ResourceInfo?, name: String?) -> JSONObject {
        var details: JSONObject = [:]
        if let name, !name.isEmpty { details["name"] = .string(name) }
        if let resource, !resource.group.isEmpty { details["group"] = .string(resource.group) }
        if let resource { details["kind"] = .string(resource.name) }
        return details
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    static let unknownPath = APIError(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource", details: [:])

    static func notFound(_ resource: ResourceInfo, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(resource.qualified) \"\(name)\" not found",
            details: details(resource, name: name))
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
            details: ["name": .string(namespace), "kind": "namespaces"])
    }

    static func alreadyExists(_ resource: ResourceInfo, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(resource.qualified) \"\(name)\" already exists",
            details: details(resource, name: name))
    }

    static func conflict(_ resource: ResourceInfo, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualified) \"\(name)\": the object has been modified; please apply your changes to the latest version and try again",
            details: details(resource, name: name))
    }

    static func preconditionFailed(_ resource: ResourceInfo, _ name: String, _ detail: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualified) \"\(name)\": StorageError: invalid object, Code: 4, AdditionalErrorMsg: Precondition failed: \(detail)",
            details: details(resource, name: name))
    }

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func methodNotAllowed(_ verb: String, _ resource: ResourceInfo) -> APIError {
        var details = details(resource, name: nil)
        details["kind"] = .string(resource.qualified)
        return APIError(
            code: 405, reason: "MethodNotAllowed",
            message: "\(verb) is not supported on resources of kind \"\(resource.qualified)\"", details: details)
    }

    static let notAcceptable = APIError(
        code: 406, reason: "NotAcceptable",
        message: "only the following media types are accepted: application/json, application/yaml")

    static func tooLarge(_ message: String) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: message)
    }

    static let unsupportedPatch = APIError(
        code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")

    static let unsupportedBuiltInPatch = APIError(
        code: 415, reason: "UnsupportedMediaType",
        message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json")

    static func unsupportedBody(_ contentType: String) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml (got \(contentType))")
    }

    static func forbidden(
        _ resourceText: String, name: String, group: String, user: String, verb: String, resourceDisplay: String,
        namespace: String, suffix: String = ""
    ) -> APIError {
        let subject = name.isEmpty ? "\(resourceText) is forbidden" : "\(resourceText) \"\(name)\" is forbidden"
        let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(namespace)\""
        var details: JSONObject = [:]
        if !name.isEmpty { details["name"] = .string(name) }
        if !group.isEmpty { details["group"] = .string(group) }
        details["kind"] = .string(resourceDisplay.split(separator: "/").first.map(String.init) ?? resourceDisplay)
        return APIError(
            code: 403, reason: "Forbidden",
            message: "\(subject): User \"\(user)\" cannot \(verb) resource \"\(resourceDisplay)\" in API group \"\(group)\" \(scope)\(suffix)",
            details: details)
    }

    static func internalError(_ message: String) -> APIError {
        APIError(
            code: 500, reason: "InternalError", message: "Internal error occurred: \(message)",
            details: ["causes": [["message": .string(message)]]])
    }
}

/// One field error of a 422 `Invalid` answer.
struct FieldError: Sendable {
    enum ErrorType: String, Sendable {
        case required = "FieldValueRequired"
        case invalid = "FieldValueInvalid"
        case forbidden = "FieldValueForbidden"
        case notSupported = "FieldValueNotSupported"
        case duplicate = "FieldValueDuplicate"
        case tooLong = "FieldValueTooLong"
        case notFound = "FieldValueNotFound"

        var label: String {
            switch self {
            case .required: "Required value"
            case .invalid: "Invalid value"
            case .forbidden: "Forbidden"
            case .notSupported: "Unsupported value"
            case .duplicate: "Duplicate value"
            case .tooLong: "Too long"
            case .notFound: "Not found"
            }
        }
    }

    var type: ErrorType
    var field: String
    /// The rendered detail after the type label, e.g. `"Bad_Name": a lowercase…` (for invalid) or `name is required`.
    var detail: String

    var message: String { detail.isEmpty ? type.label : "\(type.label): \(detail)" }

    static func required(_ field: String, _ detail: String) -> FieldError { FieldError(type: .required, field: field, detail: detail) }
    static func invalid(_ field: String, _ value: String, _ detail: String) -> FieldError {
        FieldError(type: .invalid, field: field, detail: "\(value): \(detail)")
    }
    static func forbidden(_ field: String, _ detail: String) -> FieldError { FieldError(type: .forbidden, field: field, detail: detail) }
}

extension APIError {
    /// 422 `Invalid` for `Kind.group "name"` (spec §8).
    static func invalid(kind: String, group: String, name: String, _ errors: [FieldError]) -> APIError {
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        let text = errors.map { "\($0.field): \($0.message)" }.joined(separator: ", ")
        let joined = errors.count == 1 ? text : "[\(text)]"
        var details: JSONObject = [:]
        details["name"] = .string(name)
        if !group.isEmpty { details["group"] = .string(group) }
        details["kind"] = .string(kind)
        details["causes"] = .array(
            errors.map { ["reason": .string($0.type.rawValue), "message": .string($0.message), "field": .string($0.field)] })
        return APIError(
            code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(joined)", details: details)
    }
}
