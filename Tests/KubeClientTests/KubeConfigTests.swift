import Curl
import Foundation
import KubeAPI
import KubeClient
import Testing

/// kubeconfig parsing, merging as kubectl merges KUBECONFIG, context and namespace choice, in-cluster config.
struct KubeConfigTests {
    let a = Fixtures.path("kubeconfig-a.yaml")
    let b = Fixtures.path("kubeconfig-b.yaml")

    @Test func parsesOneFile() throws {
        let config = try KubeConfig(file: a)
        #expect(config.currentContext == "alpha")
        #expect(config.clusters["alpha-cluster"]?.server == "https://alpha.example:6443")
        #expect(config.clusters["alpha-cluster"]?.certificateAuthorityData == Array("-----BEGIN CERTIFICATE-----\nalpha\n-----END CERTIFICATE-----\n".utf8))
        // Relative paths resolve against the file's directory, absolute ones stay.
        #expect(config.clusters["shared"]?.certificateAuthority == Fixtures.directory + "/certs/ca.crt")
        #expect(config.users["cert-user"]?.clientCertificate == Fixtures.directory + "/certs/client.crt")
        #expect(config.users["cert-user"]?.clientKey == "/abs/client.key")
        #expect(config.users["file-user"]?.tokenFile == Fixtures.directory + "/tokens/token")
        #expect(config.contexts["alpha"] == KubeConfig.Context(cluster: "alpha-cluster", user: "alpha-user", namespace: "team-a"))
    }

    @Test func mergesFirstDefinitionWins() throws {
        let merged = KubeConfig.merged([try KubeConfig(file: a), try KubeConfig(file: b)])
        #expect(merged.currentContext == "alpha")
        #expect(merged.clusters["shared"]?.server == "https://shared-from-a.example")
        #expect(merged.clusters["shared"]?.insecureSkipTLSVerify == false)
        #expect(merged.users["alpha-user"]?.token == "alpha-token")
        #expect(merged.clusters.keys.sorted() == ["alpha-cluster", "beta-cluster", "shared"])
        #expect(merged.contexts.keys.sorted() == ["alpha", "beta", "impersonating", "plugin", "shared"])
        let reversed = KubeConfig.merged([try KubeConfig(file: b), try KubeConfig(file: a)])
        #expect(reversed.currentContext == "beta")
        #expect(reversed.clusters["shared"]?.server == "https://shared-from-b.example")
    }

    @Test func kubeconfigEnvironmentListSkipsMissingAndDuplicates() throws {
        let environment = ["KUBECONFIG": "\(b)::/nonexistent/config:\(a):\(b)", "HOME": "/nonexistent"]
        #expect(try KubeConfig.files(explicit: nil, environment: environment) == [b, a])
        let configuration = try ClientConfiguration.load(environment: environment)
        #expect(configuration.server == "http://127.0.0.1:8080")
        // Plain HTTP: credentials are not sent, as client-go does; impersonation still is.
        #expect(configuration.credentials == .none)
        #expect(configuration.impersonation == Impersonation(user: "jane", groups: ["devs", "ops"]))
        #expect(configuration.namespace == "default")
    }

    @Test func explicitFileWinsOverEnvironment() throws {
        let environment = ["KUBECONFIG": b]
        let configuration = try ClientConfiguration.load(kubeconfig: a, environment: environment)
        #expect(configuration.server == "https://alpha.example:6443")
        #expect(configuration.credentials == .bearerToken("alpha-token"))
        #expect(configuration.namespace == "team-a")
        #expect(configuration.tls.caData?.isEmpty == false)
        #expect(configuration.proxyURL == "http://proxy.example:3128")
        #expect(throws: KubeConfigError.self) { try ClientConfiguration.load(kubeconfig: "/nonexistent/kubeconfig") }
    }

