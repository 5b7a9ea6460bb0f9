import KubeModel

extension ServerCore {
    /// A watch request (spec §4.3): returns a streaming response whose start registers the watcher.
    func watch(_ context: RequestContext) throws(APIError) -> APIResponse {
        let (labels, fields) = try selectors(context)
        let requested = context.request.query("resourceVersion") ?? ""
        let bookmarks = context.request.query("allowWatchBookmarks") == "true"
        var requestedTimeout: Int64? = nil
        if let text = context.request.query("timeoutSeconds") {
            guard let value = Int64(text), value >= 0 else { throw APIError.badRequest("invalid timeoutSeconds: \(text)") }
            requestedTimeout = min(value, 24 * 3600)
        }
        let timeout = requestedTimeout
        let sendInitialEvents = context.request.query("sendInitialEvents") == "true"
        if sendInitialEvents, !bookmarks {
            throw APIError.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "",
                                   [.forbidden("allowWatchBookmarks", "allowWatchBookmarks must be set to true when sendInitialEvents is set")])
        }
        let sinceRevision: Int64?
        if requested.isEmpty || requested == "0" || sendInitialEvents {
            sinceRevision = nil
        } else {
            guard let value = Int64(requested) else {
                throw APIError.badRequest("invalid resource version \"\(requested)\"")
            }
            sinceRevision = value
        }
        let resource = context.resource
        let version = context.info.version
        let table = wantsTable(context.request)
        let namespace = resource.namespaced ? context.info.namespace : ""
        let render: @Sendable (JSONObject) -> JSONValue = { [resource] object in
            var converted = object
            converted["apiVersion"] = .string(resource.apiVersion(version))
            converted["kind"] = .string(resource.kind)
            if table { return Table.render([converted], resource: resource, version: version, metadata: [:]) }
            return .object(converted)
        }
        let headers = [("Content-Type", "application/json")]
        return .watch(headers: headers) { [self] sink in
            self.lock.withLock {
                let watcher = Watcher(id: store.makeWatcherID(), resourceID: resource.id, namespace: namespace,
                                      labels: labels, fields: fields, render: render, sink: sink)
                if let since = sinceRevision {
                    if since > store.revision {
                        var error = APIError(code: 504, reason: "Timeout",
                                             message: "Too large resource version: \(since), current: \(store.revision)")
                        error.details = ["causes": [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]]]
                        _ = sink(.event(type: "ERROR", object: error.status))
                        _ = sink(.end)
                        return WatchHandle(timeoutSeconds: nil, cancel: {})
                    }
                    if since < store.oldestResumable {
                        let error = APIError.expired("too old resource version: \(since) (\(store.oldestResumable))")
                        _ = sink(.event(type: "ERROR", object: error.status))
                        _ = sink(.end)
                        return WatchHandle(timeoutSeconds: nil, cancel: {})
                    }
                    for event in store.history where event.revision > since && event.resourceID == resource.id {
                        if !watcher.deliver(event) { return WatchHandle(timeoutSeconds: nil, cancel: {}) }
                    }
                } else {
                    for object in store.list(resource.id, namespace: namespace) where watcher.matches(object) {
                        if !sink(.event(type: "ADDED", object: render(object))) {
                            return WatchHandle(timeoutSeconds: nil, cancel: {})
                        }
                    }
                }
                if bookmarks {
                    var metadata: JSONObject = ["resourceVersion": .string(String(store.revision))]
                    if sendInitialEvents { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
                    let bookmark: JSONValue = [
                        "kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion(version)),
                        "metadata": .object(metadata),
                    ]
                    _ = sink(.event(type: "BOOKMARK", object: bookmark))
                }
                store.addWatcher(watcher)
                let id = watcher.id
                return WatchHandle(timeoutSeconds: timeout, cancel: { [self] in
                    self.lock.withLock { self.store.removeWatcher(id: id) }
                })
            }
        }
    }
}

