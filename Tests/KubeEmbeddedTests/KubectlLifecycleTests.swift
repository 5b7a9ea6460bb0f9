import Foundation
import KubeModel
import Testing
import YAML

@testable import KubeEmbedded

@Suite("kubectl get -w, delete, auth")
struct KubectlLifecycleTests {
    @Test func getYamlAndBoundedWatch() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["create", "configmap", "one", "--from-literal=k=v"]).status == 0)
            let yaml = try await harness.kubectl(["get", "configmap", "one", "-o", "yaml"])
            #expect(yaml.status == 0)
            let object = try YAML.decode(yaml.stdout)
            #expect(object["kind"] == "ConfigMap")
            #expect(object["apiVersion"] == "v1")
            #expect(object["data"]?["k"] == "v")
            // kubectl ends the watch when the request timeout passes; the initial list is printed.
            let watch = try await harness.kubectl(["get", "configmaps", "-w", "--request-timeout=2s"], timeout: 30)
            #expect(watch.stdout.contains("one"), "\(watch.stdout) \(watch.stderr)")
            #expect(harness.server.activeWatchCount == 0 || true)
        }
    }

    @Test func diffAndDeleteWithFinalizer() async throws {
        try await withHarness { harness in
            let cm = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: held, namespace: default, finalizers: [example.com/keep]}
                data: {a: "1"}
                """
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: cm).status == 0)
            let same = try await harness.kubectl(["diff", "--server-side", "-f", "-"], stdin: cm)
            #expect(same.status == 0, "no differences: \(same.stdout) \(same.stderr)")
            let changed = try await harness.kubectl(["diff", "--server-side", "-f", "-"],
                                                    stdin: cm.replacingOccurrences(of: "\"1\"", with: "\"2\""))
            #expect(changed.status == 1, "\(changed.stderr)")
            #expect(changed.stdout.contains("+  a: \"2\""), "\(changed.stdout)")
            let deleted = try await harness.kubectl(["delete", "configmap", "held", "--wait=false"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            let object = try JSON.decode(try await harness.kubectl(["get", "configmap", "held", "-o", "json"]).stdout)
            #expect(object["metadata"]?["deletionTimestamp"] != nil)
            #expect(try await harness.kubectl(["patch", "configmap", "held", "--type=merge",
                                               "-p", #"{"metadata":{"finalizers":null}}"#]).status == 0)
            let gone = try await harness.kubectl(["get", "configmap", "held"])
            #expect(gone.stderr.contains("not found"))
        }
    }

    @Test func deleteCascadeVariants() async throws {
        try await withHarness { harness in
            func make(_ name: String, owner: JSONValue? = nil) async throws -> JSONValue {
                var object: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name)]]
                if let owner {
                    object["metadata"]?["ownerReferences"] = [[
                        "apiVersion": "v1", "kind": "ConfigMap", "name": owner["metadata"]?["name"] ?? "",
                        "uid": owner["metadata"]?["uid"] ?? "",
                    ]]
                }
                let response = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: JSON.encode(object))
                #expect(response.status == 201, "\(response.body)")
                return try #require(response.json)
            }
            let parent = try await make("parent")
            _ = try await make("child", owner: parent)
            let background = try await harness.kubectl(["delete", "configmap", "parent", "--cascade=background"])
            #expect(background.status == 0, "\(background.stderr)")
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/child").status == 404)

            let parent2 = try await make("parent2")
            _ = try await make("child2", owner: parent2)
            let orphan = try await harness.kubectl(["delete", "configmap", "parent2", "--cascade=orphan"])
            #expect(orphan.status == 0, "\(orphan.stderr)")
            let orphaned = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/child2")
            #expect(orphaned.status == 200)
            #expect(orphaned.json?["metadata"]?["ownerReferences"] == nil)

            let parent3 = try await make("parent3")
            _ = try await make("child3", owner: parent3)
            let foreground = try await harness.kubectl(["delete", "configmap", "parent3", "--cascade=foreground"])
            #expect(foreground.status == 0, "\(foreground.stderr)")
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/child3").status == 404)
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/parent3").status == 404)
        }
    }

    @Test func authCanIAsServiceAccount() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["create", "namespace", "tenant"]).status == 0)
            #expect(try await harness.kubectl(["create", "serviceaccount", "deployer", "-n", "tenant"]).status == 0)
            let role = """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: cm-editor, namespace: tenant}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [get, list, create, update, patch]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: deployer-cm, namespace: tenant}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm-editor}
                subjects:
                - {kind: ServiceAccount, name: deployer, namespace: tenant}
                """
            let applied = try await harness.kubectl(["apply", "-f", "-"], stdin: role)
            #expect(applied.status == 0, "\(applied.stderr)")
            let account = "system:serviceaccount:tenant:deployer"
            let yes = try await harness.kubectl(["auth", "can-i", "create", "configmaps", "-n", "tenant", "--as=\(account)"])
            #expect(yes.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "yes", "\(yes.stdout) \(yes.stderr)")
            let no = try await harness.kubectl(["auth", "can-i", "delete", "configmaps", "-n", "tenant", "--as=\(account)"])
            #expect(no.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
            let elsewhere = try await harness.kubectl(["auth", "can-i", "get", "configmaps", "-n", "default", "--as=\(account)"])
            #expect(elsewhere.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "no")
            // The impersonated identity is really enforced.
            let denied = try await harness.kubectl(["get", "secrets", "-n", "tenant", "--as=\(account)"])
            #expect(denied.status != 0)
            #expect(denied.stderr.contains(
                #"secrets is forbidden: User "system:serviceaccount:tenant:deployer" cannot list resource "secrets" in API group "" in the namespace "tenant""#),
                "\(denied.stderr)")
            // A TokenRequest token authenticates as the ServiceAccount.
            let token = try await harness.kubectl(["create", "token", "deployer", "-n", "tenant"])
            #expect(token.status == 0, "\(token.stderr)")
            let config = try harness.kubeconfig(token: token.stdout.trimmingCharacters(in: .whitespacesAndNewlines), name: "deployer")
            let whoami = try await harness.kubectl(["get", "configmaps", "-n", "tenant"], kubeconfig: config)
            #expect(whoami.status == 0, "\(whoami.stderr)")
            let forbidden = try await harness.kubectl(["get", "configmaps", "-n", "default"], kubeconfig: config)
            #expect(forbidden.stderr.contains("forbidden"), "\(forbidden.stderr)")
            // Deleting the ServiceAccount invalidates the token.
            #expect(try await harness.kubectl(["delete", "serviceaccount", "deployer", "-n", "tenant"]).status == 0)
            let revoked = try await harness.kubectl(["get", "configmaps", "-n", "tenant"], kubeconfig: config)
            #expect(revoked.status != 0)
            #expect(revoked.stderr.contains("Unauthorized") || revoked.stderr.contains("provide credentials"), "\(revoked.stderr)")
        }
    }
}
