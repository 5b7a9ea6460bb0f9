import Crypto
import _CryptoExtras
import Foundation

/// AES-256-GCM opening with nonces of any length (NIST SP 800-38D), as sops needs: it writes 32-byte IVs,
/// which swift-crypto's AEAD (12-byte nonces only on Linux) refuses. The block cipher and CTR keystream
/// come from swift-crypto; GHASH is computed here with a 4-bit table per key.
struct AESGCMKey {
    private let key: SymmetricKey
    private let table: GHashTable

    init(_ keyBytes: [UInt8]) throws {
        guard keyBytes.count == 32 else { throw GCMError.badKey }
        key = SymmetricKey(data: keyBytes)
        var zero = [UInt8](repeating: 0, count: 16)
        try AES.permute(&zero, key: key)
        table = GHashTable(h: Block128(zero, at: 0))
    }

    enum GCMError: Error { case badKey, badNonce, authentication }

    /// The plaintext of `ciphertext` sealed under `iv` with `tag` and `aad`; throws `.authentication` on a wrong tag.
    func open(ciphertext: [UInt8], iv: [UInt8], tag: [UInt8], aad: [UInt8]) throws -> [UInt8] {
        guard !iv.isEmpty else { throw GCMError.badNonce }
        guard tag.count == 16 else { throw GCMError.authentication }
        var j0: [UInt8]
        if iv.count == 12 {
            j0 = iv + [0, 0, 0, 1]
        } else {
            var ghash = GHash(table: table)
            ghash.update(iv)
            ghash.update(lengths: 0, UInt64(iv.count) * 8)
            j0 = ghash.finish()
        }
        var s = GHash(table: table)
        s.update(aad)
        s.update(ciphertext)
        s.update(lengths: UInt64(aad.count) * 8, UInt64(ciphertext.count) * 8)
        let sBytes = s.finish()
        // Keystream block 0 is E(J0) (the tag mask), then inc32(J0), inc32(inc32(J0)), …
        let stream = try keystream(j0: j0, prefix: [UInt8](repeating: 0, count: 16) + ciphertext)
        var diff: UInt8 = 0
        for i in 0..<16 { diff |= (stream[i] ^ sBytes[i]) ^ tag[i] }
        guard diff == 0 else { throw GCMError.authentication }
        return Array(stream[16...])
    }

    /// CTR over `input` from counter block `j0`, incrementing only the low 32 bits as GCM does.
    private func keystream(j0: [UInt8], prefix input: [UInt8]) throws -> [UInt8] {
        let low = UInt64(j0[12]) << 24 | UInt64(j0[13]) << 16 | UInt64(j0[14]) << 8 | UInt64(j0[15])
        let blocksBeforeWrap = (1 << 32) - low
        let blocks = UInt64((input.count + 15) / 16)
        if blocks <= blocksBeforeWrap {
            return Array(try AES._CTR.encrypt(input, using: key, nonce: AES._CTR.Nonce(nonceBytes: j0)))
        }
        let split = Int(blocksBeforeWrap) * 16
        var wrapped = j0
        wrapped.replaceSubrange(12..<16, with: [0, 0, 0, 0])
        let first = try AES._CTR.encrypt(input[0..<split], using: key, nonce: AES._CTR.Nonce(nonceBytes: j0))
        let second = try AES._CTR.encrypt(input[split...], using: key, nonce: AES._CTR.Nonce(nonceBytes: wrapped))
        return Array(first) + Array(second)
    }
}

/// A 128-bit GCM field element, big-endian halves.
struct Block128 {
    var hi: UInt64
    var lo: UInt64

    init(hi: UInt64, lo: UInt64) {
        self.hi = hi
        self.lo = lo
    }

    /// Reads 16 bytes (zero-padded past the end) starting at `offset`.
    init(_ bytes: [UInt8], at offset: Int) {
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        for i in 0..<8 {
            let a = offset + i < bytes.count ? bytes[offset + i] : 0
            let b = offset + 8 + i < bytes.count ? bytes[offset + 8 + i] : 0
            hi = hi << 8 | UInt64(a)
            lo = lo << 8 | UInt64(b)
        }
        self.hi = hi
        self.lo = lo
    }
}

/// Shoup's 4-bit multiplication table for a fixed hash key H.
struct GHashTable {
    private var hh = [UInt64](repeating: 0, count: 16)
    private var hl = [UInt64](repeating: 0, count: 16)

    private static let reduce: [UInt64] = [
        0x0000, 0x1C20, 0x3840, 0x2460, 0x7080, 0x6CA0, 0x48C0, 0x54E0,
        0xE100, 0xFD20, 0xD940, 0xC560, 0x9180, 0x8DA0, 0xA9C0, 0xB5E0,
    ]

    init(h: Block128) {
        // Entry i holds (i as a reflected 4-bit polynomial) · H; index 8 is H itself.
        var vh = h.hi
        var vl = h.lo
        hh[8] = vh
        hl[8] = vl
        var i = 4
        while i > 0 {
            let carry = vl & 1
            vl = (vh << 63) | (vl >> 1)
            vh = (vh >> 1) ^ (carry * 0xE100_0000_0000_0000)
            hh[i] = vh
            hl[i] = vl
            i >>= 1
        }
        i = 2
        while i <= 8 {
            for j in 1..<i {
                hh[i + j] = hh[i] ^ hh[j]
                hl[i + j] = hl[i] ^ hl[j]
            }
            i *= 2
        }
    }

    /// x · H.
    func multiply(_ x: Block128) -> Block128 {
        var zh: UInt64 = 0
        var zl: UInt64 = 0
        var first = true
        // Nibbles from the last byte to the first, low nibble before high nibble.
        for byteIndex in stride(from: 15, through: 0, by: -1) {
            let byte = byteIndex < 8 ? UInt8(truncatingIfNeeded: x.hi >> (8 * (7 - byteIndex)))
                : UInt8(truncatingIfNeeded: x.lo >> (8 * (15 - byteIndex)))
            if first {
                first = false
            } else {
                let rem = Int(zl & 0xF)
                zl = (zh << 60) | (zl >> 4)
                zh = (zh >> 4) ^ (Self.reduce[rem] << 48)
            }
            let low = Int(byte & 0xF)
            zh ^= hh[low]
            zl ^= hl[low]
            let rem = Int(zl & 0xF)
            zl = (zh << 60) | (zl >> 4)
            zh = (zh >> 4) ^ (Self.reduce[rem] << 48)
            let high = Int(byte >> 4)
            zh ^= hh[high]
            zl ^= hl[high]
        }
        return Block128(hi: zh, lo: zl)
    }
}

/// Running GHASH over zero-padded segments.
struct GHash {
    let table: GHashTable
    private var y = Block128(hi: 0, lo: 0)

    init(table: GHashTable) { self.table = table }

    mutating func update(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let block = Block128(bytes, at: offset)
            y = table.multiply(Block128(hi: y.hi ^ block.hi, lo: y.lo ^ block.lo))
            offset += 16
        }
    }

    mutating func update(lengths a: UInt64, _ b: UInt64) {
        y = table.multiply(Block128(hi: y.hi ^ a, lo: y.lo ^ b))
    }

    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            out[i] = UInt8(truncatingIfNeeded: y.hi >> (56 - 8 * i))
            out[8 + i] = UInt8(truncatingIfNeeded: y.lo >> (56 - 8 * i))
        }
        return out
    }
}
