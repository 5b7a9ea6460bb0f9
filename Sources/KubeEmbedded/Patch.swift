import KubeModel
import YAML

extension ServerCore {
    /// PATCH with one of the four patch types (spec §4.6, §4.7).
    func patch(_ context: RequestContext) throws(APIError) -> APIResponse {
        let type = (context.request.header("content-type") ?? "").split(separator: ";").first.map {
            String($0).trimmingSpaces.lowercased()
        } ?? ""
        if type == "application/apply-patch+yaml" { return try apply(context) }
        guard ["application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"]
            .contains(type) else {
            throw context.resource.isCustom ? APIError.unsupportedPatch : APIError.unsupportedBuiltInPatch
        }
        if type == "application/strategic-merge-patch+json", context.resource.isCustom { throw APIError.unsupportedPatch }
        if context.request.query("force") != nil {
            throw APIError(code: 422, reason: "Invalid",
                           message: "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: may not be specified for non-apply patch",
                           details: ["group": "meta.k8s.io", "kind": "PatchOptions",
                                     "causes": [["reason": "FieldValueForbidden",
                                                 "message": "Forbidden: may not be specified for non-apply patch",
                                                 "field": "force"]]])
        }
        let patchValue: JSONValue
        do { patchValue = try JSON.decode(context.request.body) } catch {
            throw APIError.badRequest("error decoding patch: \(error.description)")
        }
        try Self.checkDepth(patchValue)
        let old = try fetch(context)
        let oldValue = JSONValue.object(convert(old, context.resource, version: context.info.version))
        let result: JSONValue
        switch type {
        case "application/json-patch+json":
            if let count = patchValue.arrayValue?.count, count > 10_000 {
                throw APIError.tooLarge("The allowed maximum operations in a JSON patch is 10000, got \(count)")
            }
            let operations: JSONPatch
            do { operations = try JSONPatch(patchValue) } catch {
                throw APIError.badRequest(error.description)
            }
            do { result = try operations.apply(to: oldValue) } catch {
                throw APIError(code: 422, reason: "Invalid",
                               message: "the server rejected our request due to an error in our request", details: [:])
            }
        case "application/merge-patch+json":
            guard case .object = patchValue else { throw APIError.badRequest("merge patch must be a JSON object") }
            result = JSONMergePatch.apply(patchValue, to: oldValue)
        default:
            guard case .object = patchValue else { throw APIError.badRequest("strategic merge patch must be a JSON object") }
            do {
                result = try StrategicMergePatch.apply(patchValue, to: oldValue, schema: .builtIn)
            } catch {
                if error.kind == .invalidDirective || error.kind == .invalidPatch || error.kind == .missingMergeKey {
                    throw APIError.badRequest(error.description)
                }
                throw APIError(code: 422, reason: "Invalid", message: error.description)
            }
        }
        guard case .object(var candidate) = result else {
            throw APIError.badRequest("the patched document is not an object")
        }
        // A resourceVersion the patch did not touch is not a precondition.
        if candidate["metadata"]?["resourceVersion"] == oldValue["metadata"]?["resourceVersion"] {
            candidate["metadata", default: [:]]["resourceVersion"] = nil
        }
        if candidate["apiVersion"]?.stringValue != context.apiVersion || candidate["kind"]?.stringValue != context.resource.kind {
            throw APIError.badRequest("the patched object must keep apiVersion \(context.apiVersion) and kind \(context.resource.kind)")
        }
        let (status, object) = try commitUpdate(context, old: old, candidate: candidate, ownership: .update(context.fieldManager))
        return .json(status, try output(context, object))
    }

