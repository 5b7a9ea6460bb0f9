internal import CYAML
internal import KubeModel

extension YAML {
    /// Bounds that make hostile documents fail fast instead of exhausting memory or stack.
    public struct Limits: Sendable {
        /// Most nodes one document may expand to, counting every alias expansion (billion laughs).
        public var maxNodes: Int
        /// Deepest nesting of sequences and mappings.
        public var maxDepth: Int

        public init(maxNodes: Int = 1_000_000, maxDepth: Int = 10_000) {
            self.maxNodes = maxNodes
            self.maxDepth = maxDepth
        }

        public static let `default` = Limits()
    }
}

/// Turns libyaml events straight into ``JSONValue``s, with go-yaml v2 / sigs.k8s.io/yaml semantics:
/// YAML 1.1 resolution, merge keys applied in order, later duplicate keys win, non-string keys
/// stringified, NaN and infinities rejected as JSON cannot hold them.
struct StreamDecoder {
    private enum Anchor {
        /// A scalar keeps both readings: a value (which may fail, `.inf`) and a map key.
        case scalar(value: Result<JSONValue, YAMLError>, key: Result<String, YAMLError>)
        case collection(JSONValue, size: Int)
    }

    /// An open collection. Its members wait in the decoder's shared scratch buffers (from
    /// `firstMember` on), so each collection is allocated once, at its exact size, when it closes.
    private struct Frame {
        var isMapping: Bool
        var firstMember: Int
        /// The key awaiting its value.
        var key: String?
        /// A `<<` key awaits its value.
        var merging = false
        var anchor: String?
        var firstNode: Int
        var line: Int
        var column: Int

        var expectsKey: Bool { isMapping && key == nil && !merging }
    }

    private let limits: YAML.Limits
    private let schema: YAML.Schema
    private var stack: [Frame] = []
    /// Members of the open sequences, innermost last.
    private var elements: [JSONValue] = []
    /// Members of the open mappings, innermost last, in assignment order (duplicates and merges included).
    private var members: [(key: String, value: JSONValue)] = []
    private var anchors: [String: Anchor] = [:]
    private var nodes = 0
    private var root: JSONValue = .null
    /// Index of the document being read (or the next one between documents).
    private var document = 0

    /// Most non-null documents accepted; one more is an error positioned at its start.
    private let maxDocuments: Int
    private var documentStart = yaml_mark_t()

    init(limits: YAML.Limits, maxDocuments: Int = .max, schema: YAML.Schema = .yaml11) {
        self.limits = limits
        self.maxDocuments = maxDocuments
        self.schema = schema
    }

