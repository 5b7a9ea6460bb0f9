import KubeModel

/// Decodes the Kubernetes protobuf envelope for the few kinds kubectl's typed clients send
/// (`create configmap|secret|namespace|serviceaccount`, `auth can-i`, `create token`).
/// Answers are always JSON, which those clients accept.
enum Protobuf {
    indirect enum FieldType: Sendable {
        case string, bytes, bool, int
        case message([Int: (String, FieldType)])
        case map(FieldType)
        case repeated(FieldType)
    }

    struct DecodeError: Error { var message: String }

    static let ownerReference: [Int: (String, FieldType)] = [
        5: ("apiVersion", .string), 1: ("kind", .string), 3: ("name", .string), 4: ("uid", .string),
        6: ("controller", .bool), 7: ("blockOwnerDeletion", .bool),
    ]
    static let objectMeta: [Int: (String, FieldType)] = [
        1: ("name", .string), 2: ("generateName", .string), 3: ("namespace", .string), 5: ("uid", .string),
        6: ("resourceVersion", .string), 7: ("generation", .int), 11: ("labels", .map(.string)),
        12: ("annotations", .map(.string)), 13: ("ownerReferences", .repeated(.message(ownerReference))),
        14: ("finalizers", .repeated(.string)),
    ]
    static let kinds: [String: [Int: (String, FieldType)]] = [
        "ConfigMap": [1: ("metadata", .message(objectMeta)), 2: ("data", .map(.string)), 3: ("binaryData", .map(.bytes)),
                      4: ("immutable", .bool)],
        "Secret": [1: ("metadata", .message(objectMeta)), 2: ("data", .map(.bytes)), 3: ("type", .string),
                   4: ("stringData", .map(.string)), 5: ("immutable", .bool)],
        "Namespace": [1: ("metadata", .message(objectMeta))],
        "ServiceAccount": [1: ("metadata", .message(objectMeta))],
        "SelfSubjectAccessReview": [
            1: ("metadata", .message(objectMeta)),
            2: ("spec", .message([
                1: ("resourceAttributes", .message([
                    1: ("namespace", .string), 2: ("verb", .string), 3: ("group", .string), 4: ("version", .string),
                    5: ("resource", .string), 6: ("subresource", .string), 7: ("name", .string),
                ])),
                2: ("nonResourceAttributes", .message([1: ("path", .string), 2: ("verb", .string)])),
            ])),
        ],
        "TokenRequest": [
            1: ("metadata", .message(objectMeta)),
            2: ("spec", .message([1: ("audiences", .repeated(.string)), 4: ("expirationSeconds", .int)])),
        ],
    ]

    /// Decodes `k8s\0` + `runtime.Unknown`; throws for other kinds or malformed bytes.
    static func decode(_ bytes: [UInt8]) throws(DecodeError) -> JSONObject {
        guard bytes.count >= 4, bytes[0..<4] == [0x6b, 0x38, 0x73, 0x00] else {
            throw DecodeError(message: "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]")
        }
        var apiVersion = ""
        var kind = ""
        var raw: ArraySlice<UInt8> = []
        try fields(bytes[4...]) { (number: Int, wire: Int, value: Value) throws(DecodeError) in
            switch (number, value) {
            case (1, .bytes(let typeMeta)):
                try fields(typeMeta) { (inner: Int, _: Int, value: Value) throws(DecodeError) in
                    if case .bytes(let text) = value {
                        if inner == 1 { apiVersion = String(decoding: text, as: UTF8.self) }
                        if inner == 2 { kind = String(decoding: text, as: UTF8.self) }
                    }
                }
            case (2, .bytes(let data)): raw = data
            default: break
            }
        }
        guard let schema = kinds[kind] else { throw DecodeError(message: "protobuf bodies of kind \(kind) are not supported") }
        var object: JSONObject = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
        for (key, value) in try message(raw, schema) { object[key] = value }
        return object
    }

    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
    }

    private static func fields(_ data: ArraySlice<UInt8>, _ body: (Int, Int, Value) throws(DecodeError) -> Void) throws(DecodeError) {
        var index = data.startIndex
        func varint() throws(DecodeError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < data.endIndex, shift < 64 else { throw DecodeError(message: "truncated varint") }
                let byte = data[index]
                index += 1
                result |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
        }
        while index < data.endIndex {
            let key = try varint()
            let number = Int(key >> 3)
            let wire = Int(key & 7)
            switch wire {
            case 0: try body(number, wire, .varint(try varint()))
            case 2:
                let length = try varint()
                guard length <= UInt64(data.endIndex - index) else { throw DecodeError(message: "truncated field") }
                let end = index + Int(length)
                try body(number, wire, .bytes(data[index..<end]))
                index = end
            case 1:
                guard data.endIndex - index >= 8 else { throw DecodeError(message: "truncated field") }
                index += 8
            case 5:
                guard data.endIndex - index >= 4 else { throw DecodeError(message: "truncated field") }
                index += 4
            default:
                throw DecodeError(message: "unsupported wire type \(wire)")
            }
        }
    }

    private static func scalar(_ value: Value, _ type: FieldType) throws(DecodeError) -> JSONValue {
        switch (type, value) {
        case (.string, .bytes(let data)): return .string(String(decoding: data, as: UTF8.self))
        case (.bytes, .bytes(let data)): return .string(base64(data))
        case (.bool, .varint(let number)): return .bool(number != 0)
        case (.int, .varint(let number)): return .int(Int64(bitPattern: number))
        case (.message(let schema), .bytes(let data)): return .object(try message(data, schema))
        default: throw DecodeError(message: "unexpected wire type")
        }
    }

    private static func message(_ data: ArraySlice<UInt8>, _ schema: [Int: (String, FieldType)]) throws(DecodeError) -> JSONObject {
        var object: JSONObject = [:]
        try fields(data) { (number: Int, _: Int, value: Value) throws(DecodeError) in
            guard let (name, type) = schema[number] else { return }
            switch type {
            case .map(let valueType):
                guard case .bytes(let entry) = value else { throw DecodeError(message: "bad map entry") }
                var key = ""
                var mapValue: JSONValue = valueType.isBytes ? "" : ""
                try fields(entry) { (inner: Int, _: Int, part: Value) throws(DecodeError) in
                    if inner == 1, case .bytes(let text) = part { key = String(decoding: text, as: UTF8.self) }
                    if inner == 2 { mapValue = try scalar(part, valueType) }
                }
                var map = object[name]?.objectValue ?? [:]
                map[key] = mapValue
                object[name] = .object(map)
            case .repeated(let elementType):
                var list = object[name]?.arrayValue ?? []
                list.append(try scalar(value, elementType))
                object[name] = .array(list)
            default:
                object[name] = try scalar(value, type)
            }
        }
        return object
    }

    static func base64(_ data: ArraySlice<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output: [UInt8] = []
        var bytes = Array(data)[...]
        while !bytes.isEmpty {
            let chunk = Array(bytes.prefix(3))
            bytes = bytes.dropFirst(chunk.count)
            let b0 = chunk[0]
            let b1 = chunk.count > 1 ? chunk[1] : 0
            let b2 = chunk.count > 2 ? chunk[2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            output.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension Protobuf.FieldType {
    var isBytes: Bool { if case .bytes = self { true } else { false } }
}
