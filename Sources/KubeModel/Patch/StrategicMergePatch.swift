/// Kubernetes strategic merge patch, with the semantics of apimachinery's `strategicpatch`
/// (as `kubectl patch --type strategic` and the API server apply it).
///
/// - Objects merge member by member; a `null` member deletes the key.
/// - Lists whose field has the `merge` strategy merge: lists of objects by the field's merge key
///   (matching elements merge recursively, new ones are added), lists of primitives as a set.
///   Other lists are replaced. Merged lists put new patch elements first, then keep the patch's
///   relative order and the original's relative order, interleaving the two where they agree.
/// - Directives: `$patch: replace` / `delete` in an object (replace it wholesale / empty it) and as
///   a list element (replace the list / delete the element with that merge key);
///   `$retainKeys: [...]` (drop every original key not listed); `$deleteFromPrimitiveList/<field>`
///   (remove values from a primitive list); `$setElementOrder/<field>` (order a list).
///
/// Objects of kinds the schema does not know (custom resources) are patched with JSON merge patch
/// semantics: lists are replaced; the directives above still work.
///
/// A top-level `$patch: delete` yields an empty object (kustomize instead drops the resource;
/// callers emulating it check for the directive first).
///
/// Deliberate differences from apimachinery, all for patch content that has no counterpart in the
/// original (new fields, new list elements, replaced lists): it is cleaned everywhere, as if merged
/// into an empty value, so the result never carries directives or `null` members (apimachinery
/// cleans only new fields and keeps new list elements verbatim); `$patch: replace` on a new
/// field keeps its content (apimachinery drops the field). `$patch: merge` in an object is accepted
/// as the default it is. `$deleteFromPrimitiveList` always deletes, whatever the field's strategy.
/// Fields missing from the schema are not an error.
public enum StrategicMergePatch {
    /// Applies `patch` to `original`, looking up the patch metadata of `original`'s
    /// `apiVersion` and `kind` in `schema`.
    public static func apply(_ patch: JSONValue, to original: JSONValue, schema: PatchSchema) throws(PatchError) -> JSONValue {
        guard case .object(let originalObject) = original else {
            throw PatchError(.invalidDocument, "the original must be an object, not \(original.typeName)")
        }
        let apiVersion = originalObject["apiVersion"]?.stringValue ?? patch["apiVersion"]?.stringValue
        let kind = originalObject["kind"]?.stringValue ?? patch["kind"]?.stringValue
        var type: PatchSchema.ObjectType?
        if let apiVersion, let kind {
            type = schema.type(apiVersion: apiVersion, kind: kind)
        }
        return try apply(patch, to: original, type: type)
    }

    /// Applies `patch` to `original` whose patch metadata is `type` (`nil`: none, so lists are
    /// replaced). Both must be objects.
    public static func apply(_ patch: JSONValue, to original: JSONValue, type: PatchSchema.ObjectType?) throws(PatchError) -> JSONValue {
        guard case .object(let originalObject) = original else {
            throw PatchError(.invalidDocument, "the original must be an object, not \(original.typeName)")
        }
        guard case .object(let patchObject) = patch else {
            throw PatchError(.invalidPatch, "a strategic merge patch must be an object, not \(patch.typeName)")
        }
        return .object(try Merger.mergeObject(originalObject, patchObject, type: type, path: ""))
    }
}

/// The merge algorithm; `path` is the dotted field path used in error messages.
private enum Merger {
    typealias ObjectType = PatchSchema.ObjectType
    typealias Field = PatchSchema.Field

