import KubeModel

/// An authenticated identity (spec §1).
struct UserInfo: Sendable, Hashable {
    var name: String
    var uid: String = ""
    var groups: [String]

    static let admin = UserInfo(name: "kubernetes-admin", groups: ["system:masters", "system:authenticated"])
    static let anonymous = UserInfo(name: "system:anonymous", groups: ["system:unauthenticated"])

    static func serviceAccount(namespace: String, name: String, uid: String = "") -> UserInfo {
        UserInfo(
            name: "system:serviceaccount:\(namespace):\(name)", uid: uid,
            groups: ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"])
    }

    /// `(namespace, name)` when this is a ServiceAccount user name.
    var serviceAccount: (namespace: String, name: String)? { Self.parseServiceAccount(name) }

    static func parseServiceAccount(_ name: String) -> (namespace: String, name: String)? {
        let parts = name.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "system", parts[1] == "serviceaccount", !parts[2].isEmpty, !parts[3].isEmpty
        else { return nil }
        return (String(parts[2]), String(parts[3]))
    }
}

/// A bearer token minted by TokenRequest.
struct IssuedToken: Sendable {
    var namespace: String
    var serviceAccount: String
    var uid: String
    var expires: Timestamp
}

/// What an authorization decision is about.
struct Attributes: Sendable {
    var verb: String
    var group: String = ""
    var resource: String = ""
    var subresource: String = ""
    var namespace: String = ""
    var name: String = ""
    /// Set for non-resource requests (`/api`, `/version`, …).
    var path: String? = nil
}

/// The RBAC authorizer over the Role/ClusterRole/RoleBinding/ClusterRoleBinding objects in the store (spec §9.2).
enum RBAC {
    static func allowed(_ user: UserInfo, _ attributes: Attributes, store: ObjectStore) -> Bool {
        if user.groups.contains("system:masters") { return true }
        let roles = "rbac.authorization.k8s.io/roles"
        let clusterRoles = "rbac.authorization.k8s.io/clusterroles"
        func rules(kind: String, name: String, namespace: String) -> [JSONValue] {
            let object = kind == "Role"
                ? store.get(roles, ObjectKey(namespace: namespace, name: name))
                : store.get(clusterRoles, ObjectKey(name: name))
            return object?["rules"]?.arrayValue ?? []
        }
        for binding in store.list("rbac.authorization.k8s.io/clusterrolebindings")
        where subjectsMatch(binding, user: user, bindingNamespace: nil) {
            guard let ref = binding["roleRef"], ref["kind"]?.stringValue == "ClusterRole",
                  let name = ref["name"]?.stringValue else { continue }
            if rules(kind: "ClusterRole", name: name, namespace: "").contains(where: { ruleMatches($0, attributes) }) {
                return true
            }
        }
        guard !attributes.namespace.isEmpty, attributes.path == nil else { return false }
        for binding in store.list("rbac.authorization.k8s.io/rolebindings", namespace: attributes.namespace)
        where subjectsMatch(binding, user: user, bindingNamespace: attributes.namespace) {
            guard let ref = binding["roleRef"], let kind = ref["kind"]?.stringValue,
                  let name = ref["name"]?.stringValue else { continue }
            if rules(kind: kind, name: name, namespace: attributes.namespace).contains(where: { ruleMatches($0, attributes) }) {
                return true
            }
        }
        return false
    }

    static func subjectsMatch(_ binding: JSONObject, user: UserInfo, bindingNamespace: String?) -> Bool {
        for subject in binding["subjects"]?.arrayValue ?? [] {
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "User": if name == user.name { return true }
            case "Group": if user.groups.contains(name) { return true }
            case "ServiceAccount":
                let namespace = subject["namespace"]?.stringValue ?? bindingNamespace ?? ""
                if !namespace.isEmpty, user.name == "system:serviceaccount:\(namespace):\(name)" { return true }
            default: continue
            }
        }
        return false
    }

    static func ruleMatches(_ rule: JSONValue, _ attributes: Attributes) -> Bool {
        func strings(_ key: String) -> [String] { rule[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let verbs = strings("verbs")
        guard verbs.contains("*") || verbs.contains(attributes.verb) else { return false }
        if let path = attributes.path {
            return strings("nonResourceURLs").contains { url in
                url == "*" || url == path || (url.hasSuffix("*") && path.hasPrefix(String(url.dropLast())))
            }
        }
        let groups = strings("apiGroups")
        guard groups.contains("*") || groups.contains(attributes.group) else { return false }
        let resources = strings("resources")
        let combined = attributes.subresource.isEmpty ? attributes.resource : "\(attributes.resource)/\(attributes.subresource)"
        let resourceMatch = resources.contains { entry in
            if entry == "*" || entry == combined { return true }
            return !attributes.subresource.isEmpty && entry == "*/\(attributes.subresource)"
        }
        guard resourceMatch else { return false }
        let names = strings("resourceNames")
        return names.isEmpty || (!attributes.name.isEmpty && names.contains(attributes.name))
    }
}
