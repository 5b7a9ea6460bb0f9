internal import CYAML

/// Owns a libyaml parser reading borrowed UTF-8 (or BOM-marked UTF-16) bytes, one event at a time.
///
/// The caller keeps the input alive for the parser's lifetime; the current event stays valid
/// until the next call to ``next()``.
final class LibYAMLParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private var holdsEvent = false
    private let input: UnsafeBufferPointer<UInt8>

    /// `input` must be non-empty.
    init(input: UnsafeBufferPointer<UInt8>) throws(YAMLError) {
        self.input = input
        parser = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1, let base = input.baseAddress else {
            event.deallocate()
            parser.deallocate()
            throw YAMLError(message: "cannot initialise libyaml (out of memory)", line: 1, column: 1, document: nil)
        }
        yaml_parser_set_input_string(parser, base, input.count)
    }

    deinit {
        if holdsEvent { yaml_event_delete(event) }
        yaml_parser_delete(parser)
        event.deallocate()
        parser.deallocate()
    }

    /// The next event; `document` positions a failure.
    func next(document: Int?) throws(YAMLError) -> UnsafePointer<yaml_event_t> {
        if holdsEvent {
            yaml_event_delete(event)
            holdsEvent = false
        }
        guard yaml_parser_parse(parser, event) == 1 else { throw currentError(document: document) }
        holdsEvent = true
        return UnsafePointer(event)
    }

    /// libyaml's error state as a ``YAMLError`` — the one place C errors are translated.
    private func currentError(document: Int?) -> YAMLError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown libyaml error"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(message: "out of memory", line: 1, column: 1, document: document)
        case YAML_READER_ERROR:
            var message = problem
            if state.problem_value >= 0 { message += " (byte 0x\(String(state.problem_value, radix: 16)))" }
            let (line, column) = position(ofOffset: state.problem_offset)
            return YAMLError(message: message, line: line, column: column, document: document)
        default:
            var message = problem
            if let context = state.context {
                let mark = state.context_mark
                message += " (\(String(cString: context)) started at line \(mark.line + 1), column \(mark.column + 1))"
            }
            let mark = state.problem_mark
            return YAMLError(message: message, line: mark.line + 1, column: mark.column + 1, document: document)
        }
    }

    /// 1-based line and character column of a byte offset in the input.
    private func position(ofOffset offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in input.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
