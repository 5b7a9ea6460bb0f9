import CEL
import Foundation
import KubeModel
import YAML

/// `stageset-bench cel generate FILE` writes 10,000 Deployment-like objects, one JSON document a line;
/// `stageset-bench cel eval FILE [--runs N]` compiles a readiness expression once and times evaluating
/// it over every object (Benchmarks/celpy_bench.py does the same with cel-python).
enum CELBench {
    static let expression =
        "status.conditions.exists(c, c.type == 'Ready' && c.status == 'True') && status.observedGeneration == metadata.generation"
    static let count = 10_000

    static func run(_ arguments: [String]) {
        switch arguments.first {
        case "generate" where arguments.count == 2:
            generate(to: arguments[1])
        case "eval" where arguments.count >= 2:
            var runs = 11
            if let flag = arguments.firstIndex(of: "--runs"), flag + 1 < arguments.count,
                let value = Int(arguments[flag + 1]), value > 0
            {
                runs = value
            }
            evaluate(arguments[1], runs: runs)
        default:
            StageSetBench.fail("usage: stageset-bench cel generate FILE | cel eval FILE [--runs N]")
        }
    }

    /// Objects with 1 to 4 conditions in random order; about half are ready, some lag a generation.
    static func generate(to path: String) {
        var random = SplitMix64(seed: 0xCE1_BE4C)
        let types = ["Available", "Progressing", "Ready", "Reconciling", "Stalled"]
        let statuses = ["True", "False", "Unknown"]
        var text = ""
        for index in 0..<count {
            let generation = 1 + random.next(9)
            let observed = random.next(10) < 8 ? generation : generation - 1
            var conditions: [String] = []
            for position in 0..<(1 + random.next(4)) {
                // The last condition is Ready most of the time, so `exists` usually walks the whole list.
                let type = position == 0 && random.next(10) < 8 ? "Ready" : types[random.next(types.count)]
                let status = type == "Ready" && random.next(10) < 7 ? "True" : statuses[random.next(statuses.count)]
                conditions.insert(
                    """
                    {"type":"\(type)","status":"\(status)","reason":"R\(random.next(5))",\
                    "message":"condition \(position) of object \(index)","lastTransitionTime":"2026-11-2\(random.next(10))T10:00:00Z",\
                    "observedGeneration":\(observed)}
                    """, at: 0)
            }
            text += """
                {"apiVersion":"apps/v1","kind":"Deployment",\
                "metadata":{"name":"app-\(index)","namespace":"team-\(index % 17)","generation":\(generation),\
                "labels":{"app.kubernetes.io/name":"app-\(index)"}},\
                "spec":{"replicas":\(1 + random.next(5)),"paused":false},\
                "status":{"observedGeneration":\(observed),"replicas":3,"readyReplicas":\(random.next(4)),\
                "conditions":[\(conditions.joined(separator: ","))]}}

                """
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            StageSetBench.fail("cannot write \(path): \(error)")
        }
        print("wrote \(path): \(count) objects, \(text.utf8.count) bytes")
    }

    /// Times the CEL evaluation only: objects are decoded and converted to CEL values before the clock starts
    /// (cel-python's side converts with `json_to_cel` up front too). A second figure includes the
    /// JSON-to-CEL conversion that `evaluate(json:)` does on every call, as the readiness checks use it.
    static func evaluate(_ path: String, runs: Int) {
        guard let data = FileManager.default.contents(atPath: path) else { StageSetBench.fail("cannot read \(path)") }
        let objects: [JSONValue]
        do {
            objects = try String(decoding: data, as: UTF8.self).split(separator: "\n").map { line throws in
                try YAML.decode(String(line))
            }
        } catch {
            StageSetBench.fail("cannot decode \(path): \(error)")
        }
        let json: [[String: JSONValue]] = objects.map { object in
            ["metadata": object["metadata"] ?? .null, "spec": object["spec"] ?? .null, "status": object["status"] ?? .null]
        }
        let bindings = json.map { $0.mapValues(CELValue.init(json:)) }
        let program: CELExpression
        do {
            program = try CELExpression(parsing: expression)
        } catch {
            StageSetBench.fail("\(error)")
        }

        var wall: [Double] = []
        var cpu: [Double] = []
        var jsonWall: [Double] = []
        var jsonCPU: [Double] = []
        for run in 1...runs {
            let (ready, runWall, runCPU) = timed {
                var ready = 0
                for binding in bindings where (try? program.evaluateBool(binding)) == true { ready += 1 }
                return ready
            }
            let (jsonReady, runJSONWall, runJSONCPU) = timed {
                var ready = 0
                for binding in json where (try? program.evaluateBool(json: binding)) == true { ready += 1 }
                return ready
            }
            guard jsonReady == ready else { StageSetBench.fail("results differ: \(ready) and \(jsonReady) ready") }
            wall.append(runWall)
            cpu.append(runCPU)
            jsonWall.append(runJSONWall)
            jsonCPU.append(runJSONCPU)
            print(
                "run \(run): \(format(runWall)) ms wall, \(format(runCPU)) ms cpu (\(ready) of \(bindings.count) ready);"
                    + " with JSON conversion \(format(runJSONWall)) ms wall, \(format(runJSONCPU)) ms cpu")
        }
        print("median: \(format(StageSetBench.median(wall))) ms wall, \(format(StageSetBench.median(cpu))) ms cpu")
        print(
            "median-json: \(format(StageSetBench.median(jsonWall))) ms wall, \(format(StageSetBench.median(jsonCPU))) ms cpu")
    }

    private static func timed(_ body: () -> Int) -> (Int, Double, Double) {
        let cpuStart = StageSetBench.threadCPUMilliseconds()
        let start = ContinuousClock.now
        let result = body()
        let elapsed = ContinuousClock.now - start
        let cpu = StageSetBench.threadCPUMilliseconds() - cpuStart
        return (result, Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15, cpu)
    }

    private static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}

/// SplitMix64 for the CEL objects (the YAML generator keeps its own stream).
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(_ bound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }
}
