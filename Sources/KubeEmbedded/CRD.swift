import KubeModel

extension ServerCore {
    static let crdID = "apiextensions.k8s.io/customresourcedefinitions"
    static let cleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io"

    /// The stored CRD serving `resource`, if any.
    func crd(of resource: ResourceInfo) -> JSONObject? {
        store.get(Self.crdID, ObjectKey(name: "\(resource.name).\(resource.group)"))
    }

    /// 405 for creates while the resource's CRD is terminating.
    func refuseCreateIfTerminating(_ resource: ResourceInfo) throws(APIError) {
        guard resource.isCustom, let crd = crd(of: resource), KubeObject(crd).isBeingDeleted else { return }
        throw APIError(code: 405, reason: "MethodNotAllowed",
                       message: "create not allowed while custom resource definition is terminating",
                       details: APIError.details(resource, name: nil))
    }

    /// A CRD marked for deletion: Terminating condition, instances deleted, then the CRD itself.
    func terminate(_ crd: JSONObject) {
        let group = crd["spec"]?["group"]?.stringValue ?? ""
        let plural = crd["spec"]?["names"]?["plural"]?.stringValue ?? ""
        var updated = crd
        var status = crd["status"]?.objectValue ?? [:]
        var conditions = status["conditions"]?.arrayValue ?? []
        if !conditions.contains(where: { $0["type"] == "Terminating" }) {
            conditions.append(["type": "Terminating", "status": "True", "lastTransitionTime": .string(Timestamp.now().rfc3339),
                               "reason": "InstanceDeletionInProgress", "message": "CustomResource deletion is in progress"])
            status["conditions"] = .array(conditions)
            updated["status"] = .object(status)
            updated = store.put(Self.crdID, updated)
        }
        if let resource = registry.resources["\(group)/\(plural)"], resource.isCustom {
            for object in store.list(resource.id) { deleteObject(resource, KubeObject(object).key) }
        }
        finishTermination(name: KubeObject(updated).name)
    }

    /// Removes the cleanup finalizer (and so the CRD) once no instance is left.
    func finishTermination(name: String) {
        guard let crd = store.get(Self.crdID, ObjectKey(name: name)), KubeObject(crd).isBeingDeleted else { return }
        let group = crd["spec"]?["group"]?.stringValue ?? ""
        let plural = crd["spec"]?["names"]?["plural"]?.stringValue ?? ""
        if !store.list("\(group)/\(plural)").isEmpty { return }
        var kube = KubeObject(crd)
        _ = kube.removeFinalizer(Self.cleanupFinalizer)
        if kube.finalizers.isEmpty {
            store.remove(Self.crdID, kube.key)
            crdRemoved(crd)
        } else if kube.object != crd {
            store.put(Self.crdID, kube.object)
        }
    }

    /// Kind-specific completion of a new object (defaults the server sets).
    func completeNew(_ context: RequestContext, _ object: inout JSONObject) throws(APIError) {
        switch context.resource.id {
        case "/namespaces":
            object["spec"] = ["finalizers": ["kubernetes"]]
            object["status"] = ["phase": "Active"]
            let name = object["metadata"]?["name"] ?? ""
            var labels = object["metadata"]?["labels"] ?? [:]
            labels["kubernetes.io/metadata.name"] = name
            object["metadata", default: [:]]["labels"] = labels
        case "/services":
            let type = object["spec"]?["type"]?.stringValue ?? "ClusterIP"
            if object["spec"]?["clusterIP"] == nil, type != "ExternalName" {
                let octets = (store.revision % 250) + 1
                object["spec", default: [:]]["clusterIP"] = .string("10.96.\((store.revision / 250) % 250).\(octets)")
                object["spec", default: [:]]["clusterIPs"] = [object["spec"]?["clusterIP"] ?? nil]
            }
            if object["spec"]?["type"] == nil { object["spec", default: [:]]["type"] = "ClusterIP" }
        case Self.crdID:
            var spec = object["spec"]?.objectValue ?? [:]
            var names = spec["names"]?.objectValue ?? [:]
            let kind = names["kind"]?.stringValue ?? ""
            if names["singular"]?.stringValue?.isEmpty ?? true { names["singular"] = .string(kind.lowercased()) }
            if names["listKind"]?.stringValue?.isEmpty ?? true { names["listKind"] = .string("\(kind)List") }
            spec["names"] = .object(names)
            if spec["conversion"] == nil { spec["conversion"] = ["strategy": "None"] }
            object["spec"] = .object(spec)
            var crd = KubeObject(object)
            _ = crd.addFinalizer(Self.cleanupFinalizer)
            object = crd.object
        default:
            break
        }
        let errors = validateCustom(context, object)
        if !errors.isEmpty { throw invalid(context, name: KubeObject(object).name, errors) }
        if context.resource.isCustom {
            let unknown = normalizeCustom(context.resource, version: context.info.version, &object)
            try reportUnknownFields(context, unknown)
        }
    }

