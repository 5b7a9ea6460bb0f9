public import Curl
import Foundation
public import KubeAPI

/// How a request authenticates.
public enum Credentials: Sendable, Hashable {
    case none
    /// `Authorization: Bearer <token>`.
    case bearerToken(String)
    /// A bearer token read from a file, re-read periodically and after a 401 (rotated service-account tokens).
    case bearerTokenFile(String)
    /// `Authorization: Basic`.
    case basic(username: String, password: String)
    /// Tokens minted through TokenRequest for a ServiceAccount, renewed before expiry and after a 401.
    case serviceAccount(ServiceAccountTokenSource)
}

/// Everything the live client needs to reach one API server.
public struct ClientConfiguration: Sendable, Hashable {
    /// `https://host:port` (a path prefix is kept), without a trailing slash.
    public var server: String
    public var tls: TLSConfiguration
    /// `proxy-url` of the cluster; `nil` lets libcurl read the proxy environment variables.
    public var proxyURL: String?
    public var credentials: Credentials
    /// The namespace used when a namespaced call gives none.
    public var namespace: String
    /// Act as another identity (`as`/`as-groups` in kubeconfig, or set by the caller).
    public var impersonation: Impersonation?
    /// Client-side rate limit (requests per second; 0 disables) and burst.
    public var qps: Double
    public var burst: Int
    /// Limit on each non-watch request.
    public var timeout: Duration
    public var connectTimeout: Duration
    public var retry: RetryPolicy
    public var userAgent: String
    /// How long a token read from ``Credentials/bearerTokenFile(_:)`` is used before the file is read again.
    public var tokenFileRefreshInterval: Duration

    public init(server: String, tls: TLSConfiguration = TLSConfiguration(), proxyURL: String? = nil,
                credentials: Credentials = .none,
                namespace: String = "default", impersonation: Impersonation? = nil, qps: Double = 50, burst: Int = 100,
                timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), retry: RetryPolicy = RetryPolicy(),
                userAgent: String = "stageset-kubeclient", tokenFileRefreshInterval: Duration = .seconds(60)) {
        var server = server
        while server.hasSuffix("/") { server.removeLast() }
        self.server = server
        self.tls = tls
        self.proxyURL = proxyURL
        self.credentials = credentials
        self.namespace = namespace
        self.impersonation = impersonation
        self.qps = qps
        self.burst = burst
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.retry = retry
        self.userAgent = userAgent
        self.tokenFileRefreshInterval = tokenFileRefreshInterval
    }

    /// The configuration of one context of `config` (`context` nil: the current context), with an optional
    /// namespace override.
    public init(kubeConfig config: KubeConfig, context: String? = nil, namespace: String? = nil) throws(KubeConfigError) {
        let contextName = (context?.isEmpty == false ? context : nil) ?? config.currentContext
        guard !contextName.isEmpty else { throw KubeConfigError("no context chosen and no current-context set") }
        guard let chosen = config.contexts[contextName] else {
            throw KubeConfigError("context \"\(contextName)\" does not exist")
        }
        guard let cluster = config.clusters[chosen.cluster] else {
            throw KubeConfigError("cluster \"\(chosen.cluster)\" of context \"\(contextName)\" does not exist")
        }
        guard cluster.server.hasPrefix("https://") || cluster.server.hasPrefix("http://") else {
            throw KubeConfigError("cluster \"\(chosen.cluster)\": server \"\(cluster.server)\" is not an http(s) URL")
        }
        let user = chosen.user.isEmpty ? nil : config.users[chosen.user]
        if !chosen.user.isEmpty, user == nil {
            throw KubeConfigError("user \"\(chosen.user)\" of context \"\(contextName)\" does not exist")
        }
        var tls = TLSConfiguration(
            caData: cluster.certificateAuthorityData,
            caFile: cluster.certificateAuthorityData == nil ? cluster.certificateAuthority : nil,
            insecureSkipVerify: cluster.insecureSkipTLSVerify)
        var credentials = Credentials.none
        var impersonation: Impersonation?
        // client-go reads credentials only for TLS servers.
        if let user, cluster.server.hasPrefix("https://") {
            tls.clientCertificate = user.clientCertificateData
            tls.clientCertificateFile = user.clientCertificateData == nil ? user.clientCertificate : nil
            tls.clientKey = user.clientKeyData
            tls.clientKeyFile = user.clientKeyData == nil ? user.clientKey : nil
            if let token = user.token, !token.isEmpty {
                credentials = .bearerToken(token)
            } else if let file = user.tokenFile {
                credentials = .bearerTokenFile(file)
            } else if let username = user.username, let password = user.password {
                credentials = .basic(username: username, password: password)
            } else if user.usesPlugin, tls.clientCertificate == nil, tls.clientCertificateFile == nil {
                throw KubeConfigError("user \"\(chosen.user)\": exec and auth-provider credential plugins are not supported")
            }
        }
        if let user, let name = user.impersonate, !name.isEmpty {
            impersonation = Impersonation(user: name, groups: user.impersonateGroups, uid: user.impersonateUID)
        }
        let ns = (namespace?.isEmpty == false ? namespace : nil) ?? chosen.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        self.init(server: cluster.server, tls: tls, proxyURL: cluster.proxyURL, credentials: credentials, namespace: ns,
                  impersonation: impersonation)
    }

    /// The in-cluster configuration: `KUBERNETES_SERVICE_HOST`/`_PORT`, and the ServiceAccount token (re-read on
    /// rotation), CA and namespace under `directory`.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(KubeConfigError) -> ClientConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigError("unable to load in-cluster configuration, KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined")
        }
        let tokenFile = directory + "/token"
        guard FileManager.default.isReadableFile(atPath: tokenFile) else {
            throw KubeConfigError("in-cluster token \(tokenFile) is not readable")
        }
        let namespace = (try? String(contentsOfFile: directory + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let ca = directory + "/ca.crt"
        return ClientConfiguration(
            server: "https://\(hostPart):\(port)",
            tls: TLSConfiguration(caFile: FileManager.default.fileExists(atPath: ca) ? ca : nil),
            credentials: .bearerTokenFile(tokenFile), namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default")
    }

    /// Loads configuration as kubectl does: `kubeconfig` alone when given, else the merged `KUBECONFIG` files, else
    /// `~/.kube/config`, else the in-cluster configuration.
    public static func load(
        kubeconfig: String? = nil, context: String? = nil, namespace: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        inClusterDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount"
    ) throws(KubeConfigError) -> ClientConfiguration {
        let files = try KubeConfig.files(explicit: kubeconfig, environment: environment)
        if files.isEmpty {
            var configuration = try inCluster(environment: environment, directory: inClusterDirectory)
            if let namespace, !namespace.isEmpty { configuration.namespace = namespace }
            return configuration
        }
        var configs: [KubeConfig] = []
        for file in files { configs.append(try KubeConfig(file: file)) }
        return try ClientConfiguration(kubeConfig: KubeConfig.merged(configs), context: context, namespace: namespace)
    }
}
