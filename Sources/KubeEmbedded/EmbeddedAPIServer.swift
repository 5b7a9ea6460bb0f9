import Foundation
import KubeModel
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// An in-process, Kubernetes-API-compatible HTTPS server on loopback, for end-to-end tests and the
/// controller's no-cluster default. kubectl v1.32 and our KubeClient can drive it.
///
/// Semantics follow `kube-api-server.md`: discovery, OpenAPI v3 stubs, CRUD with a global
/// resourceVersion, watch, patches, server-side apply, finalizers and GC, CRDs, RBAC, impersonation
/// and TokenRequest.
///
/// ```swift
/// let server = try EmbeddedAPIServer()
/// try await server.start()                      // https://127.0.0.1:<ephemeral>
/// try server.writeKubeconfig(to: path)           // admin token, CA data embedded
/// defer { Task { try await server.shutdown() } }
/// ```
///
/// Where it knowingly differs from kube-apiserver:
/// - JSON only; protobuf request bodies are decoded for the few kinds kubectl's typed commands send
///   (ConfigMap, Secret, Namespace, ServiceAccount, SelfSubjectAccessReview, TokenRequest).
/// - Foreground propagation holds the owner (finalizer `foregroundDeletion`) until its `blockOwnerDeletion`
///   dependents are gone; Orphan propagation releases the dependents at once instead of through an `orphan` finalizer.
/// - Built-in kinds are not validated or defaulted beyond names, the immutable fields of spec §12 and
///   Service cluster IPs; custom resources get schema pruning, defaults, and type/enum/bounds/length/
///   required/`pattern`/`date-time` checks (patterns run on Swift's regex engine, not RE2), and `x-kubernetes-validations` CEL rules
///   (transition rules only outside lists); a rule that fails to evaluate is skipped.
/// - Server-side apply tracks ownership per field path with list types from the built-in patch schema
///   and CRD schemas; maps are granular unless marked atomic; there is no `ancient-changes` capping.
/// - The workload simulator (``WorkloadSimulator``) stands in for the controllers and the kubelet.
public final class EmbeddedAPIServer: Sendable {
    /// Tunables.
    public struct Options: Sendable {
        /// Events kept for watch resumption; older resourceVersions get 410 Expired.
        public var watchHistoryLimit: Int = 1_000
        /// Watch events that may wait for a slow client before its stream is dropped.
        public var watchBufferLimit: Int = 1_000
        /// Largest accepted request body (413 beyond), as kube-apiserver's 3 MiB.
        public var maxBodyBytes: Int = 3 * 1024 * 1024
        /// The admin bearer token; random when nil.
        public var adminToken: String? = nil
        /// The workload simulator (on by default, no delay).
        public var simulator = WorkloadSimulator()
        /// Injected faults (none by default).
        public var faults = FaultInjection.none
        /// When set, objects are saved to `<dataDirectory>/state.json` after every change and loaded at start-up;
        /// the CA, serving key and admin token are kept there too, so a kubeconfig stays valid across restarts.
        public var dataDirectory: String? = nil

        /// The defaults: simulator on, no faults, memory only, random admin token.
        public init() {}
    }

    /// The bearer token of the `kubernetes-admin` identity (group `system:masters`).
    public let adminToken: String
    /// PEM of the CA that signed the serving certificate.
    public let caCertificatePEM: String

    let core: ServerCore
    private let certificates: ServingCertificates
    private let watchBufferLimit: Int
    private let state = NIOLockedValueBox<(channel: (any Channel)?, children: [ObjectIdentifier: any Channel])>((nil, [:]))

