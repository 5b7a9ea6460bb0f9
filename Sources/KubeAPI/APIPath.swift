import KubeModel

/// Builds request paths and query strings the way the API server expects them (no I/O).
public enum APIPath {
    /// `/api/v1/...` for the core group, `/apis/{group}/{version}/...` otherwise.
    ///
    /// - Parameters:
    ///   - namespace: required for one namespaced object; `nil` or empty on a namespaced collection means all namespaces.
    /// - Throws: ``KubeClientError`` `.invalidArgument` for a namespaced object without namespace, a subresource
    ///   without a name, or an empty or unsafe path segment.
    public static func path(
        for mapping: ResourceMapping, namespace: String?, name: String?, subresource: String? = nil
    ) throws(KubeClientError) -> String {
        let resource = mapping.resource
        var path = resource.group.isEmpty ? "/api/\(resource.version)" : "/apis/\(resource.group)/\(resource.version)"
        try check(resource.version, "version")
        if !resource.group.isEmpty { try check(resource.group, "group") }
        if mapping.namespaced, let namespace, !namespace.isEmpty {
            try check(namespace, "namespace")
            path += "/namespaces/\(escapeSegment(namespace))"
        } else if mapping.namespaced, name != nil {
            throw KubeClientError(.invalidArgument, "a namespace is required for \(resource.resource) \"\(name ?? "")\"")
        }
        try check(resource.resource, "resource")
        path += "/\(resource.resource)"
        if let name {
            try check(name, "name")
            path += "/\(escapeSegment(name))"
        }
        if let subresource {
            guard name != nil else { throw KubeClientError(.invalidArgument, "subresource \(subresource) needs a name") }
            try check(subresource, "subresource")
            path += "/\(escapeSegment(subresource))"
        }
        return path
    }

    /// `?a=b&c=d` with every key and value percent-encoded; empty for no items.
    public static func query(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        return "?" + items.map { "\(escapeQuery($0.0))=\(escapeQuery($0.1))" }.joined(separator: "&")
    }

    private static func check(_ segment: String, _ what: String) throws(KubeClientError) {
        guard !segment.isEmpty, segment != ".", segment != "..", !segment.contains("/") else {
            throw KubeClientError(.invalidArgument, "invalid \(what) \"\(segment)\"")
        }
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }

    static func escapeSegment(_ text: String) -> String {
        escape(text) { isUnreserved($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "@") }
    }

    static func escapeQuery(_ text: String) -> String {
        escape(text, keep: isUnreserved)
    }

    private static func escape(_ text: String, keep: (UInt8) -> Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if keep(byte) {
                out.append(byte)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
