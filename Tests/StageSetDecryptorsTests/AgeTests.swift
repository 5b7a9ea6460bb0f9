import Crypto
import Foundation
import StageSetCore
@testable import StageSetDecryptors
import Testing

/// age files produced by the Debian `age` CLI during the test decrypt through our Swift implementation.
struct AgeTests {
    static let agePath = ToolRun.which("age")

    private func keygen(_ dir: TemporaryDirectory, _ name: String) throws -> (identity: [UInt8], recipient: String) {
        let keygen = try #require(ToolRun.which("age-keygen"))
        let run = try ToolRun.run(keygen, ["-o", dir.file(name)])
        try #require(run.status == 0, "\(run.stderr)")
        let identity = Array(try Data(contentsOf: URL(fileURLWithPath: dir.file(name))))
        let text = String(decoding: identity, as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("# public key: ") })
        return (identity, String(line.dropFirst("# public key: ".count)))
    }

    @Test(.enabled(if: agePath != nil, "Debian age CLI (scripts/install-deps.sh) not installed"),
          arguments: [0, 1, 32, 65_536, 65_537, 200_000])
    func cliEncryptedFileDecrypts(size: Int) throws {
        let age = try #require(Self.agePath)
        let dir = try TemporaryDirectory()
        let (identity, recipient) = try keygen(dir, "key.txt")
        let (_, otherRecipient) = try keygen(dir, "other.txt")
        var generator = SystemRandomNumberGenerator()
        let plaintext = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
        try Data(plaintext).write(to: URL(fileURLWithPath: dir.file("plain")))
        for armor in [true, false] {
            let output = dir.file(armor ? "out.age.asc" : "out.age")
            let run = try ToolRun.run(
                age, ["-r", otherRecipient, "-r", recipient] + (armor ? ["-a"] : []) + ["-o", output, dir.file("plain")])
            try #require(run.status == 0, "\(run.stderr)")
            let file = Array(try Data(contentsOf: URL(fileURLWithPath: output)))
            let keys = DecryptionKeys(entries: [("mine.agekey", identity)])
            #expect(try Age.decrypt(file, identities: try AgeIdentity.parseAll(keys)) == plaintext)
        }
    }

    @Test(.enabled(if: agePath != nil, "Debian age CLI not installed"))
    func sopsStanzaMadeByCLIUnwraps() async throws {
        let age = try #require(Self.agePath)
        let dir = try TemporaryDirectory()
        let (identity, recipient) = try keygen(dir, "key.txt")
        let dataKey = (0..<32).map { UInt8($0 * 7 & 0xFF) }
        let run = try ToolRun.run(age, ["-r", recipient, "-a"], stdin: dataKey)
        try #require(run.status == 0, "\(run.stderr)")
        let stanza = MasterKeyStanza(type: .age, fields: [
            "recipient": .string(recipient), "enc": .string(String(decoding: run.stdout, as: UTF8.self)),
        ])
        let key = try await AgeDecryptor().unwrapDataKey(stanza, keys: DecryptionKeys(entries: [("k.agekey", identity)]))
        #expect(key == dataKey)
        // Our output agrees with `age -d`.
        try Data(run.stdout).write(to: URL(fileURLWithPath: dir.file("enc")))
        let cli = try ToolRun.run(age, ["-d", "-i", dir.file("key.txt"), dir.file("enc")])
        #expect(cli.stdout == dataKey)
    }

    @Test(.enabled(if: agePath != nil, "Debian age CLI not installed"))
    func wrongIdentityAndTamperedFilesFail() throws {
        let age = try #require(Self.agePath)
        let dir = try TemporaryDirectory()
        let (_, recipient) = try keygen(dir, "key.txt")
        let (otherIdentity, _) = try keygen(dir, "other.txt")
        let (identity, _) = (try Data(contentsOf: URL(fileURLWithPath: dir.file("key.txt"))), 0)
        let run = try ToolRun.run(age, ["-r", recipient], stdin: Array("secret payload".utf8))
        try #require(run.status == 0)
        let wrong = try AgeIdentity.parseAll(DecryptionKeys(entries: [("o.agekey", otherIdentity)]))
        #expect(throws: DecryptionError("no age identity matched a recipient of the file")) {
            _ = try Age.decrypt(run.stdout, identities: wrong)
        }
        let right = try AgeIdentity.parseAll(DecryptionKeys(entries: [("k.agekey", Array(identity))]))
        #expect(try Age.decrypt(run.stdout, identities: right) == Array("secret payload".utf8))
        // Flip every byte position in turn: each must fail cleanly, never crash or succeed.
        for index in stride(from: 0, to: run.stdout.count, by: 3) {
            var tampered = run.stdout
            tampered[index] ^= 0x01
            #expect(throws: DecryptionError.self) { _ = try Age.decrypt(tampered, identities: right) }
        }
    }

    /// The CCTV vectors of the shared corpus with an X25519 identity: success or failure as they expect.
    @Test func testkitX25519Vectors() throws {
        let dir = Fixtures.root.appendingPathComponent("age/testkit")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else {
            Issue.record("age testkit fixtures missing")
            return
        }
        var checked = 0
        for name in names.sorted() {
            let data = Array(try Data(contentsOf: dir.appendingPathComponent(name)))
            guard let split = Self.splitVector(data) else { continue }
            let (headers, body) = split
            guard let identityLine = headers["identity"], identityLine.hasPrefix("AGE-SECRET-KEY-1"),
                headers["passphrase"] == nil, headers["compressed"] == nil, let expect = headers["expect"]
            else { continue }
            let keys = DecryptionKeys(entries: [("v.agekey", Array(identityLine.utf8))])
            let result = Result { try Age.decrypt(body, identities: try AgeIdentity.parseAll(keys)) }
            switch expect {
            case "success":
                let plain = try result.get()
                if let hash = headers["payload"] {
                    #expect(SigV4.hex(SHA256.hash(data: plain)) == hash, "\(name)")
                }
            default:
                // Partial-output vectors ("payload failure" with released plaintext) must still fail here:
                // a data key is all or nothing.
                if case .success = result { Issue.record("vector \(name) (\(expect)) decrypted") }
            }
            checked += 1
        }
        #expect(checked >= 50)
    }

    private static func splitVector(_ data: [UInt8]) -> ([String: String], [UInt8])? {
        var headers: [String: String] = [:]
        var position = 0
        while let end = data[position...].firstIndex(of: 10) {
            let line = String(decoding: data[position..<end], as: UTF8.self)
            position = end + 1
            if line.isEmpty { return (headers, Array(data[position...])) }
            guard let colon = line.firstIndex(of: ":") else { return nil }
            let key = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "identity", let previous = headers[key] {
                headers[key] = previous + "\n" + value
            } else {
                headers[key] = value
            }
        }
        return nil
    }
}
