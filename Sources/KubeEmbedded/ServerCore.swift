import KubeModel
import NIOConcurrencyHelpers
import YAML

/// The request-independent state of the server and the entry point of request handling.
/// All state is guarded by `lock`; handlers run under it.
final class ServerCore: @unchecked Sendable {
    let lock = NIOLock()
    var registry = ResourceRegistry()
    let store: ObjectStore
    var tokens: [String: IssuedToken] = [:]
    let adminToken: String
    let maxBodyBytes: Int
    /// Changes whenever discovery/OpenAPI change (CRDs), for OpenAPI hashes.
    var discoveryGeneration = 1
    /// The workload simulator's settings.
    var simulator = WorkloadSimulator()
    /// Injected faults.
    var faults = FaultInjection.none
    /// `Warning` headers collected while handling the current request.
    var warnings: [String] = []
    /// Where the store is persisted (nil: memory only).
    var dataDirectory: String?
    /// The revision last written to `dataDirectory`.
    var savedRevision: Int64 = -1

    init(adminToken: String, historyLimit: Int, maxBodyBytes: Int) {
        self.adminToken = adminToken
        store = ObjectStore(historyLimit: historyLimit)
        self.maxBodyBytes = maxBodyBytes
        seed()
    }

    /// Handles one request.
    func handle(_ request: APIRequest) -> APIResponse {
        lock.withLock {
            warnings = []
            let response: APIResponse
            do throws(APIError) {
                response = try route(request)
            } catch {
                response = .error(error)
            }
            persistIfChanged()
            guard !warnings.isEmpty, case .full(let status, var headers, let body) = response else { return response }
            for warning in warnings {
                let escaped = warning.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"")
                headers.append(("Warning", "299 - \"\(escaped)\""))
            }
            return .full(status: status, headers: headers, body: body)
        }
    }

    // MARK: Routing

    private func route(_ request: APIRequest) throws(APIError) -> APIResponse {
        if !faults.errorRates.isEmpty {
            let verb = RequestInfo(method: request.method, path: request.path, query: request.query)?.verb ?? "get"
            if let failure = faults.failure(verb: verb) { return failure }
        }
        let user = try authenticate(request)
        let identity = try impersonate(request, as: user)
        try checkAccept(request)
        let path = request.path
        if let info = RequestInfo(method: request.method, path: path, query: request.query), !info.resource.isEmpty {
            return try handleResource(request, info, user: identity)
        }
        try authorizeNonResource(identity, path: path, verb: request.method == "GET" || request.method == "HEAD" ? "get" : request.method.lowercased())
        guard request.method == "GET" || request.method == "HEAD" else { throw APIError.unknownPath }
        return try nonResource(request)
    }

    private func nonResource(_ request: APIRequest) throws(APIError) -> APIResponse {
        let parts = request.path.split(separator: "/").map(String.init)
        switch parts.count {
        case 0:
            let paths: [JSONValue] = ["/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version"]
            return .json(200, ["paths": .array(paths)])
        case 1 where ["healthz", "livez", "readyz"].contains(parts[0]):
            return .full(status: 200, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array("ok".utf8))
        case 1 where parts[0] == "version":
            return .json(200, Discovery.version)
        case 1 where parts[0] == "api":
            return discoveryRoot(request, core: true)
        case 1 where parts[0] == "apis":
            return discoveryRoot(request, core: false)
        case 2 where parts[0] == "api":
            guard parts[1] == "v1" else { throw APIError.unknownPath }
            return .json(200, Discovery.resourceList(registry, group: "", version: "v1"))
        case 2 where parts[0] == "apis":
            guard let group = registry.groups.first(where: { $0.name == parts[1] }) else { throw APIError.unknownPath }
            return .json(200, Discovery.apiGroup(name: group.name, versions: group.versions))
        case 3 where parts[0] == "apis":
            guard registry.groups.contains(where: { $0.name == parts[1] && $0.versions.contains(parts[2]) }) else {
                throw APIError.unknownPath
            }
            return .json(200, Discovery.resourceList(registry, group: parts[1], version: parts[2]))
        default:
            if parts.first == "openapi" { return try OpenAPI.serve(parts, registry: registry, generation: discoveryGeneration) }
            throw APIError.unknownPath
        }
    }

    private func discoveryRoot(_ request: APIRequest, core: Bool) -> APIResponse {
        let accept = request.header("accept") ?? ""
        if accept.contains("as=APIGroupDiscoveryList") {
            return .full(
                status: 200,
                headers: [("Content-Type", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")],
                body: JSON.encodeToBytes(Discovery.aggregated(registry, core: core)))
        }
        return .json(200, core ? Discovery.apiVersions : Discovery.apiGroupList(registry))
    }

    private func checkAccept(_ request: APIRequest) throws(APIError) {
        guard let accept = request.header("accept"), !accept.isEmpty else { return }
        let types = accept.split(separator: ",").map { $0.split(separator: ";").first.map { String($0).trimmingSpaces } ?? "" }
        let acceptable = types.contains { type in
            type == "*/*" || type == "application/*" || type == "application/json" || type == "application/yaml"
                || type == "text/plain" || type.hasPrefix("text/")
        }
        if !acceptable { throw APIError.notAcceptable }
    }

    // MARK: Authentication

    private func authenticate(_ request: APIRequest) throws(APIError) -> UserInfo {
        guard let header = request.header("authorization") else { return .anonymous }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw APIError.unauthorized }
        let token = String(parts[1]).trimmingSpaces
        if token == adminToken { return .admin }
        guard let issued = tokens[token], issued.expires > Timestamp.now() else { throw APIError.unauthorized }
        guard let account = store.get("/serviceaccounts", ObjectKey(namespace: issued.namespace, name: issued.serviceAccount)),
              KubeObject(account).uid == issued.uid else {
            tokens[token] = nil
            throw APIError.unauthorized
        }
        return .serviceAccount(namespace: issued.namespace, name: issued.serviceAccount, uid: issued.uid)
    }

    /// Applies `Impersonate-*` headers (spec §9.1).
    private func impersonate(_ request: APIRequest, as requester: UserInfo) throws(APIError) -> UserInfo {
        let user = request.header("impersonate-user")
        let groups = request.headerValues("impersonate-group")
        let uid = request.header("impersonate-uid")
        let hasExtra = request.headers.contains { $0.name.hasPrefix("impersonate-extra-") }
        guard let user else {
            if !groups.isEmpty || uid != nil || hasExtra {
                throw APIError(code: 500, reason: "InternalError",
                               message: "Internal Server Error: \"\(request.path)\": requested \(groups) without impersonating a user")
            }
            return requester
        }
        func require(_ attributes: Attributes, _ display: String) throws(APIError) {
            guard RBAC.allowed(requester, attributes, store: store) else {
                throw APIError.forbidden(
                    attributes.resource, name: attributes.name, group: attributes.group, user: requester.name,
                    verb: "impersonate", resourceDisplay: display, namespace: attributes.namespace)
            }
        }
        var identity: UserInfo
        if let account = UserInfo.parseServiceAccount(user) {
            try require(Attributes(verb: "impersonate", resource: "serviceaccounts", namespace: account.namespace, name: account.name),
                        "serviceaccounts")
            identity = UserInfo(name: user, groups: groups.isEmpty
                ? ["system:serviceaccounts", "system:serviceaccounts:\(account.namespace)"] : groups)
        } else {
            try require(Attributes(verb: "impersonate", resource: "users", name: user), "users")
            identity = UserInfo(name: user, groups: groups)
        }
        for group in groups {
            try require(Attributes(verb: "impersonate", resource: "groups", name: group), "groups")
        }
        if let uid {
            try require(Attributes(verb: "impersonate", group: "authentication.k8s.io", resource: "uids", name: uid), "uids")
            identity.uid = uid
        }
        for header in request.headers where header.name.hasPrefix("impersonate-extra-") {
            let key = APIRequest.percentDecode(String(header.name.dropFirst("impersonate-extra-".count)), plusAsSpace: false)
                .lowercased()
            try require(Attributes(verb: "impersonate", group: "authentication.k8s.io", resource: "userextras",
                                   subresource: key, name: header.value), "userextras/\(key)")
        }
        if !identity.groups.contains("system:authenticated"), !identity.groups.contains("system:unauthenticated") {
            identity.groups.append(user == "system:anonymous" ? "system:unauthenticated" : "system:authenticated")
        }
        return identity
    }

    private func authorizeNonResource(_ user: UserInfo, path: String, verb: String) throws(APIError) {
        guard !RBAC.allowed(user, Attributes(verb: verb, path: path), store: store) else { return }
        if user == .anonymous, path != "/healthz", path != "/livez", path != "/readyz" { throw APIError.unauthorized }
        throw APIError(code: 403, reason: "Forbidden",
                       message: "forbidden: User \"\(user.name)\" cannot \(verb) path \"\(path)\"", details: [:])
    }

    func authorize(_ user: UserInfo, _ info: RequestInfo, resource: ResourceInfo, verb: String? = nil) throws(APIError) {
        let verb = verb ?? info.verb
        let attributes = Attributes(
            verb: verb, group: resource.group, resource: resource.name, subresource: info.subresource,
            namespace: info.namespace, name: info.name)
        guard !RBAC.allowed(user, attributes, store: store) else { return }
        if user == .anonymous { throw APIError.unauthorized }
        throw APIError.forbidden(
            resource.qualified, name: info.name, group: resource.group, user: user.name, verb: verb,
            resourceDisplay: info.resourcePath, namespace: info.namespace)
    }

    // MARK: Seed state

    private func seed() {
        for namespace in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let object: JSONObject = [
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": ["name": .string(namespace), "labels": ["kubernetes.io/metadata.name": .string(namespace)]],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
            store.put("/namespaces", stamped(object))
            store.put("/serviceaccounts", stamped([
                "apiVersion": "v1", "kind": "ServiceAccount",
                "metadata": ["name": "default", "namespace": .string(namespace)],
            ]))
        }
        let rbacGroup = "rbac.authorization.k8s.io"
        store.put("\(rbacGroup)/clusterroles", stamped([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": ["name": "cluster-admin"],
            "rules": [
                ["apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]],
                ["nonResourceURLs": ["*"], "verbs": ["*"]],
            ],
        ]))
        store.put("\(rbacGroup)/clusterroles", stamped([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": ["name": "system:discovery"],
            "rules": [[
                "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                                    "/readyz", "/version", "/version/"],
                "verbs": ["get"],
            ]],
        ]))
        store.put("\(rbacGroup)/clusterroles", stamped([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
            "metadata": ["name": "system:basic-user"],
            "rules": [[
                "apiGroups": ["authorization.k8s.io"], "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                "verbs": ["create"],
            ]],
        ]))
        let read: JSONValue = ["get", "list", "watch"]
        let write: JSONValue = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
        let workloads: JSONValue = [
            "configmaps", "secrets", "services", "serviceaccounts", "pods", "persistentvolumeclaims", "events", "endpoints",
            "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "leases",
            "deployments/status", "statefulsets/status", "jobs/status", "pods/status", "services/status",
        ]
        let groups: JSONValue = ["", "apps", "batch", "coordination.k8s.io", "events.k8s.io"]
        let userRoles: [(String, [JSONValue])] = [
            ("view", [["apiGroups": groups, "resources": workloads, "verbs": read]]),
            ("edit", [["apiGroups": groups, "resources": workloads, "verbs": write],
                      ["apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]]]),
            ("admin", [["apiGroups": groups, "resources": workloads, "verbs": write],
                       ["apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]],
                       ["apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles", "rolebindings"], "verbs": write]]),
        ]
        for (name, rules) in userRoles {
            store.put("\(rbacGroup)/clusterroles", stamped([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                "metadata": ["name": .string(name)], "rules": .array(rules),
            ]))
        }
        for (name, role) in [("system:discovery", "system:discovery"), ("system:basic-user", "system:basic-user")] {
            store.put("\(rbacGroup)/clusterrolebindings", stamped([
                "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                "metadata": ["name": .string(name)],
                "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(role)],
                "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:authenticated"]],
            ]))
        }
        store.put("\(rbacGroup)/clusterrolebindings", stamped([
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
            "metadata": ["name": "cluster-admin"],
            "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"],
            "subjects": [["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": "system:masters"]],
        ]))
    }

    /// Adds uid and creationTimestamp to a seed object.
    private func stamped(_ object: JSONObject) -> JSONObject {
        var object = object
        object["metadata", default: [:]]["uid"] = .string(Random.uuid())
        object["metadata", default: [:]]["creationTimestamp"] = .string(Timestamp.now().rfc3339)
        return object
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice = slice.dropFirst() }
        while slice.last == " " || slice.last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Random identifiers.
enum Random {
    static func uuid() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0f | 0x40
        bytes[8] = bytes[8] & 0x3f | 0x80
        let hex = bytes.map { String($0, radix: 16).leftPadded(2) }
        return hex[0..<4].joined() + "-" + hex[4..<6].joined() + "-" + hex[6..<8].joined() + "-"
            + hex[8..<10].joined() + "-" + hex[10..<16].joined()
    }

    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16).leftPadded(2) }.joined()
    }

    /// Five characters from apiserver's generateName alphabet.
    static func nameSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
