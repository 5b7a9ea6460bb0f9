import KubeModel
import YAML

/// The built-in transformers of one kustomization, in kustomize's order: patchesStrategicMerge,
/// patches, namespace, namePrefix, nameSuffix, labels and commonLabels, commonAnnotations,
/// patchesJson6902, replicas, images.
enum Transformers {
    static func run(
        _ k: Kustomization, directory: String, file: String, builder: Builder, on resources: inout [Resource]
    ) throws(RenderError) {
        for (entry, field) in k.patchesStrategicMerge {
            let text: String
            if entry.contains("\n") {
                text = entry
                PlainTemplates.collect(from: text, into: &builder.plainTemplates)
            } else {
                text = try builder.readText(entry, directory: directory, file: file, field: field)
            }
            let documents = try decodePatch(text, file: file, field: field)
            for document in documents {
                guard case .object = document else {
                    throw RenderError(file: file, field: field, "a strategic merge patch must be a mapping, not \(document.typeName)")
                }
                try applyByIdentity(document, file: file, field: field, to: &resources)
            }
        }
        for patch in k.patches {
            try applyPatch(patch, directory: directory, file: file, builder: builder, jsonOnly: false, to: &resources)
        }
        if let namespace = k.namespace, !namespace.isEmpty {
            setNamespace(namespace, on: &resources)
        }
        let skipRename: Set<String> = ["CustomResourceDefinition", "Namespace"]
        let prefix = k.namePrefix ?? ""
        let suffix = k.nameSuffix ?? ""
        if !prefix.isEmpty || !suffix.isEmpty {
            for index in resources.indices {
                let gvk = resources[index].gvk
                if skipRename.contains(gvk.kind) || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io") {
                    continue
                }
                resources[index].setName(prefix + resources[index].name + suffix)
                resources[index].renames.append(prefix + "|" + suffix)
            }
        }
        for label in k.labels where !label.pairs.isEmpty {
            var specs = [FieldSpec("metadata/labels", create: true)]
            if label.includeSelectors {
                specs = TransformerConfig.commonLabels
            } else if label.includeTemplates {
                specs += TransformerConfig.templateLabels
            }
            addPairs(label.pairs, specs: specs, to: &resources)
        }
        if !k.commonLabels.isEmpty {
            addPairs(k.commonLabels, specs: TransformerConfig.commonLabels, to: &resources)
        }
        if !k.commonAnnotations.isEmpty {
            addPairs(k.commonAnnotations, specs: TransformerConfig.commonAnnotations, to: &resources)
        }
        for patch in k.patchesJson6902 {
            try applyPatch(patch, directory: directory, file: file, builder: builder, jsonOnly: true, to: &resources)
        }
        for replica in k.replicas {
            for index in resources.indices
            where TransformerConfig.replicaKinds.contains(resources[index].kind) && resources[index].wasNamed(replica.name) {
                var spec = resources[index].object["spec"] ?? [:]
                if spec.objectValue == nil { spec = [:] }
                spec["replicas"] = .int(replica.count)
                resources[index].object["spec"] = spec
            }
        }
        if !k.images.isEmpty {
            for index in resources.indices {
                Images.update(&resources[index].object, images: k.images)
            }
        }
    }

    // MARK: Patches

    static func decodePatch(_ text: String, file: String, field: String) throws(RenderError) -> [JSONValue] {
        do {
            return try YAML.decodeAll(text, limits: Builder.limits)
        } catch {
            throw RenderError(file: file, field: field, "invalid patch: \(error)")
        }
    }

    static func applyPatch(
        _ patch: Kustomization.Patch, directory: String, file: String, builder: Builder, jsonOnly: Bool,
        to resources: inout [Resource]
    ) throws(RenderError) {
        let text: String
        if let inline = patch.patch {
            text = inline
            PlainTemplates.collect(from: text, into: &builder.plainTemplates)
        } else if let path = patch.path {
            text = try builder.readText(path, directory: directory, file: file, field: "\(patch.field).path")
        } else {
            return
        }
        let documents = try decodePatch(text, file: file, field: patch.field)
        guard !documents.isEmpty else {
            throw RenderError(file: file, field: patch.field, "the patch is empty")
        }
        if documents.count == 1, case .array = documents[0] {
            let operations: JSONPatch
            do {
                operations = try JSONPatch(documents[0])
            } catch let error {
                throw RenderError(file: file, field: patch.field, "invalid JSON 6902 patch: \(error)")
            }
            guard let target = patch.target else {
                throw RenderError(file: file, field: "\(patch.field).target", "a JSON 6902 patch needs a target")
            }
            for index in resources.indices where target.matches(resources[index]) {
                do {
                    resources[index].object = try operations.apply(to: resources[index].object)
                } catch let error {
                    throw RenderError(
                        file: file, field: patch.field,
                        "JSON 6902 patch on \(resources[index].kind) \(resources[index].name): \(error)")
                }
            }
            return
        }
        if jsonOnly {
            throw RenderError(file: file, field: patch.field, "a patchesJson6902 entry must be a list of operations")
        }
        for document in documents {
            guard case .object = document else {
                throw RenderError(file: file, field: patch.field, "a strategic merge patch must be a mapping, not \(document.typeName)")
            }
            guard let target = patch.target else {
                try applyByIdentity(document, file: file, field: patch.field, to: &resources)
                continue
            }
            var index = 0
            while index < resources.count {
                if target.matches(resources[index]) {
                    var copy = document
                    copy["apiVersion"] = .string(resources[index].apiVersion)
                    copy["kind"] = .string(resources[index].kind)
                    if case .object(var metadata)? = copy["metadata"] {
                        metadata.removeValue(forKey: "name")
                        metadata.removeValue(forKey: "namespace")
                        copy["metadata"] = .object(metadata)
                    }
                    if try applyStrategic(copy, at: index, file: file, field: patch.field, to: &resources) { continue }
                }
                index += 1
            }
        }
    }

    /// A strategic merge patch without target: it names its target by kind, name and namespace.
    static func applyByIdentity(_ patch: JSONValue, file: String, field: String, to resources: inout [Resource]) throws(RenderError) {
        let gvk = GroupVersionKind(apiVersion: patch["apiVersion"]?.stringValue ?? "", kind: patch["kind"]?.stringValue ?? "")
        guard let name = patch["metadata"]?["name"]?.stringValue, !gvk.kind.isEmpty else {
            throw RenderError(file: file, field: field, "a strategic merge patch without target needs kind and metadata.name")
        }
        let namespace = patch["metadata"]?["namespace"]?.stringValue ?? ""
        let matches = resources.indices.filter { index in
            let resource = resources[index]
            return resource.gvk == gvk && resource.wasNamed(name)
                && resource.namespaceHistory.contains(where: { sameNamespace($0, namespace) })
        }
        guard matches.count == 1, let index = matches.first else {
            throw RenderError(
                file: file, field: field,
                matches.isEmpty
                    ? "no resource matches the patch target \(gvk.kind) \(namespace.isEmpty ? "" : namespace + "/")\(name)"
                    : "the patch target \(gvk.kind) \(name) is ambiguous (\(matches.count) resources)")
        }
        var copy = patch
        if case .object(var metadata)? = copy["metadata"] {
            metadata.removeValue(forKey: "name")
            metadata.removeValue(forKey: "namespace")
            copy["metadata"] = .object(metadata)
        }
        _ = try applyStrategic(copy, at: index, file: file, field: field, to: &resources)
    }

    /// Applies a strategic merge patch; returns true when it deleted the resource.
    static func applyStrategic(_ patch: JSONValue, at index: Int, file: String, field: String, to resources: inout [Resource]) throws(RenderError) -> Bool {
        if patch["$patch"]?.stringValue == "delete" {
            resources.remove(at: index)
            return true
        }
        do {
            resources[index].object = try StrategicMergePatch.apply(patch, to: resources[index].object, schema: .builtIn)
        } catch let error {
            throw RenderError(
                file: file, field: field,
                "strategic merge patch on \(resources[index].kind) \(resources[index].name): \(error)")
        }
        return false
    }

    // MARK: Namespace

    static func setNamespace(_ namespace: String, on resources: inout [Resource]) {
        for index in resources.indices {
            let kind = resources[index].kind
            if kind == "Namespace" {
                if resources[index].name != namespace { resources[index].setName(namespace) }
                continue
            }
            let previous = resources[index].namespace
            if !resources[index].isClusterScoped {
                resources[index].setNamespace(namespace)
            }
            if (kind == "RoleBinding" || kind == "ClusterRoleBinding"),
                case .array(var subjects)? = resources[index].object["subjects"]
            {
                for position in subjects.indices {
                    guard case .object(var subject) = subjects[position],
                        subject["kind"]?.stringValue == "ServiceAccount"
                    else { continue }
                    let current = subject["namespace"]?.stringValue ?? ""
                    if current.isEmpty || current == previous {
                        subject["namespace"] = .string(namespace)
                        subjects[position] = .object(subject)
                    }
                }
                resources[index].object["subjects"] = .array(subjects)
            }
            for spec in namespaceReferences where spec.applies(to: resources[index].gvk) {
                spec.visit(&resources[index].object) { value in
                    if value?.stringValue != nil { value = .string(namespace) }
                }
            }
        }
    }

    static let namespaceReferences: [FieldSpec] = [
        FieldSpec("webhooks/clientConfig/service/namespace", kind: "ValidatingWebhookConfiguration"),
        FieldSpec("webhooks/clientConfig/service/namespace", kind: "MutatingWebhookConfiguration"),
        FieldSpec("spec/service/namespace", kind: "APIService", group: "apiregistration.k8s.io"),
        FieldSpec("spec/conversion/webhook/clientConfig/service/namespace", kind: "CustomResourceDefinition"),
    ]

    // MARK: Labels and annotations

    static func addPairs(_ pairs: [(String, String)], specs: [FieldSpec], to resources: inout [Resource]) {
        for index in resources.indices {
            let gvk = resources[index].gvk
            for spec in specs where spec.applies(to: gvk) {
                spec.visit(&resources[index].object) { value in
                    var map: JSONObject
                    switch value {
                    case .object(let existing)?: map = existing
                    case nil, .null?: map = [:]
                    default: return
                    }
                    for (key, text) in pairs { map[key] = .string(text) }
                    value = .object(map)
                }
            }
        }
    }
}

