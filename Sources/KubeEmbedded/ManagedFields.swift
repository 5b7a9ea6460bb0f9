import KubeModel

/// One step of a managed-field path (`f:`, `k:`, `v:` in `fieldsV1`).
enum FieldStep: Hashable, Sendable {
    case field(String)
    /// A list-map element, identified by the compact JSON of its key fields.
    case key(String)
    /// A set element, identified by its compact JSON.
    case value(String)

    var rendered: String {
        switch self {
        case .field(let name): "f:\(name)"
        case .key(let json): "k:\(json)"
        case .value(let json): "v:\(json)"
        }
    }

    /// `.name`, `[name="web"]`, `[="x"]` as conflict messages print paths.
    var display: String {
        switch self {
        case .field(let name): return ".\(name)"
        case .key(let json):
            guard case .object(let keys)? = try? JSON.decode(json) else { return "[\(json)]" }
            return "[" + keys.map { "\($0.key)=\(JSON.encode($0.value))" }.joined(separator: ",") + "]"
        case .value(let json): return "[=\(json)]"
        }
    }
}

typealias FieldPathSteps = [FieldStep]

/// How a list merges in server-side apply.
enum ListType: Sendable, Equatable {
    case atomic
    case set
    case map(keys: [String])
}

/// Where list types come from: the built-in patch schema or a CRD's OpenAPI schema.
enum SchemaNode: Sendable {
    case builtIn(PatchSchema.ObjectType?)
    case openAPI(JSONValue?)
    case none

    /// The list type of member `name` and the node describing its value (or its elements for lists).
    func member(_ name: String) -> (list: ListType, node: SchemaNode) {
        switch self {
        case .none: return (.atomic, .none)
        case .builtIn(let type):
            guard let field = type?[name] else { return (.atomic, .builtIn(nil)) }
            if field.strategy == .merge {
                // SSA map keys where they differ from the SMP merge key (spec §4.6 table).
                switch (name, field.mergeKey) {
                case ("ports", "containerPort"): return (.map(keys: ["containerPort", "protocol"]), .builtIn(field.type))
                case ("ports", "port"): return (.map(keys: ["port", "protocol"]), .builtIn(field.type))
                case ("topologySpreadConstraints", _):
                    return (.map(keys: ["topologyKey", "whenUnsatisfiable"]), .builtIn(field.type))
                default: break
                }
                if let key = field.mergeKey { return (.map(keys: [key]), .builtIn(field.type)) }
                return (.set, .builtIn(nil))
            }
            return (.atomic, .builtIn(field.type))
        case .openAPI(let schema):
            let child = schema?["properties"]?[name] ?? schema?["additionalProperties"]
            guard let child else {
                // Unknown member: granular maps, atomic lists.
                return (.atomic, .openAPI(nil))
            }
            if child["type"]?.stringValue == "array" {
                let items = child["items"]
                switch child["x-kubernetes-list-type"]?.stringValue {
                case "set": return (.set, .openAPI(items))
                case "map":
                    let keys = child["x-kubernetes-list-map-keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    return (keys.isEmpty ? .atomic : .map(keys: keys), .openAPI(items))
                default: return (.atomic, .openAPI(items))
                }
            }
            return (.atomic, .openAPI(child))
        }
    }

    /// Whether a map at this node is atomic (`x-kubernetes-map-type: atomic`).
    var isAtomicMap: Bool {
        if case .openAPI(let schema) = self { return schema?["x-kubernetes-map-type"]?.stringValue == "atomic" }
        return false
    }

    static let metadata = SchemaNode.builtIn(
        PatchSchema.ObjectType(["finalizers": .merge(), "ownerReferences": .merge(key: "uid")]))
}

/// Field-set computations over JSON values (structured-merge-diff, reduced to what the server needs).
enum FieldSets {
    /// A key field's value, with the API's default for `protocol` (TCP) when absent.
    static func keyValue(_ element: JSONValue, _ key: String) -> JSONValue? {
        element[key] ?? (key == "protocol" ? "TCP" : nil)
    }

    /// Whether a list-map element has the given key values.
    static func elementMatches(_ element: JSONValue, _ keys: JSONObject) -> Bool {
        keys.allSatisfy { keyValue(element, $0.key) == $0.value }
    }

    /// The compact JSON of the key fields of a list-map element.
    static func elementKey(_ element: JSONValue, keys: [String]) -> String? {
        guard case .object = element else { return nil }
        var keyObject: JSONObject = [:]
        for key in keys.sorted() {
            guard let value = keyValue(element, key) else { continue }
            keyObject[key] = value
        }
        if keyObject.isEmpty { return nil }
        return JSON.encode(.object(keyObject))
    }

