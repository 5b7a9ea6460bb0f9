import KubeAPI
import KubeModel
import Testing

/// Watch bodies split into events whatever the chunking.
struct WatchStreamDecoderTests {
    let body = #"{"type":"ADDED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"a}{\"","resourceVersion":"1"},"data":{"k":"[{"}}}"#
        + "\n"
        + #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"2"}}}"#
        + "\n"
        + #"{"type":"DELETED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"b","resourceVersion":"3"}}}"#
        + "\n"

    private func events(_ documents: [JSONValue]) throws -> [WatchEvent] {
        try documents.map { try WatchEvent(json: $0) }
    }

    @Test func everySplitPointGivesTheSameEvents() throws {
        let bytes = Array(body.utf8)
        var whole = WatchStreamDecoder()
        let expected = try events(try whole.feed(bytes))
        #expect(expected.map(\.type) == [.added, .bookmark, .deleted])
        #expect(expected[0].object.name == "a}{\"")
        #expect(expected[1].object.resourceVersion == "2")
        for split in 0...bytes.count {
            var decoder = WatchStreamDecoder()
            let got = try events(try decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...]))
            #expect(got == expected, "split at \(split)")
            #expect(!decoder.hasPartialEvent)
        }
    }

    @Test func byteByByte() throws {
        var decoder = WatchStreamDecoder()
        var documents: [JSONValue] = []
        for byte in body.utf8 { documents += try decoder.feed([byte]) }
        #expect(documents.count == 3)
    }

    @Test func eventsWithoutNewlines() throws {
        var decoder = WatchStreamDecoder()
        let text = #"{"type":"ADDED","object":{"metadata":{"name":"x"}}}{"type":"MODIFIED","object":{"metadata":{"name":"x"}}}"#
        let got = try events(try decoder.feed(Array(text.utf8)))
        #expect(got.map(\.type) == [.added, .modified])
    }

    @Test func partialEventIsReported() throws {
        var decoder = WatchStreamDecoder()
        #expect(try decoder.feed(Array(#"{"type":"ADDED","obj"#.utf8)).isEmpty)
        #expect(decoder.hasPartialEvent)
    }

    @Test func garbageAndOversizedEventsThrow() {
        var decoder = WatchStreamDecoder()
        #expect(throws: KubeClientError.self) { try decoder.feed(Array("not json\n".utf8)) }
        var small = WatchStreamDecoder(maxEventSize: 16)
        #expect(throws: KubeClientError.self) { try small.feed(Array(#"{"type":"ADDED","object":{"#.utf8)) }
        var broken = WatchStreamDecoder()
        #expect(throws: KubeClientError.self) { try broken.feed(Array(#"{"a":tru}"#.utf8)) }
    }

    @Test func unknownTypeOrShapeThrows() {
        #expect(throws: KubeClientError.self) { try WatchEvent(json: ["type": "SOMETHING", "object": [:]]) }
        #expect(throws: KubeClientError.self) { try WatchEvent(json: ["type": "ADDED"]) }
        #expect(throws: KubeClientError.self) { try WatchEvent(json: ["type": "ADDED", "object": "x"]) }
    }

    @Test func listDecodingFillsItemKinds() throws {
        let value: JSONValue = [
            "kind": "ConfigMapList", "apiVersion": "v1",
            "metadata": ["resourceVersion": "9", "continue": "next", "remainingItemCount": 3],
            "items": [["metadata": ["name": "a"]], ["kind": "ConfigMap", "apiVersion": "v1", "metadata": ["name": "b"]]],
        ]
        let list = try ObjectList(json: value)
        #expect(list.items.map(\.kind) == ["ConfigMap", "ConfigMap"])
        #expect(list.items.map(\.apiVersion) == ["v1", "v1"])
        #expect(list.resourceVersion == "9")
        #expect(list.continueToken == "next")
        #expect(list.remainingItemCount == 3)
        #expect(try ObjectList(json: ["kind": "XList", "items": nil]).items.isEmpty)
        #expect(throws: KubeClientError.self) { try ObjectList(json: ["kind": "XList", "items": [1]]) }
        #expect(throws: KubeClientError.self) { try ObjectList(json: "nope") }
    }

    @Test func seededMutationsNeverCrash() throws {
        // Hostile bodies: every outcome is events or a thrown error, never a trap.
        var generator = SplitMix64(seed: 0x5EED)
        let base = Array(body.utf8)
        for _ in 0..<2000 {
            var bytes = base
            for _ in 0..<Int(generator.next() % 8 + 1) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                case 1: bytes.remove(at: position)
                default: bytes.insert(Array("{}[]\\\"\n".utf8)[Int(generator.next() % 7)], at: position)
                }
            }
            var decoder = WatchStreamDecoder(maxEventSize: 4096)
            let split = Int(generator.next() % UInt64(bytes.count + 1))
            do {
                for document in try decoder.feed(bytes[..<split]) + decoder.feed(bytes[split...]) {
                    _ = try? WatchEvent(json: document)
                }
            } catch {
                #expect(error is KubeClientError)
            }
        }
    }
}

/// A small deterministic generator for seeded tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
