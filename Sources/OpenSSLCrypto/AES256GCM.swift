import COpenSSL

/// AES-256-GCM decryption through OpenSSL's libcrypto (AES-NI and carry-less multiplication where the
/// CPU has them), accepting IVs of any length from 1 to 128 bytes (NIST SP 800-38D) — sops writes 32-byte
/// IVs, which swift-crypto's AEAD refuses.
///
/// One instance holds one key schedule and one cipher context; it is not thread-safe (use one per task).
public final class AES256GCMDecryptor {
    /// Why an open failed.
    public enum Failure: Error, Sendable, Equatable {
        /// The key is not 32 bytes or libcrypto refused it.
        case badKey
        /// The IV is empty or longer than 128 bytes.
        case badIV
        /// The tag is not 16 bytes or does not authenticate the ciphertext and additional data.
        case authentication
        /// An input is longer than libcrypto's `int` lengths allow.
        case tooLong
    }

    /// The longest IV OpenSSL's GCM accepts.
    public static let maximumIVLength = 128

    private let context: OpaquePointer
    private var ivLength: Int32 = 12

    /// A decryptor for the 32-byte `key`.
    public init(key: [UInt8]) throws(Failure) {
        guard key.count == 32, let context = EVP_CIPHER_CTX_new() else { throw .badKey }
        self.context = context
        let status = key.withUnsafeBufferPointer { EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, $0.baseAddress, nil) }
        guard status == 1 else { throw .badKey }
    }

    deinit { EVP_CIPHER_CTX_free(context) }

    /// The plaintext of `ciphertext`, sealed under `iv` with the 16-byte `tag` over `aad` and the ciphertext.
    public func open(
        _ ciphertext: UnsafeRawBufferPointer, iv: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer,
        aad: UnsafeRawBufferPointer
    ) throws(Failure) -> [UInt8] {
        guard !iv.isEmpty, iv.count <= Self.maximumIVLength else { throw .badIV }
        guard tag.count == 16 else { throw .authentication }
        guard ciphertext.count < Int(Int32.max), aad.count < Int(Int32.max) else { throw .tooLong }
        if Int32(iv.count) != ivLength {
            guard COpenSSL_gcm_set_iv_length(context, Int32(iv.count)) == 1 else { throw .badIV }
            ivLength = Int32(iv.count)
        }
        guard EVP_DecryptInit_ex(context, nil, nil, nil, iv.bytes) == 1 else {
            throw .badIV
        }
        var written: Int32 = 0
        if !aad.isEmpty {
            guard EVP_DecryptUpdate(context, nil, &written, aad.bytes, Int32(aad.count)) == 1
            else { throw .authentication }
        }
        let context = self.context
        var ok = true
        // GCM is a stream mode: Update writes exactly as many bytes as it reads, Final none.
        let plain = [UInt8](unsafeUninitializedCapacity: max(ciphertext.count, 1)) { out, count in
            count = 0
            if !ciphertext.isEmpty {
                var produced: Int32 = 0
                ok = EVP_DecryptUpdate(
                    context, out.baseAddress, &produced, ciphertext.bytes,
                    Int32(ciphertext.count)
                ) == 1 && Int(produced) == ciphertext.count
                guard ok else { return }
                count = Int(produced)
            }
            ok = COpenSSL_gcm_set_tag(context, tag.bytes) == 1
            guard ok else { return }
            var final: Int32 = 0
            ok = EVP_DecryptFinal_ex(context, out.baseAddress.map { $0 + count }, &final) == 1 && final == 0
        }
        guard ok else { throw .authentication }
        return plain
    }

    /// ``open(_:iv:tag:aad:)`` over byte arrays.
    public func open(_ ciphertext: [UInt8], iv: [UInt8], tag: [UInt8], aad: [UInt8]) throws(Failure) -> [UInt8] {
        let result = ciphertext.withUnsafeBytes { c in
            iv.withUnsafeBytes { i in
                tag.withUnsafeBytes { t in
                    aad.withUnsafeBytes { a in Result { () throws(Failure) in try open(c, iv: i, tag: t, aad: a) } }
                }
            }
        }
        return try result.get()
    }
}

extension UnsafeRawBufferPointer {
    /// The bytes as `unsigned char *` for libcrypto (nil when empty).
    fileprivate var bytes: UnsafePointer<UInt8>? { baseAddress?.assumingMemoryBound(to: UInt8.self) }
}
