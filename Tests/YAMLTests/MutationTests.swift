import KubeModel
import Testing
import YAML

/// Seeded byte mutations of the fixtures: every mutant either decodes (and then round-trips through
/// the encoder) or fails with a ``YAMLError`` — it never crashes.
struct MutationTests {
    private struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return mixed ^ (mixed >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    private static let alphabet = Array(" \n\t:-?[]{},#&*!|>'\"%@`~<=0123456789.eExabyn\u{FF}\u{C3}".utf8)

    @Test(arguments: ["structure.yaml", "scalars.yaml", "keys.yaml", "workloads.yaml"])
    func mutantsDecodeOrFailCleanly(_ name: String) throws {
        let original = Array(try Support.fixture(name).utf8)
        var random = SplitMix(state: UInt64(truncatingIfNeeded: name.utf8.count) &* 7_919)
        var decoded = 0
        var rejected = 0
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + random.below(4)) {
                let position = random.below(bytes.count)
                switch random.below(3) {
                case 0: bytes[position] = Self.alphabet[random.below(Self.alphabet.count)]
                case 1: bytes.insert(Self.alphabet[random.below(Self.alphabet.count)], at: position)
                default: bytes.remove(at: position)
                }
            }
            do {
                let values = try YAML.decodeAll(bytes)
                decoded += 1
                let encoded = YAML.encodeAll(values)
                #expect(try YAML.decodeAll(encoded) == values, "\(encoded)")
            } catch {
                rejected += 1
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
        // Both outcomes occur, so the mutations exercise both paths.
        #expect(decoded > 0)
        #expect(rejected > 0)
    }
}