    /// Server-side apply (spec §4.7).
    func apply(_ context: RequestContext) throws(APIError) -> APIResponse {
        let manager = context.request.query("fieldManager") ?? ""
        if manager.isEmpty {
            throw APIError(
                code: 422, reason: "Invalid",
                message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
                details: ["group": "meta.k8s.io", "kind": "PatchOptions",
                          "causes": [["reason": "FieldValueRequired", "message": "Required value: is required for apply patch",
                                      "field": "fieldManager"]]])
        }
        if manager.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw APIError(code: 422, reason: "Invalid",
                           message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Invalid value: \(JSON.encode(.string(manager))): must only contain printable characters")
        }
        let force: Bool
        switch context.request.query("force") {
        case nil, "false", "0", "": force = false
        case "true", "1": force = true
        case let other?: throw APIError.badRequest("invalid boolean value for force: \(other)")
        }
        let value: JSONValue
        do { value = try YAML.decode(String(decoding: context.request.body, as: UTF8.self), limits: Self.yamlLimits) } catch {
            throw APIError.badRequest("error decoding YAML: \(error)")
        }
        try Self.checkDepth(value)
        guard case .object(let applied) = value else {
            throw APIError.badRequest("error decoding YAML: the apply configuration must be an object")
        }
        let apiVersion = applied["apiVersion"]?.stringValue ?? ""
        if apiVersion != context.apiVersion {
            throw APIError.badRequest(
                "Incorrect version specified in apply patch. Specified patch version: \(apiVersion), expected: \(context.apiVersion)")
        }
        if let kind = applied["kind"]?.stringValue, kind != context.resource.kind {
            throw APIError.badRequest("Incorrect kind specified in apply patch. Specified patch kind: \(kind), expected: \(context.resource.kind)")
        }
        if applied["metadata"]?["managedFields"] != nil {
            throw APIError.badRequest("metadata.managedFields must be nil")
        }
        let name = applied["metadata"]?["name"]?.stringValue ?? ""
        if !name.isEmpty, name != context.info.name {
            throw APIError.badRequest("the name of the object (\(name)) does not match the name on the URL (\(context.info.name))")
        }
        let subresource = context.statusOnly ? "status" : ""
        let node = schemaNode(context.resource, version: context.info.version)
        let excludeStatus = context.resource.hasStatus && !context.statusOnly
        let appliedView = FieldSets.trackedView(applied, statusOnly: context.statusOnly, excludeStatus: excludeStatus)
        let appliedPaths = FieldSets.paths(of: appliedView, node: node)
        let now = Timestamp.now().rfc3339

        guard let old = store.get(context.resource.id, key(context)) else {
            if context.statusOnly { throw APIError.notFound(context.resource, context.info.name) }
            try authorize(context.user, context.info, resource: context.resource, verb: "create")
            try refuseCreateIfTerminating(context.resource)
            var body = applied
            body["metadata", default: [:]]["name"] = .string(context.info.name)
            let object = try prepareCreate(context, body)
            let entry = ManagedEntry(manager: manager, operation: "Apply", apiVersion: context.apiVersion, time: now,
                                     subresource: "", fields: appliedPaths)
            let stored = try commitCreate(context, object, ownership: .apply([entry]))
            return .json(201, try output(context, stored))
        }
        if let version = applied["metadata"]?["resourceVersion"]?.stringValue, !version.isEmpty,
           version != KubeObject(old).resourceVersion {
            throw APIError.conflict(context.resource, context.info.name)
        }
        let liveValue = JSONValue.object(old)
        let appliedValue = JSONValue.object(appliedView)
        var entries = ManagedEntry.entries(of: old)
        func isMine(_ entry: ManagedEntry) -> Bool {
            entry.manager == manager && entry.operation == "Apply" && entry.subresource == subresource
        }
        let previous = entries.first(where: isMine)?.fields ?? []
        let prefixes = Set(appliedPaths.flatMap { path in (0..<path.count).map { Array(path[..<$0]) } })
        var conflicts: [(entry: Int, path: FieldPathSteps)] = []
        for path in appliedPaths where !prefixes.contains(path) {
            guard let live = FieldSets.value(at: path, in: liveValue),
                  live != FieldSets.value(at: path, in: appliedValue) else { continue }
            for (index, entry) in entries.enumerated() where !isMine(entry) && entry.fields.contains(path) {
                conflicts.append((index, path))
            }
        }
        if !conflicts.isEmpty {
            if !force { throw Self.applyConflict(conflicts.map { (entries[$0.entry], $0.path) }) }
            for conflict in conflicts { entries[conflict.entry].fields.remove(conflict.path) }
        }
        var merged = FieldSets.merge(liveValue, appliedValue, node: node, isRoot: true)
        let others = entries.filter { !isMine($0) }.reduce(into: Set<FieldPathSteps>()) { $0.formUnion($1.fields) }
        for path in previous.subtracting(appliedPaths).sorted(by: { $0.count > $1.count }) where !others.contains(path) {
            FieldSets.remove(path, from: &merged)
        }
        if let index = entries.firstIndex(where: isMine) {
            if entries[index].fields != appliedPaths || entries[index].apiVersion != context.apiVersion {
                entries[index].fields = appliedPaths
                entries[index].apiVersion = context.apiVersion
                entries[index].time = now
            }
        } else {
            entries.append(ManagedEntry(manager: manager, operation: "Apply", apiVersion: context.apiVersion, time: now,
                                        subresource: subresource, fields: appliedPaths))
        }
        entries = Self.prune(entries, in: merged)
        guard case .object(var candidate) = merged else { throw APIError.internalError("apply produced a non-object") }
        candidate["metadata", default: [:]]["resourceVersion"] = nil
        candidate["apiVersion"] = .string(context.apiVersion)
        let (status, object) = try commitUpdate(context, old: old, candidate: candidate, ownership: .apply(entries))
        return .json(status, try output(context, object))
    }

    /// The 409 of an apply conflict, worded as structured-merge-diff and apiserver word it.
    static func applyConflict(_ conflicts: [(ManagedEntry, FieldPathSteps)]) -> APIError {
        func display(_ path: FieldPathSteps) -> String { path.map(\.display).joined() }
        let message: String
        if conflicts.count == 1, let only = conflicts.first {
            message = "Apply failed with 1 conflict: conflict with \(only.0.conflictName): \(display(only.1))"
        } else {
            var byManager: [String: [String]] = [:]
            for (entry, path) in conflicts { byManager[entry.conflictName, default: []].append(display(path)) }
            var lines: [String] = []
            for manager in byManager.keys.sorted() {
                lines.append("conflicts with \(manager):")
                for path in (byManager[manager] ?? []).sorted() { lines.append("- \(path)") }
            }
            message = "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
        }
        let causes: [JSONValue] = conflicts.map { entry, path in
            ["reason": "FieldManagerConflict", "message": .string("conflict with \(entry.conflictName)"),
             "field": .string(display(path))]
        }
        return APIError(code: 409, reason: "Conflict", message: message, details: ["causes": .array(causes)])
    }
}
