// kube-bench: the Kubernetes client against the embedded API server, with kubectl as the peer.
//
//   kube-bench apply  --objects N --runs R   server-side applies per second: KubeClient vs `kubectl apply --server-side`
//   kube-bench list   --objects N --runs R   latency of one list of N ConfigMaps: KubeClient vs `kubectl get -o json`
//   kube-bench watch  --watchers W --writes K   time from one write until all W watch streams have seen it
//
// Everything runs in one process on loopback (the server is in-process; kubectl is a child process),
// so both sides share the machine the same way. Prints one `median:` line per side.
import Foundation
import KubeAPI
import KubeClient
import KubeEmbedded
import KubeModel
import YAML

let configMap = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")
let namespaceKind = GroupVersionKind(group: "", version: "v1", kind: "Namespace")

func configMaps(_ count: Int, namespace: String, generation: Int = 0) -> [KubeObject] {
    (0..<count).map { index in
        var object = KubeObject(apiVersion: "v1", kind: "ConfigMap", namespace: namespace, name: "cm-\(index)")
        object.object["data"] = ["index": .string(String(index)), "generation": .string(String(generation)),
                                 "payload": .string(String(repeating: "x", count: 256))]
        return object
    }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func kubectl(_ arguments: [String], kubeconfig: String) throws -> Duration {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["KUBECTL"] ?? "/usr/bin/kubectl")
    process.arguments = ["--kubeconfig", kubeconfig] + arguments
    process.standardOutput = FileHandle.nullDevice
    let clock = ContinuousClock()
    let started = clock.now
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "kube-bench", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "kubectl \(arguments.joined(separator: " ")) failed"])
    }
    return clock.now - started
}

func createNamespace(_ client: KubeClient, _ name: String) async throws {
    _ = try await client.apply(KubeObject(apiVersion: "v1", kind: "Namespace", name: name),
                               options: ApplyOptions(fieldManager: "kube-bench"))
}

let arguments = CommandLine.arguments.dropFirst()
guard let mode = arguments.first else {
    FileHandle.standardError.write(Data("usage: kube-bench apply|list|watch [--objects N] [--runs R] [--watchers W] [--writes K]\n".utf8))
    exit(2)
}
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), arguments.index(after: index) < arguments.endIndex,
          let value = Int(arguments[arguments.index(after: index)]) else { return fallback }
    return value
}

var options = EmbeddedAPIServer.Options()
options.simulator = .disabled
options.watchBufferLimit = 100_000
let server = try EmbeddedAPIServer(options: options)
try await server.start()
let work = FileManager.default.temporaryDirectory.appending(path: "kube-bench-\(getpid())").path
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }
let kubeconfig = work + "/kubeconfig"
try server.writeKubeconfig(to: kubeconfig)
var configuration = try ClientConfiguration.load(kubeconfig: kubeconfig)
configuration.qps = 0  // no client-side throttling: the object counts stay under kubectl's burst of 300
let client = try KubeClient(configuration: configuration)
let clock = ContinuousClock()