/// The `images` transformer: rewrites `image` of every container and init container.
enum Images {
    static func update(_ value: inout JSONValue, images: [Kustomization.Image]) {
        switch value {
        case .object(var object):
            value = .null
            var index = object.values.startIndex
            while index < object.values.endIndex {
                switch object.values[index] {
                case .object, .array:
                    let isContainerList: Bool
                    switch object.keys[index] {
                    case "containers", "initContainers": isContainerList = true
                    default: isContainerList = false
                    }
                    if isContainerList, case .array(var containers) = object.values[index] {
                        object.values[index] = .null
                        for position in containers.indices {
                            guard case .object(var container) = containers[position],
                                let image = container["image"]?.stringValue
                            else { continue }
                            let rewritten = rewrite(image, images: images)
                            if rewritten != image {
                                containers[position] = .null
                                container["image"] = .string(rewritten)
                                containers[position] = .object(container)
                            }
                        }
                        object.values[index] = .array(containers)
                    }
                    update(&object.values[index], images: images)
                default:
                    break
                }
                index += 1
            }
            value = .object(object)
        case .array(var items):
            value = .null
            for index in items.indices {
                switch items[index] {
                case .object, .array: update(&items[index], images: images)
                default: break
                }
            }
            value = .array(items)
        default:
            return
        }
    }

