import Foundation
import KubeModel
import YAML

/// Everything a resource handler needs about the request.
struct RequestContext {
    var request: APIRequest
    var info: RequestInfo
    var resource: ResourceInfo
    var user: UserInfo
    var dryRun: Bool
    var fieldManager: String

    var apiVersion: String { resource.apiVersion(info.version) }
    var statusOnly: Bool { info.subresource == "status" }
}

/// How a write changes `managedFields`.
enum Ownership {
    /// A non-apply write by this manager.
    case update(String)
    /// Entries computed by server-side apply.
    case apply([ManagedEntry])
}

extension ServerCore {
    func handleResource(_ request: APIRequest, _ info: RequestInfo, user: UserInfo) throws(APIError) -> APIResponse {
        guard let resource = registry.lookup(group: info.group, version: info.version, resource: info.resource) else {
            throw APIError.unknownPath
        }
        if !resource.namespaced, !info.namespace.isEmpty, info.resource != "namespaces" { throw APIError.unknownPath }
        if resource.namespaced, !info.pathName.isEmpty, info.namespace.isEmpty {
            throw APIError.unknownPath
        }
        if !info.subresource.isEmpty {
            let known = (info.subresource == "status" && resource.hasStatus) || resource.extraSubresources.contains(info.subresource)
            if !known { throw APIError.notFound(resource, info.name) }
        }
        try authorize(user, info, resource: resource)
        if let warning = resource.deprecationWarnings[info.version] { warnings.append(warning) }
        let context = try makeContext(request, info, resource, user)
        if resource.isVirtual {
            guard request.method == "POST" else { throw APIError.methodNotAllowed(info.verb, resource) }
            return resource.kind == "SelfSubjectReview" ? selfSubjectReview(context) : try accessReview(context)
        }
        switch (request.method, info.pathName.isEmpty) {
        case (_, false) where info.subresource == "scale":
            return try scale(context)
        case ("GET", true), ("HEAD", true):
            if info.verb == "watch" { return try watch(context) }
            return try list(context)
        case ("GET", false), ("HEAD", false):
            return .json(200, try output(context, try fetch(context)))
        case ("POST", true):
            return try create(context)
        case ("POST", false) where info.subresource == "token":
            return try tokenRequest(context)
        case ("PUT", false):
            return try update(context)
        case ("PATCH", false):
            return try patch(context)
        case ("DELETE", false):
            return try delete(context)
        case ("DELETE", true):
            return try deleteCollection(context)
        default:
            throw APIError.methodNotAllowed(info.verb, resource)
        }
    }

    private func makeContext(_ request: APIRequest, _ info: RequestInfo, _ resource: ResourceInfo, _ user: UserInfo)
        throws(APIError) -> RequestContext {
        var dryRun = false
        for value in request.query["dryRun"] ?? [] {
            guard value == "All" else {
                throw APIError(code: 422, reason: "Invalid",
                               message: "dryRun: Unsupported value: \"\(value)\": supported values: \"All\"")
            }
            dryRun = true
        }
        var manager = request.query("fieldManager") ?? ""
        if manager.isEmpty, request.header("content-type")?.hasPrefix("application/apply-patch") != true {
            let agent = request.header("user-agent") ?? ""
            manager = String(agent.split(separator: "/", maxSplits: 1).first ?? "")
            if manager.count > 128 { manager = String(manager.prefix(128)) }
        }
        if manager.count > 128 {
            throw APIError(code: 422, reason: "Invalid",
                           message: "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes")
        }
        return RequestContext(request: request, info: info, resource: resource, user: user, dryRun: dryRun, fieldManager: manager)
    }

    // MARK: Helpers

    func key(_ context: RequestContext) -> ObjectKey {
        ObjectKey(namespace: context.resource.namespaced ? context.info.namespace : "", name: context.info.name)
    }

    func fetch(_ context: RequestContext) throws(APIError) -> JSONObject {
        guard let object = store.get(context.resource.id, key(context)) else {
            throw APIError.notFound(context.resource, context.info.name)
        }
        return object
    }

    /// The object as the client sees it at the requested version.
    func output(_ context: RequestContext, _ object: JSONObject) throws(APIError) -> JSONValue {
        .object(convert(object, context.resource, version: context.info.version))
    }

