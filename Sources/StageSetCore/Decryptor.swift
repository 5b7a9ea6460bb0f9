public import KubeModel

/// The name of a SOPS master-key type as a ``Decryptor`` handles it (`age`, `pgp`, `aws_kms`, …).
///
/// Plugin modules add their names as static members in an extension.
public struct KeyType: Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The type name, as used in messages and the registry.
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }
}

/// One master-key entry of a SOPS key group, e.g. `{recipient: age1…, enc: "-----BEGIN AGE…"}`.
public struct MasterKeyStanza: Sendable, Hashable {
    /// The key type the entry belongs to (derived from the metadata list it was found in).
    public let type: KeyType
    /// The entry exactly as stored in the metadata (`enc`, `recipient`, `fp`, `arn`, `context`, …).
    public let fields: JSONObject

    public init(type: KeyType, fields: JSONObject) {
        self.type = type
        self.fields = fields
    }

    /// The wrapped data key (`enc`), or "" when missing.
    public var enc: String { fields["enc"]?.stringValue ?? "" }

    /// A short, key-material-free name of the entry for messages (`age age1…`, `pgp FBC7…`, `aws_kms arn:…`).
    public var label: String {
        for field in ["recipient", "fp", "arn", "resource_id", "vault_url", "key_name", "key_id"] {
            if let value = fields[field]?.stringValue, !value.isEmpty { return "\(type) \(value)" }
        }
        return type.name
    }
}

/// A plugin that recovers a SOPS data key (or Shamir share) from one master-key entry.
///
/// Implementations must not log or persist key material, and must throw (never return garbage) when
/// the keys given cannot unwrap the entry. Thrown errors end up, by their description, in the
/// "key groups tried" message of a failed decryption.
public protocol Decryptor: Sendable {
    /// The master-key type this decryptor handles.
    static var keyType: KeyType { get }

    /// The unwrapped data key (or, for Shamir key groups, the share) held by `stanza`.
    func unwrapDataKey(_ stanza: MasterKeyStanza, keys: DecryptionKeys) async throws -> [UInt8]
}

/// Failure of a SOPS decryption. ``reason`` is the condition reason the controller reports.
public struct DecryptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Always `DecryptionFailed`.
    public var reason: String { "DecryptionFailed" }
    /// What failed, without key material.
    public let message: String

    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
