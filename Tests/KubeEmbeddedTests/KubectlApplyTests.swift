import Foundation
import KubeModel
import Testing
import YAML

@testable import KubeEmbedded

@Suite("kubectl apply, patch, label, conflicts")
struct KubectlApplyTests {
    /// Installs the widgets CRD with server-side apply and waits for it to be Established.
    static func installWidgets(_ harness: Harness) async throws {
        let crd = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widgets-crd.yaml"))
        #expect(crd.status == 0, "\(crd.stderr)")
        #expect(crd.stdout.contains("customresourcedefinition.apiextensions.k8s.io/widgets.example.com serverside-applied"))
        let wait = try await harness.kubectl(["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=20s"])
        #expect(wait.status == 0, "\(wait.stderr)")
    }

    @Test func serverSideApplyCRDThenCustomObjects() async throws {
        try await withHarness { harness in
            try await Self.installWidgets(harness)
            let applied = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widget.yaml"))
            #expect(applied.status == 0, "\(applied.stderr)")
            #expect(applied.stdout.contains("widget.example.com/w1 serverside-applied"))
            let got = try await harness.kubectl(["get", "widget", "w1", "-o", "json", "--show-managed-fields"])
            #expect(got.status == 0, "\(got.stderr)")
            let object = try JSON.decode(got.stdout)
            #expect(object["spec"]?["size"] == 3)
            #expect(object["spec"]?["mode"] == "normal", "schema default applied")
            #expect(object["metadata"]?["generation"] == 1)
            let managers = object["metadata"]?["managedFields"]?.arrayValue ?? []
            #expect(managers.count == 1)
            #expect(managers.first?["manager"] == "kubectl")
            #expect(managers.first?["operation"] == "Apply")
            #expect(managers.first?["fieldsV1"]?["f:spec"]?["f:size"] == [:])
            // Re-applying the same object changes nothing.
            let again = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widget.yaml"))
            #expect(again.status == 0, "\(again.stderr)")
            let unchanged = try JSON.decode(try await harness.kubectl(["get", "widget", "w1", "-o", "json", "--show-managed-fields"]).stdout)
            #expect(unchanged["metadata"]?["resourceVersion"] == object["metadata"]?["resourceVersion"])
            // kubectl asks for strict field validation: unknown fields are refused, as on a cluster.
            let unknown = try fixture("widget.yaml").replacingOccurrences(of: "color: red", with: "color: red\n  bogus: 1")
            let strict = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: unknown)
            #expect(strict.status != 0)
            #expect(strict.stderr.contains(".spec.bogus: field not declared in schema"), "\(strict.stderr)")
            let relaxed = try await harness.kubectl(["apply", "--server-side", "--validate=false", "-f", "-"], stdin: unknown)
            #expect(relaxed.status == 0, "\(relaxed.stderr)")
            // Printer columns in the table.
            let table = try await harness.kubectl(["get", "widgets"])
            #expect(table.stdout.contains("SIZE"), "\(table.stdout)")
            #expect(table.stdout.contains("w1"))
            // Short name and category.
            #expect(try await harness.kubectl(["get", "wd", "w1", "-o", "name"]).stdout.contains("widget.example.com/w1"))
        }
    }

    @Test func fluxCRDInstallsAndServes() async throws {
        try await withHarness { harness in
            let crd = try await harness.kubectl(["apply", "--server-side", "-f", "-"],
                                          stdin: try fixture("source.toolkit.fluxcd.io_gitrepositories.yaml"))
            #expect(crd.status == 0, "\(crd.stderr)")
            let wait = try await harness.kubectl(["wait", "--for=condition=Established",
                                            "crd/gitrepositories.source.toolkit.fluxcd.io", "--timeout=20s"])
            #expect(wait.status == 0, "\(wait.stderr)")
            let repo = """
                apiVersion: source.toolkit.fluxcd.io/v1
                kind: GitRepository
                metadata: {name: podinfo, namespace: default}
                spec: {url: "https://github.com/stefanprodan/podinfo", interval: 5m, ref: {branch: master}}
                """
            let applied = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: repo)
            #expect(applied.status == 0, "\(applied.stderr)")
            let resources = try await harness.kubectl(["api-resources", "--api-group=source.toolkit.fluxcd.io", "-o", "name"])
            #expect(resources.stdout.contains("gitrepositories.source.toolkit.fluxcd.io"))
            let table = try await harness.kubectl(["get", "gitrepositories"])
            #expect(table.stdout.contains("URL") && table.stdout.contains("READY"), "\(table.stdout)")
            #expect(table.stdout.contains("https://github.com/stefanprodan/podinfo"))
            let object = try JSON.decode(try await harness.kubectl(["get", "gitrepository", "podinfo", "-o", "json"]).stdout)
            #expect(object["spec"]?["timeout"] == "60s", "CRD default")
        }
    }

    @Test func clientSideApplyCreatesThenPatches() async throws {
        try await withHarness { harness in
            let deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: default}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: web, image: "nginx:1", env: [{name: A, value: "1"}, {name: B, value: "2"}]}
                      - {name: side, image: "busybox:1"}
                """
            let created = try await harness.kubectl(["apply", "-f", "-"], stdin: deployment)
            #expect(created.status == 0, "\(created.stderr)")
            #expect(created.stdout.contains("deployment.apps/web created"))
            let changed = deployment.replacingOccurrences(of: "nginx:1", with: "nginx:2")
                .replacingOccurrences(of: ", {name: B, value: \"2\"}", with: "")
            let patched = try await harness.kubectl(["apply", "-f", "-"], stdin: changed)
            #expect(patched.status == 0, "\(patched.stderr)")
            #expect(patched.stdout.contains("deployment.apps/web configured"))
            let object = try JSON.decode(try await harness.kubectl(["get", "deployment", "web", "-o", "json"]).stdout)
            let containers = object["spec"]?["template"]?["spec"]?["containers"]?.arrayValue ?? []
            #expect(containers.count == 2)
            #expect(containers.first?["image"] == "nginx:2")
            #expect(containers.first?["env"] == [["name": "A", "value": "1"]])
            #expect(object["metadata"]?["generation"] == 2)
            let unchanged = try await harness.kubectl(["apply", "-f", "-"], stdin: changed)
            #expect(unchanged.stdout.contains("deployment.apps/web unchanged"), "\(unchanged.stdout)")
        }
    }

    @Test func patchTypesAndLabel() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["create", "configmap", "cfg", "--from-literal=a=1"]).status == 0)
            let merge = try await harness.kubectl(["patch", "configmap", "cfg", "--type=merge", "-p", #"{"data":{"b":"2"}}"#])
            #expect(merge.status == 0, "\(merge.stderr)")
            let json = try await harness.kubectl(["patch", "configmap", "cfg", "--type=json",
                                            "-p", #"[{"op":"replace","path":"/data/a","value":"10"}]"#])
            #expect(json.status == 0, "\(json.stderr)")
            let strategic = try await harness.kubectl(["patch", "configmap", "cfg", "-p", #"{"data":{"c":"3","b":null}}"#])
            #expect(strategic.status == 0, "\(strategic.stderr)")
            let labelled = try await harness.kubectl(["label", "configmap", "cfg", "tier=web"])
            #expect(labelled.status == 0, "\(labelled.stderr)")
            #expect(labelled.stdout.contains("configmap/cfg labeled"))
            let object = try JSON.decode(try await harness.kubectl(["get", "configmap", "cfg", "-o", "json"]).stdout)
            #expect(object["data"] == ["a": "10", "c": "3"])
            #expect(object["metadata"]?["labels"]?["tier"] == "web")
            let selected = try await harness.kubectl(["get", "configmaps", "-l", "tier=web", "-o", "name"])
            #expect(selected.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "configmap/cfg")
            // A failing JSON patch test is 422 Invalid.
            let failing = try await harness.kubectl(["patch", "configmap", "cfg", "--type=json",
                                               "-p", #"[{"op":"test","path":"/data/a","value":"nope"}]"#])
            #expect(failing.status != 0)
            #expect(failing.stderr.contains("the server rejected our request due to an error in our request"), "\(failing.stderr)")
        }
    }

    @Test func strategicPatchOnCustomResourceIs415() async throws {
        try await withHarness { harness in
            try await Self.installWidgets(harness)
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widget.yaml")).status == 0)
            let result = try await harness.kubectl(["patch", "widget", "w1", "--type=strategic", "-p", #"{"spec":{"size":4}}"#])
            #expect(result.status != 0)
            #expect(result.stderr.contains("UnsupportedMediaType") || result.stderr.contains("unknown format"), "\(result.stderr)")
            let merge = try await harness.kubectl(["patch", "widget", "w1", "--type=merge", "-p", #"{"spec":{"size":4}}"#])
            #expect(merge.status == 0, "\(merge.stderr)")
            let object = try JSON.decode(try await harness.kubectl(["get", "widget", "w1", "-o", "json", "--show-managed-fields"]).stdout)
            #expect(object["metadata"]?["generation"] == 2)
        }
    }

    @Test func serverSideApplyConflictAsKubectlShowsIt() async throws {
        try await withHarness { harness in
            let first = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: shared, namespace: default}
                data: {a: "1"}
                """
            #expect(try await harness.kubectl(["apply", "-f", "-"], stdin: first).status == 0)
            let second = first.replacingOccurrences(of: "\"1\"", with: "\"2\"")
            let conflict = try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: second)
            #expect(conflict.status != 0)
            #expect(conflict.stderr.contains(
                #"Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a"#),
                "\(conflict.stderr)")
            #expect(conflict.stderr.contains("--force-conflicts"))
            let forced = try await harness.kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], stdin: second)
            #expect(forced.status == 0, "\(forced.stderr)")
            let object = try JSON.decode(try await harness.kubectl(["get", "configmap", "shared", "-o", "json", "--show-managed-fields"]).stdout)
            #expect(object["data"]?["a"] == "2")
            let entries = object["metadata"]?["managedFields"]?.arrayValue ?? []
            let owner = entries.first { $0["fieldsV1"]?["f:data"]?["f:a"] != nil }
            #expect(owner?["manager"] == "kubectl")
            #expect(owner?["operation"] == "Apply")
        }
    }
}
