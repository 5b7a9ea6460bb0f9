/// A path to a field inside an object, rendered the way the Kubernetes API server renders
/// field paths in validation errors: `spec.stages[1].actions.pre[0]`.
///
/// Map keys that are not plain identifiers render in brackets, e.g.
/// `metadata.labels[app.kubernetes.io/name]`.
public struct FieldPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// One step of a path.
    public enum Component: Sendable, Hashable {
        /// An object member or map key.
        case key(String)
        /// An array element.
        case index(Int)
    }

    /// The steps from the root, outermost first.
    public var components: [Component]

    /// The path of the components, outermost first.
    public init(_ components: [Component] = []) {
        self.components = components
    }

    /// The path of one field below the root.
    public init(_ name: String) {
        self.components = [.key(name)]
    }

    /// Converts a `Codable` coding path. A key whose `intValue` is set and whose `stringValue`
    /// is `"Index N"` (the convention of array containers) becomes an index; every other key
    /// becomes a member name.
    public init(codingPath: [any CodingKey]) {
        self.components = codingPath.map { key in
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    /// The root path (renders as an empty string).
    public static let root = FieldPath()

    /// The path of member `name` below this one.
    public func child(_ name: String) -> FieldPath {
        var copy = self
        copy.components.append(.key(name))
        return copy
    }

    /// The path of array element `index` below this one.
    public func index(_ index: Int) -> FieldPath {
        var copy = self
        copy.components.append(.index(index))
        return copy
    }

    /// This path followed by `other`.
    public func appending(_ other: FieldPath) -> FieldPath {
        FieldPath(components + other.components)
    }

    /// True for the root path.
    public var isRoot: Bool { components.isEmpty }

    /// The Kubernetes rendering, e.g. `spec.stages[1].actions.pre[0]`.
    public var description: String {
        var result = ""
        for component in components {
            switch component {
            case .index(let index):
                result += "[\(index)]"
            case .key(let key):
                if Self.isPlainIdentifier(key) {
                    if !result.isEmpty { result += "." }
                    result += key
                } else {
                    result += "[\(key)]"
                }
            }
        }
        return result
    }

    public static func < (lhs: FieldPath, rhs: FieldPath) -> Bool {
        lhs.description < rhs.description
    }

    private static func isPlainIdentifier(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return key.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || scalar == "-" || scalar == "$"
                || (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
        }
    }
}