    static let patchDirective = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    static func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : "\(path).\(key)"
    }

    static func error(_ kind: PatchError.Kind, _ message: String, at path: String) -> PatchError {
        PatchError(kind, message, path: path)
    }

    // MARK: Objects

    static func mergeObject(_ original: JSONObject, _ patchObject: JSONObject, type: ObjectType?, path: String) throws(PatchError) -> JSONObject {
        var patch = patchObject
        if let directive = patch[patchDirective] {
            switch directive.stringValue {
            case "replace":
                patch.removeValue(forKey: patchDirective)
                return try mergeObject([:], patch, type: type, path: path)
            case "delete":
                return [:]
            case "merge":
                patch.removeValue(forKey: patchDirective)
            default:
                throw error(.invalidDirective, "unknown $patch value \(directive) in an object", at: path)
            }
        }

        var result = original
        try applyRetainKeys(&result, &patch, path: path)
        try applySetElementOrder(&result, &patch, type: type, path: path)

        for (key, value) in patch {
            if key.hasPrefix(deleteFromPrimitiveListPrefix) {
                try deleteFromPrimitiveList(&result, key: key, values: value, path: path)
                continue
            }
            let field = type?.fields[key]
            let fieldPath = join(path, key)
            if case .null = value {
                result.removeValue(forKey: key)
                continue
            }
            guard let existing = result[key] else {
                if let fresh = try freshValue(value, field: field, path: fieldPath) {
                    result[key] = fresh
                }
                continue
            }
            switch (existing, value) {
            case (.object(let originalMember), .object(let patchMember)) where field?.strategy != .replace:
                result[key] = .object(try mergeObject(originalMember, patchMember, type: field?.type, path: fieldPath))
            case (.array(let originalList), .array(let patchList)):
                if let field, field.strategy == .merge {
                    result[key] = .array(try mergeList(originalList, patchList, field: field, path: fieldPath))
                } else {
                    result[key] = try freshValue(value, field: field, path: fieldPath)
                }
            default:
                // Scalars, a change of type, or a `replace` object: the patch value wins.
                if let fresh = try freshValue(value, field: field, path: fieldPath) {
                    result[key] = fresh
                } else {
                    result.removeValue(forKey: key)
                }
            }
        }
        return result
    }

    /// Patch content without a counterpart in the original, merged into an empty value: directives
    /// are carried out and `null` members dropped. `nil` when the content deletes itself.
    static func freshValue(_ value: JSONValue, field: Field?, path: String) throws(PatchError) -> JSONValue? {
        switch value {
        case .null:
            return nil
        case .object(let object):
            if let directive = object[patchDirective], directive.stringValue == "delete" { return nil }
            return .object(try mergeObject([:], object, type: field?.type, path: path))
        case .array(let list):
            // Primitive lists are kept as written (duplicates too, as apimachinery does).
            if let field, field.strategy == .merge, list.contains(where: { $0.objectValue != nil }) {
                return .array(try mergeList([], list, field: field, path: path))
            }
            var cleaned: [JSONValue] = []
            cleaned.reserveCapacity(list.count)
            for (index, element) in list.enumerated() {
                guard case .object(let object) = element else {
                    cleaned.append(element)
                    continue
                }
                // A directive element means nothing in a list that is replaced anyway.
                if object[patchDirective] != nil { continue }
                cleaned.append(.object(try mergeObject([:], object, type: field?.type, path: "\(path)[\(index)]")))
            }
            return .array(cleaned)
        default:
            return value
        }
    }

    // MARK: Directives

    static func applyRetainKeys(_ result: inout JSONObject, _ patch: inout JSONObject, path: String) throws(PatchError) {
        guard let directive = patch.removeValue(forKey: retainKeysDirective) else { return }
        guard case .array(let names) = directive else {
            throw error(.invalidDirective, "$retainKeys must be a list of field names", at: path)
        }
        var retained = Set<String>()
        for name in names {
            guard let text = name.stringValue else {
                throw error(.invalidDirective, "$retainKeys must be a list of field names", at: path)
            }
            retained.insert(text)
        }
        for (key, value) in patch {
            if value.isNull || key.hasPrefix(setElementOrderPrefix) || key.hasPrefix(deleteFromPrimitiveListPrefix) {
                continue
            }
            guard retained.contains(key) else {
                throw error(.invalidDirective, "field \"\(key)\" is in the patch but not in $retainKeys", at: path)
            }
        }
        result.removeAll { !retained.contains($0.key) }
    }

    static func deleteFromPrimitiveList(_ result: inout JSONObject, key: String, values: JSONValue, path: String) throws(PatchError) {
        let target = String(key.dropFirst(deleteFromPrimitiveListPrefix.count))
        let fieldPath = join(path, target)
        guard !target.isEmpty else {
            throw error(.invalidDirective, "\(key) names no field", at: path)
        }
        guard case .array(let doomed) = values else {
            throw error(.invalidDirective, "\(key) must be a list", at: path)
        }
        guard case .array(let list)? = result[target] else { return }
        if list.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }) {
            throw error(.invalidDirective, "\(key) applies only to lists of primitives", at: fieldPath)
        }
        let doomedSet = Set(doomed)
        result[target] = .array(list.filter { !doomedSet.contains($0) })
    }

    static func applySetElementOrder(_ result: inout JSONObject, _ patch: inout JSONObject, type: ObjectType?, path: String) throws(PatchError) {
        let directives = patch.keys.filter { $0.hasPrefix(setElementOrderPrefix) }
        for directive in directives {
            guard let orderValue = patch.removeValue(forKey: directive) else { continue }
            let target = String(directive.dropFirst(setElementOrderPrefix.count))
            let fieldPath = join(path, target)
            guard !target.isEmpty else {
                throw error(.invalidDirective, "\(directive) names no field", at: path)
            }
            guard case .array(let order) = orderValue else {
                throw error(.invalidDirective, "\(directive) must be a list", at: path)
            }
            var originalList: [JSONValue]?
            if let value = result[target] {
                guard case .array(let list) = value else {
                    throw error(.typeMismatch, "\(directive) orders a list, but the original holds \(value.typeName)", at: fieldPath)
                }
                originalList = list
            }
            var patchList: [JSONValue]?
            if let value = patch[target] {
                guard case .array(let list) = value else {
                    throw error(.invalidDirective, "\(directive) orders a list, but the patch holds \(value.typeName)", at: fieldPath)
                }
                patchList = list
            }
            let field = type?.fields[target]
            let mergeKey = field?.mergeKey
            try validateOrder(patchList ?? [], order: order, mergeKey: mergeKey, directive: directive, path: fieldPath)

            let merged: [JSONValue]
            switch (originalList, patchList) {
            case (let originalList?, nil):
                merged = originalList
            case (nil, let patchList?):
                merged = try freshValue(.array(patchList), field: field, path: fieldPath)?.arrayValue ?? []
            case (let originalList?, let patchList?):
                if let field, field.strategy == .merge {
                    merged = try mergeList(originalList, patchList, field: field, path: fieldPath)
                } else {
                    merged = try freshValue(.array(patchList), field: field, path: fieldPath)?.arrayValue ?? []
                }
            case (nil, nil):
                continue
            }
            patch.removeValue(forKey: target)

            let byKey = mergeKey != nil && (merged + order).allSatisfy { $0.objectValue != nil }
            let identity = try identityFunction(mergeKey: byKey ? mergeKey : nil, path: fieldPath)
            let orderIndex = try firstIndices(order, identity)
            var listed: [JSONValue] = []
            var unlisted: [JSONValue] = []
            for element in merged {
                if orderIndex[try identity(element)] != nil {
                    listed.append(element)
                } else {
                    unlisted.append(element)
                }
            }
            let originalIndex = try firstIndices(originalList ?? [], identity)
            listed = try stableSorted(listed, by: orderIndex, identity)
            unlisted = try stableSorted(unlisted, by: originalIndex, identity)
            result[target] = .array(try interleave(unlisted, listed, serverOrder: originalIndex, identity))
        }
    }

    /// The elements the patch list names must appear in `$setElementOrder` in the same order.
    static func validateOrder(_ patchList: [JSONValue], order: [JSONValue], mergeKey: String?, directive: String, path: String) throws(PatchError) {
        guard !patchList.isEmpty, !order.isEmpty else { return }
        var named: [JSONValue] = []
        for element in patchList {
            if let mergeKey {
                guard case .object(let object) = element else {
                    throw error(.typeMismatch, "list elements must be objects", at: path)
                }
                if object[patchDirective] != nil { continue }  // deletions and other directives
                guard let key = object[mergeKey] else {
                    throw error(.missingMergeKey, "list element has no merge key \"\(mergeKey)\"", at: path)
                }
                named.append(key)
            } else {
                named.append(element)
            }
        }
        var orderKeys: [JSONValue] = []
        for element in order {
            if let mergeKey {
                guard case .object(let object) = element, let key = object[mergeKey] else {
                    throw error(.missingMergeKey, "\(directive) element has no merge key \"\(mergeKey)\"", at: path)
                }
                orderKeys.append(key)
            } else {
                orderKeys.append(element)
            }
        }
        var patchIndex = 0
        var orderIndex = 0
        while patchIndex < named.count, orderIndex < orderKeys.count {
            if named[patchIndex] == orderKeys[orderIndex] { patchIndex += 1 }
            orderIndex += 1
        }
        if patchIndex < named.count {
            throw error(.invalidDirective, "the patch list does not follow the order of \(directive)", at: path)
        }
    }

    // MARK: Lists

    static func mergeList(_ original: [JSONValue], _ patch: [JSONValue], field: Field, path: String) throws(PatchError) -> [JSONValue] {
        if original.isEmpty && patch.isEmpty { return original }
        let objects = try elementsAreObjects(original, patch, path: path)
        if !objects {
            let identity: (JSONValue) -> JSONValue = { $0 }
            let patchSet = Set(patch)
            var seen = Set<JSONValue>()
            let patchItems = patch.filter { seen.insert($0).inserted }
            let serverOnly = original.filter { !patchSet.contains($0) && seen.insert($0).inserted }
            let serverOrder = try firstIndices(original, identity)
            return try interleave(serverOnly, patchItems, serverOrder: serverOrder, identity)
        }
        guard let mergeKey = field.mergeKey else {
            throw error(.typeMismatch, "cannot merge a list of objects without a merge key", at: path)
        }

        var base = original
        var items: [JSONObject] = []
        var replace = false
        for element in patch {
            guard case .object(let object) = element else { continue }  // checked above
            guard let directive = object[patchDirective] else {
                items.append(object)
                continue
            }
            switch directive.stringValue {
            case "delete":
                guard let key = object[mergeKey] else {
                    throw error(.missingMergeKey, "$patch: delete element has no merge key \"\(mergeKey)\"", at: path)
                }
                base.removeAll { $0[mergeKey] == key }
            case "replace":
                replace = true
            case "merge":
                throw error(.invalidDirective, "$patch: merge is not supported in a list", at: path)
            default:
                throw error(.invalidDirective, "unknown $patch value \(directive) in a list", at: path)
            }
        }
        if replace {
            var replaced: [JSONValue] = []
            for item in items {
                replaced.append(.object(try mergeObject([:], item, type: field.type, path: path)))
            }
            return replaced
        }

        var merged = base
        var patchKeys: [JSONValue] = []
        for item in items {
            guard let key = item[mergeKey] else {
                throw error(.missingMergeKey, "list element has no merge key \"\(mergeKey)\"", at: path)
            }
            patchKeys.append(key)
            let elementPath = "\(path)[\(mergeKey)=\(key.stringValue ?? "\(key)")]"
            if let index = merged.firstIndex(where: { $0[mergeKey] == key }), case .object(let existing) = merged[index] {
                merged[index] = .object(try mergeObject(existing, item, type: field.type, path: elementPath))
            } else {
                merged.append(.object(try mergeObject([:], item, type: field.type, path: elementPath)))
            }
        }

        let identity = try identityFunction(mergeKey: mergeKey, path: path)
        let patchIndex = try firstIndices(patchKeys.map { JSONValue.object([mergeKey: $0]) }, identity)
        var patchItems: [JSONValue] = []
        var serverOnly: [JSONValue] = []
        for element in merged {
            if patchIndex[try identity(element)] != nil {
                patchItems.append(element)
            } else {
                serverOnly.append(element)
            }
        }
        patchItems = try stableSorted(patchItems, by: patchIndex, identity)
        let serverOrder = try firstIndices(base, identity)
        return try interleave(serverOnly, patchItems, serverOrder: serverOrder, identity)
    }

    /// Whether the elements are objects; throws unless all elements share one kind.
    static func elementsAreObjects(_ original: [JSONValue], _ patch: [JSONValue], path: String) throws(PatchError) -> Bool {
        var kind: String?
        for element in original + patch {
            let elementKind: String
            switch element {
            case .array: throw error(.typeMismatch, "lists of lists cannot be merged", at: path)
            case .int, .double: elementKind = "number"
            default: elementKind = element.typeName
            }
            if let kind, kind != elementKind {
                throw error(.typeMismatch, "list elements are not all of one type (\(kind), \(elementKind))", at: path)
            }
            kind = elementKind
        }
        return kind == "object"
    }

    /// What identifies a list element: its merge key's value, or the element itself.
    static func identityFunction(mergeKey: String?, path: String) throws(PatchError) -> (JSONValue) throws(PatchError) -> JSONValue {
        guard let mergeKey else { return { (element: JSONValue) throws(PatchError) in element } }
        return { (element: JSONValue) throws(PatchError) in
            guard let key = element[mergeKey] else {
                throw error(.missingMergeKey, "list element has no merge key \"\(mergeKey)\"", at: path)
            }
            return key
        }
    }

    static func firstIndices(_ list: [JSONValue], _ identity: (JSONValue) throws(PatchError) -> JSONValue) throws(PatchError) -> [JSONValue: Int] {
        var indices: [JSONValue: Int] = [:]
        for (index, element) in list.enumerated() {
            let key = try identity(element)
            if indices[key] == nil { indices[key] = index }
        }
        return indices
    }

    /// Sorts by position in `order`, stably; elements not in `order` keep their place after those that are.
    static func stableSorted(_ list: [JSONValue], by order: [JSONValue: Int], _ identity: (JSONValue) throws(PatchError) -> JSONValue) throws(PatchError) -> [JSONValue] {
        var keyed: [(rank: Int, position: Int, element: JSONValue)] = []
        for (position, element) in list.enumerated() {
            keyed.append((order[try identity(element)] ?? Int.max, position, element))
        }
        keyed.sort { ($0.rank, $0.position) < ($1.rank, $1.position) }
        return keyed.map(\.element)
    }

    /// Merges two ordered lists: an element of `left` (server-only) goes before the next element
    /// of `right` (from the patch) only when both are in the original and it came first there.
    static func interleave(_ left: [JSONValue], _ right: [JSONValue], serverOrder: [JSONValue: Int], _ identity: (JSONValue) throws(PatchError) -> JSONValue) throws(PatchError) -> [JSONValue] {
        var result: [JSONValue] = []
        result.reserveCapacity(left.count + right.count)
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if i >= left.count {
                result.append(right[j])
                j += 1
            } else if j >= right.count {
                result.append(left[i])
                i += 1
            } else if let leftIndex = serverOrder[try identity(left[i])],
                let rightIndex = serverOrder[try identity(right[j])], leftIndex < rightIndex
            {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        return result
    }
}
