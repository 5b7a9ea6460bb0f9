public import Curl
import Foundation
public import KubeAPI
public import KubeModel

/// The live ``KubernetesClient`` over libcurl.
///
/// Copies made by ``impersonating(_:)`` and ``authenticating(with:)`` share the connection pool, the rate limiter
/// and the REST mapper.
public final class KubeClient: KubernetesClient {
    public let configuration: ClientConfiguration
    public let mapper: any RESTMapper
    /// The discovery-backed mapper, unless a mapper was supplied.
    public let discovery: DiscoveryRESTMapper?
    let executor: RequestExecutor
    /// How this copy authenticates.
    public let credentials: Credentials
    let impersonation: Impersonation?
    /// Limit on each non-watch request of this copy.
    public let timeout: Duration

    /// - Parameter mapper: resolves kinds; `nil` reads the server's discovery documents.
    public init(configuration: ClientConfiguration, mapper: (any RESTMapper)? = nil) throws {
        self.configuration = configuration
        executor = try RequestExecutor(configuration: configuration)
        credentials = configuration.credentials
        impersonation = configuration.impersonation
        timeout = configuration.timeout
        if let mapper {
            self.mapper = mapper
            discovery = nil
        } else {
            let executor = executor
            let credentials = configuration.credentials
            let impersonation = configuration.impersonation
            let discovery = DiscoveryRESTMapper { path, accept in
                let response = try await executor.send(
                    method: "GET", path: path, accept: accept, credentials: credentials, impersonation: impersonation)
                return (response.body, response.header("Content-Type") ?? "")
            }
            self.mapper = discovery
            self.discovery = discovery
        }
    }

    /// Loads configuration as kubectl does (see ``ClientConfiguration/load(kubeconfig:context:namespace:environment:inClusterDirectory:)``).
    public convenience init(kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil) throws {
        try self.init(configuration: ClientConfiguration.load(kubeconfig: kubeconfig, context: context, namespace: namespace))
    }

    private init(sharing other: KubeClient, credentials: Credentials, impersonation: Impersonation?, timeout: Duration) {
        configuration = other.configuration
        mapper = other.mapper
        discovery = other.discovery
        executor = other.executor
        self.credentials = credentials
        self.impersonation = impersonation
        self.timeout = timeout
    }

    /// The same client sending `Impersonate-User`/`Impersonate-Group` for `impersonation` (`nil`: none).
    public func impersonating(_ impersonation: Impersonation?) -> any KubernetesClient {
        KubeClient(sharing: self, credentials: credentials, impersonation: impersonation, timeout: timeout)
    }

    /// The same client authenticating with other credentials (e.g. a TokenRequest token), without impersonation.
    public func authenticating(with credentials: Credentials) -> KubeClient {
        KubeClient(sharing: self, credentials: credentials, impersonation: nil, timeout: timeout)
    }

    /// The same client authenticated as a ServiceAccount, with tokens this client mints through TokenRequest
    /// (renewed before they expire and after a 401).
    public func actingAs(serviceAccount name: String, namespace: String, audiences: [String] = [],
                         expirationSeconds: Int64 = 3600) -> KubeClient {
        authenticating(with: .serviceAccount(ServiceAccountTokenSource(
            minter: self, namespace: namespace, name: name, audiences: audiences, expirationSeconds: expirationSeconds)))
    }

    /// The same client with another limit on each non-watch request.
    public func withTimeout(_ timeout: Duration) -> KubeClient {
        KubeClient(sharing: self, credentials: credentials, impersonation: impersonation, timeout: timeout)
    }

    // MARK: Raw requests

    /// Sends a request to `path` (e.g. `/version`) with this client's credentials, limits and retries.
    /// Non-2xx statuses are thrown as ``KubeError``.
    public func send(method: String = "GET", path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
                     contentType: String? = nil, accept: String = "application/json") async throws -> HTTPResponse {
        try await executor.send(method: method, path: path, query: query, body: body, contentType: contentType,
                                accept: accept, timeout: timeout, credentials: credentials, impersonation: impersonation)
    }

    private func decodeObject(_ response: HTTPResponse) throws -> KubeObject {
        let value: JSONValue
        do {
            value = try JSON.decode(response.body)
        } catch {
            throw KubeClientError(.decoding, "response is not JSON: \(error)")
        }
        guard let object = KubeObject(json: value) else { throw KubeClientError(.decoding, "response is not an object") }
        return object
    }

    private func namespace(_ given: String, for mapping: ResourceMapping) -> String? {
        guard mapping.namespaced else { return nil }
        return given.isEmpty ? configuration.namespace : given
    }

    private func path(_ mapping: ResourceMapping, namespace: String, name: String?, subresource: String?) throws -> String {
        try APIPath.path(for: mapping, namespace: self.namespace(namespace, for: mapping), name: name, subresource: subresource)
    }

    // MARK: KubernetesClient

    public func get(_ gvk: GroupVersionKind, namespace: String, name: String, subresource: String?) async throws -> KubeObject {
        let mapping = try await mapper.mapping(for: gvk)
        let response = try await send(path: try path(mapping, namespace: namespace, name: name, subresource: subresource))
        return try decodeObject(response)
    }

