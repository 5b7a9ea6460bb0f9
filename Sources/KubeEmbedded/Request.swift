import KubeModel

/// A fully read HTTP request.
struct APIRequest: Sendable {
    var method: String
    /// Path, percent-decoded per segment.
    var path: String
    var query: [String: [String]]
    /// Header lines, names lower-cased, in arrival order.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    init(method: String, uri: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.headers = headers.map { (name: $0.name.lowercased(), value: $0.value) }
        self.body = body
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = parts.first.map(String.init) ?? "/"
        var query: [String: [String]] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.percentDecode(String(kv[0]))
                let value = kv.count > 1 ? Self.percentDecode(String(kv[1])) : ""
                query[key, default: []].append(value)
            }
        }
        self.query = query
    }

    func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
    func headerValues(_ name: String) -> [String] { headers.filter { $0.name == name }.map(\.value) }
    func query(_ name: String) -> String? { query[name]?.first }

    /// Decodes `%XX` escapes and `+` (as space, for query strings).
    static func percentDecode(_ text: String, plusAsSpace: Bool = true) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 65...70: byte - 55
            case 97...102: byte - 87
            default: nil
            }
        }
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hex(iterator[iterator.startIndex]), let low = hex(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else if byte == UInt8(ascii: "+"), plusAsSpace {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// What the server answers.
enum APIResponse: Sendable {
    case full(status: Int, headers: [(String, String)], body: [UInt8])
    /// A watch stream: the handler writes the head, then calls `start` with a sink for events.
    case watch(headers: [(String, String)], start: @Sendable (_ sink: @escaping @Sendable (WatchOutput) -> Bool) -> WatchHandle)

    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> APIResponse {
        .full(status: status, headers: [("Content-Type", "application/json")] + headers, body: JSON.encodeToBytes(value))
    }

    static func error(_ error: APIError, headers: [(String, String)] = []) -> APIResponse {
        json(error.code, error.status, headers: headers)
    }
}

/// Cancels a watch (client went away); `timeoutSeconds` asks the handler to end the stream after that long.
struct WatchHandle: Sendable {
    var timeoutSeconds: Int64?
    var cancel: @Sendable () -> Void
}

/// The resource request parsed from the URL (apiserver `requestinfo.go`).
struct RequestInfo: Sendable {
    var group: String
    var version: String
    var namespace: String
    var resource: String
    /// The name for authorization (from the path, or a `metadata.name=` field selector of list/watch).
    var name: String
    /// The name in the path ("" for collections).
    var pathName: String
    var subresource: String
    var verb: String

    /// Parses `/api/v1/…` and `/apis/{g}/{v}/…`; nil for anything else (non-resource paths).
    init?(method: String, path: String, query: [String: [String]]) {
        let parts = path.split(separator: "/").map { APIRequest.percentDecode(String($0), plusAsSpace: false) }
        var rest: ArraySlice<String>
        if parts.count >= 3, parts[0] == "api" {
            group = ""
            version = parts[1]
            rest = parts[2...]
        } else if parts.count >= 4, parts[0] == "apis" {
            group = parts[1]
            version = parts[2]
            rest = parts[3...]
        } else {
            return nil
        }
        namespace = ""
        if rest.first == "namespaces", rest.count > 1 {
            namespace = rest[rest.startIndex + 1]
            if rest.count > 2, !["status", "finalize"].contains(rest[rest.startIndex + 2]) {
                rest = rest.dropFirst(2)
            }
        }
        resource = rest.first ?? ""
        name = rest.count > 1 ? rest[rest.startIndex + 1] : ""
        pathName = name
        subresource = rest.count > 2 ? rest[rest.startIndex + 2] : ""
        if rest.count > 3 { return nil }
        if resource == "namespaces" { namespace = "" }
        let isWatch = ["true", "1"].contains(query["watch"]?.first ?? "")
        switch method {
        case "GET", "HEAD": verb = name.isEmpty ? (isWatch ? "watch" : "list") : "get"
        case "POST": verb = "create"
        case "PUT": verb = "update"
        case "PATCH": verb = "patch"
        case "DELETE": verb = name.isEmpty ? "deletecollection" : "delete"
        default: verb = method.lowercased()
        }
        if ["list", "watch"].contains(verb), let selector = query["fieldSelector"]?.first,
           let parsed = try? Fields.Selector(parsing: selector),
           let term = parsed.requirements.first(where: { $0.field == "metadata.name" && !$0.negated }) {
            name = term.value
        }
    }

    /// `resource` or `resource/subresource`.
    var resourcePath: String { subresource.isEmpty ? resource : "\(resource)/\(subresource)" }
}
