/// The plugins the controller uses, grouped by kind. A plain value: build it once at start-up and pass it.
public struct PluginRegistry: Sendable {
    /// SOPS master-key decryptors keyed by type.
    public var decryptors: DecryptorRegistry

    public init(decryptors: DecryptorRegistry = DecryptorRegistry()) {
        self.decryptors = decryptors
    }

    /// Registers a decryptor; throws when one is already registered for its type.
    public mutating func register(_ decryptor: some Decryptor) throws(PluginRegistryError) {
        try decryptors.register(decryptor)
    }

    /// The decryptor registered for `type`, if any.
    public func decryptor(for type: KeyType) -> (any Decryptor)? {
        decryptors.decryptor(for: type)
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

    public var description: String {
        switch self {
        case .duplicate(let kind, let name): "a \(kind) for \"\(name)\" is already registered"
        }
    }
}
