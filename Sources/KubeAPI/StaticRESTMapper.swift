public import KubeModel

/// A REST mapper over a fixed set of mappings (for tests and for callers that know their kinds).
public struct StaticRESTMapper: RESTMapper {
    public let all: [ResourceMapping]

    /// - Parameter mappings: preferred versions first.
    public init(_ mappings: [ResourceMapping]) {
        all = mappings
    }

    public func mapping(for gvk: GroupVersionKind) throws -> ResourceMapping {
        guard let found = all.first(where: { $0.gvk == gvk }) else { throw KubeClientError.noKindMatch(gvk) }
        return found
    }

    public func mapping(for resource: GroupVersionResource) throws -> ResourceMapping {
        guard let found = all.first(where: { $0.resource == resource }) else {
            throw KubeClientError.noResourceMatch(resource)
        }
        return found
    }

    public func mappings(for groupKind: GroupKind) throws -> [ResourceMapping] {
        all.filter { $0.gvk.groupKind == groupKind }
    }
}
