/// An IP address from the Kubernetes / cel-go network library (`ip('10.0.0.1')`).
public struct CELIPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses an IPv4 or IPv6 address; nil when malformed.
    public init?(parsing text: String) {
        guard text.utf8.count <= 64 else { return nil }
        if text.contains(":") {
            guard let bytes = CELIPAddress.parseIPv6(Substring(text)) else { return nil }
            self.bytes = bytes
        } else {
            guard let bytes = CELIPAddress.parseIPv4(Substring(text)) else { return nil }
            self.bytes = bytes
        }
    }

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// 4 or 6.
    public var family: Int { bytes.count == 4 ? 4 : 6 }

    /// Whether this is an IPv6 address holding an IPv4 address (`::ffff:a.b.c.d`).
    var isIPv4Mapped: Bool {
        bytes.count == 16 && bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF
    }

    /// The address with an IPv4-mapped IPv6 address turned into IPv4.
    var unmapped: CELIPAddress { isIPv4Mapped ? CELIPAddress(bytes: Array(bytes[12...])) : self }

    /// The address with all bits after `prefixLength` cleared.
    func masked(_ prefixLength: Int) -> CELIPAddress {
        var out = bytes
        for index in out.indices {
            let bitsInByte = max(0, min(8, prefixLength - index * 8))
            out[index] &= bitsInByte == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsInByte))
        }
        return CELIPAddress(bytes: out)
    }

    /// Dotted decimal for IPv4; RFC 5952 text for IPv6 (as Go's `netip.Addr.String`).
    public var description: String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        if isIPv4Mapped { return "::ffff:" + bytes[12...].map(String.init).joined(separator: ".") }
        let groups = (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) }
        // Longest run of two or more zero groups, leftmost on ties, becomes "::".
        var bestStart = -1
        var bestLength = 1
        var index = 0
        while index < 8 {
            if groups[index] == 0 {
                var end = index
                while end < 8, groups[end] == 0 { end += 1 }
                if end - index > bestLength {
                    bestStart = index
                    bestLength = end - index
                }
                index = end
            } else {
                index += 1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            range.map { String(groups[$0], radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            out.append(value)
        }
        return out
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var rest = text
        if rest.hasPrefix("::") {
            sawDoubleColon = true
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix(":") {
            return nil
        }
        var trailingIPv4: [UInt8]?
        while !rest.isEmpty {
            let end = rest.firstIndex(of: ":") ?? rest.endIndex
            let group = rest[..<end]
            if group.contains(".") {
                // An embedded IPv4 address ends the text.
                guard end == rest.endIndex, let v4 = parseIPv4(group) else { return nil }
                trailingIPv4 = v4
                rest = rest[end...]
                break
            }
            guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16),
                group.allSatisfy(\.isHexDigit)
            else { return nil }
            if sawDoubleColon { tail.append(value) } else { head.append(value) }
            rest = rest[end...]
            if rest.hasPrefix("::") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix(":") {
                rest = rest.dropFirst()
                guard !rest.isEmpty else { return nil }
            }
        }
        var groups = head
        let v4Groups = trailingIPv4.map { [UInt16($0[0]) << 8 | UInt16($0[1]), UInt16($0[2]) << 8 | UInt16($0[3])] } ?? []
        let count = head.count + tail.count + v4Groups.count
        if sawDoubleColon {
            guard count < 8 else { return nil }
            groups += Array(repeating: 0, count: 8 - count)
        } else {
            guard count == 8 else { return nil }
        }
        groups += tail + v4Groups
        return groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

/// A CIDR block from the network library (`cidr('10.0.0.0/8')`).
public struct CELCIDR: Sendable, Hashable, CustomStringConvertible {
    /// The address as written (not masked).
    public let address: CELIPAddress
    /// The number of leading bits that form the network part.
    public let prefixLength: Int

    public var description: String { "\(address)/\(prefixLength)" }

    /// Whether `ip` lies in this block (addresses of the other family never do).
    func contains(_ ip: CELIPAddress) -> Bool {
        let candidate = address.isIPv4Mapped ? ip : ip.unmapped
        guard candidate.family == address.family else { return false }
        return candidate.masked(prefixLength) == address.masked(prefixLength)
    }
}

extension Interpreter {
    static let networkFunctions: Set<String> = [
        "ip", "cidr", "isIP", "isCIDR", "ip.isCanonical", "family", "isUnspecified", "isLoopback", "isGlobalUnicast",
        "isLinkLocalMulticast", "isLinkLocalUnicast", "containsIP", "containsCIDR", "masked", "prefixLength",
    ]

    private func parseIP(_ text: String, at offset: Int) throws(EvalFailure) -> CELIPAddress {
        if text.contains("%") {
            throw EvalFailure(message: "IP Address with zone value is not allowed", offset: offset)
        }
        guard let ip = CELIPAddress(parsing: text) else {
            throw EvalFailure(message: "IP Address '\(text)' parse error during conversion from string", offset: offset)
        }
        if ip.isIPv4Mapped, text.contains(".") {
            throw EvalFailure(message: "IPv4-mapped IPv6 address is not allowed", offset: offset)
        }
        return ip
    }

    private func parseCIDR(_ text: String, at offset: Int) throws(EvalFailure) -> CELCIDR {
        if text.contains("%") {
            throw EvalFailure(message: "CIDR with zone value is not allowed", offset: offset)
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let ip = CELIPAddress(parsing: String(parts[0])), parts[1].count <= 3,
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let bits = Int(parts[1]), bits <= ip.bytes.count * 8
        else {
            throw EvalFailure(message: "network address parse error during conversion from string", offset: offset)
        }
        if ip.isIPv4Mapped, parts[0].contains(".") {
            throw EvalFailure(message: "IPv4-mapped IPv6 address is not allowed", offset: offset)
        }
        return CELCIDR(address: ip, prefixLength: bits)
    }

    /// The network library; nil when `function` does not apply to these arguments.
    func networkFunction(
        _ function: String, target: CELValue?, _ arguments: [CELValue], at offset: Int
    ) throws(EvalFailure) -> CELValue? {
        switch (function, target, arguments.count) {
        case ("ip", nil, 1):
            guard case .string(let s) = arguments[0] else { return nil }
            return .ip(try parseIP(s, at: offset))
        case ("cidr", nil, 1):
            guard case .string(let s) = arguments[0] else { return nil }
            return .cidr(try parseCIDR(s, at: offset))
        case ("isIP", nil, 1):
            guard case .string(let s) = arguments[0] else { return nil }
            return .bool((try? parseIP(s, at: offset)) != nil)
        case ("isCIDR", nil, 1):
            guard case .string(let s) = arguments[0] else { return nil }
            return .bool((try? parseCIDR(s, at: offset)) != nil)
        case ("ip.isCanonical", nil, 1):
            guard case .string(let s) = arguments[0] else { return nil }
            return .bool(try parseIP(s, at: offset).description == s)
        case (_, .ip(let ip)?, 0):
            let plain = ip.unmapped
            let b = plain.bytes
            let isV4 = b.count == 4
            let unspecified = b.allSatisfy { $0 == 0 }
            let loopback = isV4 ? b[0] == 127 : b == Array(repeating: 0, count: 15) + [1]
            let multicast = isV4 ? b[0] & 0xF0 == 0xE0 : b[0] == 0xFF
            let linkLocalUnicast = isV4 ? (b[0] == 169 && b[1] == 254) : (b[0] == 0xFE && b[1] & 0xC0 == 0x80)
            switch function {
            case "family": return .int(Int64(ip.family))
            case "isUnspecified": return .bool(unspecified)
            case "isLoopback": return .bool(loopback)
            case "isLinkLocalUnicast": return .bool(linkLocalUnicast)
            case "isLinkLocalMulticast":
                return .bool(isV4 ? (b[0] == 224 && b[1] == 0 && b[2] == 0) : (b[0] == 0xFF && b[1] & 0x0F == 0x02))
            case "isGlobalUnicast":
                let broadcast = isV4 && b.allSatisfy { $0 == 0xFF }
                return .bool(!(unspecified || loopback || multicast || linkLocalUnicast || broadcast))
            default: return nil
            }
        case (_, .cidr(let cidr)?, 0):
            switch function {
            case "ip": return .ip(cidr.address)
            case "prefixLength": return .int(Int64(cidr.prefixLength))
            case "masked": return .cidr(CELCIDR(address: cidr.address.masked(cidr.prefixLength), prefixLength: cidr.prefixLength))
            default: return nil
            }
        case ("containsIP", .cidr(let cidr)?, 1):
            switch arguments[0] {
            case .ip(let ip): return .bool(cidr.contains(ip))
            case .string(let s): return .bool(cidr.contains(try parseIP(s, at: offset)))
            default: return nil
            }
        case ("containsCIDR", .cidr(let cidr)?, 1):
            let other: CELCIDR
            switch arguments[0] {
            case .cidr(let c): other = c
            case .string(let s): other = try parseCIDR(s, at: offset)
            default: return nil
            }
            return .bool(
                other.address.family == cidr.address.family && other.prefixLength >= cidr.prefixLength
                    && cidr.contains(other.address))
        default:
            return nil
        }
    }
}
