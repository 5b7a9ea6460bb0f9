public import KubeModel

/// How a kind is served: its resource (plural), scope and subresources.
public struct ResourceMapping: Hashable, Sendable {
    public var gvk: GroupVersionKind
    /// Group, version and plural resource name, e.g. `apps/v1, Resource=deployments`.
    public var resource: GroupVersionResource
    /// Whether objects live in a namespace.
    public var namespaced: Bool
    /// Subresources the server declared, e.g. `["status", "scale"]`.
    public var subresources: Set<String>
    /// Verbs the server declared for the resource (empty when unknown).
    public var verbs: Set<String>

    public init(gvk: GroupVersionKind, resource: GroupVersionResource, namespaced: Bool,
                subresources: Set<String> = [], verbs: Set<String> = []) {
        self.gvk = gvk
        self.resource = resource
        self.namespaced = namespaced
        self.subresources = subresources
        self.verbs = verbs
    }
}

/// Resolves kinds to resources (client-go `meta.RESTMapper`).
public protocol RESTMapper: Sendable {
    /// The mapping for one group/version/kind; throws ``KubeClientError`` `.noKindMatch` when the server has none.
    func mapping(for gvk: GroupVersionKind) async throws -> ResourceMapping
    /// The mapping for a group/version/resource (plural, singular or short name).
    func mapping(for resource: GroupVersionResource) async throws -> ResourceMapping
    /// Mappings of a group and kind in every served version, preferred version first.
    func mappings(for groupKind: GroupKind) async throws -> [ResourceMapping]
    /// Forgets cached mappings, so the next lookup reads the server again (e.g. after the server answered 404
    /// for a resource the mapper still maps: its CRD was removed).
    func invalidate() async
}

extension RESTMapper {
    /// A mapper without a cache has nothing to forget.
    public func invalidate() async {}

    /// The preferred version's mapping of a group and kind.
    public func preferredMapping(for groupKind: GroupKind) async throws -> ResourceMapping {
        guard let first = try await mappings(for: groupKind).first else {
            throw KubeClientError.noKindMatch(GroupVersionKind(group: groupKind.group, version: "", kind: groupKind.kind))
        }
        return first
    }
}

/// A failure on the client's side of the wire: configuration, transport, mapping, decoding.
public struct KubeClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarse enough to branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let name: String
        public var description: String { name }
        public static let configuration = Code(name: "configuration")
        public static let transport = Code(name: "transport")
        public static let noKindMatch = Code(name: "noKindMatch")
        public static let decoding = Code(name: "decoding")
        public static let invalidArgument = Code(name: "invalidArgument")
        public static let watchClosed = Code(name: "watchClosed")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// Whether a retry of an idempotent request may succeed (transport failures).
    public var isTransient: Bool { code == .transport || code == .watchClosed }

    /// client-go's `NoKindMatchError` message.
    public static func noKindMatch(_ gvk: GroupVersionKind) -> KubeClientError {
        let where_ = gvk.version.isEmpty ? "group \"\(gvk.group)\"" : "version \"\(gvk.apiVersion)\""
        return KubeClientError(.noKindMatch, "no matches for kind \"\(gvk.kind)\" in \(where_)")
    }

    public static func noResourceMatch(_ gvr: GroupVersionResource) -> KubeClientError {
        KubeClientError(.noKindMatch, "the server doesn't have a resource type \"\(gvr.resource)\" in \(gvr.groupVersion)")
    }
}
