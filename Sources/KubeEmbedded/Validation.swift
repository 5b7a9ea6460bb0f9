import KubeModel

/// Name rules and immutable-field checks (spec §3, §12).
enum Validation {
    static let subdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    static func isLabel(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 63 else { return false }
        func alnum(_ byte: UInt8) -> Bool { (97...122).contains(byte) || (48...57).contains(byte) }
        guard let first = bytes.first, let last = bytes.last, alnum(first), alnum(last) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(isLabel)
    }

    /// Field errors for `metadata.name` of a new object.
    static func name(_ name: String, labelOnly: Bool) -> [FieldError] {
        if labelOnly {
            if name.utf8.count > 63 {
                return [.init(type: .tooLong, field: "metadata.name", detail: "must be no more than 63 characters")]
            }
            return isLabel(Substring(name)) ? [] : [.invalid("metadata.name", JSON.encode(.string(name)), labelMessage)]
        }
        if name.utf8.count > 253 {
            return [.init(type: .tooLong, field: "metadata.name", detail: "must be no more than 253 characters")]
        }
        return isSubdomain(name) ? [] : [.invalid("metadata.name", JSON.encode(.string(name)), subdomainMessage)]
    }

    /// Immutable-field errors of an update from `old` to `new` for the kinds of spec §12.
    static func immutable(kind: String, group: String, old: JSONObject, new: JSONObject) -> [FieldError] {
        let oldValue = JSONValue.object(old)
        let newValue = JSONValue.object(new)
        func rendered(_ value: JSONValue?) -> String { JSON.encode(value ?? .null) }
        func same(_ path: String...) -> Bool { oldValue.value(at: path) == newValue.value(at: path) }
        var errors: [FieldError] = []
        switch (group, kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "DaemonSet"):
            if !same("spec", "selector") {
                errors.append(.invalid("spec.selector", rendered(newValue["spec"]?["selector"]), "field is immutable"))
            }
        case ("apps", "StatefulSet"):
            for field in ["selector", "serviceName", "volumeClaimTemplates"] where !same("spec", field) {
                errors.append(.forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"))
                break
            }
        case ("batch", "Job"):
            if !same("spec", "selector") {
                errors.append(.invalid("spec.selector", rendered(newValue["spec"]?["selector"]), "field is immutable"))
            }
            if !same("spec", "template") {
                errors.append(.invalid("spec.template", rendered(newValue["spec"]?["template"]), "field is immutable"))
            }
        case ("", "Service"):
            let oldIP = oldValue["spec"]?["clusterIP"]?.stringValue ?? ""
            let newIP = newValue["spec"]?["clusterIP"]?.stringValue ?? ""
            if !oldIP.isEmpty, oldIP != newIP {
                errors.append(.invalid("spec.clusterIPs[0]", rendered(.string(newIP)), "may not change once set"))
            }
        case ("", "ConfigMap"), ("", "Secret"):
            if oldValue["immutable"]?.boolValue == true {
                if !same("data") || !same("binaryData") || !same("stringData") {
                    errors.append(.forbidden("data", "field is immutable when `immutable` is set"))
                }
                if newValue["immutable"]?.boolValue != true {
                    errors.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
                }
            }
            if kind == "Secret", !same("type") {
                errors.append(.invalid("type", rendered(newValue["type"]), "field is immutable"))
            }
        case ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"):
            if !same("roleRef") {
                errors.append(.invalid("roleRef", rendered(newValue["roleRef"]), "cannot change roleRef"))
            }
        case ("", "PersistentVolumeClaim"):
            var oldSpec = oldValue["spec"]?.objectValue ?? [:]
            var newSpec = newValue["spec"]?.objectValue ?? [:]
            oldSpec["resources"] = nil
            newSpec["resources"] = nil
            if JSONValue.object(oldSpec) != JSONValue.object(newSpec) {
                errors.append(.forbidden("spec", "spec is immutable after creation except resources.requests for bound claims"))
            }
        default:
            break
        }
        return errors
    }
}
