import Crypto
import Foundation
import KubeModel
import OpenSSLCrypto
public import StageSetCore
import YAML

/// The file formats sops writes (its "stores").
public enum SOPSFormat: String, Sendable, Hashable, CaseIterable {
    case yaml, json, dotenv, ini, binary

    /// The format sops picks for a file name: `.yaml`/`.yml`, `.json`, `.env`, `.ini`, anything else binary.
    public init(fileName: String) {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") {
            self = .yaml
        } else if lower.hasSuffix(".json") {
            self = .json
        } else if lower.hasSuffix(".env") {
            self = .dotenv
        } else if lower.hasSuffix(".ini") {
            self = .ini
        } else {
            self = .binary
        }
    }
}

/// SOPS document decryption (sops v3 file format, see `FORMAT.md` in the test corpus).
///
/// Every value selected by the metadata's encryption rule is opened with AES-256-GCM under the data key
/// and its path as additional data, the MAC over the plaintext values is checked against `sops.mac`, and
/// only then is the plaintext document returned (never a partial result). Failures are
/// ``DecryptionError``s (reason `DecryptionFailed`).
///
/// Comments are not carried into the output (the YAML reader drops them; dotenv/INI comments are skipped
/// as sops skips them in the MAC). With `encrypted_comment_regex`/`unencrypted_comment_regex`, which
/// select values by their preceding comments, a value counts as encrypted exactly when it is an
/// `ENC[…]` string; the MAC still covers every value.
public enum SOPS {
    /// The plaintext document in the same format (binary: the raw payload).
    public static func decrypt(
        _ bytes: [UInt8], format: SOPSFormat, keys: DecryptionKeys, registry: PluginRegistry
    ) async throws(DecryptionError) -> [UInt8] {
        let document = try SOPSDocument(bytes: bytes, format: format)
        let dataKey = try await recoverDataKey(document.metadata, keys: keys, registry: registry)
        let plain = try decryptDocuments(document, dataKey: dataKey)
        return document.serialize(plain)
    }

    /// Whether `bytes` look like a sops-encrypted document of `format` (a `sops` metadata block with a MAC).
    public static func isEncrypted(_ bytes: [UInt8], format: SOPSFormat) -> Bool {
        guard let document = try? SOPSDocument(bytes: bytes, format: format) else { return false }
        return !document.metadata.mac.isEmpty
    }

    /// Decrypts with an already recovered data key (tests, benchmarks and callers that cache keys).
    public static func decrypt(_ bytes: [UInt8], format: SOPSFormat, dataKey: [UInt8]) throws(DecryptionError) -> [UInt8] {
        let document = try SOPSDocument(bytes: bytes, format: format)
        return document.serialize(try decryptDocuments(document, dataKey: dataKey))
    }

    // MARK: - Data key

    static func recoverDataKey(
        _ metadata: SOPSMetadata, keys: DecryptionKeys, registry: PluginRegistry
    ) async throws(DecryptionError) -> [UInt8] {
        guard !metadata.keyGroups.isEmpty, metadata.keyGroups.contains(where: { !$0.isEmpty }) else {
            throw DecryptionError("sops metadata lists no master keys")
        }
        var parts: [[UInt8]] = []
        var tried: [String] = []
        for (index, group) in metadata.keyGroups.enumerated() {
            // sops' default order: age, then PGP, then the rest as stored.
            let ordered = group.filter { $0.type == .age } + group.filter { $0.type == .pgp }
                + group.filter { $0.type != .age && $0.type != .pgp }
            var failures: [String] = []
            var part: [UInt8]?
            for stanza in ordered {
                guard let decryptor = registry.decryptor(for: stanza.type) else {
                    failures.append("\(stanza.label): key type \(stanza.type) not supported by this build")
                    continue
                }
                do {
                    part = try await decryptor.unwrapDataKey(stanza, keys: keys)
                    break
                } catch {
                    failures.append("\(stanza.label): \(error)")
                }
            }
            if let part {
                parts.append(part)
                if metadata.keyGroups.count > 1, parts.count >= metadata.shamirThreshold { break }
            } else {
                tried.append("group \(index + 1) [\(failures.joined(separator: "; "))]")
            }
        }
        let key: [UInt8]
        if metadata.keyGroups.count == 1 {
            guard let only = parts.first else {
                throw DecryptionError("no key could decrypt the data key; tried \(tried.joined(separator: ", "))")
            }
            key = only
        } else {
            guard parts.count >= metadata.shamirThreshold else {
                throw DecryptionError(
                    "recovered \(parts.count) of \(metadata.shamirThreshold) key group shares needed; tried \(tried.joined(separator: ", "))"
                )
            }
            do {
                key = try Shamir.combine(Array(parts.prefix(metadata.shamirThreshold)))
            } catch {
                throw DecryptionError("cannot combine the key group shares: \(error)")
            }
        }
        guard key.count == 32 else { throw DecryptionError("the recovered data key has \(key.count) bytes, not 32") }
        return key
    }