    static func rewrite(_ image: String, images: [Kustomization.Image]) -> String {
        for rule in images where matches(image, rule.name) {
            var (name, tag, digest) = split(image)
            if let newName = rule.newName, !newName.isEmpty { name = newName }
            let newTag = rule.newTag ?? ""
            let newDigest = rule.digest ?? ""
            if !newTag.isEmpty && !newDigest.isEmpty {
                tag = newTag
                digest = newDigest
            } else if !newTag.isEmpty {
                tag = newTag
                digest = ""
            } else if !newDigest.isEmpty {
                digest = newDigest
                tag = ""
            }
            var result = name
            if !tag.isEmpty { result += ":" + tag }
            if !digest.isEmpty { result += "@" + digest }
            return result
        }
        return image
    }

    /// kustomize's `IsImageMatched`: the name, then optionally `@sha256`, then optionally `:tag`.
    static func matches(_ image: String, _ name: String) -> Bool {
        guard image.hasPrefix(name) else { return false }
        var rest = image.dropFirst(name.count)
        if rest.hasPrefix("@sha256") { rest = rest.dropFirst(7) }
        if rest.isEmpty { return true }
        guard rest.first == ":" else { return false }
        return rest.dropFirst().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.{}-".contains($0)) }
    }

    /// kustomize's `image.Split`: name, tag and digest, ignoring a registry port.
    static func split(_ image: String) -> (String, String, String) {
        let utf8 = Array(image.utf8)
        let slash = utf8.firstIndex(of: UInt8(ascii: "/")) ?? 0
        let search = utf8[slash...]
        let at = search.firstIndex(of: UInt8(ascii: "@"))
        let colon = search.firstIndex(of: UInt8(ascii: ":"))
        func text(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        switch (colon, at) {
        case (nil, nil):
            return (image, "", "")
        case (let c, let a?) where c.map { a < $0 } ?? true:
            return (text(utf8[..<a]), "", text(utf8[(a + 1)...]))
        case (let c?, let a?):
            return (text(utf8[..<c]), text(utf8[(c + 1)..<a]), text(utf8[(a + 1)...]))
        case (let c?, nil):
            return (text(utf8[..<c]), text(utf8[(c + 1)...]), "")
        default:
            return (image, "", "")
        }
    }
}