switch mode {
case "apply":
    let count = option("--objects", 250)
    let runs = option("--runs", 5)
    var ours: [Double] = []
    var peer: [Double] = []
    for run in 0..<runs {
        // Ours: one client, sequential server-side applies (creates), as the apply step does.
        let namespace = "swift-\(run)"
        try await createNamespace(client, namespace)
        let started = clock.now
        for object in configMaps(count, namespace: namespace) {
            _ = try await client.apply(object, options: ApplyOptions(fieldManager: "kube-bench", force: true))
        }
        ours.append(Double(count) / seconds(clock.now - started))

        // Peer: kubectl applies the same object set from one file.
        let peerNamespace = "kubectl-\(run)"
        try await createNamespace(client, peerNamespace)
        let file = work + "/objects-\(run).yaml"
        try YAML.encodeAll(configMaps(count, namespace: peerNamespace).map(\.json)).write(toFile: file, atomically: true, encoding: .utf8)
        let elapsed = try kubectl(["apply", "--server-side", "--field-manager=kube-bench", "-f", file], kubeconfig: kubeconfig)
        peer.append(Double(count) / seconds(elapsed))
        print(String(format: "run %d: swift %.0f applies/s, kubectl %.0f applies/s", run + 1, ours.last ?? 0, peer.last ?? 0))
    }
    print(String(format: "median: swift %.0f applies/s", median(ours)))
    print(String(format: "median-peer: kubectl %.0f applies/s", median(peer)))
    print(String(format: "ratio: %.2fx", median(ours) / median(peer)))

case "list":
    let count = option("--objects", 10_000)
    let runs = option("--runs", 5)
    try await createNamespace(client, "listing")
    // Fill concurrently (64 in flight) to keep set-up short.
    let objects = configMaps(count, namespace: "listing")
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func addOne() {
            let object = objects[next]
            next += 1
            group.addTask { _ = try await client.create(object) }
        }
        while next < min(64, objects.count) { addOne() }
        while try await group.next() != nil { if next < objects.count { addOne() } }
    }
    var ours: [Double] = []
    var peer: [Double] = []
    for run in 0..<runs {
        let started = clock.now
        let list = try await client.list(configMap, namespace: "listing")
        ours.append(seconds(clock.now - started) * 1000)
        guard list.items.count == count else { fatalError("listed \(list.items.count) of \(count)") }
        let elapsed = try kubectl(["get", "configmaps", "-n", "listing", "-o", "json", "--chunk-size=0"], kubeconfig: kubeconfig)
        peer.append(seconds(elapsed) * 1000)
        print(String(format: "run %d: swift %.1f ms, kubectl %.1f ms", run + 1, ours.last ?? 0, peer.last ?? 0))
    }
    print(String(format: "median: swift %.1f ms for %d objects", median(ours), count))
    print(String(format: "median-peer: kubectl %.1f ms", median(peer)))
    print(String(format: "ratio: %.2fx", median(peer) / median(ours)))

case "watch":
    let watchers = option("--watchers", 100)
    let writes = option("--writes", 20)
    try await createNamespace(client, "fanout")
    let start = try await client.list(configMap, namespace: "fanout").resourceVersion
    // Each watcher counts the events it has seen; the writer waits until all have seen write k.
    let seen = SeenCounter(watchers: watchers)
    var streams: [Task<Void, Never>] = []
    for watcher in 0..<watchers {
        let stream = try await client.watch(configMap, namespace: "fanout", options: WatchOptions(resourceVersion: start))
        streams.append(Task {
            do {
                for try await event in stream {
                    if case .added = event.type { await seen.saw(watcher) }
                }
            } catch {}
        })
    }
    var latencies: [Double] = []
    for write in 0..<writes {
        let started = clock.now
        _ = try await client.create(configMaps(1, namespace: "fanout").map { object -> KubeObject in
            var object = object
            object.object["metadata"]?["name"] = .string("fan-\(write)")
            return object
        }[0])
        await seen.waitAll(count: write + 1)
        latencies.append(seconds(clock.now - started) * 1000)
    }
    streams.forEach { $0.cancel() }
    print("watchers: \(watchers), writes: \(writes)")
    print(String(format: "median: %.2f ms from write to all %d watchers", median(latencies), watchers))
    print(String(format: "p90: %.2f ms", latencies.sorted()[min(latencies.count - 1, latencies.count * 9 / 10)]))

default:
    FileHandle.standardError.write(Data("unknown mode \(mode)\n".utf8))
    exit(2)
}
try await server.shutdown()

/// How many events each watcher has seen; lets the writer wait for all of them.
actor SeenCounter {
    private var counts: [Int]
    private var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?

    init(watchers: Int) { counts = Array(repeating: 0, count: watchers) }

    func saw(_ watcher: Int) {
        counts[watcher] += 1
        if let waiter, counts.allSatisfy({ $0 >= waiter.count }) {
            self.waiter = nil
            waiter.continuation.resume()
        }
    }

    func waitAll(count: Int) async {
        if counts.allSatisfy({ $0 >= count }) { return }
        await withCheckedContinuation { waiter = (count, $0) }
    }
}
