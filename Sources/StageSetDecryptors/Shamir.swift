/// Shamir secret sharing over GF(2^8) (AES polynomial x^8+x^4+x^3+x+1), share layout as sops writes it:
/// the y values for every secret byte followed by one byte x coordinate.
enum Shamir {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func combine(_ shares: [[UInt8]]) throws(Failure) -> [UInt8] {
        guard shares.count >= 2 else { throw Failure(description: "at least two shares are needed") }
        let length = shares[0].count
        guard length >= 2, shares.allSatisfy({ $0.count == length }) else {
            throw Failure(description: "shares differ in length or are too short")
        }
        let xs = shares.map { $0[length - 1] }
        guard Set(xs).count == xs.count else { throw Failure(description: "duplicate share coordinates") }
        var secret = [UInt8](repeating: 0, count: length - 1)
        // Lagrange basis at x = 0: l_i = Π_{j≠i} x_j / (x_i ⊕ x_j).
        var basis: [UInt8] = []
        for i in 0..<xs.count {
            var l: UInt8 = 1
            for j in 0..<xs.count where j != i {
                l = multiply(l, multiply(xs[j], inverse(xs[i] ^ xs[j])))
            }
            basis.append(l)
        }
        for byte in 0..<(length - 1) {
            var value: UInt8 = 0
            for i in 0..<shares.count { value ^= multiply(shares[i][byte], basis[i]) }
            secret[byte] = value
        }
        return secret
    }

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a
        var b = b
        var product: UInt8 = 0
        while b != 0 {
            if b & 1 != 0 { product ^= a }
            let carry = a & 0x80
            a <<= 1
            if carry != 0 { a ^= 0x1B }
            b >>= 1
        }
        return product
    }

    /// a^254 = a^-1 (0 maps to 0).
    static func inverse(_ a: UInt8) -> UInt8 {
        var result: UInt8 = 1
        var base = a
        var exponent = 254
        while exponent > 0 {
            if exponent & 1 != 0 { result = multiply(result, base) }
            base = multiply(base, base)
            exponent >>= 1
        }
        return result
    }
}
