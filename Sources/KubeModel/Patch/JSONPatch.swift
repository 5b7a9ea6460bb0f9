/// A JSON patch (RFC 6902): a list of `add`, `remove`, `replace`, `move`, `copy` and `test`
/// operations addressed by JSON pointers (RFC 6901).
///
/// The operations are validated when the patch is created; ``apply(to:)`` is atomic: it either
/// applies every operation or throws and leaves nothing changed. Errors name the failing operation
/// by its zero-based index, e.g. `operation 2 (replace /spec/x): path not found`.
public struct JSONPatch: Sendable {
    enum Operation: Sendable {
        case add(JSONPointer, JSONValue)
        case remove(JSONPointer)
        case replace(JSONPointer, JSONValue)
        case move(from: JSONPointer, to: JSONPointer)
        case copy(from: JSONPointer, to: JSONPointer)
        case test(JSONPointer, JSONValue)

        var name: String {
            switch self {
            case .add: "add"
            case .remove: "remove"
            case .replace: "replace"
            case .move: "move"
            case .copy: "copy"
            case .test: "test"
            }
        }

        var path: JSONPointer {
            switch self {
            case .add(let path, _), .remove(let path), .replace(let path, _), .test(let path, _): path
            case .move(_, let path), .copy(_, let path): path
            }
        }
    }

    let operations: [Operation]

