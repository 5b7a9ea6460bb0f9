import KubeAPI
import KubeModel
import Testing

/// Request paths (kube-api-server.md §2) and query encoding.
struct APIPathTests {
    let configMaps = ResourceMapping(
        gvk: GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"),
        resource: GroupVersionResource(group: "", version: "v1", resource: "configmaps"), namespaced: true)
    let deployments = ResourceMapping(
        gvk: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"),
        resource: GroupVersionResource(group: "apps", version: "v1", resource: "deployments"), namespaced: true,
        subresources: ["status", "scale"])
    let namespaces = ResourceMapping(
        gvk: GroupVersionKind(group: "", version: "v1", kind: "Namespace"),
        resource: GroupVersionResource(group: "", version: "v1", resource: "namespaces"), namespaced: false)
    let clusterRoles = ResourceMapping(
        gvk: GroupVersionKind(group: "rbac.authorization.k8s.io", version: "v1", kind: "ClusterRole"),
        resource: GroupVersionResource(group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterroles"),
        namespaced: false)

    @Test func coreAndGroupedPaths() throws {
        #expect(try APIPath.path(for: configMaps, namespace: "demo", name: "cm") == "/api/v1/namespaces/demo/configmaps/cm")
        #expect(try APIPath.path(for: configMaps, namespace: "demo", name: nil) == "/api/v1/namespaces/demo/configmaps")
        #expect(try APIPath.path(for: deployments, namespace: "demo", name: "web", subresource: "status")
            == "/apis/apps/v1/namespaces/demo/deployments/web/status")
    }

    @Test func allNamespacesAndClusterScope() throws {
        #expect(try APIPath.path(for: configMaps, namespace: nil, name: nil) == "/api/v1/configmaps")
        #expect(try APIPath.path(for: configMaps, namespace: "", name: nil) == "/api/v1/configmaps")
        #expect(try APIPath.path(for: namespaces, namespace: "ignored", name: "demo") == "/api/v1/namespaces/demo")
        #expect(try APIPath.path(for: clusterRoles, namespace: nil, name: "system:controller:x")
            == "/apis/rbac.authorization.k8s.io/v1/clusterroles/system:controller:x")
    }

    @Test func rejectsUnsafeSegments() {
        #expect(throws: KubeClientError.self) { try APIPath.path(for: configMaps, namespace: nil, name: "cm") }
        #expect(throws: KubeClientError.self) { try APIPath.path(for: configMaps, namespace: "demo", name: "..") }
        #expect(throws: KubeClientError.self) { try APIPath.path(for: configMaps, namespace: "demo", name: "a/b") }
        #expect(throws: KubeClientError.self) { try APIPath.path(for: configMaps, namespace: "demo", name: "") }
        #expect(throws: KubeClientError.self) { try APIPath.path(for: configMaps, namespace: "demo", name: nil, subresource: "status") }
        #expect(throws: KubeClientError.self) { try APIPath.path(for: configMaps, namespace: "../x", name: "cm") }
    }

    @Test func escapesOddCharacters() throws {
        #expect(try APIPath.path(for: configMaps, namespace: "demo", name: "a b?#%") == "/api/v1/namespaces/demo/configmaps/a%20b%3F%23%25")
    }

    @Test func queryEncoding() {
        #expect(APIPath.query([]) == "")
        #expect(APIPath.query([("labelSelector", "app in (a,b),tier!=db"), ("fieldSelector", "metadata.name=x")])
            == "?labelSelector=app%20in%20%28a%2Cb%29%2Ctier%21%3Ddb&fieldSelector=metadata.name%3Dx")
        #expect(APIPath.query([("continue", "abc+/=")]) == "?continue=abc%2B%2F%3D")
    }

    @Test func optionQueries() {
        let list = ListOptions(labelSelector: "app=web", limit: 50, continueToken: "t", resourceVersion: "0")
        #expect(list.queryItems.map { "\($0.0)=\($0.1)" } == ["labelSelector=app=web", "limit=50", "continue=t", "resourceVersion=0"])
        let watch = WatchOptions(resourceVersion: "12", timeoutSeconds: 30)
        #expect(watch.queryItems.map { "\($0.0)=\($0.1)" }
            == ["watch=true", "resourceVersion=12", "allowWatchBookmarks=true", "timeoutSeconds=30"])
        let apply = ApplyOptions(fieldManager: "stageset", force: true, dryRun: .all)
        #expect(apply.queryItems.map { "\($0.0)=\($0.1)" } == ["fieldManager=stageset", "force=true", "dryRun=All"])
        let write = WriteOptions(dryRun: .all, fieldManager: "m", fieldValidation: .strict)
        #expect(write.queryItems.map { "\($0.0)=\($0.1)" } == ["dryRun=All", "fieldManager=m", "fieldValidation=Strict"])
    }

    @Test func deleteOptionsBody() {
        let options = DeleteOptions(propagationPolicy: .foreground, gracePeriodSeconds: 0, preconditionUID: "u1",
                                    preconditionResourceVersion: "7", dryRun: .all)
        let expected: JSONValue = [
            "kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground", "gracePeriodSeconds": 0,
            "preconditions": ["uid": "u1", "resourceVersion": "7"], "dryRun": ["All"],
        ]
        #expect(options.body == expected)
        #expect(DeleteOptions().body == ["kind": "DeleteOptions", "apiVersion": "v1"])
    }

    @Test func patchContentTypes() {
        #expect(Patch.merge([:]).contentType == "application/merge-patch+json")
        #expect(Patch.json([]).contentType == "application/json-patch+json")
        #expect(Patch.strategicMerge([:]).contentType == "application/strategic-merge-patch+json")
    }

    @Test func staticMapper() async throws {
        let mapper = StaticRESTMapper([configMaps, deployments])
        #expect(try mapper.mapping(for: GroupVersionKind(group: "apps", version: "v1", kind: "Deployment")) == deployments)
        #expect(try mapper.mapping(for: GroupVersionResource(group: "", version: "v1", resource: "configmaps")) == configMaps)
        #expect(throws: KubeClientError.self) {
            try mapper.mapping(for: GroupVersionKind(group: "x", version: "v1", kind: "Y"))
        }
        let preferred = try await mapper.preferredMapping(for: GroupKind(group: "apps", kind: "Deployment"))
        #expect(preferred == deployments)
    }
}
