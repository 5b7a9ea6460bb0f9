internal import CYAML
internal import KubeModel

/// Owns a libyaml emitter writing one block-style document into memory.
final class LibYAMLEmitter {
    private final class Sink {
        var bytes: [UInt8] = []
    }

    private let emitter: UnsafeMutablePointer<yaml_emitter_t>
    private let sink = Sink()

    init() {
        emitter = .allocate(capacity: 1)
        // Only fails when malloc does; there is nothing sensible to recover to.
        precondition(yaml_emitter_initialize(emitter) == 1, "libyaml: cannot allocate an emitter")
        yaml_emitter_set_output(
            emitter,
            { context, buffer, size in
                guard let context, let buffer else { return 0 }
                let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
                sink.bytes.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            },
            Unmanaged.passUnretained(sink).toOpaque())
        yaml_emitter_set_unicode(emitter, 1)
        yaml_emitter_set_indent(emitter, 2)
        yaml_emitter_set_width(emitter, -1)
        yaml_emitter_set_break(emitter, YAML_LN_BREAK)
    }

    deinit {
        yaml_emitter_delete(emitter)
        emitter.deallocate()
    }

    /// The document holding `value`, ending in a line break.
    func document(_ value: JSONValue) -> String {
        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        emit(&event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        emit(&event)
        node(value)
        yaml_document_end_event_initialize(&event, 1)
        emit(&event)
        yaml_stream_end_event_initialize(&event)
        emit(&event)
        check(yaml_emitter_flush(emitter))
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    /// An open collection and the index of its next member.
    private enum Frame {
        case mapping(JSONObject, Int)
        case sequence([JSONValue], Int)
    }

    /// Walks `root` with an explicit stack, so deep values cannot overflow the thread's stack; members
    /// are visited by index, never copied out of their collection.
    private func node(_ root: JSONValue) {
        var stack: [Frame] = []
        var event = yaml_event_t()
        var next: JSONValue? = root
        while true {
            if let value = next.take() {
                switch value {
                case .null: scalar("null", style: YAML_PLAIN_SCALAR_STYLE)
                case .bool(let flag): scalar(flag ? "true" : "false", style: YAML_PLAIN_SCALAR_STYLE)
                case .int(let number): scalar(String(number), style: YAML_PLAIN_SCALAR_STYLE)
                case .double(let number): scalar(Self.format(number), style: YAML_PLAIN_SCALAR_STYLE)
                case .string(let text): string(text)
                case .array(let elements):
                    check(yaml_sequence_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_SEQUENCE_STYLE))
                    emit(&event)
                    stack.append(.sequence(elements, 0))
                case .object(let members):
                    check(yaml_mapping_start_event_initialize(&event, nil, nil, 1, YAML_BLOCK_MAPPING_STYLE))
                    emit(&event)
                    stack.append(.mapping(members, 0))
                }
                continue
            }
            guard let frame = stack.popLast() else { return }
            switch frame {
            case .sequence(let elements, let index):
                if index < elements.count {
                    next = elements[index]
                    stack.append(.sequence(elements, index + 1))
                } else {
                    yaml_sequence_end_event_initialize(&event)
                    emit(&event)
                }
            case .mapping(let members, let index):
                if index < members.count {
                    string(members.keys[index])
                    next = members.values[index]
                    stack.append(.mapping(members, index + 1))
                } else {
                    yaml_mapping_end_event_initialize(&event)
                    emit(&event)
                }
            }
        }
    }

    /// A string, quoted when a plain scalar would read back as something else; multi-line
    /// strings as literal blocks (libyaml falls back to quoting when a block cannot round-trip).
    private func string(_ text: String) {
        var text = text
        if text.withUTF8({ $0.contains(UInt8(ascii: "\n")) }) {
            scalar(text, style: YAML_LITERAL_SCALAR_STYLE)
        } else if PlainScalar.needsQuotes(text) {
            scalar(text, style: YAML_DOUBLE_QUOTED_SCALAR_STYLE)
        } else {
            scalar(text, style: YAML_PLAIN_SCALAR_STYLE)
        }
    }

    private func scalar(_ text: String, style: yaml_scalar_style_t) {
        var event = yaml_event_t()
        var text = text
        let plainImplicit: Int32 = style == YAML_PLAIN_SCALAR_STYLE ? 1 : 0
        text.withUTF8 { utf8 in
            let empty: [yaml_char_t] = [0]
            empty.withUnsafeBufferPointer { fallback in
                let base = utf8.baseAddress ?? fallback.baseAddress
                check(
                    yaml_scalar_event_initialize(
                        &event, nil, nil, UnsafeMutablePointer(mutating: base), Int32(clamping: utf8.count),
                        plainImplicit, 1, style))
            }
        }
        emit(&event)
    }

    private func emit(_ event: inout yaml_event_t) {
        check(yaml_emitter_emit(emitter, &event))
    }

    /// The events come from a well-formed walk over valid UTF-8, so libyaml can only fail here
    /// on allocation failure.
    private func check(_ result: Int32) {
        guard result != 1 else { return }
        let problem = emitter.pointee.problem.map { String(cString: $0) } ?? "out of memory"
        preconditionFailure("libyaml emitter: \(problem)")
    }

    /// A double as YAML that reads back as the same number: integral values as integers
    /// (as kubectl prints them), others in Swift's shortest round-trip form.
    static func format(_ number: Double) -> String {
        if number.isNaN { return ".nan" }
        if number.isInfinite { return number < 0 ? "-.inf" : ".inf" }
        if let integer = Int64(exactly: number) { return String(integer) }
        return number.description
    }
}

/// Which strings must not be written as plain scalars.
enum PlainScalar {
    /// True when go-yaml (or another YAML 1.1 reader) would read the plain text as a non-string,
    /// a merge key, a timestamp or a sexagesimal number.
    static func needsQuotes(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { utf8 in
            if ScalarResolver.resolvePlain(utf8) != .string { return true }
            if utf8.count == 2, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "<") { return true }
            return Timestamp.looksLikeDate(utf8) || isSexagesimal(utf8)
        }
    }

    /// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$` (YAML 1.1 base-60 numbers).
    private static func isSexagesimal(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = text.count
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if index < count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < count, isDigit(text[index]) else { return false }
        while index < count, isDigit(text[index]) || text[index] == UInt8(ascii: "_") { index += 1 }
        var groups = 0
        while index < count, text[index] == UInt8(ascii: ":") {
            index += 1
            let start = index
            while index < count, isDigit(text[index]), index - start < 2 { index += 1 }
            guard index > start else { return false }
            if index - start == 2, text[start] > UInt8(ascii: "5") { return false }
            groups += 1
        }
        guard groups > 0 else { return false }
        if index < count, text[index] == UInt8(ascii: ".") {
            index += 1
            while index < count, isDigit(text[index]) || text[index] == UInt8(ascii: "_") { index += 1 }
        }
        return index == count
    }
}
