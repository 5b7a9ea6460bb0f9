public import KubeModel

/// The name of an action operation: the JSON key that selects it inside an ``Action``
/// (`patch`, `http`, …). Extensions add their own by `static` members:
/// `extension ActionOperationKind { public static let slack: ActionOperationKind = "slack" }`.
public struct ActionOperationKind: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The JSON key of the operation.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public init(stringLiteral value: String) {
        self.name = value
    }

    public var description: String { name }

    public static let patch: ActionOperationKind = "patch"
    public static let http: ActionOperationKind = "http"
    public static let wait: ActionOperationKind = "wait"
    public static let job: ActionOperationKind = "job"
    public static let delete: ActionOperationKind = "delete"
    public static let apply: ActionOperationKind = "apply"
}

/// The typed configuration of one action operation (the value under its key).
///
/// Conformers write only what differs from the defaults below.
public protocol ActionOperationSpec: Codable, Sendable, Equatable, SchemaDescribed {
    /// One user-facing sentence describing the operation, lifted into the CRD description.
    static var summary: String { get }
    /// Rules the JSON schema cannot express; `path` is the path of this spec.
    func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError]
    /// This spec with its defaults applied.
    func defaulted() -> Self
}

extension ActionOperationSpec {
    public func validate(at path: FieldPath, context: ValidationContext) -> [ValidationError] { [] }
    public func defaulted() -> Self { self }

    /// True when `other` is a spec of the same type and equal to this one.
    public func isEqual(to other: any ActionOperationSpec) -> Bool {
        guard let other = other as? Self else { return false }
        return self == other
    }

    func defaultedErased() -> any ActionOperationSpec { defaulted() }
}

/// The operations an ``Action`` may carry, in registration order, each with its decoder.
///
/// A value, not a global: decoding finds it in `Decoder.userInfo[.actionOperationRegistry]`
/// (falling back to ``builtIn``), so a controller built with an extra operation decodes it
/// without changes to the decoder.
public struct ActionOperationRegistry: Sendable {
    /// One registered operation.
    public struct Registration: Sendable {
        /// The JSON key of the operation.
        public let kind: ActionOperationKind
        /// The spec type, for the CRD generator's schema (its defaults, summary and shape).
        public let specType: any ActionOperationSpec.Type
        let decode: @Sendable (any Decoder) throws -> any ActionOperationSpec
    }

    /// Raised when a kind is registered twice.
    public struct RegistrationError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// The registrations in order.
    public private(set) var registrations: [Registration] = []

    /// An empty registry.
    public init() {}

    /// Registers `type` under `kind`.
    public mutating func register<Spec: ActionOperationSpec>(
        _ type: Spec.Type, as kind: ActionOperationKind
    ) throws(RegistrationError) {
        guard registration(for: kind) == nil else {
            throw RegistrationError(description: "action operation \"\(kind.name)\" is already registered")
        }
        registrations.append(Registration(kind: kind, specType: type, decode: { decoder in try Spec(from: decoder) }))
    }

    /// The registration of `kind`, if any.
    public func registration(for kind: ActionOperationKind) -> Registration? {
        registrations.first { $0.kind == kind }
    }

    /// The registered kinds in order.
    public var kinds: [ActionOperationKind] { registrations.map(\.kind) }

    /// The six built-in operations: patch, http, wait, job, delete, apply.
    public static let builtIn: ActionOperationRegistry = {
        var registry = ActionOperationRegistry()
        registry.registrations = [
            Registration(kind: .patch, specType: PatchAction.self, decode: { try PatchAction(from: $0) }),
            Registration(kind: .http, specType: HTTPAction.self, decode: { try HTTPAction(from: $0) }),
            Registration(kind: .wait, specType: WaitAction.self, decode: { try WaitAction(from: $0) }),
            Registration(kind: .job, specType: JobAction.self, decode: { try JobAction(from: $0) }),
            Registration(kind: .delete, specType: DeleteAction.self, decode: { try DeleteAction(from: $0) }),
            Registration(kind: .apply, specType: ApplyAction.self, decode: { try ApplyAction(from: $0) }),
        ]
        return registry
    }()
}

extension CodingUserInfoKey {
    /// Where decoding looks for the ``ActionOperationRegistry`` to use.
    public static let actionOperationRegistry: CodingUserInfoKey = {
        guard let key = CodingUserInfoKey(rawValue: "stages.metio.wtf/action-operation-registry") else {
            preconditionFailure("constant coding user-info key is valid")
        }
        return key
    }()
}

extension JSONValueDecoder {
    /// A decoder that decodes actions with `registry`.
    public init(registry: ActionOperationRegistry) {
        self.init()
        userInfo[.actionOperationRegistry] = registry
    }
}
