public import KubeModel
public import StageSetAPI
import Foundation
import YAML

/// `kustomize build` over a directory of an artifact, confined to the artifact root.
///
/// A directory with `kustomization.yaml`, `kustomization.yml` or `Kustomization` is built as
/// `kubectl kustomize` builds it. Supported: `resources`/`bases` (files, `List`s, directories),
/// `components`, `namespace`, `namePrefix`, `nameSuffix` (with name-reference updates),
/// `labels`, `commonLabels`, `commonAnnotations`, `images`, `replicas`, `patches`,
/// `patchesStrategicMerge`, `patchesJson6902`, `configMapGenerator`, `secretGenerator` and
/// `generatorOptions`. Other kustomize fields (`vars`, `replacements`, `crds`, `helmCharts`, …)
/// and unknown fields fail with an error naming them; remote resources are refused. A
/// directory without one is built as Flux's kustomize-controller does: a kustomization is
/// generated whose resources are every `.yaml`/`.yml` file below it (and the top-level `.json`
/// files), walking subdirectories in lexical order, except that a subdirectory holding a
/// kustomization file is added as one resource and not descended into.
///
/// Output is in kustomize's legacy order (by kind, then namespace and name), like
/// `kubectl kustomize`.
public enum Kustomize {
    /// The file names kustomize recognises, in the order it looks for them.
    public static let kustomizationFileNames = ["kustomization.yaml", "kustomization.yml", "Kustomization"]

    /// Builds `path` (relative to `root`; `""` or `.` for the root itself). `patches` are added to
    /// the patches of that directory's kustomization, as Flux adds `spec.patches`.
    public static func build(root: String, path: String = "", patches: [KustomizePatch] = []) throws(RenderError) -> [JSONValue] {
        try buildWithTemplates(root: root, path: path, patches: patches).objects
    }

    /// The build, plus the `${…}` texts that appeared as plain (unquoted) YAML scalars in the input,
    /// which post-build substitution re-types as Flux's text substitution does.
    static func buildWithTemplates(root: String, path: String, patches: [KustomizePatch]) throws(RenderError)
        -> (objects: [JSONValue], plainTemplates: Set<String>)
    {
        let fs = try ArtifactFileSystem(root: root)
        let directory = try fs.join("", path)
        guard try fs.isDirectory(directory) else {
            throw RenderError(file: directory.isEmpty ? "." : directory, "build path does not exist or is not a directory")
        }
        var extra: [Kustomization.Patch] = []
        for (index, patch) in patches.enumerated() {
            let field = "stage patches[\(index)]"
            var target: Selector?
            if let selector = patch.target {
                target = try Selector(
                    group: selector.group, version: selector.version, kind: selector.kind, name: selector.name,
                    namespace: selector.namespace, labelSelector: selector.labelSelector,
                    annotationSelector: selector.annotationSelector, field: "\(field).target", file: nil)
            }
            extra.append(Kustomization.Patch(patch: patch.patch, path: nil, target: target, field: field))
        }
        let builder = Builder(fs: fs)
        let objects = try builder.buildRoot(directory, extraPatches: extra)
        return (objects, builder.plainTemplates)
    }
}

/// One build: a stack of directories in progress (to detect cycles) over the file system.
final class Builder {
    /// Decoding bounds for manifests and patches: Kubernetes objects nest a few dozen levels, and the
    /// transformers recurse per level, so deeper input is refused rather than risking the stack.
    static let limits = YAML.Limits(maxNodes: 1_000_000, maxDepth: 200)

    let fs: ArtifactFileSystem
    private var inProgress: [String] = []
    var plainTemplates: Set<String> = []

    init(fs: ArtifactFileSystem) {
        self.fs = fs
    }

    func buildRoot(_ directory: String, extraPatches: [Kustomization.Patch]) throws(RenderError) -> [JSONValue] {
        var resources = try build(directory, onto: [], component: false, root: true, extraPatches: extraPatches)
        for index in resources.indices where resources[index].needsHash {
            let suffix = Generators.contentHash(resources[index].object)
            resources[index].setName(resources[index].name + "-" + suffix)
        }
        NameReferences.fix(&resources)
        return LegacyOrder.sorted(resources).map { Builder.sortedKeys($0.object) }
    }

