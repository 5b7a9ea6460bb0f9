import Foundation
import KubeModel
import YAML

/// A kubeconfig (clientcmd `Config`): named clusters, users and contexts, possibly merged from several files.
public struct KubeConfig: Sendable, Hashable {
    public struct Cluster: Sendable, Hashable {
        public var server: String
        public var certificateAuthority: String?
        public var certificateAuthorityData: [UInt8]?
        public var insecureSkipTLSVerify: Bool
        public var tlsServerName: String?
        public var proxyURL: String?
    }

    public struct User: Sendable, Hashable {
        public var token: String?
        public var tokenFile: String?
        public var clientCertificate: String?
        public var clientCertificateData: [UInt8]?
        public var clientKey: String?
        public var clientKeyData: [UInt8]?
        public var username: String?
        public var password: String?
        /// `as`: impersonate this user.
        public var impersonate: String?
        public var impersonateGroups: [String]
        public var impersonateUID: String?
        /// Whether the user is an `exec` or `auth-provider` plugin entry (not supported by this client).
        public var usesPlugin: Bool
    }

    public struct Context: Sendable, Hashable {
        public var cluster: String
        public var user: String
        public var namespace: String?

        public init(cluster: String, user: String, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    public var clusters: [String: Cluster] = [:]
    public var users: [String: User] = [:]
    public var contexts: [String: Context] = [:]
    public var currentContext: String = ""

    public init() {}

    /// Parses one kubeconfig document; relative file paths are resolved against `directory`.
    public init(yaml text: String, directory: String? = nil) throws(KubeConfigError) {
        let value: JSONValue
        do {
            value = try YAML.decode(text)
        } catch {
            throw KubeConfigError("kubeconfig is not valid YAML: \(error)")
        }
        if value.isNull { return }
        guard value.objectValue != nil else { throw KubeConfigError("kubeconfig is not a mapping") }
        currentContext = value["current-context"]?.stringValue ?? ""
        func resolve(_ path: String?) -> String? {
            guard let path, !path.isEmpty else { return nil }
            guard let directory, !path.hasPrefix("/") else { return path }
            return directory + "/" + path
        }
        for (name, entry) in try Self.named(value["clusters"], "cluster") {
            guard let server = entry["server"]?.stringValue else { throw KubeConfigError("cluster \"\(name)\" has no server") }
            clusters[name] = Cluster(
                server: server, certificateAuthority: resolve(entry["certificate-authority"]?.stringValue),
                certificateAuthorityData: try Self.base64(entry["certificate-authority-data"], "cluster \(name)"),
                insecureSkipTLSVerify: entry["insecure-skip-tls-verify"]?.boolValue ?? false,
                tlsServerName: entry["tls-server-name"]?.stringValue, proxyURL: entry["proxy-url"]?.stringValue)
        }
        for (name, entry) in try Self.named(value["users"], "user") {
            users[name] = User(
                token: entry["token"]?.stringValue, tokenFile: resolve(entry["tokenFile"]?.stringValue),
                clientCertificate: resolve(entry["client-certificate"]?.stringValue),
                clientCertificateData: try Self.base64(entry["client-certificate-data"], "user \(name)"),
                clientKey: resolve(entry["client-key"]?.stringValue),
                clientKeyData: try Self.base64(entry["client-key-data"], "user \(name)"),
                username: entry["username"]?.stringValue, password: entry["password"]?.stringValue,
                impersonate: entry["as"]?.stringValue,
                impersonateGroups: entry["as-groups"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                impersonateUID: entry["as-uid"]?.stringValue,
                usesPlugin: (entry["exec"].map { !$0.isNull } ?? false) || (entry["auth-provider"].map { !$0.isNull } ?? false))
        }
        for (name, entry) in try Self.named(value["contexts"], "context") {
            contexts[name] = Context(
                cluster: entry["cluster"]?.stringValue ?? "", user: entry["user"]?.stringValue ?? "",
                namespace: entry["namespace"]?.stringValue)
        }
    }

    /// Reads and parses one file.
    public init(file path: String) throws(KubeConfigError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw KubeConfigError("cannot read kubeconfig \(path): \(error.localizedDescription)")
        }
        do {
            try self.init(yaml: text, directory: (path as NSString).deletingLastPathComponent)
        } catch {
            throw KubeConfigError("\(path): \(error.message)")
        }
    }

    /// Merges configs as kubectl merges the files of `KUBECONFIG`: the first to define a cluster, user or
    /// context name wins, and the first non-empty `current-context` wins.
    public static func merged(_ configs: [KubeConfig]) -> KubeConfig {
        var result = KubeConfig()
        for config in configs {
            result.clusters.merge(config.clusters) { first, _ in first }
            result.users.merge(config.users) { first, _ in first }
            result.contexts.merge(config.contexts) { first, _ in first }
            if result.currentContext.isEmpty { result.currentContext = config.currentContext }
        }
        return result
    }

    /// The files kubectl would read: `explicit` alone, else the existing entries of `KUBECONFIG` (`:`-separated,
    /// duplicates dropped), else `~/.kube/config` when it exists. Empty when there is nothing to read.
    public static func files(explicit: String?, environment: [String: String]) throws(KubeConfigError) -> [String] {
        if let explicit, !explicit.isEmpty {
            guard FileManager.default.fileExists(atPath: explicit) else {
                throw KubeConfigError("kubeconfig \(explicit) does not exist")
            }
            return [explicit]
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            var seen: Set<String> = []
            return list.split(separator: ":").map(String.init).filter { path in
                !path.isEmpty && FileManager.default.fileExists(atPath: path) && seen.insert(path).inserted
            }
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = home + "/.kube/config"
        return FileManager.default.fileExists(atPath: path) ? [path] : []
    }

    private static func named(_ list: JSONValue?, _ field: String) throws(KubeConfigError) -> [(String, JSONValue)] {
        guard let list, !list.isNull else { return [] }
        guard let items = list.arrayValue else { throw KubeConfigError("\(field)s is not a list") }
        var result: [(String, JSONValue)] = []
        for item in items {
            guard let name = item["name"]?.stringValue, !name.isEmpty else {
                throw KubeConfigError("a \(field) entry has no name")
            }
            let body = item[field] ?? [:]
            guard body.isNull || body.objectValue != nil else { throw KubeConfigError("\(field) \"\(name)\" is not a mapping") }
            result.append((name, body.isNull ? [:] : body))
        }
        return result
    }

    private static func base64(_ value: JSONValue?, _ owner: String) throws(KubeConfigError) -> [UInt8]? {
        guard let text = value?.stringValue, !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw KubeConfigError("\(owner): invalid base64 data")
        }
        return Array(data)
    }
}

/// A kubeconfig or in-cluster configuration that cannot be used.
public struct KubeConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
