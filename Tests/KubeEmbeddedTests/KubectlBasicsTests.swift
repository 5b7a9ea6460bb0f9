import Foundation
import KubeModel
import Testing
import YAML

@testable import KubeEmbedded

@Suite("kubectl basics", .enabled(if: kubectlPath != nil, "kubectl is not on PATH"))
struct KubectlBasicsTests {
    @Test func apiResourcesListsBuiltIns() async throws {
        try await withHarness { harness in
            let result = try await harness.kubectl(["api-resources", "-o", "name"])
            #expect(result.status == 0, "\(result.stderr)")
            for name in ["configmaps", "deployments.apps", "customresourcedefinitions.apiextensions.k8s.io",
                         "leases.coordination.k8s.io", "clusterroles.rbac.authorization.k8s.io", "namespaces",
                         "ingresses.networking.k8s.io", "horizontalpodautoscalers.autoscaling",
                         "validatingwebhookconfigurations.admissionregistration.k8s.io", "events.events.k8s.io",
                         "poddisruptionbudgets.policy", "cronjobs.batch", "serviceaccounts", "persistentvolumes"] {
                #expect(result.stdout.split(separator: "\n").contains(Substring(name)), "missing \(name)")
            }
        }
    }

    @Test func everydayReadCommands() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["create", "configmap", "seen", "--from-literal=a=1"]).status == 0)
            #expect(try await harness.kubectl(["create", "secret", "generic", "hidden", "--from-literal=p=s3cret"]).status == 0)
            for arguments in [["version"], ["api-versions"], ["get", "namespaces"], ["get", "all", "-A"],
                              ["describe", "configmap", "seen"], ["get", "secret", "hidden", "-o", "jsonpath={.data.p}"],
                              ["get", "serviceaccounts", "-A"], ["get", "clusterroles"], ["auth", "whoami"],
                              ["get", "--raw", "/healthz"], ["cluster-info"]] {
                let result = try await harness.kubectl(arguments)
                #expect(result.status == 0, "kubectl \(arguments.joined(separator: " ")): \(result.stderr)")
            }
            let secret = try await harness.kubectl(["get", "secret", "hidden", "-o", "jsonpath={.data.p}"])
            #expect(secret.stdout == "czNjcmV0", "protobuf bytes map to base64 data")
            let whoami = try await harness.kubectl(["auth", "whoami", "-o", "json"])
            #expect(try JSON.decode(whoami.stdout)["status"]?["userInfo"]?["username"] == "kubernetes-admin")
            let version = try await harness.kubectl(["version", "-o", "json"])
            #expect(version.stdout.contains("v1.32.0-embedded"))
        }
    }

    @Test func createGetDeleteConfigMap() async throws {
        try await withHarness { harness in
            let created = try await harness.kubectl(["create", "configmap", "demo", "--from-literal=a=1"])
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.contains("configmap/demo created"))
            let got = try await harness.kubectl(["get", "configmap", "demo", "-o", "json"])
            #expect(got.status == 0, "\(got.stderr)")
            let object = try JSON.decode(got.stdout)
            #expect(object["data"]?["a"] == "1")
            #expect(object["metadata"]?["namespace"] == "default")
            #expect(object["metadata"]?["uid"]?.stringValue?.count == 36)
            let table = try await harness.kubectl(["get", "configmaps"])
            #expect(table.stdout.contains("demo"))
            let deleted = try await harness.kubectl(["delete", "configmap", "demo"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(deleted.stdout.contains("configmap \"demo\" deleted"))
            let missing = try await harness.kubectl(["get", "configmap", "demo"])
            #expect(missing.status != 0)
            #expect(missing.stderr.contains("configmaps \"demo\" not found"))
        }
    }
}
