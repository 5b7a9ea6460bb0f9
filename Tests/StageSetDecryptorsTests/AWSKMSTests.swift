import Foundation
import KubeModel
import StageSetCore
@testable import StageSetDecryptors
import Testing
import YAML

/// AWS KMS end to end against moto's server (PyPI `moto[server]`), plus the SigV4 signer against botocore.
@Suite(.serialized)
struct AWSKMSTests {
    static let motoAvailable: Bool = {
        guard let run = try? ToolRun.run("/usr/bin/env", ["python3", "-c", "import moto.server, boto3"], timeout: 60) else { return false }
        return run.status == 0
    }()

    /// The signature our signer computes equals botocore's for the same request and time.
    @Test(.enabled(if: motoAvailable, "python3 with boto3 (moto[server]) not importable"), arguments: [nil, "session-token-value"])
    func sigV4MatchesBotocore(sessionToken: String?) throws {
        let body = Array(#"{"CiphertextBlob":"AAAA","KeyId":"arn:aws:kms:eu-west-1:111122223333:key/k"}"#.utf8)
        let date = Date(timeIntervalSince1970: 1_735_787_045)  // 2025-01-02T03:04:05Z
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: sessionToken)
        let headers = SigV4.sign(
            method: "POST", host: "kms.eu-west-1.amazonaws.com", path: "/", query: "",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.Decrypt")],
            body: body, service: "kms", region: "eu-west-1", credentials: credentials, date: date)
        let ours = try #require(headers.first { $0.0 == "Authorization" }?.1)
        let script = """
            import sys
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            token = sys.argv[2] if len(sys.argv) > 2 else None
            creds = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', token)
            req = AWSRequest(method='POST', url='https://kms.eu-west-1.amazonaws.com/', data=sys.argv[1].encode(),
                headers={'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': 'TrentService.Decrypt'})
            ts = '20250102T030405Z'
            req.context['timestamp'] = ts
            req.headers['X-Amz-Date'] = ts
            if token: req.headers['X-Amz-Security-Token'] = token
            auth = SigV4Auth(creds, 'kms', 'eu-west-1')
            canonical = auth.canonical_request(req)
            sig = auth.signature(auth.string_to_sign(req, canonical), req)
            print('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/%s, SignedHeaders=%s, Signature=%s' % (auth.scope(req).split('/', 1)[1], auth.signed_headers(auth.headers_to_sign(req)), sig))
            """
        let run = try ToolRun.run(
            "/usr/bin/env", ["python3", "-c", script, String(decoding: body, as: UTF8.self)] + (sessionToken.map { [$0] } ?? []))
        try #require(run.status == 0, "\(run.stderr)")
        #expect(ours == String(decoding: run.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test(.enabled(if: motoAvailable, "moto[server] not importable: python3 -m pip install 'moto[server]'"))
    func decryptsThroughMoto() async throws {
        let server = try MotoServer()
        defer { server.stop() }
        let setup = """
            import base64, boto3, sys
            kms = boto3.client('kms', region_name='us-east-1', endpoint_url=sys.argv[1],
                aws_access_key_id='testing', aws_secret_access_key='testing')
            key = kms.create_key()['KeyMetadata']['Arn']
            blob = kms.encrypt(KeyId=key, Plaintext=bytes(range(32)))['CiphertextBlob']
            ctx = kms.encrypt(KeyId=key, Plaintext=bytes(range(32, 64)), EncryptionContext={'app': 'stageset'})['CiphertextBlob']
            other = kms.create_key()['KeyMetadata']['Arn']
            print(key); print(base64.b64encode(blob).decode()); print(base64.b64encode(ctx).decode()); print(other)
            """
        let run = try ToolRun.run("/usr/bin/env", ["python3", "-c", setup, server.url])
        try #require(run.status == 0, "\(run.stderr)")
        let lines = String(decoding: run.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(lines.count == 4)
        let (arn, enc, contextEnc, otherARN) = (lines[0], lines[1], lines[2], lines[3])
        let env = [
            "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL_KMS": server.url,
            "AWS_ENDPOINT_URL_STS": server.url,
        ]
        let decryptor = AWSKMSDecryptor(environment: env, timeoutMilliseconds: 10_000)

        let key = try await decryptor.unwrapDataKey(
            MasterKeyStanza(type: .awsKMS, fields: ["arn": .string(arn), "enc": .string(enc)]), keys: DecryptionKeys())
        #expect(key == Array(0..<32))
        let contextKey = try await decryptor.unwrapDataKey(
            MasterKeyStanza(type: .awsKMS, fields: ["arn": .string(arn), "enc": .string(contextEnc), "context": ["app": "stageset"]]),
            keys: DecryptionKeys())
        #expect(contextKey == Array(32..<64))

        // A whole sops document whose only master key is the moto key.
        var registry = PluginRegistry()
        try registry.register(decryptor)
        let doc = try TestEncryptor.encrypt(
            ["data": ["token": "s3cr3t"]], key: Array(0..<32), encrypt: { _ in true },
            metadata: ["kms": [["arn": .string(arn), "enc": .string(enc), "created_at": "2025-01-02T03:04:05Z"]]])
        let output = try await SOPS.decrypt(Array(YAML.encode(doc).utf8), format: .yaml, keys: DecryptionKeys(), registry: registry)
        #expect(try YAML.decode(String(decoding: output, as: UTF8.self))["data"]?["token"] == "s3cr3t")

        // Wrong region (the key lives in us-east-1).
        let wrongRegion = arn.replacingOccurrences(of: ":us-east-1:", with: ":eu-west-1:")
        await #expect {
            _ = try await decryptor.unwrapDataKey(
                MasterKeyStanza(type: .awsKMS, fields: ["arn": .string(wrongRegion), "enc": .string(enc)]), keys: DecryptionKeys())
        } throws: { error in
            let message = (error as? DecryptionError)?.message ?? ""
            return message.contains("KMS Decrypt with \(wrongRegion) in eu-west-1 failed")
        }
        // A key that may not decrypt this blob is denied.
        await #expect {
            _ = try await decryptor.unwrapDataKey(
                MasterKeyStanza(type: .awsKMS, fields: ["arn": .string(otherARN), "enc": .string(enc)]), keys: DecryptionKeys())
        } throws: { error in
            let message = (error as? DecryptionError)?.message ?? ""
            return message.contains("KMS Decrypt with \(otherARN) in us-east-1 failed: AccessDeniedException")
        }
        // Assumed role (sops `role`) and web identity credentials go through moto's STS.
        let roleKey = try await decryptor.unwrapDataKey(
            MasterKeyStanza(type: .awsKMS, fields: [
                "arn": .string(arn), "enc": .string(enc), "role": "arn:aws:iam::123456789012:role/sops",
            ]),
            keys: DecryptionKeys())
        #expect(roleKey == Array(0..<32))
        let dir = try TemporaryDirectory()
        try "header.payload.signature".write(toFile: dir.file("token"), atomically: true, encoding: .utf8)
        let webIdentity = AWSKMSDecryptor(environment: [
            "AWS_WEB_IDENTITY_TOKEN_FILE": dir.file("token"), "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/irsa",
            "AWS_ENDPOINT_URL": server.url,
        ])
        let irsaKey = try await webIdentity.unwrapDataKey(
            MasterKeyStanza(type: .awsKMS, fields: ["arn": .string(arn), "enc": .string(enc)]), keys: DecryptionKeys())
        #expect(irsaKey == Array(0..<32))
    }