    public func list(_ gvk: GroupVersionKind, namespace: String?, options: ListOptions) async throws -> ObjectList {
        let mapping = try await mapper.mapping(for: gvk)
        let path = try APIPath.path(for: mapping, namespace: mapping.namespaced ? namespace : nil, name: nil)
        let response = try await send(path: path, query: options.queryItems)
        let value: JSONValue
        do {
            value = try JSON.decode(response.body)
        } catch {
            throw KubeClientError(.decoding, "list response is not JSON: \(error)")
        }
        var list = try ObjectList(json: value, itemKind: gvk.kind)
        for index in list.items.indices where list.items[index].apiVersion.isEmpty {
            list.items[index].apiVersion = gvk.apiVersion
        }
        return list
    }

    public func watch(_ gvk: GroupVersionKind, namespace: String?, options: WatchOptions) async throws
        -> AsyncThrowingStream<WatchEvent, any Error>
    {
        let mapping = try await mapper.mapping(for: gvk)
        let path = try APIPath.path(for: mapping, namespace: mapping.namespaced ? namespace : nil, name: nil)
        // A server-side timeout bounds the stream; the client gives up a minute later (a dead peer).
        let response = try await executor.stream(
            path: path, query: options.queryItems, timeout: options.timeoutSeconds.map { .seconds(min(max($0, 0), 1 << 40) + 60) },
            credentials: credentials, impersonation: impersonation)
        let (events, continuation) = AsyncThrowingStream<WatchEvent, any Error>.makeStream()
        let executor = executor
        let pump = Task {
            // The transport lives as long as the stream, even if this client is released.
            defer { withExtendedLifetime(executor) {} }
            var decoder = WatchStreamDecoder()
            do {
                for try await chunk in response.body {
                    for document in try decoder.feed(chunk) {
                        var event = try WatchEvent(json: document)
                        if event.object.apiVersion.isEmpty { event.object.apiVersion = gvk.apiVersion }
                        if event.object.kind.isEmpty { event.object.kind = gvk.kind }
                        continuation.yield(event)
                    }
                }
                if Task.isCancelled { throw CancellationError() }
                continuation.finish()
            } catch let error as CurlError {
                continuation.finish(throwing: KubeClientError(.transport, "watch \(path): \(error.message)"))
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in pump.cancel() }
        return events
    }

    public func create(_ object: KubeObject, options: WriteOptions) async throws -> KubeObject {
        let mapping = try await mapper.mapping(for: object.gvk)
        var body = object
        if mapping.namespaced, body.namespace.isEmpty { body.namespace = configuration.namespace }
        let path = try APIPath.path(for: mapping, namespace: mapping.namespaced ? body.namespace : nil, name: nil)
        let response = try await send(
            method: "POST", path: path, query: options.queryItems, body: JSON.encodeToBytes(body.json),
            contentType: "application/json")
        return try decodeObject(response)
    }

    public func update(_ object: KubeObject, subresource: String?, options: WriteOptions) async throws -> KubeObject {
        let mapping = try await mapper.mapping(for: object.gvk)
        var body = object
        if mapping.namespaced, body.namespace.isEmpty { body.namespace = configuration.namespace }
        let response = try await send(
            method: "PUT", path: try path(mapping, namespace: body.namespace, name: body.name, subresource: subresource),
            query: options.queryItems, body: JSON.encodeToBytes(body.json), contentType: "application/json")
        return try decodeObject(response)
    }

    public func patch(_ gvk: GroupVersionKind, namespace: String, name: String, patch: Patch, subresource: String?,
                      options: WriteOptions) async throws -> KubeObject {
        let mapping = try await mapper.mapping(for: gvk)
        let response = try await send(
            method: "PATCH", path: try path(mapping, namespace: namespace, name: name, subresource: subresource),
            query: options.queryItems, body: JSON.encodeToBytes(patch.body), contentType: patch.contentType)
        return try decodeObject(response)
    }

    public func apply(_ object: KubeObject, subresource: String?, options: ApplyOptions) async throws -> KubeObject {
        let mapping = try await mapper.mapping(for: object.gvk)
        var body = object
        // The server rejects an apply body that carries managedFields.
        body.setValue(nil, at: ["metadata", "managedFields"])
        if mapping.namespaced, body.namespace.isEmpty { body.namespace = configuration.namespace }
        let response = try await send(
            method: "PATCH", path: try path(mapping, namespace: body.namespace, name: body.name, subresource: subresource),
            query: options.queryItems, body: JSON.encodeToBytes(body.json), contentType: "application/apply-patch+yaml")
        return try decodeObject(response)
    }

    public func delete(_ gvk: GroupVersionKind, namespace: String, name: String, options: DeleteOptions) async throws
        -> DeleteResult
    {
        let mapping = try await mapper.mapping(for: gvk)
        let response = try await send(
            method: "DELETE", path: try path(mapping, namespace: namespace, name: name, subresource: nil),
            query: options.queryItems, body: JSON.encodeToBytes(options.body), contentType: "application/json")
        let object = try decodeObject(response)
        if object.kind == "Status" { return .deleted }
        return object.isBeingDeleted ? .pending(object) : .deleted
    }

    public func create(subresource: String, of gvk: GroupVersionKind, namespace: String, name: String, body: JSONValue,
                       options: WriteOptions) async throws -> JSONValue {
        let mapping = try await mapper.mapping(for: gvk)
        let response = try await send(
            method: "POST", path: try path(mapping, namespace: namespace, name: name, subresource: subresource),
            query: options.queryItems, body: JSON.encodeToBytes(body), contentType: "application/json")
        do {
            return try JSON.decode(response.body)
        } catch {
            throw KubeClientError(.decoding, "response is not JSON: \(error)")
        }
    }
}
