import KubeModel

/// A parsed `kustomization.yaml` (or `Component`): the fields this renderer supports, checked
/// for shape. Fields kustomize knows but we do not support, and unknown fields, are errors.
struct Kustomization {
    struct Patch {
        /// Inline patch text, or `nil` when `path` is set.
        var patch: String?
        var path: String?
        var target: Selector?
        /// Where it came from, for errors (`patches[2]`).
        var field: String
    }

    struct Image {
        var name: String
        var newName: String?
        var newTag: String?
        var digest: String?
    }

    struct Replica {
        var name: String
        var count: Int64
    }

    struct Label {
        var pairs: [(String, String)]
        var includeSelectors: Bool
        var includeTemplates: Bool
    }

    struct GeneratorOptions {
        var labels: [(String, String)] = []
        var annotations: [(String, String)] = []
        var disableNameSuffixHash: Bool?
        var immutable: Bool?
    }

    enum Behavior: String { case create, merge, replace }

    struct Generator {
        var kind: String  // ConfigMap or Secret
        var name: String
        var namespace: String?
        var behavior: Behavior
        var literals: [String] = []
        var files: [String] = []
        var envs: [String] = []
        var type: String?
        var options: GeneratorOptions?
        var field: String
    }

    var isComponent = false
    var resources: [(String, String)] = []  // (path, field)
    var components: [(String, String)] = []
    var namespace: String?
    var namePrefix: String?
    var nameSuffix: String?
    var commonLabels: [(String, String)] = []
    var labels: [Label] = []
    var commonAnnotations: [(String, String)] = []
    var images: [Image] = []
    var replicas: [Replica] = []
    var patches: [Patch] = []
    var patchesStrategicMerge: [(String, String)] = []
    var patchesJson6902: [Patch] = []
    var generators: [Generator] = []
    var generatorOptions: GeneratorOptions?

    /// An empty kustomization (Flux generates one for a directory without a kustomization file).
    init() {}

    /// Kustomize fields we recognise but do not implement.
    static let unsupported: Set<String> = [
        "crds", "vars", "replacements", "configurations", "generators", "transformers", "validators",
        "helmCharts", "helmGlobals", "helmChartInflationGenerator", "openapi", "buildMetadata", "inventory",
        "sortOptions", "nameReference",
    ]

    static let known: Set<String> = [
        "apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace", "namePrefix",
        "nameSuffix", "commonLabels", "labels", "commonAnnotations", "images", "replicas", "patches",
        "patchesStrategicMerge", "patchesJson6902", "configMapGenerator", "secretGenerator", "generatorOptions",
    ]

