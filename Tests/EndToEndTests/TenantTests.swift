import KubeAPI
import KubeModel
import Testing

/// A tenant ServiceAccount applies its stage: what its RBAC grants lands, what it does not is `RBACDenied`
/// and never created (the reference's impersonation scenario, with TokenRequest tokens as the reference mints).
@Suite(.timeLimit(.minutes(2)))
struct TenantTests {
    @Test func stageRunsAsTheTenantServiceAccount() async throws {
        let harness = try await Harness.start()
        defer { Task { await harness.stop() } }
        try await harness.apply("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: team
            ---
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: deployer
              namespace: team
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: configmaps-only
              namespace: team
            rules:
              - apiGroups: [""]
                resources: [configmaps]
                verbs: [get, list, watch, create, update, patch]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: deployer
              namespace: team
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: configmaps-only
            subjects:
              - kind: ServiceAccount
                name: deployer
                namespace: team
            """)
        try harness.publish("allowed", namespace: "team", files: [
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: team\n",
        ])
        try harness.publish("denied", namespace: "team", files: [
            "secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: password\n  namespace: team\nstringData:\n  p: x\n",
        ])
        try await harness.apply("""
            apiVersion: stages.metio.wtf/v1
            kind: StageSet
            metadata:
              name: tenant
              namespace: team
            spec:
              serviceAccountName: deployer
              stages:
                - {name: config, sourceRef: {name: allowed}}
                - {name: secrets, sourceRef: {name: denied}}
            """)
        let tenant = try await harness.waitForStageSet(ObjectKey(namespace: "team", name: "tenant"), "RBACDenied") {
            $0.ready?.reason == "RBACDenied"
        }
        #expect(tenant.stage("config")?["phase"]?.stringValue == "Ready")
        #expect(tenant.stage("secrets")?["phase"]?.stringValue == "Failed")
        let message = tenant.ready?.message ?? ""
        #expect(message.contains("RBAC denied"), "\(message)")
        #expect(message.contains("Secret team/password"), "\(message)")
        let configMap = try await harness.client.get(
            GroupVersionKind(group: "", version: "v1", kind: "ConfigMap"), namespace: "team", name: "settings")
        #expect(configMap.json["metadata"]?["managedFields"]?.arrayValue?.first?["manager"]?.stringValue == "stageset-controller")
        #expect(try await harness.client.getIfExists(
            GroupVersionKind(group: "", version: "v1", kind: "Secret"), namespace: "team", name: "password") == nil)
    }
}
