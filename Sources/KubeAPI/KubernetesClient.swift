public import KubeModel

/// Who to act as (`Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` headers).
public struct Impersonation: Sendable, Hashable {
    public var user: String
    public var groups: [String]
    public var uid: String?

    public init(user: String, groups: [String] = [], uid: String? = nil) {
        self.user = user
        self.groups = groups
        self.uid = uid
    }

    /// A ServiceAccount identity, `system:serviceaccount:{namespace}:{name}`.
    public static func serviceAccount(namespace: String, name: String) -> Impersonation {
        Impersonation(user: "system:serviceaccount:\(namespace):\(name)")
    }
}

/// The operations a controller needs on the Kubernetes API, for unstructured objects.
///
/// Kinds are named by group/version/kind and resolved to resources by the conformer's REST mapper.
/// Failures the server reports are thrown as ``KubeError``; failures on the client side as ``KubeClientError``.
/// `subresource` is e.g. `"status"`.
public protocol KubernetesClient: Sendable {
    /// Resolves kinds to resources.
    var mapper: any RESTMapper { get }

    /// Reads one object (or a subresource of it).
    func get(_ gvk: GroupVersionKind, namespace: String, name: String, subresource: String?) async throws -> KubeObject

    /// Reads one page of a collection; `namespace` nil or empty lists all namespaces.
    func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws -> ObjectList

    /// Opens one watch stream. It ends when the server closes it; an `ERROR` event is thrown as ``KubeError``
    /// (410 `Expired` means: relist). Ending the iteration closes the connection.
    func watch(_ gvk: GroupVersionKind, namespace: String?, options: WatchOptions) async throws
        -> AsyncThrowingStream<WatchEvent, any Error>

    /// Creates `object` in its namespace; `resourceVersion` must be empty.
    func create(_ object: KubeObject, options: WriteOptions) async throws -> KubeObject

    /// Replaces `object` (or its `subresource`); a non-empty `resourceVersion` makes it conditional.
    func update(_ object: KubeObject, subresource: String?, options: WriteOptions) async throws -> KubeObject

    /// Patches one object (or a subresource of it).
    func patch(_ gvk: GroupVersionKind, namespace: String, name: String, patch: Patch, subresource: String?,
               options: WriteOptions) async throws -> KubeObject

    /// Server-side apply of `object`, the applier's full intent.
    func apply(_ object: KubeObject, subresource: String?, options: ApplyOptions) async throws -> KubeObject

    /// Deletes one object.
    func delete(_ gvk: GroupVersionKind, namespace: String, name: String, options: DeleteOptions) async throws
        -> DeleteResult

    /// POSTs `body` to a subresource of an object (e.g. `serviceaccounts/token`) and returns the response body.
    func create(subresource: String, of gvk: GroupVersionKind, namespace: String, name: String, body: JSONValue,
                options: WriteOptions) async throws -> JSONValue

    /// The same client acting as another identity; `nil` stops impersonating.
    func impersonating(_ impersonation: Impersonation?) -> any KubernetesClient
}

extension KubernetesClient {
    public func get(_ gvk: GroupVersionKind, namespace: String = "", name: String) async throws -> KubeObject {
        try await get(gvk, namespace: namespace, name: name, subresource: nil)
    }

    /// The object, or `nil` when it does not exist.
    public func getIfExists(_ gvk: GroupVersionKind, namespace: String = "", name: String) async throws -> KubeObject? {
        do {
            return try await get(gvk, namespace: namespace, name: name, subresource: nil)
        } catch let error as KubeError where error.isNotFound {
            return nil
        }
    }

    public func list(_ gvk: GroupVersionKind, namespace: String? = nil) async throws -> ObjectList {
        try await list(gvk, namespace: namespace, options: ListOptions())
    }

    /// Lists every page (following `continue` tokens) into one list; `options.limit` is the page size.
    public func listAll(_ gvk: GroupVersionKind, namespace: String? = nil, options: ListOptions = ListOptions(limit: 500))
        async throws -> ObjectList
    {
        var options = options
        var result = try await list(gvk, namespace: namespace, options: options)
        var next = result.continueToken
        while !next.isEmpty {
            try Task.checkCancellation()
            options.continueToken = next
            let page = try await list(gvk, namespace: namespace, options: options)
            result.items += page.items
            next = page.continueToken
        }
        result.continueToken = ""
        result.remainingItemCount = nil
        return result
    }