    /// `value` with object members in bytewise key order, as kustomize prints them.
    static func sortedKeys(_ value: JSONValue) -> JSONValue {
        var copy = value
        sortKeys(&copy)
        return copy
    }

    /// Sorts object members in place, recursively.
    static func sortKeys(_ value: inout JSONValue) {
        switch value {
        case .object(var object):
            value = .null
            var sorted = true
            var previous: String?
            for key in object.keys {
                if let previous, !previous.utf8.lexicographicallyPrecedes(key.utf8) {
                    sorted = false
                    break
                }
                previous = key
            }
            if !sorted {
                object.sort { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            }
            var index = object.values.startIndex
            while index < object.values.endIndex {
                switch object.values[index] {
                case .object, .array: sortKeys(&object.values[index])
                default: break
                }
                index += 1
            }
            value = .object(object)
        case .array(var items):
            value = .null
            for index in items.indices {
                switch items[index] {
                case .object, .array: sortKeys(&items[index])
                default: break
                }
            }
            value = .array(items)
        default:
            return
        }
    }

    func display(_ path: String) -> String { path.isEmpty ? "." : path }

    func kustomizationFile(in directory: String) throws(RenderError) -> String? {
        for name in Kustomize.kustomizationFileNames {
            let candidate = try fs.join(directory, name)
            if try fs.isFile(candidate) { return candidate }
        }
        return nil
    }

    // MARK: Build one kustomization

    func build(
        _ directory: String, onto base: [Resource], component: Bool, root: Bool, extraPatches: [Kustomization.Patch] = []
    ) throws(RenderError) -> [Resource] {
        if inProgress.contains(directory) {
            let chain = (inProgress + [directory]).map(display).joined(separator: " -> ")
            throw RenderError(file: display(directory), "cycle in kustomizations: \(chain)")
        }
        inProgress.append(directory)
        defer { inProgress.removeLast() }

        var kustomization: Kustomization
        let file: String
        if let found = try kustomizationFile(in: directory) {
            file = found
            let bytes = try fs.read(found)
            let document: JSONValue
            do {
                document = try YAML.decode(String(decoding: bytes, as: UTF8.self), limits: Builder.limits)
            } catch {
                throw RenderError(file: found, "invalid YAML: \(error)")
            }
            kustomization = try Kustomization(document, file: found)
        } else if root {
            file = display(directory) + " (generated kustomization)"
            kustomization = Kustomization()
            kustomization.resources = try scan(directory).enumerated().map { ($0.element, "resources[\($0.offset)]") }
        } else {
            throw RenderError(
                file: display(directory),
                "no kustomization file (\(Kustomize.kustomizationFileNames.joined(separator: ", "))) in this directory")
        }
        if component && !kustomization.isComponent {
            throw RenderError(file: file, field: "kind", "a directory listed in components must hold a kind: Component")
        }
        if !component && kustomization.isComponent {
            throw RenderError(file: file, field: "kind", "a Component can only be used from components")
        }
        kustomization.patches += extraPatches

        var resources = base
        var seen = Set(base.map(Self.idKey))
        var entries: [(path: String, field: String, target: String, kind: ArtifactFileSystem.EntryKind, real: String)] = []
        for (path, field) in kustomization.resources {
            try checkRemote(path, file: file, field: field)
            let target = try joined(directory, path, file: file, field: field)
            let entry: (kind: ArtifactFileSystem.EntryKind, real: String)
            do {
                entry = try fs.entry(target)
            } catch let error {
                throw RenderError(file: file, field: field, error.message)
            }
            entries.append((path, field, target, entry.kind, entry.real))
        }
        let files = entries.indices.filter { entries[$0].kind == .file }
        let loaded = Self.loadAll(files.map { (entries[$0].target, entries[$0].real) })
        var loadedByEntry: [Int: Result<LoadedFile, RenderError>] = [:]
        for (position, index) in files.enumerated() { loadedByEntry[index] = loaded[position] }
        for (index, entry) in entries.enumerated() {
            let added: [Resource]
            switch entry.kind {
            case .directory:
                added = try build(entry.target, onto: [], component: false, root: false)
            case .file:
                guard let result = loadedByEntry[index] else { continue }
                let file = try result.get()
                plainTemplates.formUnion(file.templates)
                added = file.resources
            case .other, .missing:
                throw RenderError(file: file, field: entry.field, "\(entry.path): no such file or directory")
            }
            for resource in added {
                guard seen.insert(Self.idKey(resource)).inserted else {
                    throw Self.duplicate(resource, file: file, field: entry.field)
                }
                resources.append(resource)
            }
        }
        for (path, field) in kustomization.components {
            try checkRemote(path, file: file, field: field)
            let target = try joined(directory, path, file: file, field: field)
            guard try fs.isDirectory(target) else {
                throw RenderError(file: file, field: field, "component \(path) is not a directory")
            }
            resources = try build(target, onto: resources, component: true, root: false)
        }
        try runGenerators(kustomization, directory: directory, file: file, into: &resources)
        try Transformers.run(kustomization, directory: directory, file: file, builder: self, on: &resources)
        return resources
    }

    /// Flux's generated kustomization: the manifest files and kustomization directories below
    /// `top`, relative to it, in the order Go's `filepath.Walk` visits them.
    private func scan(_ top: String) throws(RenderError) -> [String] {
        var found: [String] = []
        func walk(_ directory: String, depth: Int) throws(RenderError) {
            for name in try fs.list(directory) {
                let path = try fs.join(directory, name)
                if try fs.isDirectory(path) {
                    if try kustomizationFile(in: path) != nil {
                        found.append(path)
                    } else {
                        try walk(path, depth: depth + 1)
                    }
                } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || (depth == 0 && name.hasSuffix(".json")) {
                    found.append(path)
                }
            }
        }
        try walk(top, depth: 0)
        return found.map { top.isEmpty ? $0 : String($0.dropFirst(top.count + 1)) }
    }

    private func checkRemote(_ path: String, file: String, field: String) throws(RenderError) {
        let lowered = path.lowercased()
        if lowered.contains("://") || lowered.hasPrefix("git@") || lowered.hasPrefix("github.com/")
            || lowered.hasPrefix("gitlab.com/") || lowered.hasPrefix("bitbucket.org/")
        {
            throw RenderError(file: file, field: field, "remote resource \(path) is refused: only files inside the artifact can be built")
        }
    }

    func joined(_ directory: String, _ path: String, file: String, field: String) throws(RenderError) -> String {
        do {
            let target = try fs.join(directory, path)
            _ = try fs.resolve(target)
            return target
        } catch let error {
            throw RenderError(file: file, field: field, error.message)
        }
    }

    static func idKey(_ resource: Resource) -> String {
        let namespace = resource.namespace.isEmpty ? "default" : resource.namespace
        return "\(resource.apiVersion)|\(resource.kind)|\(namespace)|\(resource.name)"
    }

    static func duplicate(_ resource: Resource, file: String, field: String) -> RenderError {
        RenderError(
            file: file, field: field,
            "may not add resource with an already registered id: \(resource.kind) \(resource.namespace.isEmpty ? "" : resource.namespace + "/")\(resource.name)")
    }

    /// Appends `resource`, refusing an id (group, version, kind, namespace, name) already present.
    func append(_ resource: Resource, to resources: inout [Resource], file: String, field: String) throws(RenderError) {
        let key = Self.idKey(resource)
        if resources.contains(where: { Self.idKey($0) == key }) { throw Self.duplicate(resource, file: file, field: field) }
        resources.append(resource)
    }

    /// The objects of a manifest file and the `${…}` plain scalars in it.
    struct LoadedFile: Sendable {
        var resources: [Resource]
        var templates: Set<String>
    }

    /// Loads files (relative path, resolved path) concurrently when there are many; results in order.
    static func loadAll(_ files: [(String, String)]) -> [Result<LoadedFile, RenderError>] {
        guard files.count >= 64 else {
            return files.map { file in Result { () throws(RenderError) in try loadFile(file.0, real: file.1) } }
        }
        let results = ResultBox(count: files.count)
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, 4)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < files.count {
                let file = files[index]
                results.set(index, Result { () throws(RenderError) in try loadFile(file.0, real: file.1) })
                index += workers
            }
        }
        return results.values
    }

    /// Results written by index from several threads, each index exactly once.
    private final class ResultBox: @unchecked Sendable {
        private var storage: [Result<LoadedFile, RenderError>?]
        private let lock = NSLock()

        init(count: Int) { storage = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ value: Result<LoadedFile, RenderError>) {
            lock.lock()
            storage[index] = value
            lock.unlock()
        }

        var values: [Result<LoadedFile, RenderError>] {
            storage.map { $0 ?? .failure(RenderError("internal error: a file was not loaded")) }
        }
    }

    /// The objects of the manifest file `path` (resolved to `real`); `List` kinds are expanded.
    static func loadFile(_ path: String, real: String) throws(RenderError) -> LoadedFile {
        let bytes = try ArtifactFileSystem.readResolved(real, relative: path)
        var templates = Set<String>()
        PlainTemplates.collect(from: bytes, into: &templates)
        let documents: [JSONValue]
        do {
            documents = try YAML.decodeAll(bytes, limits: Builder.limits)
        } catch {
            throw RenderError(file: path, "invalid YAML: \(error)")
        }
        var result: [Resource] = []
        func add(_ document: JSONValue, _ location: String) throws(RenderError) {
            guard case .object(let object) = document else {
                throw RenderError(file: path, "\(location) is \(document.typeName), not a Kubernetes object")
            }
            guard let kind = object["kind"]?.stringValue, !kind.isEmpty else {
                throw RenderError(file: path, field: "kind", "\(location) has no kind")
            }
            if kind.hasSuffix("List"), case .array(let items)? = object["items"] {
                for (index, item) in items.enumerated() { try add(item, "\(location) items[\(index)]") }
                return
            }
            guard let name = document["metadata"]?["name"]?.stringValue, !name.isEmpty else {
                throw RenderError(file: path, field: "metadata.name", "\(location) (\(kind)) has no metadata.name")
            }
            result.append(Resource(object: document, file: path))
        }
        for (index, document) in documents.enumerated() {
            try add(document, "document \(index + 1)")
        }
        return LoadedFile(resources: result, templates: templates)
    }

    /// Reads a patch file named in `file`'s `field`.
    func readText(_ path: String, directory: String, file: String, field: String) throws(RenderError) -> String {
        let target = try joined(directory, path, file: file, field: field)
        guard try fs.isFile(target) else {
            throw RenderError(file: file, field: field, "\(path): no such file")
        }
        let bytes = try fs.read(target)
        PlainTemplates.collect(from: bytes, into: &plainTemplates)
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: Generators

    private func runGenerators(
        _ kustomization: Kustomization, directory: String, file: String, into resources: inout [Resource]
    ) throws(RenderError) {
        for generator in kustomization.generators {
            let (object, needsHash) = try Generators.make(
                generator, global: kustomization.generatorOptions, directory: directory, file: file, fs: fs)
            var resource = Resource(object: object, file: file)
            resource.needsHash = needsHash
            switch generator.behavior {
            case .create:
                try append(resource, to: &resources, file: file, field: generator.field)
            case .merge, .replace:
                let namespace = generator.namespace ?? ""
                guard let index = resources.firstIndex(where: {
                    $0.kind == generator.kind && $0.wasNamed(generator.name)
                        && $0.namespaceHistory.contains(where: { sameNamespace($0, namespace) })
                }) else {
                    throw RenderError(
                        file: file, field: "\(generator.field).behavior",
                        "\(generator.kind) \(generator.name) does not exist; cannot \(generator.behavior.rawValue)")
                }
                var existing = resources[index]
                var merged = existing.object
                for key in ["labels", "annotations"] {
                    var map = existing.object["metadata"]?[key]?.objectValue ?? [:]
                    for (name, value) in object["metadata"]?[key]?.objectValue ?? [:] { map[name] = value }
                    if !map.isEmpty {
                        var metadata = merged["metadata"] ?? [:]
                        metadata[key] = .object(map)
                        merged["metadata"] = metadata
                    }
                }
                for key in ["data", "binaryData"] {
                    var map: JSONObject = generator.behavior == .merge ? (existing.object[key]?.objectValue ?? [:]) : [:]
                    for (name, value) in object[key]?.objectValue ?? [:] { map[name] = value }
                    if map.isEmpty {
                        if case .object(var root) = merged { root.removeValue(forKey: key); merged = .object(root) }
                    } else {
                        merged[key] = .object(map)
                    }
                }
                if generator.kind == "Secret", let type = object["type"], generator.type != nil { merged["type"] = type }
                if object["immutable"] != nil { merged["immutable"] = true }
                existing.object = merged
                existing.needsHash = needsHash
                resources[index] = existing
            }
        }
    }
}