    /// `fieldValidation` (spec §4.12): Strict rejects unknown fields, Warn (default) reports them, Ignore drops them.
    func reportUnknownFields(_ context: RequestContext, _ unknown: [String]) throws(APIError) {
        guard !unknown.isEmpty else { return }
        switch context.request.query("fieldValidation") ?? "Warn" {
        case "Strict":
            throw APIError.badRequest(unknown.map { ".\($0): field not declared in schema" }.joined(separator: ", "))
        case "Ignore":
            return
        default:
            warnings.append(contentsOf: unknown.map { "unknown field \"\($0)\"" })
        }
    }

    /// Schema pruning and defaulting for custom resources.
    /// Prunes fields the schema does not declare and applies defaults; returns the pruned paths.
    @discardableResult
    func normalizeCustom(_ resource: ResourceInfo, version: String, _ object: inout JSONObject) -> [String] {
        guard let schema = resource.schemas[version] else { return [] }
        var unknown: [String] = []
        for (key, value) in object where !["apiVersion", "kind", "metadata"].contains(key) {
            guard let child = schema["properties"]?[key] else {
                if schema["x-kubernetes-preserve-unknown-fields"]?.boolValue != true {
                    object[key] = nil
                    unknown.append(key)
                }
                continue
            }
            object[key] = Self.pruneAndDefault(value, schema: child, path: key, unknown: &unknown)
        }
        if let properties = schema["properties"]?.objectValue {
            for (key, child) in properties where object[key] == nil && !["apiVersion", "kind", "metadata"].contains(key) {
                var ignored: [String] = []
                if let value = child["default"] { object[key] = Self.pruneAndDefault(value, schema: child, path: key, unknown: &ignored) }
            }
        }
        return unknown
    }

