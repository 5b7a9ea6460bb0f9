import KubeModel

extension ServerCore {
    /// The scale subresource: `autoscaling/v1` `Scale` views of a workload's replicas (what `kubectl scale` uses).
    func scale(_ context: RequestContext) throws(APIError) -> APIResponse {
        guard let paths = context.resource.scale else { throw APIError.notFound(context.resource, context.info.name) }
        let object = try fetch(context)
        switch context.request.method {
        case "GET", "HEAD":
            return .json(200, scaleView(object, paths, context.resource))
        case "PUT", "PATCH":
            let view = scaleView(object, paths, context.resource)
            let requested: JSONValue
            if context.request.method == "PUT" {
                requested = .object(try decodeBody(context.request))
            } else {
                requested = try patchScale(context, view)
            }
            let version = requested["metadata"]?["resourceVersion"]?.stringValue ?? ""
            if !version.isEmpty, version != KubeObject(object).resourceVersion {
                throw APIError.conflict(context.resource, context.info.name)
            }
            guard let replicas = requested["spec"]?["replicas"]?.intValue else {
                throw APIError.invalid(kind: "Scale", group: "autoscaling", name: context.info.name,
                                       [.required("spec.replicas", "")])
            }
            if replicas < 0 {
                throw APIError.invalid(kind: "Scale", group: "autoscaling", name: context.info.name,
                                       [.invalid("spec.replicas", String(replicas), "must be greater than or equal to 0")])
            }
            var candidate = JSONValue.object(object)
            Self.set(&candidate, paths.specReplicas, .int(replicas))
            guard case .object(var updated) = candidate else { throw APIError.internalError("scale produced a non-object") }
            updated["metadata", default: [:]]["resourceVersion"] = nil
            let (status, stored) = try commitUpdate(context, old: object, candidate: updated, ownership: .update(context.fieldManager))
            return .json(status, scaleView(stored, paths, context.resource))
        default:
            throw APIError.methodNotAllowed(context.info.verb, context.resource)
        }
    }

    private func patchScale(_ context: RequestContext, _ view: JSONValue) throws(APIError) -> JSONValue {
        let type = (context.request.header("content-type") ?? "").split(separator: ";").first.map {
            String($0).trimmingSpaces.lowercased()
        } ?? ""
        let patch: JSONValue
        do { patch = try JSON.decode(context.request.body) } catch {
            throw APIError.badRequest("error decoding patch: \(error.description)")
        }
        try Self.checkDepth(patch)
        switch type {
        case "application/merge-patch+json":
            return JSONMergePatch.apply(patch, to: view)
        case "application/strategic-merge-patch+json":
            do { return try StrategicMergePatch.apply(patch, to: view, type: nil) } catch {
                throw APIError.badRequest(error.description)
            }
        case "application/json-patch+json":
            do { return try JSONPatch(patch).apply(to: view) } catch {
                throw APIError(code: 422, reason: "Invalid",
                               message: "the server rejected our request due to an error in our request", details: [:])
            }
        default:
            throw APIError.unsupportedBuiltInPatch
        }
    }

    private func scaleView(_ object: JSONObject, _ paths: ScalePaths, _ resource: ResourceInfo) -> JSONValue {
        let value = JSONValue.object(object)
        var status: JSONObject = ["replicas": value.value(at: paths.statusReplicas) ?? 0]
        if let selectorPath = paths.labelSelector, let selector = value.value(at: selectorPath)?.stringValue {
            status["selector"] = .string(selector)
        } else if let selector = value["spec"]?["selector"].flatMap(LabelSelector.init(json:)),
                  let parsed = try? Labels.Selector(selector) {
            status["selector"] = .string(parsed.description)
        }
        let meta = object["metadata"]
        var metadata: JSONObject = ["name": meta?["name"] ?? ""]
        if let namespace = meta?["namespace"] { metadata["namespace"] = namespace }
        for field in ["uid", "resourceVersion", "creationTimestamp"] { metadata[field] = meta?[field] }
        return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(metadata),
                "spec": ["replicas": value.value(at: paths.specReplicas) ?? (resource.isCustom ? 0 : 1)],
                "status": .object(status)]
    }

    private static func set(_ value: inout JSONValue, _ path: some Collection<String>, _ newValue: JSONValue) {
        guard let first = path.first else {
            value = newValue
            return
        }
        var object = value.objectValue ?? [:]
        var child = object[first] ?? [:]
        set(&child, path.dropFirst(), newValue)
        object[first] = child
        value = .object(object)
    }
}