    public func watch(_ gvk: GroupVersionKind, namespace: String? = nil) async throws
        -> AsyncThrowingStream<WatchEvent, any Error>
    {
        try await watch(gvk, namespace: namespace, options: WatchOptions())
    }

    public func create(_ object: KubeObject) async throws -> KubeObject {
        try await create(object, options: WriteOptions())
    }

    public func update(_ object: KubeObject, options: WriteOptions = WriteOptions()) async throws -> KubeObject {
        try await update(object, subresource: nil, options: options)
    }

    /// Replaces the status of `object` through the `status` subresource.
    public func updateStatus(_ object: KubeObject, options: WriteOptions = WriteOptions()) async throws -> KubeObject {
        try await update(object, subresource: "status", options: options)
    }

    public func patch(_ gvk: GroupVersionKind, namespace: String = "", name: String, patch: Patch,
                      options: WriteOptions = WriteOptions()) async throws -> KubeObject {
        try await self.patch(gvk, namespace: namespace, name: name, patch: patch, subresource: nil, options: options)
    }

    /// Patches the `status` subresource.
    public func patchStatus(_ gvk: GroupVersionKind, namespace: String = "", name: String, patch: Patch,
                            options: WriteOptions = WriteOptions()) async throws -> KubeObject {
        try await self.patch(gvk, namespace: namespace, name: name, patch: patch, subresource: "status", options: options)
    }

    public func apply(_ object: KubeObject, options: ApplyOptions) async throws -> KubeObject {
        try await apply(object, subresource: nil, options: options)
    }

    /// Server-side apply of the `status` subresource.
    public func applyStatus(_ object: KubeObject, options: ApplyOptions) async throws -> KubeObject {
        try await apply(object, subresource: "status", options: options)
    }

    public func delete(_ gvk: GroupVersionKind, namespace: String = "", name: String) async throws -> DeleteResult {
        try await delete(gvk, namespace: namespace, name: name, options: DeleteOptions())
    }

    /// Mints a ServiceAccount token (TokenRequest, `POST .../serviceaccounts/{name}/token`).
    ///
    /// - Parameters:
    ///   - expirationSeconds: the server enforces at least 600.
    public func requestToken(
        serviceAccount name: String, namespace: String, audiences: [String] = [], expirationSeconds: Int64? = nil,
        boundObject: JSONValue? = nil
    ) async throws -> ServiceAccountToken {
        var spec: JSONObject = ["audiences": .array(audiences.map { .string($0) })]
        if let expirationSeconds { spec["expirationSeconds"] = .int(expirationSeconds) }
        if let boundObject { spec["boundObjectRef"] = boundObject }
        let body: JSONValue = [
            "apiVersion": "authentication.k8s.io/v1", "kind": "TokenRequest", "spec": .object(spec),
        ]
        let response = try await create(
            subresource: "token", of: GroupVersionKind(group: "", version: "v1", kind: "ServiceAccount"),
            namespace: namespace, name: name, body: body, options: WriteOptions())
        guard let token = response["status"]?["token"]?.stringValue, !token.isEmpty else {
            throw KubeClientError(.decoding, "TokenRequest response has no status.token")
        }
        let expiry = response["status"]?["expirationTimestamp"]?.stringValue.flatMap { try? Timestamp(parsing: $0) }
        return ServiceAccountToken(
            token: token, expirationTimestamp: expiry,
            audiences: response["spec"]?["audiences"]?.arrayValue?.compactMap(\.stringValue) ?? audiences)
    }
}

/// A token minted by TokenRequest.
public struct ServiceAccountToken: Sendable, Hashable {
    /// The bearer token.
    public var token: String
    public var expirationTimestamp: Timestamp?
    public var audiences: [String]

    public init(token: String, expirationTimestamp: Timestamp?, audiences: [String]) {
        self.token = token
        self.expirationTimestamp = expirationTimestamp
        self.audiences = audiences
    }
}