    func convert(_ object: JSONObject, _ resource: ResourceInfo, version: String) -> JSONObject {
        var object = object
        object["apiVersion"] = .string(resource.apiVersion(version))
        object["kind"] = .string(resource.kind)
        return object
    }

    /// Decodes a JSON or YAML request body into an object.
    func decodeBody(_ request: APIRequest) throws(APIError) -> JSONObject {
        let type = (request.header("content-type") ?? "application/json").split(separator: ";").first.map {
            String($0).trimmingSpaces.lowercased()
        } ?? ""
        let value: JSONValue
        switch type {
        case "application/json", "":
            do { value = try JSON.decode(request.body) } catch {
                throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.description)")
            }
        case "application/vnd.kubernetes.protobuf":
            do { value = .object(try Protobuf.decode(request.body)) } catch {
                throw APIError.unsupportedBody("\(type): \(error.message)")
            }
        case "application/yaml", "application/apply-patch+yaml":
            do { value = try YAML.decode(String(decoding: request.body, as: UTF8.self), limits: Self.yamlLimits) } catch {
                throw APIError.badRequest("error converting YAML to JSON: \(error)")
            }
        default:
            throw APIError.unsupportedBody(type)
        }
        try Self.checkDepth(value)
        guard case .object(let object) = value else {
            throw APIError.badRequest("Object 'Kind' is missing in '\(String(decoding: request.body.prefix(200), as: UTF8.self))'")
        }
        return object
    }

    static let yamlLimits = YAML.Limits(maxNodes: 1_000_000, maxDepth: 1_000)

    /// Nesting deeper than any real object is refused before any recursive processing.
    static let maxNesting = 128

    static func checkDepth(_ value: JSONValue) throws(APIError) {
        func depth(_ value: JSONValue, _ level: Int) -> Bool {
            if level > maxNesting { return false }
            switch value {
            case .object(let object): return object.values.allSatisfy { depth($0, level + 1) }
            case .array(let elements): return elements.allSatisfy { depth($0, level + 1) }
            default: return true
            }
        }
        if !depth(value, 0) {
            throw APIError.badRequest("the request body nests deeper than \(maxNesting) levels")
        }
    }

    /// Checks `apiVersion` and `kind` of a body against the URL.
    func checkTypeMeta(_ context: RequestContext, _ object: JSONObject) throws(APIError) {
        let body = String(decoding: JSON.encodeToBytes(.object(object)).prefix(200), as: UTF8.self)
        guard let kind = object["kind"]?.stringValue, !kind.isEmpty else {
            throw APIError.badRequest("Object 'Kind' is missing in '\(body)'")
        }
        guard let apiVersion = object["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
            throw APIError.badRequest("Object 'apiVersion' is missing in '\(body)'")
        }
        if apiVersion != context.apiVersion {
            throw APIError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(context.apiVersion))")
        }
        if kind != context.resource.kind {
            throw APIError.badRequest(
                "the kind in the data (\(kind)) does not match the expected kind (\(context.resource.kind))")
        }
    }

    func invalid(_ context: RequestContext, name: String, _ errors: [FieldError]) -> APIError {
        APIError.invalid(kind: context.resource.kind, group: context.resource.group, name: name, errors)
    }

    // MARK: List

    func selectors(_ context: RequestContext) throws(APIError) -> (Labels.Selector, Fields.Selector) {
        let labels: Labels.Selector
        do { labels = try Labels.Selector(parsing: context.request.query("labelSelector") ?? "") } catch {
            throw APIError.badRequest("unable to parse requirement: \(error.description)")
        }
        let fields: Fields.Selector
        do { fields = try Fields.Selector(parsing: context.request.query("fieldSelector") ?? "") } catch {
            throw APIError.badRequest(error.description)
        }
        let supported = ["metadata.name", "metadata.namespace"] + Self.extraFieldLabels(context.resource)
        for requirement in fields.requirements where !supported.contains(requirement.field) {
            throw APIError.badRequest("field label not supported: \(requirement.field)")
        }
        return (labels, fields)
    }

    static func extraFieldLabels(_ resource: ResourceInfo) -> [String] {
        switch (resource.group, resource.name) {
        case ("", "pods"): ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP"]
        case ("", "events"): ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
                              "reason", "reportingComponent", "source", "type"]
        case ("", "secrets"): ["type"]
        case ("", "namespaces"): ["status.phase"]
        case ("batch", "jobs"): ["status.successful"]
        default: []
        }
    }

    func list(_ context: RequestContext) throws(APIError) -> APIResponse {
        let (labels, fields) = try selectors(context)
        var items = store.list(context.resource.id, namespace: context.resource.namespaced ? context.info.namespace : "")
            .filter { labels.matches(KubeObject($0).labels) && fields.matches(KubeObject($0)) }
        var listRevision = store.revision
        var metadata: JSONObject = [:]
        if let token = context.request.query("continue"), !token.isEmpty {
            let parts = token.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let revision = Int64(parts[0]) else {
                throw APIError.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
            }
            if revision < store.oldestResumable {
                throw APIError.expired(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.")
            }
            let after = ObjectKey(namespace: String(parts[1]), name: String(parts[2]))
            items = items.filter { KubeObject($0).key > after }
            listRevision = revision
        }
        if let limitText = context.request.query("limit"), let limit = Int(limitText), limit > 0, items.count > limit {
            let remaining = items.count - limit
            items = Array(items.prefix(limit))
            if let last = items.last {
                let key = KubeObject(last).key
                metadata["continue"] = .string("\(listRevision)/\(key.namespace)/\(key.name)")
                metadata["remainingItemCount"] = .int(Int64(remaining))
            }
        }
        metadata.updateValue(.string(String(listRevision)), forKey: "resourceVersion", insertingAt: 0)
        let converted = items.map { convert($0, context.resource, version: context.info.version) }
        if wantsTable(context.request) {
            return .json(200, Table.render(converted, resource: context.resource, version: context.info.version,
                                           metadata: .object(metadata)))
        }
        return .json(200, [
            "kind": .string(context.resource.listKind), "apiVersion": .string(context.apiVersion),
            "metadata": .object(metadata), "items": .array(converted.map { .object($0) }),
        ])
    }

    func wantsTable(_ request: APIRequest) -> Bool {
        (request.header("accept") ?? "").split(separator: ",").first?.contains("as=Table") == true
    }

    // MARK: Create

    func create(_ context: RequestContext) throws(APIError) -> APIResponse {
        guard context.info.subresource.isEmpty else { throw APIError.methodNotAllowed("create", context.resource) }
        let body = try decodeBody(context.request)
        try refuseCreateIfTerminating(context.resource)
        let object = try prepareCreate(context, body)
        let stored = try commitCreate(context, object, ownership: .update(context.fieldManager))
        return .json(201, try output(context, stored))
    }

    /// Validates and completes a new object (metadata rules of spec §3).
    func prepareCreate(_ context: RequestContext, _ body: JSONObject) throws(APIError) -> JSONObject {
        try checkTypeMeta(context, body)
        var object = body
        var meta = object["metadata"]?.objectValue ?? [:]
        if context.resource.namespaced {
            let namespace = meta["namespace"]?.stringValue ?? ""
            if namespace.isEmpty {
                meta["namespace"] = .string(context.info.namespace)
            } else if namespace != context.info.namespace {
                throw APIError.badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
        } else {
            meta["namespace"] = nil
        }
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, !context.info.name.isEmpty, context.request.method == "PATCH" { name = context.info.name }
        if name.isEmpty {
            let prefix = meta["generateName"]?.stringValue ?? ""
            guard !prefix.isEmpty else {
                throw invalid(context, name: "", [.required("metadata.name", "name or generateName is required")])
            }
            name = prefix + Random.nameSuffix()
        }
        meta["name"] = .string(name)
        let nameErrors = Validation.name(name, labelOnly: context.resource.labelNames)
        if !nameErrors.isEmpty { throw invalid(context, name: name, nameErrors) }
        if let version = meta["resourceVersion"]?.stringValue, !version.isEmpty {
            throw APIError.badRequest("resourceVersion should not be set on objects to be created")
        }
        if context.resource.namespaced {
            let namespace = context.info.namespace
            guard let ns = store.get("/namespaces", ObjectKey(name: namespace)) else {
                throw APIError.namespaceNotFound(namespace)
            }
            if KubeObject(ns).isBeingDeleted {
                var error = APIError(
                    code: 403, reason: "Forbidden",
                    message: "\(context.resource.qualified) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                    details: APIError.details(context.resource, name: name))
                error.details?["causes"] = [["reason": "NamespaceTerminating",
                                             "message": .string("namespace \(namespace) is being terminated"),
                                             "field": "metadata.namespace"]]
                throw error
            }
        }
        meta["uid"] = .string(Random.uuid())
        meta["creationTimestamp"] = .string(Timestamp.now().rfc3339)
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["resourceVersion"] = nil
        meta["managedFields"] = nil
        if context.resource.generation != .none { meta["generation"] = 1 } else { meta["generation"] = nil }
        object["metadata"] = .object(meta)
        if context.resource.hasStatus { object["status"] = nil }
        Self.foldStringData(context.resource, &object)
        try completeNew(context, &object)
        return object
    }

    /// A Secret's write-only `stringData` merged into `data` (base64; it wins over a `data` key of the same
    /// name) and dropped, as the real API server stores Secrets.
    static func foldStringData(_ resource: ResourceInfo, _ object: inout JSONObject) {
        guard resource.id == "/secrets", let stringData = object["stringData"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? [:]
        for (key, value) in stringData {
            data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }

    /// Stores a prepared new object; 409 when it exists. Dry-run returns it with an empty resourceVersion.
    func commitCreate(_ context: RequestContext, _ object: JSONObject, ownership: Ownership) throws(APIError) -> JSONObject {
        var object = object
        object["apiVersion"] = .string(context.resource.apiVersion(context.resource.storageVersion))
        let kube = KubeObject(object)
        if store.get(context.resource.id, kube.key) != nil { throw APIError.alreadyExists(context.resource, kube.name) }
        switch ownership {
        case .update(let manager):
            let view = FieldSets.trackedView(object, statusOnly: false, excludeStatus: false)
            let fields = FieldSets.paths(of: view, node: schemaNode(context.resource, version: context.info.version))
            ManagedEntry.store(
                [ManagedEntry(manager: manager, operation: "Update", apiVersion: context.apiVersion,
                              time: Timestamp.now().rfc3339, subresource: "", fields: fields)],
                into: &object)
        case .apply(let entries):
            ManagedEntry.store(entries, into: &object)
        }
        if context.dryRun {
            object["metadata", default: [:]]["resourceVersion"] = ""
            return object
        }
        let stored = store.put(context.resource.id, object)
        afterWrite(context.resource, old: nil, new: stored)
        return stored
    }

    // MARK: Update

    func update(_ context: RequestContext) throws(APIError) -> APIResponse {
        let body = try decodeBody(context.request)
        try checkTypeMeta(context, body)
        let old = try fetch(context)
        let bodyName = body["metadata"]?["name"]?.stringValue ?? ""
        if bodyName != context.info.name {
            throw APIError.badRequest(
                "the name of the object (\(bodyName)) does not match the name on the URL (\(context.info.name))")
        }
        let version = body["metadata"]?["resourceVersion"]?.stringValue ?? ""
        if version.isEmpty, context.resource.isCustom {
            throw invalid(context, name: context.info.name,
                          [.invalid("metadata.resourceVersion", "0", "must be specified for an update")])
        }
        let (status, object) = try commitUpdate(context, old: old, candidate: body, ownership: .update(context.fieldManager))
        return .json(status, try output(context, object))
    }

    /// Applies update rules (spec §4.5, §4.9, §5, §6) and stores the result unless it is a no-op.
    func commitUpdate(_ context: RequestContext, old: JSONObject, candidate: JSONObject, ownership: Ownership)
        throws(APIError) -> (Int, JSONObject) {
        let resource = context.resource
        let oldKube = KubeObject(old)
        let requestedVersion = candidate["metadata"]?["resourceVersion"]?.stringValue ?? ""
        if !requestedVersion.isEmpty, requestedVersion != oldKube.resourceVersion {
            throw APIError.conflict(resource, oldKube.name)
        }
        var new: JSONObject
        if context.statusOnly {
            new = old
            new["status"] = candidate["status"]
            if case .apply = ownership {} else if let given = candidate["metadata"]?["managedFields"] {
                new["metadata", default: [:]]["managedFields"] = given
            }
        } else {
            new = candidate
            if resource.hasStatus { new["status"] = old["status"] }
            var meta = new["metadata"]?.objectValue ?? [:]
            let oldMeta = old["metadata"]?.objectValue ?? [:]
            for field in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                          "generation"] {
                meta[field] = oldMeta[field]
            }
            // Absent managedFields keep the live ones; an explicit value (even []) replaces them.
            if meta["managedFields"] == nil || meta["managedFields"]?.isNull == true { meta["managedFields"] = oldMeta["managedFields"] }
            new["metadata"] = .object(meta)
            Self.foldStringData(resource, &new)
        }
        if resource.isCustom {
            try reportUnknownFields(context, normalizeCustom(resource, version: context.info.version, &new))
        }
        new["apiVersion"] = .string(resource.apiVersion(resource.storageVersion))
        new["kind"] = .string(resource.kind)
        new["metadata", default: [:]]["resourceVersion"] = .string(oldKube.resourceVersion)
        let newKube = KubeObject(new)
        if oldKube.isBeingDeleted {
            let added = newKube.finalizers.filter { !oldKube.finalizers.contains($0) }
            if !added.isEmpty {
                let list = added.map { "\"\($0)\"" }.joined(separator: ", ")
                throw invalid(context, name: oldKube.name, [.forbidden(
                    "metadata.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{\(list)}")])
            }
        }
        let errors = Validation.immutable(kind: resource.kind, group: resource.group, old: old, new: new)
            + validateCustom(context, new, old: old)
        if !errors.isEmpty { throw invalid(context, name: oldKube.name, errors) }
        if resource.generation != .none, Self.generationChanged(resource, old: old, new: new) {
            new["metadata", default: [:]]["generation"] = .int(oldKube.generation + 1)
        }
        // Ownership.
        let explicitFields = new["metadata"]?["managedFields"] != old["metadata"]?["managedFields"]
        switch ownership {
        case .apply(let entries):
            ManagedEntry.store(entries, into: &new)
        case .update(let manager) where !explicitFields:
            let entries = updateOwnership(context, old: old, new: new, manager: manager)
            ManagedEntry.store(entries, into: &new)
        case .update:
            let entries = ManagedEntry.entries(of: new)
            ManagedEntry.store(entries, into: &new)
        }
        if JSONValue.object(new) == JSONValue.object(old) { return (200, old) }
        if KubeObject(new).isBeingDeleted, KubeObject(new).finalizers.isEmpty {
            if !context.dryRun {
                store.remove(resource.id, oldKube.key)
                afterRemove(resource, old)
            }
            return (200, new)
        }
        if context.dryRun { return (200, new) }
        let stored = store.put(resource.id, new)
        afterWrite(resource, old: old, new: stored)
        return (200, stored)
    }

    static func generationChanged(_ resource: ResourceInfo, old: JSONObject, new: JSONObject) -> Bool {
        func strip(_ object: JSONObject) -> JSONValue {
            var object = object
            object["metadata"] = nil
            object["apiVersion"] = nil
            object["kind"] = nil
            if resource.generation != .custom || resource.hasStatus { object["status"] = nil }
            return .object(object)
        }
        if strip(old) != strip(new) { return true }
        if resource.generation == .specAndAnnotations {
            return old["metadata"]?["annotations"] != new["metadata"]?["annotations"]
        }
        return false
    }

    /// Update-operation bookkeeping: the manager takes the fields whose value it changed.
    func updateOwnership(_ context: RequestContext, old: JSONObject, new: JSONObject, manager: String) -> [ManagedEntry] {
        let node = schemaNode(context.resource, version: context.info.version)
        let statusOnly = context.statusOnly
        let excludeStatus = context.resource.hasStatus && !statusOnly
        let newView = FieldSets.trackedView(new, statusOnly: statusOnly, excludeStatus: excludeStatus)
        let oldValue = JSONValue.object(old)
        let newValue = JSONValue.object(new)
        let newPaths = FieldSets.paths(of: newView, node: node)
        let prefixes = Set(newPaths.flatMap { path in (0..<path.count).map { Array(path[..<$0]) } })
        var changed = Set<FieldPathSteps>()
        for path in newPaths {
            let before = FieldSets.value(at: path, in: oldValue)
            let isLeaf = !prefixes.contains(path)
            if before == nil || (isLeaf && before != FieldSets.value(at: path, in: newValue)) { changed.insert(path) }
        }
        var entries = ManagedEntry.entries(of: old)
        let subresource = statusOnly ? "status" : ""
        for index in entries.indices where !(entries[index].manager == manager && entries[index].operation == "Update"
                                              && entries[index].subresource == subresource) {
            entries[index].fields.subtract(changed.filter { !prefixes.contains($0) })
        }
        if !changed.isEmpty {
            let now = Timestamp.now().rfc3339
            if let index = entries.firstIndex(where: { $0.manager == manager && $0.operation == "Update" && $0.subresource == subresource }) {
                let before = entries[index].fields
                entries[index].fields.formUnion(changed)
                if entries[index].fields != before {
                    entries[index].time = now
                    entries[index].apiVersion = context.apiVersion
                }
            } else {
                entries.append(ManagedEntry(manager: manager, operation: "Update", apiVersion: context.apiVersion,
                                            time: now, subresource: subresource, fields: changed))
            }
        }
        return Self.prune(entries, in: newValue)
    }

    /// Drops owned paths that no longer exist in `object`.
    static func prune(_ entries: [ManagedEntry], in object: JSONValue) -> [ManagedEntry] {
        entries.map { entry in
            var entry = entry
            entry.fields = entry.fields.filter { FieldSets.value(at: $0, in: object) != nil }
            return entry
        }
    }

    func schemaNode(_ resource: ResourceInfo, version: String) -> SchemaNode {
        if resource.isCustom {
            return .openAPI(resource.schemas[version] ?? resource.schemas[resource.storageVersion])
        }
        return .builtIn(PatchSchema.builtIn.type(apiVersion: resource.apiVersion(resource.storageVersion), kind: resource.kind))
    }

    // MARK: Delete

    func deleteOptions(_ context: RequestContext) throws(APIError) -> JSONObject {
        var options: JSONObject = [:]
        if !context.request.body.isEmpty {
            guard case .object(let object)? = try? JSON.decode(context.request.body) else {
                throw APIError.badRequest("invalid DeleteOptions body")
            }
            options = object
        }
        if let policy = context.request.query("propagationPolicy") { options["propagationPolicy"] = .string(policy) }
        return options
    }

    func delete(_ context: RequestContext) throws(APIError) -> APIResponse {
        let options = try deleteOptions(context)
        var dryRun = context.dryRun
        if let values = options["dryRun"]?.arrayValue {
            for value in values {
                guard value.stringValue == "All" else {
                    throw APIError(code: 422, reason: "Invalid",
                                   message: "dryRun: Unsupported value: \(JSON.encode(value)): supported values: \"All\"")
                }
                dryRun = true
            }
        }
        let old = try fetch(context)
        let kube = KubeObject(old)
        if let uid = options["preconditions"]?["uid"]?.stringValue, uid != kube.uid {
            throw APIError.preconditionFailed(context.resource, kube.name,
                                              "UID in precondition: \(uid), UID in object meta: \(kube.uid)")
        }
        if let version = options["preconditions"]?["resourceVersion"]?.stringValue, version != kube.resourceVersion {
            throw APIError.preconditionFailed(
                context.resource, kube.name,
                "ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(kube.resourceVersion)")
        }
        let policy = options["propagationPolicy"]?.stringValue
            ?? (options["orphanDependents"]?.boolValue == true ? "Orphan" : "Background")
        guard ["Background", "Foreground", "Orphan"].contains(policy) else {
            throw APIError(code: 422, reason: "Invalid",
                           message: "propagationPolicy: Unsupported value: \"\(policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\"")
        }
        if context.resource.id == "/namespaces" {
            return try deleteNamespace(context, old, dryRun: dryRun)
        }
        if kube.isBeingDeleted { return .json(200, try output(context, old)) }
        if policy == "Foreground", !dryRun, !dependents(of: kube.uid).isEmpty {
            // The owner waits (finalizer foregroundDeletion) until its blocking dependents are gone.
            var held = kube
            _ = held.addFinalizer(Self.foregroundFinalizer)
            var marked = held.object
            marked["metadata", default: [:]]["deletionTimestamp"] = .string(Timestamp.now().rfc3339)
            marked["metadata", default: [:]]["deletionGracePeriodSeconds"] = 0
            if kube.generation > 0 { marked["metadata", default: [:]]["generation"] = .int(kube.generation + 1) }
            let stored = store.put(context.resource.id, marked)
            afterWrite(context.resource, old: old, new: stored)
            for (resource, dependent) in dependents(of: kube.uid) { deleteObject(resource, KubeObject(dependent).key) }
            finishForegroundDeletions()
            return .json(200, try output(context, store.get(context.resource.id, kube.key) ?? stored))
        }
        if !kube.finalizers.isEmpty {
            var marked = old
            marked["metadata", default: [:]]["deletionTimestamp"] = .string(Timestamp.now().rfc3339)
            marked["metadata", default: [:]]["deletionGracePeriodSeconds"] = 0
            if kube.generation > 0 { marked["metadata", default: [:]]["generation"] = .int(kube.generation + 1) }
            if dryRun { return .json(200, try output(context, marked)) }
            let stored = store.put(context.resource.id, marked)
            afterWrite(context.resource, old: old, new: stored)
            return .json(200, try output(context, stored))
        }
        if !dryRun {
            if policy == "Orphan" { orphanDependents(of: kube.uid) }
            store.remove(context.resource.id, kube.key)
            afterRemove(context.resource, old)
        }
        var details: JSONObject = ["name": .string(kube.name)]
        if !context.resource.group.isEmpty { details["group"] = .string(context.resource.group) }
        details["kind"] = .string(context.resource.name)
        details["uid"] = .string(kube.uid)
        return .json(200, ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                           "details": .object(details)])
    }

    func deleteCollection(_ context: RequestContext) throws(APIError) -> APIResponse {
        let (labels, fields) = try selectors(context)
        let items = store.list(context.resource.id, namespace: context.resource.namespaced ? context.info.namespace : "")
            .filter { labels.matches(KubeObject($0).labels) && fields.matches(KubeObject($0)) }
        var deleted: [JSONValue] = []
        for item in items {
            let kube = KubeObject(item)
            if context.dryRun {
                deleted.append(.object(item))
            } else if let result = deleteObject(context.resource, kube.key) {
                deleted.append(.object(convert(result, context.resource, version: context.info.version)))
            }
        }
        return .json(200, ["kind": .string(context.resource.listKind), "apiVersion": .string(context.apiVersion),
                           "metadata": ["resourceVersion": .string(String(store.revision))], "items": .array(deleted)])
    }

    /// Deletes (or marks for deletion when finalizers remain) one object; returns its last state.
    @discardableResult
    func deleteObject(_ resource: ResourceInfo, _ key: ObjectKey) -> JSONObject? {
        guard let old = store.get(resource.id, key) else { return nil }
        let kube = KubeObject(old)
        if kube.isBeingDeleted { return old }
        if !kube.finalizers.isEmpty {
            var marked = old
            marked["metadata", default: [:]]["deletionTimestamp"] = .string(Timestamp.now().rfc3339)
            marked["metadata", default: [:]]["deletionGracePeriodSeconds"] = 0
            if kube.generation > 0 { marked["metadata", default: [:]]["generation"] = .int(kube.generation + 1) }
            let stored = store.put(resource.id, marked)
            afterWrite(resource, old: old, new: stored)
            return stored
        }
        let removed = store.remove(resource.id, key)
        afterRemove(resource, old)
        return removed
    }

    private func deleteNamespace(_ context: RequestContext, _ old: JSONObject, dryRun: Bool) throws(APIError) -> APIResponse {
        var marked = old
        if !KubeObject(old).isBeingDeleted {
            marked["metadata", default: [:]]["deletionTimestamp"] = .string(Timestamp.now().rfc3339)
            marked["metadata", default: [:]]["deletionGracePeriodSeconds"] = 0
            marked["status"] = ["phase": "Terminating"]
        }
        if dryRun { return .json(200, try output(context, marked)) }
        if marked != old { marked = store.put(context.resource.id, marked) }
        let namespace = KubeObject(old).name
        for resource in registry.resources.values where resource.namespaced && !resource.isVirtual {
            for object in store.list(resource.id, namespace: namespace) {
                deleteObject(resource, KubeObject(object).key)
            }
        }
        finalizeNamespace(namespace)
        return .json(200, try output(context, store.get("/namespaces", ObjectKey(name: namespace)) ?? marked))
    }

    /// Removes a terminating namespace once it is empty.
    func finalizeNamespace(_ namespace: String) {
        guard let ns = store.get("/namespaces", ObjectKey(name: namespace)), KubeObject(ns).isBeingDeleted else { return }
        for resource in registry.resources.values where resource.namespaced && !resource.isVirtual {
            if !store.list(resource.id, namespace: namespace).isEmpty { return }
        }
        store.remove("/namespaces", ObjectKey(name: namespace))
        tokens = tokens.filter { $0.value.namespace != namespace }
    }

    // MARK: Garbage collection

    /// After an object is gone: garbage-collect dependents, finish namespace termination, CRD clean-up.
    func afterRemove(_ resource: ResourceInfo, _ object: JSONObject) {
        let kube = KubeObject(object)
        if resource.id == Self.crdID { crdRemoved(object) }
        if resource.isCustom { finishTermination(name: "\(resource.name).\(resource.group)") }
        collectGarbage()
        if resource.namespaced { finalizeNamespace(kube.namespace) }
    }

    /// Background GC: deletes objects all of whose owners are gone; strips dangling references otherwise;
    /// then releases owners in foreground deletion.
    func collectGarbage() {
        defer { finishForegroundDeletions() }
        var changed = true
        while changed {
            changed = false
            var uids = Set<String>()
            var dependents: [(ResourceInfo, JSONObject)] = []
            for (id, object) in store.all() {
                uids.insert(KubeObject(object).uid)
                if !KubeObject(object).ownerReferences.isEmpty, let resource = registry.resources[id] {
                    dependents.append((resource, object))
                }
            }
            for (resource, object) in dependents {
                let kube = KubeObject(object)
                let owners = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
                let live = owners.filter { uids.contains($0["uid"]?.stringValue ?? "") }
                if live.isEmpty {
                    if !kube.isBeingDeleted {
                        deleteObject(resource, kube.key)
                        changed = true
                    }
                } else if live.count != owners.count {
                    var updated = object
                    updated["metadata", default: [:]]["ownerReferences"] = .array(live)
                    let stored = store.put(resource.id, updated)
                    afterWrite(resource, old: object, new: stored)
                    changed = true
                }
            }
        }
    }

    static let foregroundFinalizer = "foregroundDeletion"

    /// Objects that name `uid` among their owner references.
    func dependents(of uid: String) -> [(ResourceInfo, JSONObject)] {
        store.all().compactMap { id, object in
            guard let resource = registry.resources[id],
                  KubeObject(object).ownerReferences.contains(where: { $0.uid == uid }) else { return nil }
            return (resource, object)
        }
    }

    /// Releases owners in foreground deletion whose `blockOwnerDeletion` dependents are all gone.
    func finishForegroundDeletions() {
        for (id, object) in store.all() {
            guard KubeObject(object).isBeingDeleted, KubeObject(object).hasFinalizer(Self.foregroundFinalizer),
                  let resource = registry.resources[id] else { continue }
            let key = KubeObject(object).key
            guard let current = store.get(id, key) else { continue }
            let uid = KubeObject(current).uid
            let blocking = dependents(of: uid).filter { _, dependent in
                KubeObject(dependent).ownerReferences.contains { $0.uid == uid && $0.blockOwnerDeletion == true }
            }
            if !blocking.isEmpty { continue }
            var released = KubeObject(current)
            _ = released.removeFinalizer(Self.foregroundFinalizer)
            if released.finalizers.isEmpty {
                store.remove(id, key)
                afterRemove(resource, current)
            } else {
                let stored = store.put(id, released.object)
                afterWrite(resource, old: current, new: stored)
            }
        }
    }

    /// Orphan propagation: strips the owner reference from every dependent.
    func orphanDependents(of uid: String) {
        for (id, object) in store.all() {
            let owners = object["metadata"]?["ownerReferences"]?.arrayValue ?? []
            guard owners.contains(where: { $0["uid"]?.stringValue == uid }), let resource = registry.resources[id] else { continue }
            var updated = object
            let kept = owners.filter { $0["uid"]?.stringValue != uid }
            updated["metadata", default: [:]]["ownerReferences"] = kept.isEmpty ? nil : .array(kept)
            let stored = store.put(resource.id, updated)
            afterWrite(resource, old: object, new: stored)
        }
    }
}