    static func pruneAndDefault(_ value: JSONValue, schema: JSONValue, path: String, unknown: inout [String]) -> JSONValue {
        switch value {
        case .object(var object):
            let preserve = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            if let properties = schema["properties"]?.objectValue {
                for (key, member) in object {
                    if let child = properties[key] {
                        object[key] = pruneAndDefault(member, schema: child, path: "\(path).\(key)", unknown: &unknown)
                    } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                        object[key] = pruneAndDefault(member, schema: additional, path: "\(path).\(key)", unknown: &unknown)
                    } else if !preserve {
                        object[key] = nil
                        unknown.append("\(path).\(key)")
                    }
                }
                for (key, child) in properties where object[key] == nil {
                    var ignored: [String] = []
                    if let defaultValue = child["default"] {
                        object[key] = pruneAndDefault(defaultValue, schema: child, path: key, unknown: &ignored)
                    }
                }
            } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                for (key, member) in object {
                    object[key] = pruneAndDefault(member, schema: additional, path: "\(path).\(key)", unknown: &unknown)
                }
            }
            return .object(object)
        case .array(let elements):
            guard let items = schema["items"] else { return value }
            return .array(elements.enumerated().map { index, element in
                pruneAndDefault(element, schema: items, path: "\(path)[\(index)]", unknown: &unknown)
            })
        default:
            return value
        }
    }

    /// CRD naming rules and custom-resource schema validation (type, required, enum, bounds).
    func validateCustom(_ context: RequestContext, _ object: JSONObject) -> [FieldError] {
        if context.resource.id == Self.crdID {
            let spec = object["spec"]
            let plural = spec?["names"]?["plural"]?.stringValue ?? ""
            let group = spec?["group"]?.stringValue ?? ""
            let name = object["metadata"]?["name"]?.stringValue ?? ""
            var errors: [FieldError] = []
            if name != "\(plural).\(group)" {
                errors.append(.invalid("metadata.name", JSON.encode(.string(name)), "must be spec.names.plural+\".\"+spec.group"))
            }
            let versions = spec?["versions"]?.arrayValue ?? []
            if versions.isEmpty { errors.append(.required("spec.versions", "must have exactly one version marked as storage version")) }
            if versions.filter({ $0["storage"]?.boolValue == true }).count != 1, !versions.isEmpty {
                errors.append(.invalid("spec.versions", JSON.encode(.array(versions.map { $0["name"] ?? nil })),
                                       "must have exactly one version marked as storage version"))
            }
            if !["Namespaced", "Cluster"].contains(spec?["scope"]?.stringValue ?? "") {
                errors.append(FieldError(type: .notSupported, field: "spec.scope",
                                         detail: "\(JSON.encode(spec?["scope"] ?? "")): supported values: \"Cluster\", \"Namespaced\""))
            }
            return errors
        }
        guard context.resource.isCustom, let schema = context.resource.schemas[context.info.version] else { return [] }
        var errors: [FieldError] = []
        for (key, value) in object where !["apiVersion", "kind", "metadata"].contains(key) {
            if let child = schema["properties"]?[key] { Self.validate(value, schema: child, path: key, into: &errors) }
        }
        for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
            errors.append(.required(required, ""))
        }
        return errors
    }

    static func validate(_ value: JSONValue, schema: JSONValue, path: String, into errors: inout [FieldError]) {
        if value.isNull, schema["nullable"]?.boolValue == true { return }
        if let type = schema["type"]?.stringValue {
            let ok: Bool = switch (type, value) {
            case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("integer", .int): true
            case ("number", .int), ("number", .double): true
            case ("integer", .double(let d)): d.rounded() == d
            default: false
            }
            if !ok {
                errors.append(FieldError(type: .invalid, field: path,
                                         detail: "\"\(value.typeName)\": \(path) in body must be of type \(type): \"\(value.typeName)\""))
                return
            }
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) {
            let list = allowed.map { JSON.encode($0) }.joined(separator: ", ")
            errors.append(FieldError(type: .notSupported, field: path, detail: "\(JSON.encode(value)): supported values: \(list)"))
        }
        if let text = value.stringValue, let maxLength = schema["maxLength"]?.intValue, text.count > maxLength {
            errors.append(FieldError(type: .tooLong, field: path, detail: "may not be more than \(maxLength) bytes"))
        }
        if let number = value.doubleValue {
            if let minimum = schema["minimum"]?.doubleValue, number < minimum {
                errors.append(.invalid(path, JSON.encode(value), "\(path) in body should be greater than or equal to \(JSON.encode(schema["minimum"] ?? 0))"))
            }
            if let maximum = schema["maximum"]?.doubleValue, number > maximum {
                errors.append(.invalid(path, JSON.encode(value), "\(path) in body should be less than or equal to \(JSON.encode(schema["maximum"] ?? 0))"))
            }
        }
        switch value {
        case .object(let object):
            for (key, member) in object {
                if let child = schema["properties"]?[key] ?? schema["additionalProperties"].flatMap({ $0.objectValue != nil ? $0 : nil }) {
                    validate(member, schema: child, path: "\(path).\(key)", into: &errors)
                }
            }
            for required in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[required] == nil {
                errors.append(.required("\(path).\(required)", ""))
            }
        case .array(let elements):
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() { validate(element, schema: items, path: "\(path)[\(index)]", into: &errors) }
            }
        default:
            break
        }
    }

    /// Hooks after a stored write: CRD establishment.
    func afterWrite(_ resource: ResourceInfo, old: JSONObject?, new: JSONObject) {
        if resource.id == Self.crdID {
            if KubeObject(new).isBeingDeleted { terminate(new) } else { establish(new) }
        }
        simulate(resource, old: old, new: new)
    }

    /// Registers the CRD's resource and writes its status conditions (naming + establishing controllers).
    func establish(_ crd: JSONObject) {
        let kube = KubeObject(crd)
        guard !kube.isBeingDeleted, let spec = crd["spec"] else { return }
        let group = spec["group"]?.stringValue ?? ""
        let names = spec["names"] ?? [:]
        let plural = names["plural"]?.stringValue ?? ""
        let kind = names["kind"]?.stringValue ?? ""
        let versions = spec["versions"]?.arrayValue ?? []
        let served = versions.filter { $0["served"]?.boolValue ?? true }.compactMap { $0["name"]?.stringValue }
        let storage = versions.first { $0["storage"]?.boolValue == true }?["name"]?.stringValue ?? served.first ?? "v1"
        let now = Timestamp.now().rfc3339
        var conflict: String? = nil
        if let existing = registry.resources["\(group)/\(plural)"], !existing.isCustom { conflict = "PluralConflict" }
        if let existing = registry.lookup(group: group, kind: kind), existing.name != plural { conflict = "KindConflict" }

        if conflict == nil, !served.isEmpty {
            var info = ResourceInfo(
                group: group, versions: ResourceRegistry.sortVersions(served), storageVersion: storage, name: plural,
                singular: names["singular"]?.stringValue ?? kind.lowercased(), kind: kind,
                namespaced: spec["scope"]?.stringValue != "Cluster",
                shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                hasStatus: versions.contains { $0["subresources"]?["status"] != nil },
                generation: .custom, isCustom: true)
            for version in versions {
                guard let name = version["name"]?.stringValue else { continue }
                if let schema = version["schema"]?["openAPIV3Schema"] { info.schemas[name] = schema }
                if let columns = version["additionalPrinterColumns"]?.arrayValue { info.printerColumns[name] = columns }
                if version["deprecated"]?.boolValue == true {
                    info.deprecationWarnings[name] = version["deprecationWarning"]?.stringValue
                        ?? "\(group)/\(name) \(kind) is deprecated"
                }
            }
            registry.register(info)
            discoveryGeneration += 1
        }
        let oldConditions = crd["status"]?["conditions"]?.arrayValue ?? []
        func condition(_ type: String, _ status: String, _ reason: String, _ message: String) -> JSONValue {
            let previous = oldConditions.first { $0["type"]?.stringValue == type }
            let time = previous?["status"]?.stringValue == status ? (previous?["lastTransitionTime"] ?? .string(now)) : .string(now)
            return ["type": .string(type), "status": .string(status), "lastTransitionTime": time,
                    "reason": .string(reason), "message": .string(message)]
        }
        var status = crd["status"]?.objectValue ?? [:]
        if let conflict {
            status["conditions"] = [
                condition("NamesAccepted", "False", conflict, "the names of \(group)/\(plural) conflict with a served resource"),
                condition("Established", "False", "NotAccepted", "not all names are accepted"),
            ]
        } else {
            var accepted = names.objectValue ?? [:]
            accepted["singular"] = .string(names["singular"]?.stringValue ?? kind.lowercased())
            accepted["listKind"] = .string(names["listKind"]?.stringValue ?? "\(kind)List")
            status["acceptedNames"] = .object(accepted)
            status["conditions"] = [
                condition("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
                condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted"),
            ]
        }
        var stored = status["storedVersions"]?.arrayValue ?? []
        if !stored.contains(.string(storage)) { stored.append(.string(storage)) }
        status["storedVersions"] = .array(stored)
        guard JSONValue.object(status) != crd["status"] else { return }
        var updated = crd
        updated["status"] = .object(status)
        store.put(Self.crdID, updated)
    }

    /// After a CRD is gone: its instances are deleted (DELETED events) and the resource stops being served.
    func crdRemoved(_ crd: JSONObject) {
        let group = crd["spec"]?["group"]?.stringValue ?? ""
        let plural = crd["spec"]?["names"]?["plural"]?.stringValue ?? ""
        let id = "\(group)/\(plural)"
        guard registry.resources[id]?.isCustom == true else { return }
        for object in store.list(id) { store.remove(id, KubeObject(object).key) }
        store.drop(id)
        store.endWatchers(resourceID: id)
        registry.unregister(id: id)
        discoveryGeneration += 1
    }

    // MARK: Reviews and tokens

    /// `SelfSubjectAccessReview` (what `kubectl auth can-i` asks).
    func accessReview(_ context: RequestContext) throws(APIError) -> APIResponse {
        var body = try decodeBody(context.request)
        let spec = body["spec"] ?? [:]
        let allowed: Bool
        if let attributes = spec["resourceAttributes"] {
            func text(_ key: String) -> String { attributes[key]?.stringValue ?? "" }
            allowed = RBAC.allowed(context.user, Attributes(
                verb: text("verb"), group: text("group"), resource: text("resource"), subresource: text("subresource"),
                namespace: text("namespace"), name: text("name")), store: store)
        } else if let attributes = spec["nonResourceAttributes"] {
            allowed = RBAC.allowed(context.user, Attributes(
                verb: attributes["verb"]?.stringValue ?? "", path: attributes["path"]?.stringValue ?? ""), store: store)
        } else {
            throw invalid(context, name: "", [.required("spec.resourceAttributes", "exactly one of nonResourceAttributes or resourceAttributes must be specified")])
        }
        body["status"] = allowed ? ["allowed": true, "reason": "RBAC: allowed"] : ["allowed": false]
        body["metadata"] = ["creationTimestamp": nil]
        return .json(201, .object(body))
    }

    /// `TokenRequest` on `serviceaccounts/{name}/token` (spec §10).
    func tokenRequest(_ context: RequestContext) throws(APIError) -> APIResponse {
        let account = try fetch(context)
        let body = context.request.body.isEmpty ? [:] : try decodeBody(context.request)
        let seconds = body["spec"]?["expirationSeconds"]?.intValue ?? 3600
        func tokenInvalid(_ detail: String) -> APIError {
            APIError.invalid(kind: "TokenRequest", group: "authentication.k8s.io", name: "",
                             [.invalid("spec.expirationSeconds", String(seconds), detail)])
        }
        if seconds < 600 { throw tokenInvalid("may not specify a duration less than 10 minutes") }
        if seconds > 1 << 32 { throw tokenInvalid("may not specify a duration larger than 2^32 seconds") }
        let token = Random.token()
        let expires = Timestamp.now() + GoDuration(nanoseconds: seconds * 1_000_000_000)
        let kube = KubeObject(account)
        if !context.dryRun {
            tokens[token] = IssuedToken(namespace: kube.namespace, serviceAccount: kube.name, uid: kube.uid, expires: expires)
        }
        var audiences = body["spec"]?["audiences"]?.arrayValue ?? []
        if audiences.isEmpty { audiences = ["https://kubernetes.default.svc.cluster.local"] }
        return .json(201, [
            "kind": "TokenRequest", "apiVersion": "authentication.k8s.io/v1",
            "metadata": ["name": .string(kube.name), "namespace": .string(kube.namespace), "creationTimestamp": nil],
            "spec": ["audiences": .array(audiences), "expirationSeconds": .int(seconds), "boundObjectRef": nil],
            "status": ["token": .string(token), "expirationTimestamp": .string(expires.rfc3339)],
        ])
    }
}
