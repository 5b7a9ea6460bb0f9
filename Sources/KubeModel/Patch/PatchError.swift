/// An error applying or parsing a JSON patch, a JSON merge patch or a strategic merge patch.
///
/// The ``description`` names where the problem is: for a JSON patch the operation's index
/// (zero-based, as in the operations array) and path, e.g.
/// `operation 2 (replace /spec/x): path not found`; for a strategic merge patch the field path.
public struct PatchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, independent of where.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The patch document itself is malformed (wrong shape, missing or unknown members).
        public static let invalidPatch = Kind("invalid patch")
        /// A JSON pointer is malformed (RFC 6901).
        public static let invalidPointer = Kind("invalid pointer")
        /// A path or array index does not exist in the target.
        public static let pathNotFound = Kind("path not found")
        /// A JSON patch `test` operation found a different value.
        public static let testFailed = Kind("test failed")
        /// The target has a different shape than the patch needs (e.g. a member of a string).
        public static let typeMismatch = Kind("type mismatch")
        /// A strategic merge patch directive is malformed or misplaced.
        public static let invalidDirective = Kind("invalid directive")
        /// A strategic merge patch list element lacks its merge key.
        public static let missingMergeKey = Kind("missing merge key")
        /// The original document is not an object.
        public static let invalidDocument = Kind("invalid document")
    }

    /// What went wrong.
    public let kind: Kind
    /// A human readable explanation, without the location prefix.
    public let message: String
    /// The index of the failing JSON patch operation, when there is one.
    public let operationIndex: Int?
    /// The JSON patch operation name (`add`, `remove`, ...), when known.
    public let operation: String?
    /// The JSON pointer (JSON patch) or dotted field path (strategic merge patch) involved.
    public let path: String?

    init(_ kind: Kind, _ message: String, operationIndex: Int? = nil, operation: String? = nil, path: String? = nil) {
        self.kind = kind
        self.message = message
        self.operationIndex = operationIndex
        self.operation = operation
        self.path = path
    }

    public var description: String {
        if let operationIndex {
            var head = "operation \(operationIndex)"
            switch (operation, path) {
            case (let op?, let path?): head += " (\(op) \(path))"
            case (let op?, nil): head += " (\(op))"
            case (nil, let path?): head += " (\(path))"
            case (nil, nil): break
            }
            return "\(head): \(message)"
        }
        if let path, !path.isEmpty {
            return "\(path): \(message)"
        }
        return message
    }
}