    /// Every owned path in `value` (leaves and list elements) below `prefix`.
    static func paths(of value: JSONValue, node: SchemaNode, prefix: FieldPathSteps, into set: inout Set<FieldPathSteps>) {
        guard case .object(let object) = value, !node.isAtomicMap else {
            set.insert(prefix)
            return
        }
        if object.isEmpty, !prefix.isEmpty {
            set.insert(prefix)
            return
        }
        for (name, member) in object {
            let path = prefix + [.field(name)]
            let (listType, child) = prefix.isEmpty && name == "metadata"
                ? (ListType.atomic, SchemaNode.metadata)
                : node.member(name)
            switch (member, listType) {
            case (.array(let elements), .set):
                if elements.isEmpty { set.insert(path) }
                for element in elements { set.insert(path + [.value(JSON.encode(element))]) }
            case (.array(let elements), .map(let keys)):
                if elements.isEmpty { set.insert(path) }
                for element in elements {
                    guard let key = elementKey(element, keys: keys) else {
                        set.insert(path)
                        continue
                    }
                    let elementPath = path + [.key(key)]
                    set.insert(elementPath)
                    paths(of: element, node: child, prefix: elementPath, into: &set)
                }
            case (.object, _):
                paths(of: member, node: child, prefix: path, into: &set)
            default:
                set.insert(path)
            }
        }
    }

    /// The tracked fields of an object: everything except identity metadata, and either the status
    /// only (`statusOnly`) or everything but status (`excludeStatus`).
    static func trackedView(_ object: JSONObject, statusOnly: Bool, excludeStatus: Bool) -> JSONObject {
        var view: JSONObject = [:]
        for (key, value) in object {
            switch key {
            case "apiVersion", "kind": continue
            case "metadata":
                guard !statusOnly, case .object(let meta) = value else { continue }
                var kept: JSONObject = [:]
                for field in ["labels", "annotations", "finalizers", "ownerReferences"] {
                    if let value = meta[field] { kept[field] = value }
                }
                if !kept.isEmpty { view["metadata"] = .object(kept) }
            case "status":
                if statusOnly || !excludeStatus { view[key] = value }
            default:
                if !statusOnly { view[key] = value }
            }
        }
        return view
    }

    static func paths(of object: JSONObject, node: SchemaNode) -> Set<FieldPathSteps> {
        var set = Set<FieldPathSteps>()
        paths(of: .object(object), node: node, prefix: [], into: &set)
        set.remove([])
        return set
    }

    /// The value at `path`, or nil when absent.
    static func value(at path: some Collection<FieldStep>, in value: JSONValue) -> JSONValue? {
        guard let step = path.first else { return value }
        let rest = path.dropFirst()
        switch step {
        case .field(let name):
            guard case .object(let object) = value, let member = object[name] else { return nil }
            return Self.value(at: rest, in: member)
        case .key(let json):
            guard case .array(let elements) = value, case .object(let keys)? = try? JSON.decode(json) else { return nil }
            guard let element = elements.first(where: { elementMatches($0, keys) })
            else { return nil }
            return Self.value(at: rest, in: element)
        case .value(let json):
            guard case .array(let elements) = value, let wanted = try? JSON.decode(json),
                  elements.contains(wanted) else { return nil }
            return rest.isEmpty ? wanted : nil
        }
    }

    /// Removes the member or element at `path`.
    static func remove(_ path: some Collection<FieldStep>, from value: inout JSONValue) {
        guard let step = path.first else { return }
        let rest = path.dropFirst()
        switch (step, value) {
        case (.field(let name), .object(var object)):
            if rest.isEmpty {
                object[name] = nil
            } else if var member = object[name] {
                remove(rest, from: &member)
                object[name] = member
            }
            value = .object(object)
        case (.key(let json), .array(var elements)):
            guard case .object(let keys)? = try? JSON.decode(json),
                  let index = elements.firstIndex(where: { elementMatches($0, keys) })
            else { return }
            if rest.isEmpty {
                elements.remove(at: index)
            } else {
                remove(rest, from: &elements[index])
            }
            value = .array(elements)
        case (.value(let json), .array(var elements)):
            guard let wanted = try? JSON.decode(json) else { return }
            elements.removeAll { $0 == wanted }
            value = .array(elements)
        default:
            return
        }
    }

