public import KubeModel
public import StageSetAPI

/// Every plugin the pipeline uses, by name: source resolvers by `sourceRef.kind`, action executors by
/// operation key, decryptors by SOPS key type. A plain value: assemble it once at start-up and pass it.
public struct PluginRegistry: Sendable {
    /// SOPS master-key decryptors keyed by type.
    public private(set) var decryptors: DecryptorRegistry
    /// The action operations actions decode with: the built-in specs plus every registered executor's.
    public private(set) var operations: ActionOperationRegistry
    private var executors: [ActionOperationKind: ErasedActionExecutor] = [:]
    private var resolvers: [String: any SourceResolver] = [:]
    private var producerResolver: (any SourceResolver)?

    /// A registry with no plugins; actions decode with `operations`.
    public init(operations: ActionOperationRegistry = .builtIn) {
        self.decryptors = DecryptorRegistry()
        self.operations = operations
    }

    // MARK: Decryptors

    /// Registers a decryptor; throws when one is already registered for its type.
    public mutating func register(_ decryptor: some Decryptor) throws(PluginRegistryError) {
        try decryptors.register(decryptor)
    }

    /// The decryptor registered for `type`, if any.
    public func decryptor(for type: KeyType) -> (any Decryptor)? {
        decryptors.decryptor(for: type)
    }

    // MARK: Action executors

    /// Registers an executor, and its spec for decoding unless the operation is already known with that
    /// same spec type (the built-ins). Throws on a second executor for a kind or a conflicting spec.
    public mutating func register<E: ActionExecutor>(_ executor: E) throws(PluginRegistryError) {
        guard executors[E.kind] == nil else { throw .duplicate(kind: "action executor", name: E.kind.name) }
        if let known = operations.registration(for: E.kind) {
            guard known.specType == E.Spec.self else {
                throw .conflict("action operation \"\(E.kind.name)\" decodes as \(known.specType), not \(E.Spec.self)")
            }
        } else {
            do {
                try operations.register(E.Spec.self, as: E.kind)
            } catch {
                throw .duplicate(kind: "action operation", name: E.kind.name)
            }
        }
        executors[E.kind] = ErasedActionExecutor(executor)
    }

    /// Whether an executor runs operations of `kind`.
    public func hasExecutor(for kind: ActionOperationKind) -> Bool { executors[kind] != nil }

    /// The operation kinds with an executor, sorted by name.
    public var executorKinds: [ActionOperationKind] { executors.keys.sorted { $0.name < $1.name } }

    /// Runs `operation` of `action` with its registered executor.
    public func execute(_ operation: ActionOperation, of action: Action, context: ActionContext) async throws
        -> ActionResult
    {
        guard let executor = executors[operation.kind] else {
            throw StageSetError(
                .stageFailed,
                "action \"\(action.name)\": no executor is registered for the \"\(operation.kind.name)\" operation"
                    + " in this controller build",
                retry: .terminal)
        }
        return try await executor.run(operation.spec, action, context)
    }

    // MARK: Source resolvers

    /// Registers a resolver for its kinds (and for producers when it says so).
    public mutating func register(_ resolver: some SourceResolver) throws(PluginRegistryError) {
        let type = type(of: resolver)
        for kind in type.kinds where resolvers[kind] != nil {
            throw .duplicate(kind: "source resolver", name: kind)
        }
        if type.handlesProducers {
            guard producerResolver == nil else { throw .duplicate(kind: "source resolver", name: "producers") }
            producerResolver = resolver
        }
        for kind in type.kinds { resolvers[kind] = resolver }
    }

    /// The resolver for a `sourceRef.kind` (empty means `ExternalArtifact`): the one registered for the
    /// kind, else the producer resolver.
    public func resolver(forKind kind: String) -> (any SourceResolver)? {
        resolvers[kind.isEmpty ? "ExternalArtifact" : kind] ?? producerResolver
    }

    /// The source kinds with a dedicated resolver, sorted.
    public var sourceKinds: [String] { resolvers.keys.sorted() }

    /// Whether `reference` (in a StageSet of `namespace`) depends on `source`, as its resolver judges.
    public func reference(_ reference: SourceReference, in namespace: String, dependsOn source: KubeObject) -> Bool {
        guard let resolver = resolver(forKind: reference.effectiveKind) else { return false }
        return type(of: resolver).reference(reference, in: namespace, dependsOn: source)
    }

    /// Every registered resolver's watched kinds, without repeats, in a stable order.
    public var watchedSourceKinds: [GroupVersionKind] {
        var all = Set(resolvers.values.flatMap { type(of: $0).watchedKinds })
        if let producerResolver { all.formUnion(type(of: producerResolver).watchedKinds) }
        return all.sorted { $0.description < $1.description }
    }
}

/// Decryptors keyed by ``KeyType``.
public struct DecryptorRegistry: Sendable {
    private var byType: [KeyType: any Decryptor] = [:]

    public init() {}

    /// Registers a decryptor; throws when one is already registered for its type.
    public mutating func register<D: Decryptor>(_ decryptor: D) throws(PluginRegistryError) {
        guard byType[D.keyType] == nil else { throw .duplicate(kind: "decryptor", name: D.keyType.name) }
        byType[D.keyType] = decryptor
    }

    /// The decryptor registered for `type`, if any.
    public func decryptor(for type: KeyType) -> (any Decryptor)? { byType[type] }

    /// The registered key types, sorted by name.
    public var keyTypes: [KeyType] { byType.keys.sorted { $0.name < $1.name } }
}

/// A registry misuse.
public enum PluginRegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A plugin of this kind and name is already registered.
    case duplicate(kind: String, name: String)
    /// A registration contradicts an earlier one.
    case conflict(String)

    public var description: String {
        switch self {
        case .duplicate(let kind, let name): "a \(kind) for \"\(name)\" is already registered"
        case .conflict(let message): message
        }
    }
}
