import Crypto
import OpenSSLCrypto
import Testing

struct AES256GCMDecryptorTests {
    /// (key, iv, plaintext, aad, ciphertext, tag) in hex, sealed by Python `cryptography`'s AESGCM
    /// (random inputs, seed 7): IV lengths 32 (as sops writes them), 12, 8 and 128.
    static let vectors: [(String, String, String, String, String, String)] = [
        ("a54dca182530bb1d6d132cded6237b2ed91e3f721fcb1971174494d6493c9d5c", "3460be31201e69fedaa0eee8b9997f5c7c2999fdafe593253cd654af4dfad714", "", "", "", "52cd56f25eeeaa701ab96c7f2a8b52de"),
        ("27a0aeb3fee9232f8af2211f9ee491c5b10becb5563bfc1e6f93427ecbc8fe29", "55e5cd8e46dc8ed4b7c2764d2a5a4d767706f85d8690024ad6bda3401be9c8cb", "cc", "c935f6cd1f", "49", "2807537e56ffdf4eba46ed9f66e31868"),
        ("61226ae15338ae1a34004d33ba0d246ac04c81b1baf23e3bf9eef5f79f2b4934", "af87f5520b69b94b0d982e85bb55b672a872637acd7466fcb60e0e8ff18463b0", "e4b2ba29703474f064ac68f700f5b02b", "3dc666f45bdeaa2ccaedcd2b5157410e", "2c0aa243358c050a10f06961c3d2ebb1", "f876ec46503583174d75dec9e8ce7d5f"),
        ("4dee4af2b34f430a073447de636c0e806c957ba684d6431fb5ead7424d09e15d", "024c5848f23d1fa6f7361d7f618d1532e70e20e2a6668de7f47e8467e546d53e", "c8e2a1257bdb256c9b3e4fbb498146ef7030cbf9537252dcceadd764b6a32fbb09", "adeae109c4a997203975352b878b145c8a42d884", "82bb5646144f1eff83c2b9abbecceda80967b8d5d0d4581efc6e212e631f8e6aad", "a6af2bbd290c0cd5997ffd4891c6418d"),
        ("cf4cfda72d8e1d5dd92589082d852a7122873ee805add58942167a385286195c", "679f9c6994e45b8ab1098012", "070961f37de436ddfdc99d6e75af6547cfb11b42072482dc531c2bc3907c9617eb5e5089e40186baa8a57d119e", "", "f8691e5492b335b5e7091cc4fbbda148610dce04cc0a88081cd42da8071888f09d6d49a42637a98f139281e16e", "0f294fcf457a39ac0a1e5ed7bba5d1c5"),
        ("6fb65d00abc32af38e667f022e872d49cc15c90b999b772b4fc7a6fd4c914a16", "db4708752b0f1544", "b835c0e719097dfa8701e9232f21f28126", "877869", "8160ac16b1c11e6a396d6df9312552cf3c", "7481784198c7fedb8ab36cf17bbd975c"),
        ("76ebfcc327f5931765274ba9829b4406f61ff889326ffa9492edeeee3c669f2b", "f20894ea27e689c66b6b262e4886b8438f39ba76fef8c90c5101fbe6cf9a48d5b0c0a13da900a6adcb3d64069481be21c9c727b8db8c188f341a924c7f88dfa161bfdb0ecc682919d2e64692f8194157f1d4af90988285cf7a9af7c93d5552266afe70e7aae6da47627c2e59af2ea37abc84670ad3c4d36bc08aad1fff8eb840", "6e2f8a7fc4cce4dd9f0b4110d9f2fa0025c8efe57f37724f4d37ea2b14004077139b4180df3932249962c6857200059aeb8ea17cf3787e0ed29d1c0b63ffd7298374d9bd74fc", "11add7b9ca65039522", "d04f1aedfb079361ec977dfc80174cf5f197fe07d425cf9893ab5de26c1966b3fa80f44b66a62052360cb327c7a87791414e6803a6a906ff19b1b2c2a497c26d6318a2fab45f", "0651a99485e39b455863c10cd3954488"),
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { i in
            UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) ?? 0
        }
    }

    @Test(arguments: 0..<vectors.count) func opensKnownVectors(index: Int) throws {
        let (key, iv, plain, aad, ciphertext, tag) = Self.vectors[index]
        let decryptor = try AES256GCMDecryptor(key: Self.bytes(key))
        #expect(try decryptor.open(Self.bytes(ciphertext), iv: Self.bytes(iv), tag: Self.bytes(tag), aad: Self.bytes(aad)) == Self.bytes(plain))
    }

    @Test(arguments: 0..<vectors.count) func rejectsAnyFlippedBit(index: Int) throws {
        let (key, iv, _, aad, ciphertext, tag) = Self.vectors[index]
        let decryptor = try AES256GCMDecryptor(key: Self.bytes(key))
        let parts = [Self.bytes(ciphertext), Self.bytes(iv), Self.bytes(tag), Self.bytes(aad)]
        for part in 0..<4 where !parts[part].isEmpty {
            var tampered = parts
            tampered[part][parts[part].count / 2] ^= 0x10
            #expect(throws: AES256GCMDecryptor.Failure.authentication) {
                _ = try decryptor.open(tampered[0], iv: tampered[1], tag: tampered[2], aad: tampered[3])
            }
        }
        // The context stays usable after a failure.
        #expect(try decryptor.open(parts[0], iv: parts[1], tag: parts[2], aad: parts[3]).count == parts[0].count)
    }

    @Test func matchesSwiftCryptoForTwelveByteNonces() throws {
        for length in [0, 1, 15, 16, 17, 64, 1000] {
            let key = (0..<32).map { UInt8(truncatingIfNeeded: $0 * 7 + length) }
            let plain = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 13 + 5) }
            let aad = (0..<(length % 37)).map { UInt8(truncatingIfNeeded: $0 + 1) }
            let box = try AES.GCM.seal(plain, using: SymmetricKey(data: key), authenticating: aad)
            let decryptor = try AES256GCMDecryptor(key: key)
            #expect(try decryptor.open(Array(box.ciphertext), iv: Array(box.nonce), tag: Array(box.tag), aad: aad) == plain)
        }
    }

    @Test func rejectsBadKeysIVsAndTags() throws {
        #expect(throws: AES256GCMDecryptor.Failure.badKey) { _ = try AES256GCMDecryptor(key: [UInt8](repeating: 1, count: 16)) }
        let decryptor = try AES256GCMDecryptor(key: [UInt8](repeating: 1, count: 32))
        let tag = [UInt8](repeating: 0, count: 16)
        #expect(throws: AES256GCMDecryptor.Failure.badIV) { _ = try decryptor.open([1], iv: [], tag: tag, aad: []) }
        #expect(throws: AES256GCMDecryptor.Failure.badIV) {
            _ = try decryptor.open([1], iv: [UInt8](repeating: 0, count: 129), tag: tag, aad: [])
        }
        #expect(throws: AES256GCMDecryptor.Failure.authentication) { _ = try decryptor.open([1], iv: [1], tag: [0, 0], aad: []) }
        #expect(throws: AES256GCMDecryptor.Failure.authentication) { _ = try decryptor.open([1], iv: [1], tag: tag, aad: []) }
    }
}