    /// Merges an applied configuration into the live value: maps recursively, list-maps by key, sets by
    /// union, everything else replaced.
    static func merge(_ live: JSONValue?, _ applied: JSONValue, node: SchemaNode, isRoot: Bool = false) -> JSONValue {
        guard case .object(let appliedObject) = applied, case .object(var liveObject)? = live, !node.isAtomicMap else {
            return applied
        }
        for (name, member) in appliedObject {
            let (listType, child) = isRoot && name == "metadata" ? (ListType.atomic, SchemaNode.metadata) : node.member(name)
            switch (listType, member, liveObject[name]) {
            case (.set, .array(let elements), .array(let existing)?):
                var merged = existing
                for element in elements where !merged.contains(element) { merged.append(element) }
                liveObject[name] = .array(merged)
            case (.map(let keys), .array(let elements), .array(let existing)?):
                var merged = existing
                for element in elements {
                    let key = elementKey(element, keys: keys)
                    if let key, let index = merged.firstIndex(where: { elementKey($0, keys: keys) == key }) {
                        merged[index] = merge(merged[index], element, node: child)
                    } else {
                        merged.append(element)
                    }
                }
                liveObject[name] = .array(merged)
            default:
                liveObject[name] = merge(liveObject[name], member, node: child)
            }
        }
        return .object(liveObject)
    }

    // MARK: fieldsV1

    /// Renders a path set as a `fieldsV1` tree.
    static func fieldsV1(_ set: Set<FieldPathSteps>) -> JSONValue {
        final class Node {
            var children: [String: Node] = [:]
            var member = false
        }
        let root = Node()
        for path in set {
            var node = root
            for step in path {
                let key = step.rendered
                if let next = node.children[key] {
                    node = next
                } else {
                    let next = Node()
                    node.children[key] = next
                    node = next
                }
            }
            node.member = true
        }
        func render(_ node: Node) -> JSONValue {
            var object: JSONObject = [:]
            if node.member, !node.children.isEmpty { object["."] = [:] }
            for key in node.children.keys.sorted() {
                if let child = node.children[key] { object[key] = render(child) }
            }
            return .object(object)
        }
        return render(root)
    }

    /// Parses a `fieldsV1` tree into a path set; unknown key prefixes are ignored.
    static func parse(_ value: JSONValue) -> Set<FieldPathSteps> {
        var set = Set<FieldPathSteps>()
        func walk(_ value: JSONValue, _ prefix: FieldPathSteps) {
            guard case .object(let object) = value else { return }
            if object.isEmpty, !prefix.isEmpty { set.insert(prefix) }
            for (key, child) in object {
                if key == "." {
                    if !prefix.isEmpty { set.insert(prefix) }
                    continue
                }
                let body = String(key.dropFirst(2))
                let step: FieldStep
                switch key.prefix(2) {
                case "f:": step = .field(body)
                case "k:": step = .key(body)
                case "v:": step = .value(body)
                default: continue
                }
                walk(child, prefix + [step])
            }
        }
        walk(value, [])
        return set
    }
}

/// One `metadata.managedFields` entry.
struct ManagedEntry: Sendable {
    var manager: String
    var operation: String
    var apiVersion: String
    var time: String
    var subresource: String
    var fields: Set<FieldPathSteps>

    init(manager: String, operation: String, apiVersion: String, time: String, subresource: String, fields: Set<FieldPathSteps>) {
        self.manager = manager
        self.operation = operation
        self.apiVersion = apiVersion
        self.time = time
        self.subresource = subresource
        self.fields = fields
    }

    init?(json: JSONValue) {
        guard let manager = json["manager"]?.stringValue else { return nil }
        self.manager = manager
        operation = json["operation"]?.stringValue ?? "Update"
        apiVersion = json["apiVersion"]?.stringValue ?? ""
        time = json["time"]?.stringValue ?? ""
        subresource = json["subresource"]?.stringValue ?? ""
        fields = json["fieldsV1"].map(FieldSets.parse) ?? []
    }

    var json: JSONValue {
        var object: JSONObject = [
            "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
        ]
        if !time.isEmpty { object["time"] = .string(time) }
        object["fieldsType"] = "FieldsV1"
        object["fieldsV1"] = FieldSets.fieldsV1(fields)
        if !subresource.isEmpty { object["subresource"] = .string(subresource) }
        return .object(object)
    }

    func sameIdentity(_ other: ManagedEntry) -> Bool {
        manager == other.manager && operation == other.operation && subresource == other.subresource
    }

    /// How conflict messages name this manager.
    var conflictName: String {
        var text = "\"\(manager)\""
        if !subresource.isEmpty { text += " with subresource \"\(subresource)\"" }
        if operation != "Apply" { text += " using \(apiVersion)" }
        return text
    }
}

extension ManagedEntry {
    static func entries(of object: JSONObject) -> [ManagedEntry] {
        object["metadata"]?["managedFields"]?.arrayValue?.compactMap(ManagedEntry.init(json:)) ?? []
    }

    static func store(_ entries: [ManagedEntry], into object: inout JSONObject) {
        let kept = entries.filter { !$0.fields.isEmpty }
        var meta = object["metadata"]?.objectValue ?? [:]
        if kept.isEmpty {
            meta["managedFields"] = nil
        } else {
            meta["managedFields"] = .array(kept.map(\.json))
        }
        object["metadata"] = .object(meta)
    }
}
