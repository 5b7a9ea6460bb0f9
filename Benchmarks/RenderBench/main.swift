import Foundation
import KubeModel
import Render
import YAML

/// `render-bench generate DIR`: writes a kustomization over 1,000 Deployments and 1,000 Services
/// (namespace, namePrefix, commonLabels, images and one JSON 6902 patch targeting every Deployment).
/// `render-bench build DIR [--runs N]`: times `Kustomize.build` plus YAML output in-process.
/// `render-bench once DIR`: one build, YAML to stdout (for process-level timing and memory).
/// `render-bench compare DIR FILE`: checks that FILE (kubectl's output) holds the same objects in order.
@main
enum RenderBench {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "generate" where arguments.count == 2:
            generate(arguments[1])
        case "build" where arguments.count >= 2:
            var runs = 11
            if let flag = arguments.firstIndex(of: "--runs"), flag + 1 < arguments.count, let value = Int(arguments[flag + 1]),
                value > 0
            {
                runs = value
            }
            time(arguments[1], runs: runs)
        case "once" where arguments.count == 2:
            print(YAML.encodeAll(build(arguments[1])), terminator: "")
        case "compare" where arguments.count == 3:
            compare(arguments[1], arguments[2])
        default:
            fail("usage: render-bench generate DIR | build DIR [--runs N] | once DIR | compare DIR KUBECTL_OUTPUT")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }

    static func build(_ directory: String) -> [JSONValue] {
        do {
            return try Kustomize.build(root: directory)
        } catch {
            fail("build failed: \(error)")
        }
    }

    static func write(_ text: String, to path: String) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            fail("cannot write \(path): \(error)")
        }
    }

    static func generate(_ directory: String) {
        do {
            try FileManager.default.createDirectory(atPath: directory + "/manifests", withIntermediateDirectories: true)
        } catch {
            fail("cannot create \(directory): \(error)")
        }
        var resources: [String] = []
        for index in 0..<1_000 {
            let name = String(format: "app-%04d", index)
            write(deployment(name, index), to: "\(directory)/manifests/\(name)-deployment.yaml")
            write(service(name), to: "\(directory)/manifests/\(name)-service.yaml")
            resources.append("- manifests/\(name)-deployment.yaml")
            resources.append("- manifests/\(name)-service.yaml")
        }
        let kustomization = """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            namespace: bench
            namePrefix: bench-
            commonLabels:
              app.kubernetes.io/part-of: bench
              environment: production
            images:
            - name: registry.example.com/team/app
              newName: mirror.example.com/team/app
              newTag: "2.0.1"
            patches:
            - target:
                kind: Deployment
              patch: |-
                - op: add
                  path: /metadata/annotations/patched-by
                  value: json6902
                - op: replace
                  path: /spec/replicas
                  value: 3
            resources:
            \(resources.joined(separator: "\n"))

            """
        write(kustomization, to: directory + "/kustomization.yaml")
        print("wrote \(directory): 1000 Deployments, 1000 Services, kustomization.yaml")
    }

    static func deployment(_ name: String, _ index: Int) -> String {
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(name)
          labels:
            app.kubernetes.io/name: \(name)
          annotations:
            team: team-\(index % 8)
        spec:
          replicas: \(1 + index % 5)
          selector:
            matchLabels:
              app.kubernetes.io/name: \(name)
          template:
            metadata:
              labels:
                app.kubernetes.io/name: \(name)
            spec:
              containers:
              - name: app
                image: registry.example.com/team/app:1.\(index % 10).0
                env:
                - name: INDEX
                  value: "\(index)"
                - name: MODE
                  value: production
                ports:
                - name: http
                  containerPort: 8080
                readinessProbe:
                  httpGet:
                    path: /healthz
                    port: http
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi
                  limits:
                    memory: 256Mi
              - name: sidecar
                image: registry.example.com/team/proxy:0.9
                ports:
                - containerPort: 9901

        """
    }

    static func service(_ name: String) -> String {
        """
        apiVersion: v1
        kind: Service
        metadata:
          name: \(name)
          labels:
            app.kubernetes.io/name: \(name)
        spec:
          selector:
            app.kubernetes.io/name: \(name)
          ports:
          - name: http
            port: 80
            targetPort: http

        """
    }

    static func time(_ directory: String, runs: Int) {
        var wall: [Double] = []
        for run in 1...runs {
            let start = ContinuousClock.now
            let objects = build(directory)
            let text = YAML.encodeAll(objects)
            let elapsed = ContinuousClock.now - start
            let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
            wall.append(milliseconds)
            print("run \(run): \(String(format: "%.2f", milliseconds)) ms (\(objects.count) objects, \(text.utf8.count) bytes)")
        }
        print("median: \(String(format: "%.2f", wall.sorted()[wall.count / 2])) ms")
    }

    static func compare(_ directory: String, _ kubectlOutput: String) {
        guard let data = FileManager.default.contents(atPath: kubectlOutput) else { fail("cannot read \(kubectlOutput)") }
        let theirs: [JSONValue]
        do {
            theirs = try YAML.decodeAll(Array(data))
        } catch {
            fail("cannot decode \(kubectlOutput): \(error)")
        }
        let ours = build(directory)
        guard ours.count == theirs.count else { fail("object count differs: ours \(ours.count), kubectl \(theirs.count)") }
        for (index, (a, b)) in zip(ours, theirs).enumerated() where a != b {
            fail("object \(index) differs:\n\(YAML.encode(a))---\n\(YAML.encode(b))")
        }
        print("identical: \(ours.count) objects in the same order")
    }
}
