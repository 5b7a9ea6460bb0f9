import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

@Suite("Discovery, OpenAPI, authorization")
struct DiscoveryAuthTests {
    static let aggregated = "Accept: application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json"

    @Test func aggregatedAndLegacyDiscoveryFollowCRDs() async throws {
        try await withHarness { harness in
            let core = try await harness.request("GET", "/api", headers: [Self.aggregated])
            #expect(core.headers.contains { $0.lowercased() == "content-type: application/json;g=apidiscovery.k8s.io;v=v2;as=apigroupdiscoverylist" })
            #expect(core.json?["kind"] == "APIGroupDiscoveryList")
            #expect(core.json?["items"]?[0]?["versions"]?[0]?["version"] == "v1")
            let legacy = try await harness.request("GET", "/api")
            #expect(legacy.json?["kind"] == "APIVersions")
            let apps = try await harness.request("GET", "/apis/apps/v1")
            #expect(apps.json?["kind"] == "APIResourceList")
            let names = apps.json?["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(names.contains("deployments") && names.contains("deployments/status"))
            #expect(try await harness.request("GET", "/version").json?["minor"] == "32")
            #expect(try await harness.request("GET", "/apis/example.com/v1").status == 404)

            let crd = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widgets-crd.yaml"))
            #expect(crd.status == 0, "\(crd.stderr)")
            let groups = try await harness.request("GET", "/apis", headers: [Self.aggregated])
            let group = groups.json?["items"]?.arrayValue?.first { $0["metadata"]?["name"] == "example.com" }
            let widget = group?["versions"]?[0]?["resources"]?[0]
            #expect(widget?["resource"] == "widgets")
            #expect(widget?["scope"] == "Namespaced")
            #expect(widget?["responseKind"] == ["group": "example.com", "version": "v1", "kind": "Widget"])
            #expect(widget?["subresources"]?[0]?["subresource"] == "status")
            let index = try await harness.request("GET", "/openapi/v3")
            #expect(index.json?["paths"]?["apis/example.com/v1"]?["serverRelativeURL"] != nil)
            let document = try await harness.request("GET", "/openapi/v3/apis/example.com/v1")
            let patch = document.json?["paths"]?["/apis/example.com/v1/namespaces/{namespace}/widgets/{name}"]?["patch"]
            #expect(patch?["x-kubernetes-group-version-kind"]?["kind"] == "Widget")
            #expect(patch?["requestBody"]?["content"]?["application/strategic-merge-patch+json"] == nil)
            let stored = try await harness.request("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com")
            let conditions = stored.json?["status"]?["conditions"]?.arrayValue ?? []
            #expect(conditions.contains { $0["type"] == "Established" && $0["status"] == "True" })
            #expect(stored.json?["status"]?["acceptedNames"]?["kind"] == "Widget")

            // Deleting the CRD deletes its instances and stops serving it.
            let created = try await harness.request("POST", "/apis/example.com/v1/namespaces/default/widgets",
                                              body: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1}}"#)
            #expect(created.status == 201)
            #expect(try await harness.request("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status == 200)
            #expect(try await harness.request("GET", "/apis/example.com/v1/namespaces/default/widgets/w").status == 404)
            #expect(try await harness.request("GET", "/openapi/v3").json?["paths"]?["apis/example.com/v1"] == nil)
            let after = try await harness.request("GET", "/apis", headers: [Self.aggregated])
            #expect(after.json?["items"]?.arrayValue?.contains { $0["metadata"]?["name"] == "example.com" } == false)
        }
    }

