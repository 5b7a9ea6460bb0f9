import Crypto
import Foundation
public import StageSetCore

/// The `age` decryptor: unwraps a data key stored as an ASCII-armoured age file with X25519 stanzas,
/// using the identities of the `*.agekey` entries. Pure Swift on swift-crypto (X25519, HKDF-SHA-256,
/// HMAC-SHA-256, ChaCha20-Poly1305); the post-quantum and scrypt stanza types are not supported.
public struct AgeDecryptor: Decryptor {
    public static var keyType: KeyType { .age }

    public init() {}

    public func unwrapDataKey(_ stanza: MasterKeyStanza, keys: DecryptionKeys) async throws -> [UInt8] {
        let identities = try AgeIdentity.parseAll(keys)
        guard !identities.isEmpty else { throw DecryptionError("no age identity (*.agekey) given") }
        return try Age.decrypt(Array(stanza.enc.utf8), identities: identities)
    }
}

/// An age X25519 identity (`AGE-SECRET-KEY-1…`).
struct AgeIdentity {
    let privateKey: Curve25519.KeyAgreement.PrivateKey

    /// Parses an identity line.
    init(_ line: String) throws(DecryptionError) {
        guard let (hrp, data) = Bech32.decode(line), hrp == "age-secret-key-", data.count == 32 else {
            throw DecryptionError("invalid age identity")
        }
        do {
            privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: data)
        } catch {
            throw DecryptionError("invalid age identity")
        }
    }

    /// Every `AGE-SECRET-KEY-1` identity in the `*.agekey` entries; other lines (comments, blank lines) are skipped.
    static func parseAll(_ keys: DecryptionKeys) throws(DecryptionError) -> [AgeIdentity] {
        var result: [AgeIdentity] = []
        for entry in keys.ageKeys {
            let text = entry.material.withBytes { String(decoding: $0, as: UTF8.self) }
            for line in text.split(whereSeparator: \.isNewline) {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.hasPrefix("AGE-SECRET-KEY-1") {
                    result.append(try AgeIdentity(trimmed))
                } else if trimmed.hasPrefix("AGE-") {
                    continue  // plugin or post-quantum identities: not supported, other identities may still match
                } else if !trimmed.isEmpty, !trimmed.hasPrefix("#") {
                    throw DecryptionError("age key \(entry.name) holds a line that is not an identity")
                }
            }
        }
        return result
    }
}

/// Decoding of age v1 files.
enum Age {
    static let armorBegin = "-----BEGIN AGE ENCRYPTED FILE-----"
    static let armorEnd = "-----END AGE ENCRYPTED FILE-----"