    @Test func noCredentialsIsAClearError() async throws {
        let decryptor = AWSKMSDecryptor(environment: ["AWS_EC2_METADATA_DISABLED": "true"])
        await #expect(throws: DecryptionError("no AWS credentials found (environment, web identity, container or instance metadata)")) {
            _ = try await decryptor.unwrapDataKey(
                MasterKeyStanza(type: .awsKMS, fields: ["arn": "arn:aws:kms:us-east-1:1:key/k", "enc": "AAAA"]), keys: DecryptionKeys())
        }
        await #expect(throws: DecryptionError("not-an-arn is not a KMS key ARN")) {
            _ = try await decryptor.unwrapDataKey(
                MasterKeyStanza(type: .awsKMS, fields: ["arn": "not-an-arn", "enc": "AAAA"]), keys: DecryptionKeys())
        }
    }
}

/// `python3 -m moto.server` on an ephemeral loopback port, stopped by ``stop()``.
final class MotoServer {
    let process = Process()
    let url: String

    init() throws {
        let port = try Self.freePort()
        url = "http://127.0.0.1:\(port)"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Poll readiness with a bounded deadline.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let response = try? CurlProbe.get(url + "/moto-api/"), response == 200 { return }
            guard process.isRunning else { throw MotoError.exited }
            usleep(100_000)
        }
        stop()
        throw MotoError.notReady
    }

    enum MotoError: Error { case exited, notReady, noPort }

    /// SIGINT (moto shuts down on it), then SIGKILL when the server has not exited within five seconds.
    func stop() {
        guard process.isRunning else { return }
        process.interrupt()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw MotoError.noPort }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw MotoError.noPort }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw MotoError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