    @Test func crdDeletionWaitsForInstanceFinalizers() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widgets-crd.yaml")).status == 0)
            let base = "/apis/example.com/v1/namespaces/default/widgets"
            let held = #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"held","finalizers":["example.com/keep"]},"spec":{"size":1}}"#
            #expect(try await harness.request("POST", base, body: held).status == 201)
            let crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"
            let stored = try await harness.request("GET", crdPath)
            #expect(stored.json?["metadata"]?["finalizers"] == ["customresourcecleanup.apiextensions.k8s.io"])
            let deleted = try await harness.request("DELETE", crdPath)
            #expect(deleted.status == 200)
            let terminating = try await harness.request("GET", crdPath)
            #expect(terminating.status == 200)
            let conditions = terminating.json?["status"]?["conditions"]?.arrayValue ?? []
            #expect(conditions.contains { $0["type"] == "Terminating" && $0["reason"] == "InstanceDeletionInProgress" })
            let refused = try await harness.request(
                "POST", base, body: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"new"},"spec":{"size":1}}"#)
            #expect(refused.status == 405)
            #expect(refused.json?["message"] == "create not allowed while custom resource definition is terminating")
            let instance = try await harness.request("GET", base + "/held")
            #expect(instance.json?["metadata"]?["deletionTimestamp"] != nil)
            #expect(try await harness.request("PATCH", base + "/held", body: #"{"metadata":{"finalizers":null}}"#,
                                              contentType: "application/merge-patch+json").status == 200)
            #expect(try await harness.request("GET", crdPath).status == 404)
            #expect(try await harness.request("GET", base).status == 404)
        }
    }

    @Test func crdNameMustMatchPluralAndGroup() async throws {
        try await withHarness { harness in
            let body = #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"wrong.example.com"},"spec":{"group":"example.com","scope":"Namespaced","names":{"kind":"Thing","plural":"things"},"versions":[{"name":"v1","served":true,"storage":true}]}}"#
            let response = try await harness.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: body)
            #expect(response.status == 422)
            #expect(response.json?["details"]?["causes"]?[0]?["field"] == "metadata.name")
        }
    }

    @Test func rbacImpersonationAndTokens() async throws {
        try await withHarness { harness in
            let setup = """
                {"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"bot"}}
                """
            let account = try await harness.request("POST", "/api/v1/namespaces/default/serviceaccounts", body: setup)
            #expect(account.status == 201)
            let short = try await harness.request("POST", "/api/v1/namespaces/default/serviceaccounts/bot/token",
                                            body: #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{"expirationSeconds":60}}"#)
            #expect(short.status == 422)
            #expect(short.json?["message"] == #"TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"#)
            let missing = try await harness.request("POST", "/api/v1/namespaces/default/serviceaccounts/ghost/token", body: "{}")
            #expect(missing.status == 404)
            let minted = try await harness.request("POST", "/api/v1/namespaces/default/serviceaccounts/bot/token",
                                             body: #"{"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","spec":{}}"#)
            #expect(minted.status == 201)
            let token = try #require(minted.json?["status"]?["token"]?.stringValue)
            let denied = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/x", token: token)
            #expect(denied.status == 403)
            #expect(denied.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": #"configmaps "x" is forbidden: User "system:serviceaccount:default:bot" cannot get resource "configmaps" in API group "" in the namespace "default""#,
                "reason": "Forbidden", "details": ["name": "x", "kind": "configmaps"], "code": 403,
            ])
            // Discovery is open to every authenticated identity.
            #expect(try await harness.request("GET", "/apis", token: token).status == 200)
            // The bot may not impersonate; admin may.
            let impersonating = try await harness.request("GET", "/api/v1/namespaces", token: token, headers: ["Impersonate-User: alice"])
            #expect(impersonating.status == 403)
            #expect(impersonating.json?["message"] == #"users "alice" is forbidden: User "system:serviceaccount:default:bot" cannot impersonate resource "users" in API group "" at the cluster scope"#)
            let asAlice = try await harness.request("GET", "/api/v1/namespaces/default/secrets", headers: ["Impersonate-User: alice"])
            #expect(asAlice.status == 403)
            #expect(asAlice.json?["message"]?.stringValue?.contains(#"User "alice" cannot list resource "secrets""#) == true)
            // A ClusterRole with resourceNames and a subresource rule, bound to a group.
            let role = #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"one-cm"},"rules":[{"apiGroups":[""],"resources":["configmaps"],"resourceNames":["allowed"],"verbs":["get"]},{"apiGroups":["apps"],"resources":["deployments/status"],"verbs":["get"]}]}"#
            #expect(try await harness.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", body: role).status == 201)
            let binding = #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"devs"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"one-cm"},"subjects":[{"kind":"Group","name":"devs"}]}"#
            #expect(try await harness.request("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings", body: binding).status == 201)
            let headers = ["Impersonate-User: bob", "Impersonate-Group: devs"]
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/allowed", headers: headers).status == 404)
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/other", headers: headers).status == 403)
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps", headers: headers).status == 403)
            #expect(try await harness.request("GET", "/api/v1/namespaces/kube-system/configmaps/allowed", headers: headers).status == 403)
            #expect(try await harness.request("GET", "/apis/apps/v1/namespaces/default/deployments/web", headers: headers).status == 403)
            #expect(try await harness.request("GET", "/apis/apps/v1/namespaces/default/deployments/web/status", headers: headers).status == 404)
            // roleRef is immutable.
            let rebind = try await harness.request("PATCH", "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings/devs",
                                             body: #"{"roleRef":{"name":"cluster-admin"}}"#, contentType: "application/merge-patch+json")
            #expect(rebind.status == 422)
            #expect(rebind.json?["message"]?.stringValue?.contains("cannot change roleRef") == true)
            // Impersonating extras needs its own permission.
            let impersonator = #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"impersonate-users"},"rules":[{"apiGroups":[""],"resources":["users"],"verbs":["impersonate"]}]}"#
            #expect(try await harness.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", body: impersonator).status == 201)
            let grant = #"{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRoleBinding","metadata":{"name":"bot-impersonates"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"impersonate-users"},"subjects":[{"kind":"ServiceAccount","name":"bot","namespace":"default"}]}"#
            #expect(try await harness.request("POST", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", body: grant).status == 201)
            #expect(try await harness.request("GET", "/apis", token: token, headers: ["Impersonate-User: alice"]).status == 200)
            let extra = try await harness.request("GET", "/apis", token: token,
                                                  headers: ["Impersonate-User: alice", "Impersonate-Extra-Scopes: view"])
            #expect(extra.status == 403)
            #expect(extra.json?["message"]?.stringValue?.contains(#"cannot impersonate resource "userextras/scopes""#) == true)
            // Deleting the ServiceAccount revokes its tokens.
            #expect(try await harness.request("DELETE", "/api/v1/namespaces/default/serviceaccounts/bot").status == 200)
            #expect(try await harness.request("GET", "/apis", token: token).status == 401)
        }
    }
}