    // MARK: - Values and MAC

    static func decryptDocuments(_ document: SOPSDocument, dataKey: [UInt8]) throws(DecryptionError) -> [JSONValue] {
        let cipher: AES256GCMDecryptor
        do {
            cipher = try AES256GCMDecryptor(key: dataKey)
        } catch {
            throw DecryptionError("the data key is not a 32-byte AES-256 key")
        }
        var walker = TreeDecryptor(cipher: cipher, metadata: document.metadata)
        var plain: [JSONValue] = []
        for tree in document.documents {
            plain.append(try walker.walk(tree))
        }
        try verifyMAC(walker.macDigest(), metadata: document.metadata, cipher: cipher)
        return plain
    }

    static func verifyMAC(_ computed: String, metadata: SOPSMetadata, cipher: AES256GCMDecryptor) throws(DecryptionError) {
        guard !metadata.mac.isEmpty else { throw DecryptionError("MAC mismatch: the file has no MAC") }
        guard let aad = RFC3339.secondsForm(metadata.lastModified) else {
            throw DecryptionError("sops.lastmodified \"\(metadata.lastModified)\" is not an RFC 3339 time")
        }
        let stored: [UInt8]
        do throws(EncryptedValue.Failure) {
            let value = try EncryptedValue(parsing: metadata.mac)
            stored = try value.open(with: cipher, aad: Array(aad.utf8))
        } catch {
            throw DecryptionError("cannot decrypt sops.mac (authenticated with lastmodified \(aad)): \(error.message)")
        }
        guard constantTimeEqual(stored, Array(computed.utf8)) else {
            throw DecryptionError("MAC mismatch: the values do not match the MAC stored in the file")
        }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// One `ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]` value.
struct EncryptedValue {
    struct Failure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// The decoded ciphertext, IV and tag, back to back.
    private let storage: [UInt8]
    private let dataEnd: Int
    private let ivEnd: Int
    let type: String

    static func looksEncrypted(_ text: String) -> Bool { text.hasPrefix("ENC[AES256_GCM,") }

    init(parsing text: String) throws(Failure) {
        var text = text
        let parsed = text.withUTF8 { Self.parse($0) }
        switch parsed {
        case .success(let value): self = value
        case .failure(let failure): throw failure
        }
    }

    private init(storage: [UInt8], dataEnd: Int, ivEnd: Int, type: String) {
        self.storage = storage
        self.dataEnd = dataEnd
        self.ivEnd = ivEnd
        self.type = type
    }

    /// Whether `bytes` hold `literal` at `offset`.
    private static func has(_ literal: StaticString, in bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard offset >= 0, offset + count <= bytes.count else { return false }
        let expected = literal.utf8Start
        for i in 0..<count where bytes[offset + i] != expected[i] { return false }
        return true
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<EncryptedValue, Failure> {
        let malformed = Failure(message: "value is not in sops' ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] format")
        let prefix: StaticString = "ENC[AES256_GCM,"
        guard bytes.count > prefix.utf8CodeUnitCount, has(prefix, in: bytes, at: 0), bytes[bytes.count - 1] == UInt8(ascii: "]")
        else { return .failure(Failure(message: "value is not in sops' ENC[AES256_GCM,…] format")) }
        // data:…,iv:…,tag:…,type:… between the prefix and the closing bracket; base64 has no commas.
        let end = bytes.count - 1
        func field(_ name: StaticString, from start: Int, last: Bool) -> Range<Int>? {
            guard has(name, in: bytes, at: start) else { return nil }
            var index = start + name.utf8CodeUnitCount
            let valueStart = index
            while index < end, bytes[index] != UInt8(ascii: ",") { index += 1 }
            guard last == (index == end) else { return nil }
            return valueStart..<index
        }
        guard let data = field("data:", from: prefix.utf8CodeUnitCount, last: false),
            let iv = field("iv:", from: data.upperBound + 1, last: false),
            let tag = field("tag:", from: iv.upperBound + 1, last: false),
            let type = field("type:", from: tag.upperBound + 1, last: true)
        else { return .failure(malformed) }
        var failure: Failure?
        var dataEnd = 0
        var ivEnd = 0
        let capacity = (data.count + iv.count + tag.count) / 4 * 3
        let storage = [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
            written = 0
            guard let dataCount = Base64.decode(UnsafeBufferPointer(rebasing: bytes[data]), into: out, at: 0) else {
                failure = Failure(message: "data is not valid base64")
                return
            }
            dataEnd = dataCount
            guard let ivCount = Base64.decode(UnsafeBufferPointer(rebasing: bytes[iv]), into: out, at: dataEnd) else {
                failure = Failure(message: "iv is not valid base64")
                return
            }
            ivEnd = dataEnd + ivCount
            guard let tagCount = Base64.decode(UnsafeBufferPointer(rebasing: bytes[tag]), into: out, at: ivEnd) else {
                failure = Failure(message: "tag is not valid base64")
                return
            }
            written = ivEnd + tagCount
        }
        if let failure { return .failure(failure) }
        guard ivEnd > dataEnd else { return .failure(Failure(message: "iv is empty")) }
        guard ivEnd - dataEnd <= AES256GCMDecryptor.maximumIVLength else {
            return .failure(Failure(message: "iv is \(ivEnd - dataEnd) bytes, more than the \(AES256GCMDecryptor.maximumIVLength) supported"))
        }
        guard storage.count - ivEnd == 16 else {
            return .failure(Failure(message: "tag is \(storage.count - ivEnd) bytes, not 16"))
        }
        let typeName = String(decoding: UnsafeBufferPointer(rebasing: bytes[type]), as: UTF8.self)
        return .success(EncryptedValue(storage: storage, dataEnd: dataEnd, ivEnd: ivEnd, type: typeName))
    }

    /// The plaintext bytes, authenticated with `aad`.
    func open(with cipher: AES256GCMDecryptor, aad: [UInt8]) throws(Failure) -> [UInt8] {
        let result = storage.withUnsafeBytes { raw in
            aad.withUnsafeBytes { aad in
                Result { () throws(AES256GCMDecryptor.Failure) in
                    try cipher.open(
                        UnsafeRawBufferPointer(rebasing: raw[0..<dataEnd]), iv: UnsafeRawBufferPointer(rebasing: raw[dataEnd..<ivEnd]),
                        tag: UnsafeRawBufferPointer(rebasing: raw[ivEnd...]), aad: aad
                    )
                }
            }
        }
        do {
            return try result.get()
        } catch {
            throw Failure(message: "authentication failed (ciphertext, iv, tag or its position in the document was changed)")
        }
    }
}

/// Walks a tree, opening the values the metadata selects and feeding the MAC.
struct TreeDecryptor {
    let cipher: AES256GCMDecryptor
    let metadata: SOPSMetadata
    private var hash = SHA512()
    /// Per-key results of the rule's key test (regexes are costly).
    private var keyMatchCache: [String: Bool] = [:]
    /// The keys from the document root to the node being walked.
    private var path: [String] = []
    /// The additional data sops authenticates for a value under `path`: each key followed by ":".
    private var aad: [UInt8] = []

    init(cipher: AES256GCMDecryptor, metadata: SOPSMetadata) {
        self.cipher = cipher
        self.metadata = metadata
        if metadata.macOnlyEncrypted { hash.update(data: Array(SHA256.hash(data: Array("sops".utf8)))) }
    }

    /// `tree` with every selected value opened, in document order.
    mutating func walk(_ tree: JSONValue) throws(DecryptionError) -> JSONValue {
        path.removeAll(keepingCapacity: true)
        aad.removeAll(keepingCapacity: true)
        return try walk(tree, someKeyMatched: false)
    }

    private mutating func walk(_ value: JSONValue, someKeyMatched: Bool) throws(DecryptionError) -> JSONValue {
        switch value {
        case .object(var object):
            // Values are replaced in place: the keys and their order stay, nothing is rehashed.
            for index in object.values.indices {
                let key = object.keys[index]
                let matched = someKeyMatched || (metadata.rule.encryptWhenSomeKeyMatches != nil && keyMatches(key))
                path.append(key)
                let mark = aad.count
                aad.append(contentsOf: key.utf8)
                aad.append(UInt8(ascii: ":"))
                object.values[index] = try walk(object.values[index], someKeyMatched: matched)
                aad.removeSubrange(mark...)
                path.removeLast()
            }
            return .object(object)
        case .array(var items):
            for index in items.indices { items[index] = try walk(items[index], someKeyMatched: someKeyMatched) }
            return .array(items)
        case .null:
            return .null
        default:
            return try leaf(value, someKeyMatched: someKeyMatched)
        }
    }

    private mutating func keyMatches(_ key: String) -> Bool {
        if let cached = keyMatchCache[key] { return cached }
        let matched = metadata.rule.keyMatches(key)
        keyMatchCache[key] = matched
        return matched
    }

    private mutating func leaf(_ value: JSONValue, someKeyMatched: Bool) throws(DecryptionError) -> JSONValue {
        let encrypted: Bool
        if let whenSome = metadata.rule.encryptWhenSomeKeyMatches {
            encrypted = someKeyMatched == whenSome
        } else {
            encrypted = value.stringValue.map(EncryptedValue.looksEncrypted) ?? false
        }
        guard encrypted else {
            if !metadata.macOnlyEncrypted { hash.update(data: ValueBytes.of(value)) }
            return value
        }
        guard case .string(let text) = value else {
            throw DecryptionError("value at \(Self.describe(path)) should be encrypted but is a cleartext \(value.typeName)")
        }
        if text.isEmpty { return value }
        do throws(EncryptedValue.Failure) {
            let encryptedValue = try EncryptedValue(parsing: text)
            let bytes = try encryptedValue.open(with: cipher, aad: path.isEmpty ? [UInt8(ascii: ":")] : aad)
            let plain = try ValueBytes.decode(bytes, type: encryptedValue.type)
            // sops hashes a string's bytes as decrypted; other types in their canonical form.
            if case .string = plain {
                hash.update(data: bytes)
            } else {
                hash.update(data: ValueBytes.of(plain))
            }
            return plain
        } catch {
            throw DecryptionError("cannot decrypt the value at \(Self.describe(path)): \(error.message)")
        }
    }

    func macDigest() -> String {
        hash.finalize().map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    static func describe(_ path: [String]) -> String {
        path.isEmpty ? "the document root" : path.joined(separator: ".")
    }
}

/// The byte form sops hashes and encrypts for each value type.
enum ValueBytes {
    static func of(_ value: JSONValue) -> [UInt8] {
        switch value {
        case .string(let s): Array(s.utf8)
        case .int(let i): Array(String(i).utf8)
        case .double(let d): Array(GoFloat.format(d).utf8)
        case .bool(let b): Array((b ? "True" : "False").utf8)
        default: []
        }
    }

    static func decode(_ bytes: [UInt8], type: String) throws(EncryptedValue.Failure) -> JSONValue {
        let text = String(decoding: bytes, as: UTF8.self)
        switch type {
        case "str", "bytes", "time":
            return .string(text)
        case "int":
            guard let value = Int64(text) else { throw .init(message: "decrypted int \"\(text)\" is not an integer") }
            return .int(value)
        case "float":
            guard let value = Double(text), value.isFinite, !text.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" })
            else { throw .init(message: "decrypted float is not a finite number") }
            return .double(value)
        case "bool":
            switch text {
            case "1", "t", "T", "TRUE", "true", "True": return .bool(true)
            case "0", "f", "F", "FALSE", "false", "False": return .bool(false)
            default: throw .init(message: "decrypted bool is not a boolean")
            }
        case "comment":
            return .string(text)
        default:
            throw .init(message: "unknown value type \"\(type)\"")
        }
    }
}

/// Go's `strconv.FormatFloat(f, 'f', -1, 64)`: shortest round-trip digits, never an exponent.
enum GoFloat {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        var text = "\(value)"  // shortest round-trip digits, maybe with an exponent
        var negative = false
        if text.hasPrefix("-") {
            negative = true
            text.removeFirst()
        }
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        var digits = text
        var point = digits.count
        if let dot = digits.firstIndex(of: ".") {
            point = digits.distance(from: digits.startIndex, to: dot)
            digits.remove(at: dot)
        }
        point += exponent
        // Trim leading zeros (keeping the point position) and trailing zeros.
        while digits.count > 1, digits.first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while digits.count > 1, digits.last == "0" { digits.removeLast() }
        var out: String
        if digits == "0" {
            out = "0"
        } else if point <= 0 {
            out = "0." + String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            out = digits + String(repeating: "0", count: point - digits.count)
        } else {
            let index = digits.index(digits.startIndex, offsetBy: point)
            out = digits[..<index] + "." + digits[index...]
        }
        return negative ? "-" + out : out
    }
}

/// RFC 3339 reformatting as sops authenticates `lastmodified` (Go `time.RFC3339`, whole seconds).
enum RFC3339 {
    static func secondsForm(_ text: String) -> String? {
        let chars = Array(text.utf8)
        guard chars.count >= 20 else { return nil }
        func digit(_ i: Int) -> Bool { i < chars.count && chars[i] >= 48 && chars[i] <= 57 }
        for i in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18] where !digit(i) { return nil }
        guard chars[4] == 45, chars[7] == 45, chars[10] == 84 || chars[10] == 116, chars[13] == 58, chars[16] == 58
        else { return nil }
        var i = 19
        if i < chars.count, chars[i] == 46 {
            i += 1
            guard digit(i) else { return nil }
            while digit(i) { i += 1 }
        }
        let base = String(decoding: chars[0..<19], as: UTF8.self).replacingOccurrences(of: "t", with: "T")
        let zone = String(decoding: chars[i...], as: UTF8.self)
        if zone == "Z" || zone == "z" { return base + "Z" }
        let z = Array(zone.utf8)
        guard z.count == 6, z[0] == 43 || z[0] == 45, z[3] == 58 else { return nil }
        if zone == "+00:00" || zone == "-00:00" { return base + "Z" }
        return base + zone
    }
}

/// Standard base64 with padding (Go's `base64.StdEncoding`), decoded from bytes.
enum Base64 {
    /// The 6-bit value of each base64 digit, 0xFF for anything else.
    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(c)] = UInt8(index)
        }
        return table
    }()

    /// Decodes `input` into `out` from `offset` (room for `input.count / 4 * 3` bytes is needed) and
    /// returns the number of bytes written, or nil when `input` is not padded base64.
    static func decode(_ input: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>, at offset: Int) -> Int? {
        guard input.count % 4 == 0, offset + input.count / 4 * 3 <= out.count else { return nil }
        return table.withUnsafeBufferPointer { table in
            var index = 0
            var written = offset
            while index < input.count {
                let last = index + 4 == input.count
                let va = table[Int(input[index])], vb = table[Int(input[index + 1])]
                let c = input[index + 2], d = input[index + 3]
                guard va != 0xFF, vb != 0xFF else { return nil }
                out[written] = va << 2 | vb >> 4
                if last, c == UInt8(ascii: "="), d == UInt8(ascii: "=") { return written + 1 - offset }
                let vc = table[Int(c)]
                guard vc != 0xFF else { return nil }
                out[written + 1] = vb << 4 | vc >> 2
                if last, d == UInt8(ascii: "=") { return written + 2 - offset }
                let vd = table[Int(d)]
                guard vd != 0xFF else { return nil }
                out[written + 2] = vc << 6 | vd
                written += 3
                index += 4
            }
            return written - offset
        }
    }
}
