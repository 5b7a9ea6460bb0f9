public import KubeModel

/// One event of a watch stream.
public struct WatchEvent: Sendable, Hashable {
    public enum EventType: String, Sendable, Hashable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        /// Carries only `metadata.resourceVersion`: progress without a change.
        case bookmark = "BOOKMARK"
    }

    public var type: EventType
    public var object: KubeObject

    public init(type: EventType, object: KubeObject) {
        self.type = type
        self.object = object
    }

    /// Decodes `{"type": ..., "object": ...}`; an `ERROR` event is thrown as ``KubeError``.
    public init(json value: JSONValue) throws {
        guard let rawType = value["type"]?.stringValue, let object = value["object"] else {
            throw KubeClientError(.decoding, "watch event without type or object")
        }
        if rawType == "ERROR" {
            throw KubeError(status: object) ?? KubeError(code: 500, reason: .internalError, message: "watch error event")
        }
        guard let type = EventType(rawValue: rawType) else {
            throw KubeClientError(.decoding, "unknown watch event type \(rawType)")
        }
        guard let kubeObject = KubeObject(json: object) else {
            throw KubeClientError(.decoding, "watch event object is not an object")
        }
        self.init(type: type, object: kubeObject)
    }
}

/// Splits a watch response body into JSON documents as bytes arrive, whatever the chunking
/// (one per line, several per chunk, or one split across chunks).
public struct WatchStreamDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var scanned = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var start: Int?
    /// Largest accepted event.
    public let maxEventSize: Int

    public init(maxEventSize: Int = 64 << 20) {
        self.maxEventSize = maxEventSize
    }

    /// Feeds bytes and returns every complete document they finish.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws -> [JSONValue] {
        buffer.append(contentsOf: bytes)
        var documents: [JSONValue] = []
        var index = scanned
        while index < buffer.count {
            let byte = buffer[index]
            if start == nil {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): break
                case UInt8(ascii: "{"):
                    start = index
                    depth = 1
                default:
                    throw KubeClientError(.decoding, "watch stream: unexpected byte \(byte) between events")
                }
            } else if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0, let first = start {
                        do {
                            documents.append(try JSON.decode(buffer[first...index]))
                        } catch {
                            throw KubeClientError(.decoding, "watch stream: \(error)")
                        }
                        start = nil
                    }
                default: break
                }
            }
            index += 1
        }
        // Drop consumed bytes.
        let keepFrom = start ?? buffer.count
        if keepFrom > 0 {
            buffer.removeFirst(keepFrom)
            if start != nil { start = 0 }
        }
        scanned = buffer.count
        if buffer.count > maxEventSize {
            throw KubeClientError(.decoding, "watch event larger than \(maxEventSize) bytes")
        }
        return documents
    }

    /// Whether bytes of an unfinished document are pending (a stream that ends here was cut short).
    public var hasPartialEvent: Bool { start != nil }
}