    @Test func homeConfigIsTheDefault() throws {
        let home = try Fixtures.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: home + "/.kube", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: a, toPath: home + "/.kube/config")
        let configuration = try ClientConfiguration.load(environment: ["HOME": home])
        #expect(configuration.server == "https://alpha.example:6443")
    }

    @Test func contextAndNamespaceOverrides() throws {
        let merged = KubeConfig.merged([try KubeConfig(file: a), try KubeConfig(file: b)])
        let shared = try ClientConfiguration(kubeConfig: merged, context: "shared", namespace: "override")
        #expect(shared.server == "https://shared-from-a.example")
        #expect(shared.namespace == "override")
        #expect(shared.tls.caFile == Fixtures.directory + "/certs/ca.crt")
        #expect(shared.tls.clientCertificateFile == Fixtures.directory + "/certs/client.crt")
        #expect(shared.tls.clientKeyFile == "/abs/client.key")
        #expect(shared.credentials == .none)
        let impersonating = try ClientConfiguration(kubeConfig: merged, context: "impersonating")
        #expect(impersonating.namespace == "ops")
        #expect(impersonating.credentials == .bearerToken("beta-token"))
        #expect(impersonating.impersonation == Impersonation(user: "jane", groups: ["devs", "ops"]))
    }

    @Test func errorsNameTheProblem() throws {
        let merged = KubeConfig.merged([try KubeConfig(file: a), try KubeConfig(file: b)])
        #expect(throws: KubeConfigError("context \"missing\" does not exist")) {
            try ClientConfiguration(kubeConfig: merged, context: "missing")
        }
        #expect(throws: KubeConfigError("user \"plugin-user\": exec and auth-provider credential plugins are not supported")) {
            try ClientConfiguration(kubeConfig: merged, context: "plugin")
        }
        #expect(throws: KubeConfigError("no context chosen and no current-context set")) {
            try ClientConfiguration(kubeConfig: KubeConfig())
        }
        #expect(throws: KubeConfigError.self) { try KubeConfig(yaml: "clusters: {a: 1}") }
        #expect(throws: KubeConfigError.self) { try KubeConfig(yaml: "clusters:\n- cluster: {server: x}\n") }
        #expect(throws: KubeConfigError.self) { try KubeConfig(yaml: "clusters:\n- name: x\n  cluster: {}\n") }
        #expect(throws: KubeConfigError.self) {
            try KubeConfig(yaml: "users:\n- name: x\n  user: {client-key-data: '***not base64***'}\n")
        }
        #expect(throws: KubeConfigError.self) { try KubeConfig(yaml: "[unclosed") }
        #expect(try KubeConfig(yaml: "").clusters.isEmpty)
    }

    @Test func inClusterConfiguration() throws {
        let directory = try Fixtures.temporaryDirectory()
        try "token-1\n".write(toFile: directory + "/token", atomically: true, encoding: .utf8)
        try "tenant\n".write(toFile: directory + "/namespace", atomically: true, encoding: .utf8)
        try "pem".write(toFile: directory + "/ca.crt", atomically: true, encoding: .utf8)
        let environment = ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try ClientConfiguration.inCluster(environment: environment, directory: directory)
        #expect(configuration.server == "https://10.0.0.1:443")
        #expect(configuration.credentials == .bearerTokenFile(directory + "/token"))
        #expect(configuration.tls.caFile == directory + "/ca.crt")
        #expect(configuration.namespace == "tenant")
        let v6 = try ClientConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"], directory: directory)
        #expect(v6.server == "https://[fd00::1]:6443")
        // No kubeconfig anywhere: load falls back to in-cluster.
        let loaded = try ClientConfiguration.load(
            environment: environment.merging(["HOME": "/nonexistent"]) { $1 }, inClusterDirectory: directory)
        #expect(loaded.server == "https://10.0.0.1:443")
        #expect(throws: KubeConfigError.self) { try ClientConfiguration.inCluster(environment: [:], directory: directory) }
        #expect(throws: KubeConfigError.self) {
            try ClientConfiguration.inCluster(environment: environment, directory: directory + "/missing")
        }
    }
}
