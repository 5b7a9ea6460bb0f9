/// One shard of a stage's recorded inventory (`stages.metio.wtf/v1`, kind `StageInventory`).
public struct StageInventory: Codable, Sendable, Hashable {
    /// The API group/version of the kind.
    public static let apiVersion = "stages.metio.wtf/v1"
    /// The kind.
    public static let kind = "StageInventory"
    /// Label holding the owning StageSet's name.
    public static let stageSetLabel = "stages.metio.wtf/stage-set"
    /// Label holding the stage name.
    public static let stageLabel = "stages.metio.wtf/stage"
    /// Label holding the shard index.
    public static let shardLabel = "stages.metio.wtf/shard"

    /// API version of the object.
    public var apiVersion: String?
    /// Kind of the object.
    public var kind: String?
    /// Standard object metadata.
    public var metadata: ObjectMeta
    /// The shard's entries.
    public var spec: StageInventorySpec

    public init(metadata: ObjectMeta, spec: StageInventorySpec) {
        self.apiVersion = Self.apiVersion
        self.kind = Self.kind
        self.metadata = metadata
        self.spec = spec
    }
}

/// The entries of one inventory shard (kept in spec so backups restore prune history).
public struct StageInventorySpec: Codable, Sendable, Hashable {
    /// The stage's position in `spec.stages` at write time; the teardown order key.
    public var stagePosition: Int?
    /// The objects this shard accounts for.
    public var entries: [InventoryEntry]?

    public init(stagePosition: Int? = nil, entries: [InventoryEntry]? = nil) {
        self.stagePosition = stagePosition
        self.entries = entries
    }
}

/// One tracked object.
public struct InventoryEntry: Codable, Sendable, Hashable {
    /// `<namespace>_<name>_<group>_<kind>` (namespace and group may be empty).
    public var id: String
    /// API version the object was last applied with.
    public var v: String

    public init(id: String, v: String) {
        self.id = id
        self.v = v
    }
}
