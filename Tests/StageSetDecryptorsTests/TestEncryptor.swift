import Crypto
import Foundation
import KubeModel
@testable import StageSetDecryptors

/// A minimal sops-format encryptor for tests (12-byte IVs; sops itself writes 32-byte ones, which the
/// corpus files cover). Values are sealed with the path AAD, the MAC is computed as sops does.
enum TestEncryptor {
    static func seal(_ plaintext: [UInt8], key: [UInt8], aad: String, type: String) throws -> String {
        let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), nonce: AES.GCM.Nonce(), authenticating: Array(aad.utf8))
        return "ENC[AES256_GCM,data:\(Data(box.ciphertext).base64EncodedString()),iv:\(Data(box.nonce).base64EncodedString()),tag:\(Data(box.tag).base64EncodedString()),type:\(type)]"
    }

    /// The encrypted tree and the sops `mac` value; `metadata` is merged into the `sops` block.
    static func encrypt(
        _ tree: JSONObject, key: [UInt8], encrypt shouldEncrypt: ([String]) -> Bool, macOnlyEncrypted: Bool = false,
        lastModified: String = "2025-01-02T03:04:05Z", metadata: JSONObject
    ) throws -> JSONValue {
        var hash = SHA512()
        if macOnlyEncrypted { hash.update(data: Array(SHA256.hash(data: Array("sops".utf8)))) }
        func walk(_ value: JSONValue, _ path: [String]) throws -> JSONValue {
            switch value {
            case .object(let object):
                var out = JSONObject()
                for (k, v) in object { out[k] = try walk(v, path + [k]) }
                return .object(out)
            case .array(let items):
                return .array(try items.map { try walk($0, path) })
            case .null:
                return .null
            default:
                let bytes = ValueBytes.of(value)
                guard shouldEncrypt(path) else {
                    if !macOnlyEncrypted { hash.update(data: bytes) }
                    return value
                }
                hash.update(data: bytes)
                if value == .string("") { return value }
                let type: String
                switch value {
                case .int: type = "int"
                case .double: type = "float"
                case .bool: type = "bool"
                default: type = "str"
                }
                return .string(try seal(bytes, key: key, aad: path.map { $0 + ":" }.joined(), type: type))
            }
        }
        guard case .object(var out) = try walk(.object(tree), []) else { return .null }
        let mac = hash.finalize().map { String(format: "%02X", $0) }.joined()
        var sops = metadata
        sops["lastmodified"] = .string(lastModified)
        sops["mac"] = .string(try seal(Array(mac.utf8), key: key, aad: lastModified, type: "str"))
        if macOnlyEncrypted { sops["mac_only_encrypted"] = true }
        sops["version"] = "3.9.0"
        out["sops"] = .object(sops)
        return .object(out)
    }

    /// Shamir split of `secret` into `count` shares, any `threshold` of which recover it (sops' layout:
    /// y bytes then the x coordinate).
    static func split(_ secret: [UInt8], count: Int, threshold: Int, rng: inout some RandomNumberGenerator) -> [[UInt8]] {
        var xs: [UInt8] = []
        while xs.count < count {
            let x = UInt8.random(in: 1...255, using: &rng)
            if !xs.contains(x) { xs.append(x) }
        }
        var shares = xs.map { _ in [UInt8]() }
        for byte in secret {
            let coefficients = [byte] + (1..<threshold).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for (i, x) in xs.enumerated() {
                var y: UInt8 = 0
                for c in coefficients.reversed() { y = Shamir.multiply(y, x) ^ c }
                shares[i].append(y)
            }
        }
        for i in 0..<count { shares[i].append(xs[i]) }
        return shares
    }
}

/// A deterministic generator (SplitMix64) for reproducible generated corpora.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