    /// Generates the CA and serving certificate; call ``start(host:port:)`` to listen.
    public init(options: Options = Options()) throws {
        var token = options.adminToken ?? Random.token()
        var certificates: ServingCertificates
        if let directory = options.dataDirectory {
            // A data directory keeps the CA, serving key and admin token too, so kubeconfigs survive restarts.
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            certificates = try ServingCertificates.loadOrGenerate(in: directory)
            let tokenPath = directory + "/admin-token"
            if options.adminToken == nil, let saved = try? String(contentsOfFile: tokenPath, encoding: .utf8),
               !saved.isEmpty {
                token = saved.trimmingSpaces.replacingAll("\n", with: "")
            } else {
                try Data(token.utf8).write(to: URL(fileURLWithPath: tokenPath), options: .atomic)
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tokenPath)
            }
        } else {
            certificates = try ServingCertificates.generate()
        }
        adminToken = token
        self.certificates = certificates
        caCertificatePEM = certificates.caPEM
        core = ServerCore(adminToken: token, historyLimit: options.watchHistoryLimit, maxBodyBytes: options.maxBodyBytes)
        watchBufferLimit = max(1, options.watchBufferLimit)
        core.simulator = options.simulator
        core.faults = options.faults
        if let directory = options.dataDirectory {
            try core.lock.withLock { try core.load(from: directory) }
        }
    }

    /// Binds and starts serving HTTPS on `host:port` (0 picks an ephemeral port).
    public func start(host: String = "127.0.0.1", port: Int = 0) async throws {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificates.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(certificates.privateKeyPEM.utf8), format: .pem)))
        // Closing a connection sends close_notify; an idle keep-alive client (libcurl) answers only when it next
        // reads, so do not wait the default 5 s for it on shutdown.
        configuration.shutdownTimeout = .milliseconds(250)
        let sslContext = try NIOSSLContext(configuration: configuration)
        let core = self.core
        let state = self.state
        let watchBufferLimit = self.watchBufferLimit
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                state.withLockedValue { $0.children[id] = channel }
                channel.closeFuture.whenComplete { _ in state.withLockedValue { _ = $0.children.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPHandler(core: core, watchBufferLimit: watchBufferLimit))
                }
            }
        let channel = try await bootstrap.bind(host: host, port: port).get()
        state.withLockedValue { $0.channel = channel }
    }

    /// The bound port (0 before ``start(host:port:)``).
    public var port: Int { state.withLockedValue { $0.channel?.localAddress?.port ?? 0 } }

    /// `https://127.0.0.1:<port>`.
    public var url: String {
        let host = state.withLockedValue { $0.channel?.localAddress?.ipAddress ?? "127.0.0.1" }
        return "https://\(host):\(port)"
    }

    /// A kubeconfig for the admin identity (CA data embedded, namespace `default`).
    public func kubeconfig(token: String? = nil) -> String {
        let ca = Data(caCertificatePEM.utf8).base64EncodedString()
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: embedded
              cluster:
                server: \(url)
                certificate-authority-data: \(ca)
            contexts:
            - name: embedded
              context:
                cluster: embedded
                user: embedded-admin
                namespace: default
            current-context: embedded
            users:
            - name: embedded-admin
              user:
                token: \(token ?? adminToken)

            """
    }

    /// Writes ``kubeconfig(token:)`` to `path` (mode 0600).
    public func writeKubeconfig(to path: String, token: String? = nil) throws {
        let data = Data(kubeconfig(token: token).utf8)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    /// Handles one request as the admin identity in-process, through the same code path as HTTPS requests
    /// (admission, validation, resourceVersion, watch events). Watch requests are refused (400).
    ///
    /// - Parameters:
    ///   - path: the API path with an optional query, e.g. `/apis/source.toolkit.fluxcd.io/v1/namespaces/a/gitrepositories`.
    ///   - contentType: the body's media type (`application/merge-patch+json` for a merge patch, ...).
    /// - Returns: the HTTP status and the decoded JSON body (nil when the body is empty or not JSON).
    public func adminRequest(_ method: String, _ path: String, body: JSONValue? = nil,
                             contentType: String = "application/json") -> (status: Int, body: JSONValue?) {
        var headers: [(name: String, value: String)] = [("Authorization", "Bearer \(adminToken)"), ("Accept", "application/json")]
        if body != nil { headers.append(("Content-Type", contentType)) }
        let request = APIRequest(method: method, uri: path, headers: headers, body: body.map { JSON.encodeToBytes($0) } ?? [])
        if request.query("watch") == "true" || request.query("watch") == "1" || request.path.hasPrefix("/apis/watch")
            || request.path.hasPrefix("/api/v1/watch") || request.path.contains("/watch/") {
            return (400, nil)
        }
        guard case .full(let status, _, let bytes) = core.handle(request) else { return (400, nil) }
        return (status, bytes.isEmpty ? nil : try? JSON.decode(bytes))
    }

    /// Forgets the watch history so that every older resourceVersion is answered with 410 Expired.
    public func compactWatchHistory() {
        core.lock.withLock { core.store.compact() }
    }

    /// The number of open watch streams (for tests of watcher clean-up).
    public var activeWatchCount: Int { core.lock.withLock { core.store.watcherCount } }

    /// The current global resourceVersion.
    public var currentResourceVersion: String { core.lock.withLock { String(core.store.revision) } }

    /// Changes the workload simulator's settings.
    public func setSimulator(_ simulator: WorkloadSimulator) {
        core.lock.withLock { core.simulator = simulator }
    }

    /// Changes the injected faults.
    public func setFaults(_ faults: FaultInjection) {
        core.lock.withLock { core.faults = faults }
    }

    /// Ends every open watch stream, as a dropped connection or an apiserver restart would.
    public func dropWatchStreams() {
        core.lock.withLock { core.store.endWatchers() }
    }

    /// Serves until the calling task is cancelled (or ``shutdown()`` is called elsewhere), then shuts down.
    /// This is the body of a `dev apiserver` style command: start, write the kubeconfig, print the URL, run.
    public func runUntilCancelled() async throws {
        guard let listener = state.withLockedValue({ $0.channel }) else { return }
        try await withTaskCancellationHandler {
            try await listener.closeFuture.get()
        } onCancel: {
            listener.close(promise: nil)
        }
        try await shutdown()
    }

    /// Ends all watch streams and closes the listener and every connection.
    public func shutdown() async throws {
        core.lock.withLock { core.store.endWatchers() }
        let (listener, children) = state.withLockedValue { value in
            let result = (value.channel, Array(value.children.values))
            value.channel = nil
            return result
        }
        try? await listener?.close().get()
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { try? await child.close().get() } }
        }
    }
}
