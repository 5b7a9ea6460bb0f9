import CGPGME
#if canImport(Glibc)
import Glibc
#endif

/// A failed gpgme call: the operation and gpgme's message.
public struct GPGMEError: Error, Sendable, CustomStringConvertible {
    /// What was being done.
    public let operation: String
    /// gpgme's error text.
    public let message: String
    /// gpgme's error code (`gpg_err_code_t`).
    public let code: UInt32

    init(_ operation: String, _ error: gpgme_error_t) {
        self.operation = operation
        code = CGPGME_err_code(error).rawValue
        message = String(cString: gpgme_strerror(error))
    }

    public var description: String { "\(operation): \(message)" }
}

/// An OpenPGP gpgme context bound to one GnuPG home directory, with loopback pinentry (never prompts).
///
/// Not thread-safe: use one context per task.
public final class GPGMEContext {
    private let context: gpgme_ctx_t
    /// The GnuPG home directory the context uses.
    public let homeDirectory: String

    private static let initialised: Bool = {
        _ = gpgme_check_version(nil)
        return true
    }()

    /// A context whose keyring lives in `homeDirectory` (which must exist, mode 0700).
    public init(homeDirectory: String) throws(GPGMEError) {
        _ = Self.initialised
        var context: gpgme_ctx_t?
        var error = gpgme_new(&context)
        guard error == 0, let context else { throw GPGMEError("gpgme_new", error) }
        self.context = context
        self.homeDirectory = homeDirectory
        error = gpgme_set_protocol(context, GPGME_PROTOCOL_OpenPGP)
        guard error == 0 else { throw GPGMEError("selecting OpenPGP", error) }
        error = gpgme_ctx_set_engine_info(context, GPGME_PROTOCOL_OpenPGP, nil, homeDirectory)
        guard error == 0 else { throw GPGMEError("setting the GnuPG home", error) }
        error = gpgme_set_pinentry_mode(context, GPGME_PINENTRY_MODE_LOOPBACK)
        guard error == 0 else { throw GPGMEError("setting loopback pinentry", error) }
    }

    deinit { gpgme_release(context) }

    /// Imports keys (armoured or binary); returns how many keys were considered.
    @discardableResult
    public func importKeys(_ bytes: [UInt8]) throws(GPGMEError) -> Int {
        let data = try GPGMEData(bytes)
        let error = gpgme_op_import(context, data.handle)
        guard error == 0 else { throw GPGMEError("importing keys", error) }
        guard let result = gpgme_op_import_result(context) else { return 0 }
        return Int(result.pointee.considered)
    }

    /// Decrypts an OpenPGP message (armoured or binary) with the secret keys in the home.
    public func decrypt(_ ciphertext: [UInt8]) throws(GPGMEError) -> [UInt8] {
        let input = try GPGMEData(ciphertext)
        let output = try GPGMEData()
        let error = gpgme_op_decrypt(context, input.handle, output.handle)
        guard error == 0 else { throw GPGMEError("decrypting", error) }
        return output.contents()
    }

    /// Asks the home's gpg-agent to exit (best effort; the agent otherwise notices its removed socket).
    public func stopAgent() {
        var assuan: gpgme_ctx_t?
        guard gpgme_new(&assuan) == 0, let assuan else { return }
        defer { gpgme_release(assuan) }
        guard gpgme_set_protocol(assuan, GPGME_PROTOCOL_ASSUAN) == 0 else { return }
        for socket in [homeDirectory + "/S.gpg-agent"] {
            guard gpgme_ctx_set_engine_info(assuan, GPGME_PROTOCOL_ASSUAN, socket, homeDirectory) == 0 else { continue }
            _ = gpgme_op_assuan_transact_ext(assuan, "KILLAGENT", nil, nil, nil, nil, nil, nil, nil)
        }
    }
}

/// A gpgme memory data buffer.
final class GPGMEData {
    let handle: gpgme_data_t

    /// An empty buffer for output.
    init() throws(GPGMEError) {
        var handle: gpgme_data_t?
        let error = gpgme_data_new(&handle)
        guard error == 0, let handle else { throw GPGMEError("gpgme_data_new", error) }
        self.handle = handle
    }

    /// A buffer holding a copy of `bytes`.
    init(_ bytes: [UInt8]) throws(GPGMEError) {
        var handle: gpgme_data_t?
        let error = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                gpgme_data_new_from_mem(&handle, chars.baseAddress, chars.count, 1)
            }
        }
        guard error == 0, let handle else { throw GPGMEError("gpgme_data_new_from_mem", error) }
        self.handle = handle
    }

    /// Everything written to the buffer.
    func contents() -> [UInt8] {
        _ = gpgme_data_seek(handle, 0, SEEK_SET)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { gpgme_data_read(handle, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        chunk.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
        }
        return out
    }

    deinit { gpgme_data_release(handle) }
}