    /// Parses the decoded document of `file`.
    init(_ document: JSONValue, file: String) throws(RenderError) {
        func fail(_ field: String, _ message: String) -> RenderError {
            RenderError(file: file, field: field, message)
        }
        guard case .object(let object) = document else {
            if document.isNull { return }
            throw RenderError(file: file, "a kustomization must be a mapping, not \(document.typeName)")
        }
        for key in object.keys {
            if Self.unsupported.contains(key) {
                throw fail(key, "field is not supported by this renderer")
            }
            if !Self.known.contains(key) {
                throw fail(key, "unknown field")
            }
        }
        if let apiVersion = object["apiVersion"] {
            guard let text = apiVersion.stringValue,
                ["kustomize.config.k8s.io/v1beta1", "kustomize.config.k8s.io/v1alpha1"].contains(text)
            else { throw fail("apiVersion", "unsupported apiVersion \(apiVersion)") }
        }
        if let kind = object["kind"] {
            switch kind.stringValue {
            case "Kustomization": break
            case "Component":
                isComponent = true
                guard object["apiVersion"]?.stringValue == "kustomize.config.k8s.io/v1alpha1" else {
                    throw fail("apiVersion", "a Component must have apiVersion kustomize.config.k8s.io/v1alpha1")
                }
            default: throw fail("kind", "kind must be Kustomization or Component, not \(kind)")
            }
        }
        func string(_ key: String) throws(RenderError) -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw fail(key, "must be a string, not \(value.typeName)") }
            return text
        }
        func strings(_ value: JSONValue?, _ field: String) throws(RenderError) -> [(String, String)] {
            guard let value, !value.isNull else { return [] }
            guard case .array(let items) = value else { throw fail(field, "must be a list of strings") }
            var result: [(String, String)] = []
            for (index, item) in items.enumerated() {
                guard let text = item.stringValue else {
                    throw fail("\(field)[\(index)]", "must be a string, not \(item.typeName)")
                }
                result.append((text, "\(field)[\(index)]"))
            }
            return result
        }
        func stringMap(_ value: JSONValue?, _ field: String) throws(RenderError) -> [(String, String)] {
            guard let value, !value.isNull else { return [] }
            guard case .object(let map) = value else { throw fail(field, "must be a map of strings") }
            var result: [(String, String)] = []
            for (key, item) in map {
                result.append((key, try Self.scalarText(item, field: "\(field).\(key)", file: file)))
            }
            return result
        }
        func list(_ key: String) throws(RenderError) -> [(JSONObject, String)] {
            guard let value = object[key], !value.isNull else { return [] }
            guard case .array(let items) = value else { throw fail(key, "must be a list") }
            var result: [(JSONObject, String)] = []
            for (index, item) in items.enumerated() {
                guard case .object(let entry) = item else { throw fail("\(key)[\(index)]", "must be a mapping") }
                result.append((entry, "\(key)[\(index)]"))
            }
            return result
        }
        func checkKeys(_ entry: JSONObject, _ allowed: Set<String>, _ field: String) throws(RenderError) {
            for key in entry.keys where !allowed.contains(key) {
                throw fail("\(field).\(key)", "unknown field")
            }
        }
        func entryString(_ entry: JSONObject, _ key: String, _ field: String) throws(RenderError) -> String? {
            guard let value = entry[key], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw fail("\(field).\(key)", "must be a string, not \(value.typeName)") }
            return text
        }
        func entryBool(_ entry: JSONObject, _ key: String, _ field: String) throws(RenderError) -> Bool? {
            guard let value = entry[key], !value.isNull else { return nil }
            guard let flag = value.boolValue else { throw fail("\(field).\(key)", "must be a boolean, not \(value.typeName)") }
            return flag
        }

        resources = try strings(object["resources"], "resources") + strings(object["bases"], "bases")
        components = try strings(object["components"], "components")
        namespace = try string("namespace")
        namePrefix = try string("namePrefix")
        nameSuffix = try string("nameSuffix")
        commonLabels = try stringMap(object["commonLabels"], "commonLabels")
        commonAnnotations = try stringMap(object["commonAnnotations"], "commonAnnotations")
        for (entry, field) in try list("labels") {
            try checkKeys(entry, ["pairs", "includeSelectors", "includeTemplates"], field)
            labels.append(
                Label(
                    pairs: try stringMap(entry["pairs"], "\(field).pairs"),
                    includeSelectors: try entryBool(entry, "includeSelectors", field) ?? false,
                    includeTemplates: try entryBool(entry, "includeTemplates", field) ?? false))
        }
        for (entry, field) in try list("images") {
            try checkKeys(entry, ["name", "newName", "newTag", "digest", "tagSuffix"], field)
            if entry["tagSuffix"] != nil { throw fail("\(field).tagSuffix", "field is not supported by this renderer") }
            guard let name = try entryString(entry, "name", field), !name.isEmpty else {
                throw fail("\(field).name", "an image needs a name")
            }
            var tag: String?
            if let value = entry["newTag"], !value.isNull {
                tag = try Self.scalarText(value, field: "\(field).newTag", file: file)
            }
            images.append(
                Image(
                    name: name, newName: try entryString(entry, "newName", field), newTag: tag,
                    digest: try entryString(entry, "digest", field)))
        }
        for (entry, field) in try list("replicas") {
            try checkKeys(entry, ["name", "count"], field)
            guard let name = try entryString(entry, "name", field) else { throw fail("\(field).name", "missing name") }
            guard let count = entry["count"]?.intValue else { throw fail("\(field).count", "count must be an integer") }
            replicas.append(Replica(name: name, count: count))
        }
        for (entry, field) in try list("patches") {
            try checkKeys(entry, ["path", "patch", "target", "options"], field)
            if entry["options"] != nil { throw fail("\(field).options", "field is not supported by this renderer") }
            let patch = try Self.parsePatch(entry, field: field, file: file, requireTarget: false)
            patches.append(patch)
        }
        patchesStrategicMerge = try strings(object["patchesStrategicMerge"], "patchesStrategicMerge")
        for (entry, field) in try list("patchesJson6902") {
            try checkKeys(entry, ["path", "patch", "target"], field)
            patchesJson6902.append(try Self.parsePatch(entry, field: field, file: file, requireTarget: true))
        }
        if let value = object["generatorOptions"], !value.isNull {
            guard case .object(let entry) = value else { throw fail("generatorOptions", "must be a mapping") }
            generatorOptions = try Self.parseOptions(entry, field: "generatorOptions", file: file)
        }
        for kind in ["ConfigMap", "Secret"] {
            let key = kind == "ConfigMap" ? "configMapGenerator" : "secretGenerator"
            for (entry, field) in try list(key) {
                var allowed: Set<String> = ["name", "namespace", "behavior", "literals", "files", "envs", "env", "options"]
                if kind == "Secret" { allowed.insert("type") }
                try checkKeys(entry, allowed, field)
                guard let name = try entryString(entry, "name", field), !name.isEmpty else {
                    throw fail("\(field).name", "a generator needs a name")
                }
                let behaviorText = try entryString(entry, "behavior", field) ?? "create"
                guard let behavior = Behavior(rawValue: behaviorText.isEmpty ? "create" : behaviorText) else {
                    throw fail("\(field).behavior", "behavior must be create, merge or replace, not \(behaviorText)")
                }
                var generator = Generator(
                    kind: kind, name: name, namespace: try entryString(entry, "namespace", field), behavior: behavior,
                    field: field)
                generator.literals = try strings(entry["literals"], "\(field).literals").map(\.0)
                generator.files = try strings(entry["files"], "\(field).files").map(\.0)
                generator.envs = try strings(entry["envs"], "\(field).envs").map(\.0)
                if let env = try entryString(entry, "env", field) { generator.envs.append(env) }
                generator.type = try entryString(entry, "type", field)
                if let value = entry["options"], !value.isNull {
                    guard case .object(let options) = value else { throw fail("\(field).options", "must be a mapping") }
                    generator.options = try Self.parseOptions(options, field: "\(field).options", file: file)
                }
                generators.append(generator)
            }
        }
    }

    static func parseOptions(_ entry: JSONObject, field: String, file: String) throws(RenderError) -> GeneratorOptions {
        var options = GeneratorOptions()
        for key in entry.keys where !["labels", "annotations", "disableNameSuffixHash", "immutable"].contains(key) {
            throw RenderError(file: file, field: "\(field).\(key)", "unknown field")
        }
        func map(_ key: String) throws(RenderError) -> [(String, String)] {
            guard let value = entry[key], !value.isNull else { return [] }
            guard case .object(let object) = value else {
                throw RenderError(file: file, field: "\(field).\(key)", "must be a map of strings")
            }
            var result: [(String, String)] = []
            for (name, item) in object {
                result.append((name, try scalarText(item, field: "\(field).\(key).\(name)", file: file)))
            }
            return result
        }
        options.labels = try map("labels")
        options.annotations = try map("annotations")
        for key in ["disableNameSuffixHash", "immutable"] {
            guard let value = entry[key], !value.isNull else { continue }
            guard let flag = value.boolValue else {
                throw RenderError(file: file, field: "\(field).\(key)", "must be a boolean")
            }
            if key == "immutable" { options.immutable = flag } else { options.disableNameSuffixHash = flag }
        }
        return options
    }

    static func parsePatch(_ entry: JSONObject, field: String, file: String, requireTarget: Bool) throws(RenderError) -> Patch {
        let path = entry["path"]?.stringValue
        var inline = entry["patch"]?.stringValue
        if let value = entry["patch"], !value.isNull, inline == nil {
            // patchesJson6902 may carry the operations as structured YAML.
            if case .array = value { inline = JSON.encode(value) } else {
                throw RenderError(file: file, field: "\(field).patch", "must be a string")
            }
        }
        if path != nil && inline != nil {
            throw RenderError(file: file, field: field, "a patch has either path or patch, not both")
        }
        if path == nil && inline == nil {
            throw RenderError(file: file, field: field, "a patch needs path or patch")
        }
        var target: Selector?
        if let value = entry["target"], !value.isNull {
            target = try Selector(value, field: "\(field).target", file: file)
        } else if requireTarget {
            throw RenderError(file: file, field: "\(field).target", "a JSON 6902 patch needs a target")
        }
        return Patch(patch: inline, path: path, target: target, field: field)
    }

    /// A string value of a string map; kustomize rejects numbers and booleans there.
    static func scalarText(_ value: JSONValue, field: String, file: String) throws(RenderError) -> String {
        guard let text = value.stringValue else {
            throw RenderError(file: file, field: field, "must be a string, not \(value.typeName) (quote it)")
        }
        return text
    }
}
