import Crypto
import Foundation
import KubeModel
import StageSetDecryptors
import YAML

/// `stageset-sops-bench FILE KEYFILE [--runs N]`: times `SOPS.decrypt` (with the data key given, so no
/// age/PGP/KMS unwrap) of a generated 1,000-value sops YAML against the floor: opening the same
/// plaintext lengths and AADs with swift-crypto's AES-256-GCM (12-byte nonces, BoringSSL) in the same run.
@main
enum SOPSBench {
    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count >= 2 else { fail("usage: stageset-sops-bench FILE KEYFILE [--runs N]") }
        var runs = 11
        if let flag = arguments.firstIndex(of: "--runs"), flag + 1 < arguments.count, let n = Int(arguments[flag + 1]), n > 0 {
            runs = n
        }
        guard let file = FileManager.default.contents(atPath: arguments[0]),
            let keyText = try? String(contentsOfFile: arguments[1], encoding: .utf8)
        else { fail("cannot read inputs") }
        let bytes = Array(file)
        let key = hex(keyText.trimmingCharacters(in: .whitespacesAndNewlines))

        // Floor inputs: the same plaintexts and AADs sealed once with swift-crypto (not timed).
        let plain = try SOPS.decrypt(bytes, format: .yaml, dataKey: key)
        let tree = try YAML.decode(String(decoding: plain, as: UTF8.self))
        let symmetric = SymmetricKey(data: key)
        var boxes: [(AES.GCM.SealedBox, [UInt8])] = []
        for (name, value) in tree["stringData"]?.objectValue ?? [:] {
            let aad = Array("stringData:\(name):".utf8)
            boxes.append((try AES.GCM.seal(Array((value.stringValue ?? "").utf8), using: symmetric, authenticating: aad), aad))
        }
        print("values: \(boxes.count)")

        var full: [(Double, Double)] = []
        var floor: [(Double, Double)] = []
        var parse: [(Double, Double)] = []
        var emit: [(Double, Double)] = []
        let plainTrees = try YAML.decodeAll(plain)
        for _ in 0..<runs {
            full.append(try measure { _ = try SOPS.decrypt(bytes, format: .yaml, dataKey: key) })
            parse.append(try measure { _ = try YAML.decodeAll(bytes) })
            emit.append(try measure { _ = Array(YAML.encodeAll(plainTrees).utf8) })
            floor.append(try measure {
                for (box, aad) in boxes { _ = try AES.GCM.open(box, using: symmetric, authenticating: aad) }
            })
        }
        report("SOPS.decrypt (parse + 1,000 AES-GCM opens + MAC + emit)", full)
        report("YAML.decodeAll of the same file (parse share)", parse)
        report("YAML.encodeAll of the plaintext (emit share)", emit)
        report("floor: swift-crypto AES.GCM.open x 1,000", floor)
    }

    static func measure(_ body: () throws -> Void) throws -> (Double, Double) {
        let cpuStart = cpuMilliseconds()
        let start = ContinuousClock.now
        try body()
        let wall = ContinuousClock.now - start
        let ms = Double(wall.components.seconds) * 1_000 + Double(wall.components.attoseconds) / 1e15
        return (ms, cpuMilliseconds() - cpuStart)
    }

    static func report(_ label: String, _ samples: [(Double, Double)]) {
        let wall = samples.map(\.0).sorted()
        let cpu = samples.map(\.1).sorted()
        print("\(label): median \(String(format: "%.3f", wall[wall.count / 2])) ms wall, \(String(format: "%.3f", cpu[cpu.count / 2])) ms cpu")
    }

    static func cpuMilliseconds() -> Double {
        var usage = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &usage)
        return Double(usage.tv_sec) * 1_000 + Double(usage.tv_nsec) / 1e6
    }

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = text.startIndex
        while let next = text.index(index, offsetBy: 2, limitedBy: text.endIndex), index < text.endIndex {
            guard let byte = UInt8(text[index..<next], radix: 16) else { fail("bad key hex") }
            out.append(byte)
            index = next
        }
        return out
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(2)
    }
}