    /// Every document of the stream whose value is not null.
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>) throws(YAMLError) -> [JSONValue] {
        guard !input.isEmpty else { return [] }
        let parser = try LibYAMLParser(input: input)
        var documents: [JSONValue] = []
        while true {
            let event = try parser.next(document: document)
            let mark = event.pointee.start_mark
            switch event.pointee.type {
            case YAML_STREAM_END_EVENT:
                return documents
            case YAML_DOCUMENT_START_EVENT:
                documentStart = mark
                stack.removeAll(keepingCapacity: true)
                elements.removeAll(keepingCapacity: true)
                members.removeAll(keepingCapacity: true)
                anchors.removeAll()
                nodes = 0
                root = .null
            case YAML_DOCUMENT_END_EVENT:
                if !root.isNull {
                    guard documents.count < maxDocuments else {
                        throw error("expected a single document, found another", documentStart)
                    }
                    documents.append(root)
                }
                root = .null
                document += 1
            case YAML_SCALAR_EVENT:
                try scalar(event.pointee.data.scalar, mark: mark)
            case YAML_ALIAS_EVENT:
                try alias(event.pointee.data.alias.anchor, mark: mark)
            case YAML_SEQUENCE_START_EVENT:
                try start(isMapping: false, anchor: event.pointee.data.sequence_start.anchor, mark: mark)
            case YAML_MAPPING_START_EVENT:
                try start(isMapping: true, anchor: event.pointee.data.mapping_start.anchor, mark: mark)
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                try end()
            default:
                break
            }
        }
    }

    // MARK: - Events

    private mutating func scalar(_ data: DataScalar, mark: yaml_mark_t) throws(YAMLError) {
        try count(1, mark: mark)
        let text = UnsafeBufferPointer(start: data.value, count: data.length)
        let tag = data.tag.map { ScalarTag(UnsafeBufferPointer(start: $0, count: strlen($0))) } ?? .none
        let resolveTag: ScalarTag = tag == .none && data.plain_implicit == 0 ? .string : tag
        if let anchor = data.anchor {
            let name = Self.name(anchor)
            let value = Result { () throws(YAMLError) in try scalarValue(text, tag: resolveTag, mark: mark) }
            let key = Result { () throws(YAMLError) in try scalarKey(text, tag: resolveTag, mark: mark) }
            anchors[name] = .scalar(value: value, key: key)
        }
        if let top = stack.indices.last, stack[top].expectsKey {
            let isMerge = text.count == 2 && text[0] == UInt8(ascii: "<") && text[1] == UInt8(ascii: "<")
                && (tag == .merge || (tag == .none && data.plain_implicit != 0))
            if isMerge {
                stack[top].merging = true
            } else {
                stack[top].key = try scalarKey(text, tag: resolveTag, mark: mark)
            }
            return
        }
        try deliver(scalarValue(text, tag: resolveTag, mark: mark), fromAlias: false, mark: mark)
    }

    private mutating func alias(_ anchor: UnsafeMutablePointer<yaml_char_t>?, mark: yaml_mark_t) throws(YAMLError) {
        let name = anchor.map(Self.name) ?? ""
        guard let target = anchors[name] else {
            throw error("unknown anchor '\(name)' referenced", mark)
        }
        let keyPosition = stack.last?.expectsKey ?? false
        switch target {
        case .scalar(let value, let key):
            try count(1, mark: mark)
            if keyPosition {
                stack[stack.count - 1].key = try key.get()
            } else {
                try deliver(value.get(), fromAlias: true, mark: mark)
            }
        case .collection(let value, let size):
            try count(size, mark: mark)
            if keyPosition { throw error("invalid map key: a \(value.typeName) cannot be a key", mark) }
            try deliver(value, fromAlias: true, mark: mark)
        }
    }

    private mutating func start(
        isMapping: Bool, anchor: UnsafeMutablePointer<yaml_char_t>?, mark: yaml_mark_t
    ) throws(YAMLError) {
        if stack.last?.expectsKey ?? false {
            throw error("invalid map key: a \(isMapping ? "mapping" : "sequence") cannot be a key", mark)
        }
        guard stack.count < limits.maxDepth else {
            throw error("nesting deeper than \(limits.maxDepth) levels", mark)
        }
        try count(1, mark: mark)
        stack.append(
            Frame(
                isMapping: isMapping, firstMember: isMapping ? members.count : elements.count,
                anchor: anchor.map(Self.name), firstNode: nodes,
                line: mark.line + 1, column: mark.column + 1))
    }

    private mutating func end() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        let value: JSONValue
        if frame.isMapping {
            var object = JSONObject(minimumCapacity: members.count - frame.firstMember)
            for index in frame.firstMember..<members.count {
                object[members[index].key] = members[index].value
            }
            members.removeSubrange(frame.firstMember...)
            value = .object(object)
        } else {
            value = .array(Array(elements[frame.firstMember...]))
            elements.removeSubrange(frame.firstMember...)
        }
        if let anchor = frame.anchor {
            anchors[anchor] = .collection(value, size: nodes - frame.firstNode + 1)
        }
        var mark = yaml_mark_t()
        mark.line = frame.line - 1
        mark.column = frame.column - 1
        try deliver(value, fromAlias: false, mark: mark)
    }

    // MARK: - Building

    private mutating func deliver(_ value: JSONValue, fromAlias: Bool, mark: yaml_mark_t) throws(YAMLError) {
        guard let top = stack.indices.last else {
            root = value
            return
        }
        if !stack[top].isMapping {
            elements.append(value)
        } else if stack[top].merging {
            stack[top].merging = false
            try merge(value, fromAlias: fromAlias, mark: mark)
        } else if let key = stack[top].key {
            stack[top].key = nil
            members.append((key, value))
        }
    }

    /// `<<`: a mapping, an alias of one, or a sequence of those; earlier sources win, and the
    /// merged keys overwrite keys set before the `<<` (go-yaml v2 assigns them in place).
    private mutating func merge(_ value: JSONValue, fromAlias: Bool, mark: yaml_mark_t) throws(YAMLError) {
        switch value {
        case .object(let source):
            for (key, member) in source { members.append((key, member)) }
        case .array(let sources) where !fromAlias:
            for source in sources.reversed() {
                guard case .object(let merged) = source else { throw mergeError(mark) }
                for (key, member) in merged { members.append((key, member)) }
            }
        default:
            throw mergeError(mark)
        }
    }

    private func mergeError(_ mark: yaml_mark_t) -> YAMLError {
        error("map merge requires map or sequence of maps as the value", mark)
    }

    private mutating func count(_ added: Int, mark: yaml_mark_t) throws(YAMLError) {
        nodes += added
        guard nodes <= limits.maxNodes else {
            throw error(
                "document expands to more than \(limits.maxNodes) nodes (excessive aliasing?)", mark)
        }
    }

    // MARK: - Scalars

    private func scalarValue(_ text: UnsafeBufferPointer<UInt8>, tag: ScalarTag, mark: yaml_mark_t)
        throws(YAMLError) -> JSONValue
    {
        if tag == .string { return .string(String(decoding: text, as: UTF8.self)) }
        if tag == .binary { return .string(try binary(text, mark: mark)) }
        switch try resolve(text, tag: tag, mark: mark) {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(value)
        case .uint(let value): return .double(Double(value))
        case .double(let value):
            guard value.isFinite else {
                let shown = value.isNaN ? "NaN" : value < 0 ? "-Inf" : "+Inf"
                throw error("json: unsupported value: \(shown)", mark)
            }
            return JSONNumber.asKubectlReadsIt(value)
        case .string, .timestamp: return .string(String(decoding: text, as: UTF8.self))
        }
    }

    /// A scalar as a map key, stringified as sigs.k8s.io/yaml does (`n` → `"false"`, `1e3` → `"1000"`).
    private func scalarKey(_ text: UnsafeBufferPointer<UInt8>, tag: ScalarTag, mark: yaml_mark_t)
        throws(YAMLError) -> String
    {
        if tag == .string { return String(decoding: text, as: UTF8.self) }
        if tag == .binary { return try binary(text, mark: mark) }
        switch try resolve(text, tag: tag, mark: mark) {
        case .null: throw error("unsupported map key: null", mark)
        case .bool(let value): return value ? "true" : "false"
        case .int(let value): return String(value)
        case .uint: throw error("unsupported map key of type uint64: \(String(decoding: text, as: UTF8.self))", mark)
        case .double(let value): return GoFloat.format32(value)
        case .string, .timestamp: return String(decoding: text, as: UTF8.self)
        }
    }

    private func resolve(_ text: UnsafeBufferPointer<UInt8>, tag: ScalarTag, mark: yaml_mark_t)
        throws(YAMLError) -> ResolvedScalar
    {
        do {
            return try ScalarResolver.resolve(text, tag: tag, schema: schema)
        } catch {
            throw self.error(error.message, mark)
        }
    }

    private func binary(_ text: UnsafeBufferPointer<UInt8>, mark: yaml_mark_t) throws(YAMLError) -> String {
        guard let bytes = Base64.decode(text) else {
            throw error("!!binary value contains invalid base64 data", mark)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func error(_ message: String, _ mark: yaml_mark_t) -> YAMLError {
        YAMLError(message: message, line: mark.line + 1, column: mark.column + 1, document: document)
    }

    private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>) -> String {
        String(cString: anchor)
    }
}

private typealias DataScalar = yaml_event_s.__Unnamed_union_data.__Unnamed_struct_scalar
