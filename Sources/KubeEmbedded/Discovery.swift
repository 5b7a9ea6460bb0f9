import KubeModel

/// Discovery documents, aggregated (v2) and legacy (spec §11.1).
enum Discovery {
    static let version: JSONValue = [
        "major": "1", "minor": "32", "gitVersion": "v1.32.0-embedded", "gitCommit": "embedded",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "swift",
        "compiler": "swift", "platform": "linux/amd64",
    ]

    static let apiVersions: JSONValue = [
        "kind": "APIVersions", "versions": ["v1"],
        "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:6443"]],
    ]

    private static func groupVersions(_ name: String, _ versions: [String]) -> [JSONValue] {
        versions.map { ["groupVersion": .string("\(name)/\($0)"), "version": .string($0)] }
    }

    static func apiGroup(name: String, versions: [String]) -> JSONValue {
        let entries = groupVersions(name, versions)
        return ["kind": "APIGroup", "apiVersion": "v1", "name": .string(name), "versions": .array(entries),
                "preferredVersion": entries.first ?? nil]
    }

    static func apiGroupList(_ registry: ResourceRegistry) -> JSONValue {
        let groups = registry.groups.filter { !$0.name.isEmpty }.map { group -> JSONValue in
            let entries = groupVersions(group.name, group.versions)
            return ["name": .string(group.name), "versions": .array(entries), "preferredVersion": entries.first ?? nil]
        }
        return ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups)]
    }

    static func resourceList(_ registry: ResourceRegistry, group: String, version: String) -> JSONValue {
        var entries: [JSONValue] = []
        for resource in registry.resources(group: group, version: version) {
            var entry: JSONObject = [
                "name": .string(resource.name), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                "verbs": .array(resource.verbs.map { .string($0) }),
            ]
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map { .string($0) }) }
            if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map { .string($0) }) }
            entries.append(.object(entry))
            if resource.hasStatus {
                entries.append([
                    "name": .string("\(resource.name)/status"), "singularName": "", "namespaced": .bool(resource.namespaced),
                    "kind": .string(resource.kind), "verbs": ["get", "patch", "update"],
                ])
            }
            for sub in resource.extraSubresources {
                entries.append([
                    "name": .string("\(resource.name)/\(sub)"), "singularName": "", "namespaced": .bool(resource.namespaced),
                    "group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest", "verbs": ["create"],
                ])
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return ["kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
                "resources": .array(entries)]
    }

    /// The aggregated `APIGroupDiscoveryList` for `/api` (core) or `/apis`.
    static func aggregated(_ registry: ResourceRegistry, core: Bool) -> JSONValue {
        var items: [JSONValue] = []
        for group in registry.groups where group.name.isEmpty == core {
            var versions: [JSONValue] = []
            for version in group.versions {
                var resources: [JSONValue] = []
                for resource in registry.resources(group: group.name, version: version) {
                    let responseKind: JSONValue = ["group": .string(resource.group), "version": .string(version),
                                                   "kind": .string(resource.kind)]
                    var entry: JSONObject = [
                        "resource": .string(resource.name), "responseKind": responseKind,
                        "scope": resource.namespaced ? "Namespaced" : "Cluster",
                        "singularResource": .string(resource.singular),
                        "verbs": .array(resource.verbs.map { .string($0) }),
                    ]
                    if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map { .string($0) }) }
                    if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map { .string($0) }) }
                    var subresources: [JSONValue] = []
                    if resource.hasStatus {
                        subresources.append(["subresource": "status", "responseKind": responseKind, "verbs": ["get", "patch", "update"]])
                    }
                    for sub in resource.extraSubresources {
                        subresources.append([
                            "subresource": .string(sub),
                            "responseKind": ["group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest"],
                            "verbs": ["create"],
                        ])
                    }
                    if !subresources.isEmpty { entry["subresources"] = .array(subresources) }
                    resources.append(.object(entry))
                }
                versions.append(["version": .string(version), "resources": .array(resources), "freshness": "Current"])
            }
            var metadata: JSONObject = [:]
            if !group.name.isEmpty { metadata["name"] = .string(group.name) }
            items.append(["metadata": .object(metadata), "versions": .array(versions)])
        }
        return ["kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
                "items": .array(items)]
    }
}

/// The minimal OpenAPI v3 documents kubectl needs for `apply`/`create` (spec §11.3).
enum OpenAPI {
    static func serve(_ parts: [String], registry: ResourceRegistry, generation: Int) throws(APIError) -> APIResponse {
        guard parts.count >= 2, parts[1] == "v3" else { throw APIError.unknownPath }
        if parts.count == 2 {
            var paths: JSONObject = [:]
            for group in registry.groups {
                for version in group.versions {
                    let key = group.name.isEmpty ? "api/\(version)" : "apis/\(group.name)/\(version)"
                    let hash = "\(generation)-\(registry.resources(group: group.name, version: version).count)"
                    paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash)")]
                }
            }
            return .json(200, ["paths": .object(paths)])
        }
        let group: String
        let version: String
        if parts.count == 4, parts[2] == "api" {
            group = ""
            version = parts[3]
        } else if parts.count == 5, parts[2] == "apis" {
            group = parts[3]
            version = parts[4]
        } else {
            throw APIError.unknownPath
        }
        let resources = registry.resources(group: group, version: version)
        guard !resources.isEmpty else { throw APIError.unknownPath }
        var paths: JSONObject = [:]
        let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
        for resource in resources where !resource.isVirtual {
            let path = resource.namespaced
                ? "\(prefix)/namespaces/{namespace}/\(resource.name)/{name}" : "\(prefix)/\(resource.name)/{name}"
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(resource.kind)]
            paths[path] = ["patch": [
                "x-kubernetes-group-version-kind": gvk,
                "parameters": [["name": "fieldValidation", "in": "query", "schema": ["type": "string"]]],
                "requestBody": ["content": [
                    "application/json-patch+json": [:], "application/merge-patch+json": [:], "application/apply-patch+yaml": [:],
                ]],
                "responses": [:],
            ]]
        }
        return .json(200, [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": .object(paths),
            "components": ["schemas": [:]],
        ])
    }
}
