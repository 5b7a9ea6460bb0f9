import Foundation
import StageSetCore

/// Which artifact URLs ``ArtifactDownloader`` dereferences.
public enum ArtifactURLPolicy: Sendable, Hashable {
    /// `http`/`https` with a host; no `localhost`, no loopback, link-local, multicast or unspecified address,
    /// neither literal (all inet_aton spellings) nor resolved. RFC 1918, CGNAT and ULA addresses are allowed.
    case production
    /// ``production`` but loopback addresses and `localhost` are allowed: tests and the embedded default,
    /// whose artifact server listens on 127.0.0.1.
    case allowLoopback
}

/// An artifact URL that passed the guard, with the addresses libcurl is pinned to.
public struct VettedArtifactURL: Sendable, Hashable {
    public var url: String
    /// The host as written in the URL (brackets removed from IPv6 literals).
    public var host: String
    public var port: Int
    /// The vetted addresses (the literal itself, or every address the name resolved to).
    public var addresses: [String]

    /// `CURLOPT_RESOLVE` entry pinning `host:port` to ``addresses``: libcurl dials what was vetted.
    public var resolveEntry: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let list = addresses.map { $0.contains(":") ? "[\($0)]" : $0 }.joined(separator: ",")
        return "\(hostPart):\(port):\(list)"
    }
}

/// The SSRF guard in front of every artifact download.
public enum ArtifactURLGuard {
    /// Checks `url` against `policy`, resolving a host name once (the caller pins the result, so a DNS answer
    /// that changes between check and connect cannot reach a forbidden address).
    /// Throws `StageSetError(.stageFailed, …, retry: .terminal)`.
    public static func vet(_ url: String, policy: ArtifactURLPolicy,
                           resolver: (String) -> [String] = ArtifactURLGuard.resolve) throws(StageSetError)
        -> VettedArtifactURL
    {
        let (host, port) = try parse(url)
        if let address = literalAddress(host) {
            try check(address: address, host: host, policy: policy)
            return VettedArtifactURL(url: url, host: host, port: port, addresses: [address])
        }
        let lower = host.lowercased().trimmingSuffix(".")
        if lower == "localhost" || lower.hasSuffix(".localhost"), policy != .allowLoopback {
            throw refuse(url, "host \(host) is local")
        }
        let addresses = resolver(host)
        guard !addresses.isEmpty else {
            throw StageSetError(.stageFailed, "artifact URL \(url): host \(host) did not resolve", retry: .backoff)
        }
        for address in addresses { try check(address: address, host: host, policy: policy) }
        return VettedArtifactURL(url: url, host: host, port: port, addresses: addresses)
    }

    /// Whether `address` (a canonical IPv4 or IPv6 literal) is one the policy refuses.
    public static func isForbidden(address: String, policy: ArtifactURLPolicy) -> Bool {
        if let v4 = ipv4(address) { return forbidden(v4: v4, policy: policy) }
        guard let v6 = ipv6(address) else { return true }
        return forbidden(v6: v6, policy: policy)
    }

    /// Every address `host` resolves to (numeric strings), empty on failure.
    public static func resolve(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else { return [] }
        defer { freeaddrinfo(list) }
        var result: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if let addr = info.pointee.ai_addr,
               getnameinfo(addr, info.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0
            {
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if !result.contains(text) { result.append(text) }
            }
            cursor = info.pointee.ai_next
        }
        return result
    }

    /// The IPv4 address of an inet_aton spelling (`127.1`, `0x7f000001`, `017700000001`, `127.0.0.1`), or nil.
    public static func inetAton(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = parseNumber(part) else { return nil }
            values.append(value)
        }
        var result: UInt64 = 0
        for (index, value) in values.enumerated() {
            if index == values.count - 1 {
                let remaining = 4 - index
                guard value < (UInt64(1) << (8 * UInt64(remaining))) else { return nil }
                result |= value
            } else {
                guard value <= 0xFF else { return nil }
                result |= value << (8 * UInt64(3 - index))
            }
        }
        return UInt32(result)
    }

    // MARK: - Internals

    private static func parse(_ url: String) throws(StageSetError) -> (host: String, port: Int) {
        guard !url.contains(where: { $0.isWhitespace || $0 == "\0" || $0 == "\\" }),
              let components = URLComponents(string: url), let scheme = components.scheme?.lowercased()
        else { throw refuse(url, "not a valid URL") }
        guard scheme == "http" || scheme == "https" else { throw refuse(url, "scheme \(scheme) is not http or https") }
        guard components.user == nil, components.password == nil else { throw refuse(url, "credentials in the URL") }
        guard var host = components.percentEncodedHost, !host.isEmpty else { throw refuse(url, "no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // libcurl decodes percent escapes in host names; an encoded host could hide a literal address.
        guard !host.contains("%") else { throw refuse(url, "encoded or zoned host \(host)") }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw refuse(url, "port \(port)") }
        return (host, port)
    }

    /// The canonical form of a literal address host, nil for a name.
    private static func literalAddress(_ host: String) -> String? {
        if host.contains(":") {
            return ipv6(host) != nil ? host.lowercased() : nil
        }
        // Anything the C resolver would read as a number is an address, whatever its spelling.
        guard let value = inetAton(host) else { return nil }
        return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
    }

    private static func check(address: String, host: String, policy: ArtifactURLPolicy) throws(StageSetError) {
        if isForbidden(address: address, policy: policy) {
            throw refuse(host, "address \(address) is loopback, link-local, multicast or unspecified")
        }
    }

    private static func forbidden(v4: UInt32, policy: ArtifactURLPolicy) -> Bool {
        let first = v4 >> 24
        if first == 127 { return policy != .allowLoopback }  // loopback
        if first == 0 { return true }  // unspecified / "this network"
        if v4 >> 16 == 0xA9FE { return true }  // 169.254/16 link-local
        if v4 >> 28 == 0xE { return true }  // 224/4 multicast
        return v4 == 0xFFFF_FFFF  // limited broadcast
    }

    private static func forbidden(v6: [UInt8], policy: ArtifactURLPolicy) -> Bool {
        if v6[0..<10].allSatisfy({ $0 == 0 }), v6[10] == 0xFF, v6[11] == 0xFF {  // IPv4-mapped
            let v4 = v6[12..<16].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return forbidden(v4: v4, policy: policy)
        }
        if v6[0..<15].allSatisfy({ $0 == 0 }) {
            if v6[15] == 1 { return policy != .allowLoopback }  // ::1
            if v6[15] == 0 { return true }  // ::
        }
        if v6[0] == 0xFE, v6[1] & 0xC0 == 0x80 { return true }  // fe80::/10
        return v6[0] == 0xFF  // multicast
    }

    private static func ipv4(_ text: String) -> UInt32? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return UInt32(bigEndian: address.s_addr)
    }

    private static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    private static func parseNumber(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 34 else { return nil }
        let lower = part.lowercased()
        if lower.hasPrefix("0x") {
            let digits = lower.dropFirst(2)
            return digits.isEmpty ? 0 : UInt64(digits, radix: 16)
        }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower, radix: 10)
    }

    private static func refuse(_ url: String, _ why: String) -> StageSetError {
        StageSetError(.stageFailed, "artifact URL \(url) refused: \(why)", retry: .terminal)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
