import KubeModel

/// Updates references to renamed objects (prefix, suffix, content hash) once the build is done,
/// as kustomize's name-reference transformer does: a reference matches a referent of the kind
/// the field refers to that was ever known by that name, in the referrer's namespace (for
/// namespaced kinds).
enum NameReferences {
    static func fix(_ resources: inout [Resource]) {
        var byKind: [String: [Int]] = [:]
        for (index, resource) in resources.enumerated() where resource.nameHistory.count > 1 {
            byKind[resource.kind, default: []].append(index)
        }
        guard !byKind.isEmpty else { return }
        let snapshot = resources
        for index in resources.indices {
            let gvk = resources[index].gvk
            let podPath = TransformerConfig.podSpecPath(kind: gvk.kind)
            let namespace = resources[index].namespace
            let renames = resources[index].renames
            for reference in TransformerConfig.references {
                guard let candidates = byKind[reference.referentKind] else { continue }
                let path: String
                if let referrer = reference.referrerKind {
                    guard referrer == gvk.kind else { continue }
                    path = reference.path
                } else {
                    guard let podPath else { continue }
                    path = podPath + "/" + reference.path
                }
                let spec = FieldSpec(path)
                spec.visit(&resources[index].object) { value in
                    guard reference.kindField || reference.objectField else {
                        if let name = value?.stringValue,
                            let newName = resolve(name, namespace: namespace, renames: renames, candidates, snapshot)
                        {
                            value = .string(newName)
                        }
                        return
                    }
                    func update(_ element: inout JSONValue) {
                        guard case .object(var entry) = element,
                            !reference.kindField || entry["kind"]?.stringValue == reference.referentKind,
                            let name = entry["name"]?.stringValue
                        else { return }
                        let referenceNamespace = entry["namespace"]?.stringValue ?? namespace
                        if let newName = resolve(name, namespace: referenceNamespace, renames: renames, candidates, snapshot) {
                            entry["name"] = .string(newName)
                            element = .object(entry)
                        }
                    }
                    switch value {
                    case .array(var elements)?:
                        for position in elements.indices { update(&elements[position]) }
                        value = .array(elements)
                    case .object?:
                        if var element = value {
                            update(&element)
                            value = element
                        }
                    default:
                        return
                    }
                }
            }
        }
    }

    private static func resolve(
        _ name: String, namespace: String, renames: [String], _ candidates: [Int], _ resources: [Resource]
    ) -> String? {
        var matches = candidates.filter { index in
            let candidate = resources[index]
            return candidate.wasNamed(name) && (candidate.isClusterScoped || sameNamespace(candidate.namespace, namespace))
        }
        if Set(matches.map { resources[$0].name }).count > 1 {
            matches = matches.filter { resources[$0].renames == renames }
        }
        let names = Set(matches.map { resources[$0].name })
        guard names.count == 1, let newName = names.first, newName != name else { return nil }
        return newName
    }
}

/// kustomize's legacy output order: kinds in a fixed order (namespaces and CRDs first, webhooks
/// last, other kinds between), ties broken by group, version and kind, then namespace and name.
enum LegacyOrder {
    static let first = [
        "Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
        "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "Secret",
        "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume", "PersistentVolumeClaim",
        "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget",
    ]
    static let last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]

    static let rank: [String: Int] = {
        var rank: [String: Int] = [:]
        for (index, kind) in first.enumerated() { rank[kind] = index - first.count }
        for (index, kind) in last.enumerated() { rank[kind] = index + 1 }
        return rank
    }()

    static func sorted(_ resources: [Resource]) -> [Resource] {
        let keyed = resources.enumerated().map { (offset, resource) -> (Int, String, String, Int, Resource) in
            let gvk = resource.gvk
            let gvkText = [
                gvk.group.isEmpty ? "~G" : gvk.group, gvk.version.isEmpty ? "~V" : gvk.version,
                gvk.kind.isEmpty ? "~K" : gvk.kind,
            ].joined(separator: "_")
            let id = resource.isClusterScoped ? resource.name : resource.namespace + resource.name
            return (rank[gvk.kind] ?? 0, gvkText, id, offset, resource)
        }
        return keyed.sorted { a, b in
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 {
                if a.4.kind == "Namespace" && b.4.kind == "Namespace" && (a.4.gvk.group.isEmpty || b.4.gvk.group.isEmpty) {
                    return a.1.utf8.lexicographicallyPrecedes(b.1.utf8) == false
                }
                return a.1.utf8.lexicographicallyPrecedes(b.1.utf8)
            }
            if a.2 != b.2 { return a.2.utf8.lexicographicallyPrecedes(b.2.utf8) }
            return a.3 < b.3
        }.map(\.4)
    }
}
