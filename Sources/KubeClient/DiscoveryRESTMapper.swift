public import KubeAPI
public import KubeModel

/// A REST mapper filled from the server's discovery documents, refreshed when a lookup misses
/// (so a CRD established a moment ago resolves). Reads aggregated discovery (`apidiscovery.k8s.io/v2`) and
/// falls back to the legacy per-group-version documents.
public actor DiscoveryRESTMapper: RESTMapper {
    /// Fetches a discovery path with an `Accept` header; returns the response body and content type.
    public typealias Fetch = @Sendable (_ path: String, _ accept: String) async throws -> (body: [UInt8], contentType: String)

    static let aggregatedAccept =
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"

    private let fetch: Fetch
    private var index: Index?
    private var refreshing: Task<Index, any Error>?
    /// How many times discovery was read (for tests and metrics).
    public private(set) var refreshCount = 0

    public init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    struct Index: Sendable {
        var byKind: [GroupVersionKind: ResourceMapping] = [:]
        /// Group/kind to mappings, preferred version first.
        var byGroupKind: [GroupKind: [ResourceMapping]] = [:]
        /// Plural, singular and short names per group/version.
        var byResource: [GroupVersionResource: ResourceMapping] = [:]

        mutating func add(_ mapping: ResourceMapping, names: [String]) {
            if byKind[mapping.gvk] == nil { byKind[mapping.gvk] = mapping }
            byGroupKind[mapping.gvk.groupKind, default: []].append(mapping)
            for name in [mapping.resource.resource] + names where !name.isEmpty {
                let key = GroupVersionResource(group: mapping.resource.group, version: mapping.resource.version, resource: name)
                if byResource[key] == nil { byResource[key] = mapping }
            }
        }
    }

    /// Every mapping known, after discovery was read at least once.
    public func all() async throws -> [ResourceMapping] {
        let index = try await current()
        return index.byGroupKind.values.flatMap { $0 }
    }

    /// Forgets what was discovered; the next lookup reads discovery again.
    public func invalidate() {
        index = nil
    }

    public func mapping(for gvk: GroupVersionKind) async throws -> ResourceMapping {
        if let found = try await current().byKind[gvk] { return found }
        if let found = try await reload().byKind[gvk] { return found }
        throw KubeClientError.noKindMatch(gvk)
    }

    public func mapping(for resource: GroupVersionResource) async throws -> ResourceMapping {
        if let found = try await current().byResource[resource] { return found }
        if let found = try await reload().byResource[resource] { return found }
        throw KubeClientError.noResourceMatch(resource)
    }

    public func mappings(for groupKind: GroupKind) async throws -> [ResourceMapping] {
        if let found = try await current().byGroupKind[groupKind], !found.isEmpty { return found }
        return try await reload().byGroupKind[groupKind] ?? []
    }

    private func current() async throws -> Index {
        if let index { return index }
        return try await reload()
    }

    /// Reads discovery again now.
    public func refresh() async throws {
        _ = try await reload()
    }

    /// Reads discovery again; concurrent callers share one read.
    private func reload() async throws -> Index {
        if let refreshing { return try await refreshing.value }
        let fetch = fetch
        let task = Task { try await Self.discover(fetch) }
        refreshing = task
        defer { refreshing = nil }
        let result = try await task.value
        index = result
        refreshCount += 1
        return result
    }

    private static func discover(_ fetch: Fetch) async throws -> Index {
        var index = Index()
        let (coreBody, coreType) = try await fetch("/api", aggregatedAccept)
        let (groupsBody, groupsType) = try await fetch("/apis", aggregatedAccept)
        for (body, type) in [(coreBody, coreType), (groupsBody, groupsType)] {
            let value = try decode(body)
            if type.contains("as=APIGroupDiscoveryList") || value["kind"]?.stringValue == "APIGroupDiscoveryList" {
                addAggregated(value, to: &index)
            } else if value["kind"]?.stringValue == "APIVersions" {
                for version in value["versions"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                    let (list, _) = try await fetch("/api/\(version)", "application/json")
                    addLegacy(try decode(list), group: "", version: version, to: &index)
                }
            } else {
                for group in value["groups"]?.arrayValue ?? [] {
                    guard let name = group["name"]?.stringValue else { continue }
                    var versions = group["versions"]?.arrayValue?.compactMap { $0["version"]?.stringValue } ?? []
                    if let preferred = group["preferredVersion"]?["version"]?.stringValue,
                        let position = versions.firstIndex(of: preferred)
                    {
                        versions.remove(at: position)
                        versions.insert(preferred, at: 0)
                    }
                    for version in versions {
                        // One unavailable group version (an aggregated API that is down) does not hide the others.
                        guard let (list, _) = try? await fetch("/apis/\(name)/\(version)", "application/json"),
                            let document = try? decode(list)
                        else { continue }
                        addLegacy(document, group: name, version: version, to: &index)
                    }
                }
            }
        }
        return index
    }

    private static func decode(_ body: [UInt8]) throws -> JSONValue {
        do {
            return try JSON.decode(body)
        } catch {
            throw KubeClientError(.decoding, "discovery document is not JSON: \(error)")
        }
    }

    private static func addAggregated(_ value: JSONValue, to index: inout Index) {
        for item in value["items"]?.arrayValue ?? [] {
            let group = item["metadata"]?["name"]?.stringValue ?? ""
            for version in item["versions"]?.arrayValue ?? [] {
                guard let versionName = version["version"]?.stringValue else { continue }
                for resource in version["resources"]?.arrayValue ?? [] {
                    guard let plural = resource["resource"]?.stringValue,
                        let kind = resource["responseKind"]?["kind"]?.stringValue
                    else { continue }
                    let subresources = Set(
                        resource["subresources"]?.arrayValue?.compactMap { $0["subresource"]?.stringValue } ?? [])
                    let mapping = ResourceMapping(
                        gvk: GroupVersionKind(group: group, version: versionName, kind: kind),
                        resource: GroupVersionResource(group: group, version: versionName, resource: plural),
                        namespaced: resource["scope"]?.stringValue == "Namespaced", subresources: subresources,
                        verbs: Set(resource["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? []))
                    let names = [resource["singularResource"]?.stringValue ?? ""]
                        + (resource["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                    index.add(mapping, names: names)
                }
            }
        }
    }

    private static func addLegacy(_ value: JSONValue, group: String, version: String, to index: inout Index) {
        var mappings: [(ResourceMapping, [String])] = []
        var subresources: [String: Set<String>] = [:]
        for resource in value["resources"]?.arrayValue ?? [] {
            guard let name = resource["name"]?.stringValue else { continue }
            let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
            if parts.count == 2 {
                subresources[parts[0], default: []].insert(parts[1])
                continue
            }
            guard let kind = resource["kind"]?.stringValue else { continue }
            let mapping = ResourceMapping(
                gvk: GroupVersionKind(group: group, version: version, kind: kind),
                resource: GroupVersionResource(group: group, version: version, resource: name),
                namespaced: resource["namespaced"]?.boolValue ?? false,
                verbs: Set(resource["verbs"]?.arrayValue?.compactMap(\.stringValue) ?? []))
            let names = [resource["singularName"]?.stringValue ?? ""]
                + (resource["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            mappings.append((mapping, names))
        }
        for (mapping, names) in mappings {
            var withSubresources = mapping
            withSubresources.subresources = subresources[mapping.resource.resource] ?? []
            index.add(withSubresources, names: names)
        }
    }
}
