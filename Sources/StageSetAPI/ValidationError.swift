public import KubeModel

/// One admission failure: the field it concerns and what is wrong, rendered like the API
/// server renders field errors: `spec.stages[1].name: Invalid value: "A": must be …`.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field the error concerns.
    public var path: FieldPath
    /// What is wrong.
    public var message: String

    public init(_ path: FieldPath, _ message: String) {
        self.path = path
        self.message = message
    }

    public var description: String {
        path.isRoot ? message : "\(path): \(message)"
    }

    /// `Required value`.
    static func required(_ path: FieldPath, _ detail: String? = nil) -> ValidationError {
        ValidationError(path, "Required value" + (detail.map { ": \($0)" } ?? ""))
    }

    /// `Invalid value: "x": detail`.
    static func invalid(_ path: FieldPath, _ value: String, _ detail: String) -> ValidationError {
        ValidationError(path, "Invalid value: \"\(value)\": \(detail)")
    }

    /// `Invalid value: 3: detail` (unquoted number).
    static func invalid(_ path: FieldPath, _ value: Int, _ detail: String) -> ValidationError {
        ValidationError(path, "Invalid value: \(value): \(detail)")
    }

    /// `Duplicate value: "x"`.
    static func duplicate(_ path: FieldPath, _ value: String) -> ValidationError {
        ValidationError(path, "Duplicate value: \"\(value)\"")
    }

    /// `Forbidden: detail`.
    static func forbidden(_ path: FieldPath, _ detail: String) -> ValidationError {
        ValidationError(path, "Forbidden: \(detail)")
    }

    /// Converts a decoding failure into a field error at its coding path.
    public init(decodingError error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(FieldPath(codingPath: context.codingPath + [key]), "Required value")
        case .valueNotFound(_, let context):
            self.init(FieldPath(codingPath: context.codingPath), "Required value: \(context.debugDescription)")
        case .typeMismatch(_, let context):
            self.init(FieldPath(codingPath: context.codingPath), "Invalid value: \(context.debugDescription)")
        case .dataCorrupted(let context):
            let detail = context.debugDescription
            let message = detail.hasPrefix("Unsupported value") || detail.hasPrefix("Invalid value")
                ? detail : "Invalid value: \(detail)"
            self.init(FieldPath(codingPath: context.codingPath), message)
        @unknown default:
            self.init(.root, "\(error)")
        }
    }
}

/// Every error of one validation pass, in document order.
public struct ValidationErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors.
    public var errors: [ValidationError]

    public init(_ errors: [ValidationError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// What operation specs need to know while validating.
public struct ValidationContext: Sendable {
    /// Returns a message when a CEL expression does not compile (parse + check), `nil` when it does.
    public var celCheck: @Sendable (String) -> String?
    /// True when `spec.version` is set.
    public var hasVersion: Bool

    public init(celCheck: @escaping @Sendable (String) -> String?, hasVersion: Bool) {
        self.celCheck = celCheck
        self.hasVersion = hasVersion
    }
}