    /// Decrypts an age file (binary or armoured) with the first identity that opens a stanza.
    static func decrypt(_ input: [UInt8], identities: [AgeIdentity]) throws(DecryptionError) -> [UInt8] {
        let binary = try dearmor(input)
        let header = try Header(binary)
        var fileKey: [UInt8]?
        search: for stanza in header.stanzas where stanza.arguments.first == "X25519" {
            for identity in identities {
                if let key = try unwrapX25519(stanza, identity: identity) {
                    fileKey = key
                    break search
                }
            }
        }
        guard var fileKey else {
            throw DecryptionError("no age identity matched a recipient of the file")
        }
        defer { SecretBytes.wipe(&fileKey) }
        let macKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: fileKey), salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
        guard HMAC<SHA256>.isValidAuthenticationCode(header.mac, authenticating: header.macInput, using: macKey) else {
            throw DecryptionError("age header MAC mismatch")
        }
        return try payload(binary[header.payloadStart...], fileKey: fileKey)
    }

    static func unwrapX25519(_ stanza: Header.Stanza, identity: AgeIdentity) throws(DecryptionError) -> [UInt8]? {
        guard stanza.arguments.count == 2, let share = base64Raw(stanza.arguments[1]), share.count == 32 else {
            throw DecryptionError("malformed age X25519 stanza")
        }
        guard stanza.body.count == 32 else { throw DecryptionError("malformed age X25519 stanza body") }
        do {
            let peer = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: share)
            let shared = try identity.privateKey.sharedSecretFromKeyAgreement(with: peer)
            let sharedBytes = shared.withUnsafeBytes { Array($0) }
            guard sharedBytes.contains(where: { $0 != 0 }) else { throw DecryptionError("age X25519 share has low order") }
            let recipient = Array(identity.privateKey.publicKey.rawRepresentation)
            let wrapKey = HKDF<SHA256>.deriveKey(
                inputKeyMaterial: SymmetricKey(data: sharedBytes), salt: share + recipient,
                info: Array("age-encryption.org/v1/X25519".utf8), outputByteCount: 32)
            let box = try ChaChaPoly.SealedBox(
                nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)),
                ciphertext: stanza.body[0..<16], tag: stanza.body[16..<32])
            guard let fileKey = try? ChaChaPoly.open(box, using: wrapKey) else { return nil }
            guard fileKey.count == 16 else { throw DecryptionError("age file key is not 16 bytes") }
            return Array(fileKey)
        } catch let error as DecryptionError {
            throw error
        } catch {
            throw DecryptionError("malformed age X25519 stanza")
        }
    }

    static func payload(_ data: ArraySlice<UInt8>, fileKey: [UInt8]) throws(DecryptionError) -> [UInt8] {
        guard data.count >= 16 else { throw DecryptionError("age payload nonce is missing") }
        let nonce = Array(data.prefix(16))
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: fileKey), salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
        var rest = data.dropFirst(16)
        var out: [UInt8] = []
        var counter: UInt64 = 0
        let chunkSize = 65_536 + 16
        guard !rest.isEmpty else { throw DecryptionError("age payload has no chunk") }
        while true {
            let chunk = rest.prefix(chunkSize)
            rest = rest.dropFirst(chunk.count)
            guard chunk.count >= 16 else { throw DecryptionError("age payload chunk is truncated") }
            let isLast = rest.isEmpty
            var nonceBytes = [UInt8](repeating: 0, count: 12)
            for i in 0..<8 { nonceBytes[3 + i] = UInt8(truncatingIfNeeded: counter >> (56 - 8 * i)) }
            nonceBytes[11] = isLast ? 1 : 0
            let plain: Data
            do {
                let box = try ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: nonceBytes), ciphertext: chunk.dropLast(16), tag: chunk.suffix(16))
                plain = try ChaChaPoly.open(box, using: key)
            } catch {
                throw DecryptionError("age payload authentication failed")
            }
            if isLast, plain.isEmpty, counter > 0 { throw DecryptionError("age payload ends with an empty chunk") }
            out.append(contentsOf: plain)
            if isLast { return out }
            counter += 1
        }
    }

    /// The binary age file: armoured input is decoded strictly (64-character lines, canonical padded base64).
    static func dearmor(_ input: [UInt8]) throws(DecryptionError) -> [UInt8] {
        let text = String(decoding: input, as: UTF8.self)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(armorBegin) else {
            guard input.starts(with: Array("age-encryption.org/v1\n".utf8)) else {
                throw DecryptionError("not an age file")
            }
            return input
        }
        var lines = trimmed.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines.first == Substring(armorBegin), lines.last == Substring(armorEnd) else {
            throw DecryptionError("malformed age armour")
        }
        lines.removeFirst()
        lines.removeLast()
        for (index, line) in lines.enumerated() {
            let last = index == lines.count - 1
            guard last ? (line.count >= 1 && line.count <= 64) : line.count == 64 else {
                throw DecryptionError("malformed age armour line length")
            }
        }
        guard let decoded = Data(base64Encoded: lines.joined()), Data(decoded).base64EncodedString() == lines.joined() else {
            throw DecryptionError("malformed age armour base64")
        }
        return Array(decoded)
    }

    /// Unpadded canonical base64 as the age header uses it.
    static func base64Raw(_ text: Substring) -> [UInt8]? {
        guard !text.contains("=") else { return nil }
        var padded = String(text)
        while padded.count % 4 != 0 { padded += "=" }
        guard let data = Data(base64Encoded: padded) else { return nil }
        var canonical = data.base64EncodedString()
        while canonical.hasSuffix("=") { canonical.removeLast() }
        return canonical == text ? Array(data) : nil
    }

    struct Header {
        struct Stanza {
            let arguments: [Substring]
            let body: [UInt8]
        }

        var stanzas: [Stanza] = []
        let mac: [UInt8]
        let macInput: [UInt8]
        let payloadStart: Int

        init(_ bytes: [UInt8]) throws(DecryptionError) {
            var position = 0
            func line() throws(DecryptionError) -> Substring {
                guard let end = bytes[position...].firstIndex(of: 10) else {
                    throw DecryptionError("age header is truncated")
                }
                let text = String(decoding: bytes[position..<end], as: UTF8.self)
                position = end + 1
                return Substring(text)
            }
            guard try line() == "age-encryption.org/v1" else { throw DecryptionError("unsupported age version") }
            while true {
                let lineStart = position
                let current = try line()
                if current.hasPrefix("--- ") {
                    guard let mac = Age.base64Raw(current.dropFirst(4)), mac.count == 32 else {
                        throw DecryptionError("malformed age header MAC")
                    }
                    self.mac = mac
                    macInput = Array(bytes[0..<(lineStart + 3)])
                    payloadStart = position
                    break
                }
                guard current.hasPrefix("-> ") else { throw DecryptionError("malformed age header line") }
                let arguments = current.dropFirst(3).split(separator: " ", omittingEmptySubsequences: false)
                guard !arguments.isEmpty,
                    arguments.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 >= 33 && $0 <= 126 } })
                else {
                    throw DecryptionError("malformed age stanza")
                }
                var body: [UInt8] = []
                while true {
                    let bodyLine = try line()
                    guard bodyLine.count <= 64, let decoded = Age.base64Raw(bodyLine) else {
                        throw DecryptionError("malformed age stanza body")
                    }
                    body += decoded
                    if bodyLine.count < 64 { break }
                }
                stanzas.append(Stanza(arguments: arguments, body: body))
            }
            guard !stanzas.isEmpty else { throw DecryptionError("age header has no stanza") }
        }
    }
}