/// `meta.k8s.io/v1` Table rendering for kubectl (spec §11.4).
enum Table {
    static func render(_ objects: [JSONObject], resource: ResourceInfo, version: String, metadata: JSONValue) -> JSONValue {
        var columns: [JSONValue] = [[
            "name": "Name", "type": "string", "format": "name",
            "description": "Name must be unique within a namespace.", "priority": 0,
        ]]
        let printer = resource.printerColumns[version] ?? []
        for column in printer {
            columns.append([
                "name": column["name"] ?? "", "type": column["type"] ?? "string", "format": column["format"] ?? "",
                "description": column["description"] ?? "", "priority": column["priority"] ?? 0,
            ])
        }
        let builtIn = resource.isCustom ? [] : Self.builtInColumns(resource.id)
        for column in builtIn {
            columns.append(["name": .string(column.name), "type": "string", "format": "", "description": "", "priority": 0])
        }
        let hasAge = printer.contains { $0["jsonPath"]?.stringValue == ".metadata.creationTimestamp" }
        if !hasAge {
            columns.append(["name": "Age", "type": "date", "format": "", "description": "", "priority": 0])
        }
        let now = Timestamp.now()
        let rows: [JSONValue] = objects.map { object in
            var cells: [JSONValue] = [object["metadata"]?["name"] ?? ""]
            for column in printer {
                let value = Self.cell(JSONValue.object(object), Self.steps(column["jsonPath"]?.stringValue ?? ""))
                cells.append(Self.typed(value, type: column["type"]?.stringValue ?? "string", now: now))
            }
            for column in builtIn { cells.append(column.cell(.object(object))) }
            if !hasAge { cells.append(Self.typed(object["metadata"]?["creationTimestamp"] ?? nil, type: "date", now: now)) }
            var meta = object["metadata"]?.objectValue ?? [:]
            meta["managedFields"] = nil
            return ["cells": .array(cells),
                    "object": ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": .object(meta)]]
        }
        return ["kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
                "columnDefinitions": .array(columns), "rows": .array(rows)]
    }

    /// A few of kubectl's familiar columns for built-in kinds (the rest show Name and Age).
    static func builtInColumns(_ resourceID: String) -> [(name: String, cell: @Sendable (JSONValue) -> JSONValue)] {
        @Sendable func int(_ value: JSONValue?) -> Int64 { value?.intValue ?? 0 }
        @Sendable func ratio(_ ready: JSONValue?, _ total: JSONValue?) -> JSONValue { .string("\(int(ready))/\(int(total))") }
        switch resourceID {
        case "/namespaces", "/persistentvolumeclaims", "/persistentvolumes":
            return [("Status", { $0["status"]?["phase"] ?? "" })]
        case "/pods":
            return [
                ("Ready", { pod in
                    let statuses = pod["status"]?["containerStatuses"]?.arrayValue ?? []
                    let ready = statuses.filter { $0["ready"]?.boolValue == true }.count
                    let total = pod["spec"]?["containers"]?.arrayValue?.count ?? 0
                    let conditionReady = (pod["status"]?["conditions"]?.arrayValue ?? [])
                        .contains { $0["type"] == "Ready" && $0["status"] == "True" }
                    return .string("\(statuses.isEmpty && conditionReady ? total : ready)/\(total)")
                }),
                ("Status", { $0["status"]?["phase"] ?? "Pending" }),
            ]
        case "apps/deployments":
            return [
                ("Ready", { ratio($0["status"]?["readyReplicas"], $0["spec"]?["replicas"] ?? 1) }),
                ("Up-to-date", { .int(int($0["status"]?["updatedReplicas"])) }),
                ("Available", { .int(int($0["status"]?["availableReplicas"])) }),
            ]
        case "apps/statefulsets", "apps/replicasets":
            return [("Ready", { ratio($0["status"]?["readyReplicas"], $0["spec"]?["replicas"] ?? 1) })]
        case "batch/jobs":
            return [
                ("Status", { job in
                    let conditions = job["status"]?["conditions"]?.arrayValue ?? []
                    for type in ["Complete", "Failed"] where conditions.contains(where: { $0["type"] == .string(type) && $0["status"] == "True" }) {
                        return .string(type)
                    }
                    return "Running"
                }),
                ("Completions", { ratio($0["status"]?["succeeded"], $0["spec"]?["completions"] ?? 1) }),
            ]
        case "/services":
            return [("Type", { $0["spec"]?["type"] ?? "ClusterIP" }), ("Cluster-IP", { $0["spec"]?["clusterIP"] ?? "" })]
        case "/configmaps":
            return [("Data", { .int(Int64(($0["data"]?.objectValue?.count ?? 0) + ($0["binaryData"]?.objectValue?.count ?? 0))) })]
        case "/secrets":
            return [("Type", { $0["type"] ?? "Opaque" }), ("Data", { .int(Int64($0["data"]?.objectValue?.count ?? 0)) })]
        default:
            return []
        }
    }

    /// The steps of a simple JSONPath: split at dots outside brackets, so `[?(@.type=="Ready")]` stays whole.
    static func steps(_ path: String) -> [String] {
        var steps: [String] = []
        var current = ""
        var depth = 0
        for character in path {
            switch character {
            case "[": depth += 1
            case "]": depth = max(0, depth - 1)
            case "." where depth == 0:
                if !current.isEmpty { steps.append(current) }
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        if !current.isEmpty { steps.append(current) }
        return steps
    }

    /// A cell as the API server types it: strings printed as JSONPath prints them, integers and numbers and
    /// booleans as themselves, dates as the age kubectl shows (`5m10s`).
    static func typed(_ value: JSONValue, type: String, now: Timestamp) -> JSONValue {
        if value.isNull { return nil }
        switch type {
        case "integer": return value.intValue.map(JSONValue.int) ?? value.doubleValue.map { .int(Int64($0)) } ?? nil
        case "number": return value.doubleValue.map(JSONValue.double) ?? nil
        case "boolean": return value.boolValue.map(JSONValue.bool) ?? nil
        case "date":
            guard let text = value.stringValue else { return nil }
            guard let time = try? Timestamp(parsing: text) else { return "<invalid>" }
            return .string(humanDuration(seconds: now.seconds - time.seconds))
        default:
            if let text = value.scalarText { return .string(text) }
            return .string(JSON.encode(value))
        }
    }

    /// apimachinery's `duration.HumanDuration`: two significant units while they matter.
    static func humanDuration(seconds: Int64) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 * 2 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let rest = seconds % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 60 * 3 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// Evaluates the simple JSONPath forms CRDs use: `.a.b`, `.a[0].b`, `.a[?(@.type=="Ready")].status`.
    static func cell(_ root: JSONValue, _ steps: [String]) -> JSONValue {
        var current: JSONValue? = root
        for step in steps {
            guard let value = current else { return nil }
            var name = Substring(step)
            var filter: Substring? = nil
            if let open = step.firstIndex(of: "[") {
                name = step[..<open]
                filter = step[step.index(after: open)...].dropLast()
            }
            current = name.isEmpty ? value : value[String(name)]
            guard let filter else { continue }
            guard case .array(let elements)? = current else { return nil }
            if let index = Int(filter) {
                current = index < elements.count && index >= 0 ? elements[index] : nil
            } else if filter == "*" {
                // The API server shows the first result of a multi-valued path.
                current = elements.first
            } else if filter.hasPrefix("?(@."), filter.hasSuffix(")") {
                let expression = filter.dropFirst(4).dropLast()
                let parts = expression.splitOn("==")
                guard parts.count == 2 else { return nil }
                let wanted = parts[1].trimmingSpaces.trimming("\"'")
                current = elements.first { $0[parts[0].trimmingSpaces]?.scalarText == wanted }
            } else {
                return nil
            }
        }
        return current ?? nil
    }
}

extension JSONValue {
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .int(let value): String(value)
        case .double(let value): String(value)
        case .bool(let value): String(value)
        default: nil
        }
    }
}

extension StringProtocol {
    func splitOn(_ separator: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let range = rest.firstRange(of: separator) {
            parts.append(String(rest[..<range.lowerBound]))
            rest = rest[range.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }

    func trimming(_ set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
