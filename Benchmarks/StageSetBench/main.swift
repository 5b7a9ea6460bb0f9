import Foundation
import KubeModel
import YAML

StageSetBench.main()

/// `stageset-bench generate FILE` writes a deterministic stream of 1,000 Deployments and 1,000 Services;
/// `stageset-bench yaml-decode FILE --runs N` times `YAML.decodeAll` over it; `stageset-bench cel ...`
/// times CEL evaluation (CELBench.swift). With more than one source file, main.swift is the entry point.
enum StageSetBench {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "generate" where arguments.count == 2:
            generate(to: arguments[1])
        case "yaml-decode" where arguments.count >= 2:
            var runs = 11
            if let flag = arguments.firstIndex(of: "--runs"), flag + 1 < arguments.count,
                let value = Int(arguments[flag + 1]), value > 0
            {
                runs = value
            }
            decode(arguments[1], runs: runs)
        case "cel": CELBench.run(Array(arguments.dropFirst()))
        default:
            fail("usage: stageset-bench generate FILE | yaml-decode FILE [--runs N] | cel generate|eval FILE [--runs N]")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }

    static func generate(to path: String) {
        var generator = Generator()
        var text = ""
        for index in 0..<1_000 {
            text += generator.deployment(index)
            text += generator.service(index)
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            fail("cannot write \(path): \(error)")
        }
        let lines = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        print("wrote \(path): 2000 objects, \(lines) lines, \(text.utf8.count) bytes")
    }

    /// Wall-clock and CPU time of each run; CPU time is the steadier figure on a shared machine.
    static func decode(_ path: String, runs: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
        let text = String(decoding: data, as: UTF8.self)
        var wall: [Double] = []
        var cpu: [Double] = []
        for run in 1...runs {
            let cpuStart = threadCPUMilliseconds()
            let start = ContinuousClock.now
            let documents: [JSONValue]
            do {
                documents = try YAML.decodeAll(text)
            } catch {
                fail("decode failed: \(error)")
            }
            let elapsed = ContinuousClock.now - start
            cpu.append(threadCPUMilliseconds() - cpuStart)
            wall.append(Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15)
            print(
                "run \(run): \(String(format: "%.2f", wall[run - 1])) ms wall, \(String(format: "%.2f", cpu[run - 1])) ms cpu"
                    + " (\(documents.count) documents)")
        }
        print("median: \(String(format: "%.2f", median(wall))) ms wall, \(String(format: "%.2f", median(cpu))) ms cpu")
    }

    static func median(_ values: [Double]) -> Double {
        values.sorted()[values.count / 2]
    }

    static func threadCPUMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) * 1e3 + Double(time.tv_nsec) / 1e6
    }
}

/// Realistic manifests from a fixed-seed SplitMix64, so every run writes the same bytes.
struct Generator {
    private var state: UInt64 = 0x5EED_5EED_5EED_5EED

    private mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    private mutating func pick<T>(_ options: [T]) -> T {
        options[Int(next() % UInt64(options.count))]
    }

    private mutating func number(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    private let teams = ["payments", "search", "checkout", "identity", "catalog", "shipping", "ledger", "notify"]
    private let tiers = ["frontend", "backend", "worker", "cache"]

    /// 32 lines: labels, annotations, one container with env, ports, a probe and resources.
    mutating func deployment(_ index: Int) -> String {
        let team = pick(teams)
        let name = "\(team)-\(pick(tiers))-\(index)"
        let version = "\(number(1...4)).\(number(0...20)).\(number(0...99))"
        let digest = String((0..<4).map { _ in String(next(), radix: 16) }.joined().prefix(64))
        return """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(name)
              namespace: \(team)
              labels:
                app.kubernetes.io/name: \(name)
                app.kubernetes.io/version: "\(version)"
              annotations:
                stages.metio.wtf/stage: \(pick(["dev", "staging", "production"]))
            spec:
              replicas: \(number(1...12))
              selector:
                matchLabels: {app.kubernetes.io/name: \(name)}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: \(name), app.kubernetes.io/part-of: \(team)}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/\(team)/\(name):\(version)@sha256:\(digest)
                    env:
                    - {name: TEAM, value: \(team)}
                    - {name: FEATURE_FLAGS, value: "\(pick(["on", "off", "canary"]))"}
                    ports:
                    - {name: http, containerPort: \(pick([8080, 8443, 9090, 3000])), protocol: TCP}
                    readinessProbe:
                      httpGet: {path: /healthz, port: http}
                    resources:
                      requests: {cpu: \(number(50...500))m, memory: \(number(64...512))Mi}
                      limits: {cpu: "\(number(1...4))", memory: \(number(256...2048))Mi}

            """
    }

    /// 13 lines.
    mutating func service(_ index: Int) -> String {
        let team = pick(teams)
        let name = "\(team)-svc-\(index)"
        return """
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: \(name)
              namespace: \(team)
              labels:
                app.kubernetes.io/name: \(name)
            spec:
              selector:
                app.kubernetes.io/name: \(name)
              ports:
              - {name: http, port: 80, targetPort: http, protocol: TCP}

            """
    }
}