/// Bech32 (BIP 173) decoding without the 90-character limit, as age keys use it.
enum Bech32 {
    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    /// Lowercased human-readable part and the 8-bit data, or nil when invalid.
    static func decode(_ text: String) -> (String, [UInt8])? {
        guard text == text.lowercased() || text == text.uppercased() else { return nil }
        let lower = Array(text.lowercased().utf8)
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")), separator >= 1, lower.count - separator >= 7 else {
            return nil
        }
        let hrp = Array(lower[0..<separator])
        guard hrp.allSatisfy({ $0 >= 33 && $0 <= 126 }) else { return nil }
        var values: [UInt8] = []
        for c in lower[(separator + 1)...] {
            guard let v = charset.firstIndex(of: c) else { return nil }
            values.append(UInt8(v))
        }
        var expanded = hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
        expanded += values
        guard polymod(expanded) == 1 else { return nil }
        let data = values.dropLast(6)
        // Regroup 5-bit values into bytes; leftover bits must be zero padding.
        var accumulator = 0
        var bits = 0
        var out: [UInt8] = []
        for v in data {
            accumulator = (accumulator << 5) | Int(v)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((accumulator >> bits) & 0xFF))
            }
        }
        guard bits < 5, accumulator & ((1 << bits) - 1) == 0 else { return nil }
        return (String(decoding: hrp, as: UTF8.self), out)
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        let generator: [UInt32] = [0x3B6A_57B2, 0x2650_8E6D, 0x1EA1_19FA, 0x3D42_33DD, 0x2A14_62B3]
        var check: UInt32 = 1
        for v in values {
            let top = check >> 25
            check = (check & 0x1FF_FFFF) << 5 ^ UInt32(v)
            for i in 0..<5 where (top >> i) & 1 == 1 { check ^= generator[i] }
        }
        return check
    }
}
