import StageSetTesting
import Foundation
import KubeAPI
import KubeClient
import KubeModel
import Testing

/// From a kubeconfig file to an authenticated HTTPS request: CA data, bearer token, context namespace.
@Suite(.timeLimit(.minutes(1)), .enabled(if: Certificates.opensslAvailable))
struct KubeconfigOverTLSTests {
    @Test func kubeconfigWithCADataAndToken() async throws {
        let certs = try Certificates()
        let peer = try LoopbackPeer(script: "fakeapiserver.py", arguments: ["--token", "s3cret"], tls: certs)
        let ca = try certs.read(certs.caCert)
        let kubeconfig = """
            apiVersion: v1
            kind: Config
            current-context: test
            clusters:
            - name: local
              cluster:
                server: \(peer.base)
                certificate-authority-data: \(Data(ca).base64EncodedString())
            users:
            - name: admin
              user:
                token: s3cret
            contexts:
            - name: test
              context: {cluster: local, user: admin, namespace: team}
            """
        let path = try Fixtures.temporaryDirectory() + "/config"
        try kubeconfig.write(toFile: path, atomically: true, encoding: .utf8)

        let client = try KubeClient(kubeconfig: path)
        #expect(client.configuration.namespace == "team")
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", name: "over-tls")
        object.object["data"] = ["k": "v"]
        let created = try await client.create(object)
        #expect(created.namespace == "team")
        let fetched = try await client.get(GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), name: "over-tls")
        #expect(fetched.uid == created.uid)

        // A wrong token is rejected with the server's Status.
        let stranger = client.authenticating(with: .bearerToken("wrong"))
        let error = await #expect(throws: KubeError.self) { _ = try await stranger.send(path: "/api/v1/namespaces/team/configmaps") }
        #expect(error?.isUnauthorized == true)
    }

    @Test func insecureSkipVerify() async throws {
        let certs = try Certificates()
        let peer = try LoopbackPeer(script: "fakeapiserver.py", tls: certs)
        let kubeconfig = """
            clusters:
            - name: local
              cluster: {server: "\(peer.base)", insecure-skip-tls-verify: true}
            contexts:
            - name: test
              context: {cluster: local}
            current-context: test
            """
        let client = try KubeClient(configuration: ClientConfiguration(kubeConfig: KubeConfig(yaml: kubeconfig)))
        let namespaces = try await client.list(GroupVersionKind(group: "", version: "v1", kind: "Namespace"))
        #expect(namespaces.items.isEmpty)
        // Without the flag and without a CA the server's certificate is refused.
        let strict = try KubeClient(configuration: ClientConfiguration(server: peer.base, retry: .none))
        let error = await #expect(throws: KubeClientError.self) { _ = try await strict.send(path: "/api") }
        #expect(error?.code == .transport)
    }
}