    /// Parses a JSON patch document: an array of operation objects. Members an operation does not
    /// use are ignored, as RFC 6902 requires.
    public init(_ operations: JSONValue) throws(PatchError) {
        guard case .array(let elements) = operations else {
            throw PatchError(.invalidPatch, "a JSON patch must be an array of operations, not \(operations.typeName)")
        }
        var parsed: [Operation] = []
        parsed.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            parsed.append(try Self.parse(element, index: index))
        }
        self.operations = parsed
    }

    /// The number of operations.
    public var count: Int { operations.count }

    /// Applies the operations in order to `document` and returns the result.
    public func apply(to document: JSONValue) throws(PatchError) -> JSONValue {
        var result = document
        for (index, operation) in operations.enumerated() {
            do {
                try Self.perform(operation, on: &result)
            } catch let failure {
                throw PatchError(
                    failure.kind, failure.message, operationIndex: index, operation: operation.name,
                    path: operation.path.description)
            }
        }
        return result
    }

    // MARK: Parsing

    private static func parse(_ element: JSONValue, index: Int) throws(PatchError) -> Operation {
        guard case .object(let object) = element else {
            throw PatchError(.invalidPatch, "an operation must be an object, not \(element.typeName)", operationIndex: index)
        }
        guard let opValue = object["op"] else {
            throw PatchError(.invalidPatch, "missing \"op\"", operationIndex: index)
        }
        guard let op = opValue.stringValue else {
            throw PatchError(.invalidPatch, "\"op\" must be a string, not \(opValue.typeName)", operationIndex: index)
        }
        func pointer(_ member: String) throws(PatchError) -> JSONPointer {
            guard let value = object[member] else {
                throw PatchError(.invalidPatch, "missing \"\(member)\"", operationIndex: index, operation: op)
            }
            guard let text = value.stringValue else {
                throw PatchError(
                    .invalidPatch, "\"\(member)\" must be a string, not \(value.typeName)", operationIndex: index,
                    operation: op)
            }
            do {
                return try JSONPointer(parsing: text)
            } catch let error {
                throw PatchError(error.kind, error.message, operationIndex: index, operation: op, path: text)
            }
        }
        let path = try pointer("path")
        func value() throws(PatchError) -> JSONValue {
            guard let value = object["value"] else {
                throw PatchError(.invalidPatch, "missing \"value\"", operationIndex: index, operation: op, path: path.description)
            }
            return value
        }
        switch op {
        case "add": return .add(path, try value())
        case "remove": return .remove(path)
        case "replace": return .replace(path, try value())
        case "move": return .move(from: try pointer("from"), to: path)
        case "copy": return .copy(from: try pointer("from"), to: path)
        case "test": return .test(path, try value())
        default:
            throw PatchError(.invalidPatch, "unknown operation \"\(op)\"", operationIndex: index, path: path.description)
        }
    }

    // MARK: Applying

    private static func perform(_ operation: Operation, on document: inout JSONValue) throws(PatchError) {
        switch operation {
        case .add(let path, let value):
            try add(value, at: path.tokens[...], in: &document)
        case .remove(let path):
            _ = try remove(at: path.tokens[...], in: &document)
        case .replace(let path, let value):
            try replace(at: path.tokens[...], with: value, in: &document)
        case .move(let from, let to):
            if from == to {
                _ = try atSource(from) { () throws(PatchError) in try get(from.tokens[...], in: document) }
                return
            }
            if from.isProperPrefix(of: to) {
                throw PatchError(.invalidPatch, "cannot move \(from) into one of its own children")
            }
            let value = try atSource(from) { () throws(PatchError) in try remove(at: from.tokens[...], in: &document) }
            try add(value, at: to.tokens[...], in: &document)
        case .copy(let from, let to):
            let value = try atSource(from) { () throws(PatchError) in try get(from.tokens[...], in: document) }
            try add(value, at: to.tokens[...], in: &document)
        case .test(let path, let expected):
            let actual = try get(path.tokens[...], in: document)
            guard actual == expected else {
                throw PatchError(.testFailed, "test failed: value is \(describe(actual)), expected \(describe(expected))")
            }
        }
    }

    /// Runs `body` on the `from` location of a move or copy, naming it in errors.
    private static func atSource(_ from: JSONPointer, _ body: () throws(PatchError) -> JSONValue) throws(PatchError) -> JSONValue {
        do {
            return try body()
        } catch let error {
            throw PatchError(error.kind, "from \(from.description.isEmpty ? "\"\"" : from.description): \(error.message)")
        }
    }

    /// A short rendering of a value for messages.
    private static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool(let flag): String(flag)
        case .int(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): text.count <= 64 ? "\"\(text)\"" : "a string"
        case .array(let array): "an array of \(array.count)"
        case .object(let object): "an object of \(object.count) members"
        }
    }

    /// Parses an array index token: `0` or a number without leading zeros. `-` is handled by callers.
    private static func arrayIndex(_ token: String) throws(PatchError) -> Int {
        guard !token.isEmpty, token.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw PatchError(.invalidPointer, "\"\(token)\" is not an array index")
        }
        guard token == "0" || !token.hasPrefix("0") else {
            throw PatchError(.invalidPointer, "array index \"\(token)\" has a leading zero")
        }
        guard let index = Int(token) else {
            throw PatchError(.pathNotFound, "array index \(token) is out of range")
        }
        return index
    }

    private static func get(_ tokens: ArraySlice<String>, in value: JSONValue) throws(PatchError) -> JSONValue {
        var current = value
        for token in tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw PatchError(.pathNotFound, "path not found") }
                current = next
            case .array(let array):
                if token == "-" { throw PatchError(.pathNotFound, "path not found (\"-\" is past the end)") }
                let index = try arrayIndex(token)
                guard index < array.count else {
                    throw PatchError(.pathNotFound, "path not found (index \(index) of \(array.count) elements)")
                }
                current = array[index]
            default:
                throw PatchError(.pathNotFound, "path not found (\(current.typeName) has no members)")
            }
        }
        return current
    }

    /// Runs `body` on the container addressed by `parent`, in place.
    private static func modifyContainer<Result>(
        at parent: ArraySlice<String>, in value: inout JSONValue,
        _ body: (inout JSONValue) throws(PatchError) -> Result
    ) throws(PatchError) -> Result {
        guard let token = parent.first else { return try body(&value) }
        let rest = parent.dropFirst()
        switch value {
        case .object(var object):
            guard var child = object[token] else { throw PatchError(.pathNotFound, "path not found") }
            value = .null
            object[token] = .null
            defer {
                object[token] = child
                value = .object(object)
            }
            return try modifyContainer(at: rest, in: &child, body)
        case .array(var array):
            if token == "-" { throw PatchError(.pathNotFound, "path not found (\"-\" is past the end)") }
            let index = try arrayIndex(token)
            guard index < array.count else {
                throw PatchError(.pathNotFound, "path not found (index \(index) of \(array.count) elements)")
            }
            var child = array[index]
            value = .null
            array[index] = .null
            defer {
                array[index] = child
                value = .array(array)
            }
            return try modifyContainer(at: rest, in: &child, body)
        default:
            throw PatchError(.pathNotFound, "path not found (\(value.typeName) has no members)")
        }
    }

    private static func add(_ newValue: JSONValue, at tokens: ArraySlice<String>, in document: inout JSONValue) throws(PatchError) {
        guard let last = tokens.last else {
            document = newValue
            return
        }
        try modifyContainer(at: tokens.dropLast(), in: &document) { (container: inout JSONValue) throws(PatchError) in
            switch container {
            case .object(var object):
                container = .null
                object[last] = newValue
                container = .object(object)
            case .array(var array):
                let index = last == "-" ? array.count : try arrayIndex(last)
                guard index <= array.count else {
                    throw PatchError(.pathNotFound, "index \(index) is out of range for an array of \(array.count)")
                }
                container = .null
                array.insert(newValue, at: index)
                container = .array(array)
            default:
                throw PatchError(.typeMismatch, "cannot add a member to \(container.typeName)")
            }
        }
    }

    private static func remove(at tokens: ArraySlice<String>, in document: inout JSONValue) throws(PatchError) -> JSONValue {
        guard let last = tokens.last else {
            throw PatchError(.invalidPatch, "cannot remove the whole document")
        }
        return try modifyContainer(at: tokens.dropLast(), in: &document) { (container: inout JSONValue) throws(PatchError) in
            switch container {
            case .object(var object):
                guard let removed = object[last] else { throw PatchError(.pathNotFound, "path not found") }
                container = .null
                object.removeValue(forKey: last)
                container = .object(object)
                return removed
            case .array(var array):
                if last == "-" { throw PatchError(.pathNotFound, "path not found (\"-\" is past the end)") }
                let index = try arrayIndex(last)
                guard index < array.count else {
                    throw PatchError(.pathNotFound, "path not found (index \(index) of \(array.count) elements)")
                }
                container = .null
                let removed = array.remove(at: index)
                container = .array(array)
                return removed
            default:
                throw PatchError(.pathNotFound, "path not found (\(container.typeName) has no members)")
            }
        }
    }

    private static func replace(at tokens: ArraySlice<String>, with newValue: JSONValue, in document: inout JSONValue) throws(PatchError) {
        guard let last = tokens.last else {
            document = newValue
            return
        }
        try modifyContainer(at: tokens.dropLast(), in: &document) { (container: inout JSONValue) throws(PatchError) in
            switch container {
            case .object(var object):
                guard object[last] != nil else { throw PatchError(.pathNotFound, "path not found") }
                container = .null
                object[last] = newValue
                container = .object(object)
            case .array(var array):
                if last == "-" { throw PatchError(.pathNotFound, "path not found (\"-\" is past the end)") }
                let index = try arrayIndex(last)
                guard index < array.count else {
                    throw PatchError(.pathNotFound, "path not found (index \(index) of \(array.count) elements)")
                }
                container = .null
                array[index] = newValue
                container = .array(array)
            default:
                throw PatchError(.pathNotFound, "path not found (\(container.typeName) has no members)")
            }
        }
    }
}
