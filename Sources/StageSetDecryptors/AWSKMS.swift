import Crypto
import Curl
import Foundation
import KubeModel
public import StageSetCore

/// The `aws_kms` decryptor: KMS `Decrypt` over HTTPS with SigV4-signed requests (libcurl).
///
/// Credentials, in order: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`/`AWS_SESSION_TOKEN`; a web identity
/// token file (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, EKS IRSA) exchanged through STS
/// `AssumeRoleWithWebIdentity`; the container credentials endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// or `…_FULL_URI` with `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]`); the EC2 instance metadata service
/// (IMDSv2, unless `AWS_EC2_METADATA_DISABLED=true`). An entry's `role` is assumed with STS `AssumeRole`
/// first. The region comes from the key ARN. Endpoints can be overridden (tests, private endpoints) with
/// `AWS_ENDPOINT_URL_KMS`, `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL`.
public struct AWSKMSDecryptor: Decryptor {
    public static var keyType: KeyType { .awsKMS }

    /// The environment consulted for credentials and endpoints.
    public let environment: [String: String]
    /// Per-request timeout in milliseconds.
    public let timeoutMilliseconds: Int

    public init(environment: [String: String] = ProcessInfo.processInfo.environment, timeoutMilliseconds: Int = 15_000) {
        self.environment = environment
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    public func unwrapDataKey(_ stanza: MasterKeyStanza, keys: DecryptionKeys) async throws -> [UInt8] {
        guard let arn = stanza.fields["arn"]?.stringValue, !arn.isEmpty else {
            throw DecryptionError("the kms entry has no arn")
        }
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 6, parts[0] == "arn", parts[2] == "kms", !parts[3].isEmpty else {
            throw DecryptionError("\(arn) is not a KMS key ARN")
        }
        let region = String(parts[3])
        guard Data(base64Encoded: stanza.enc) != nil, !stanza.enc.isEmpty else {
            throw DecryptionError("the kms entry's enc is not base64")
        }
        let client = try AWSClient(environment: environment, timeoutMilliseconds: timeoutMilliseconds)
        var credentials = try client.credentials(region: region)
        if let role = stanza.fields["role"]?.stringValue, !role.isEmpty {
            credentials = try client.assumeRole(role, with: credentials, region: region)
        }
        var body = JSONObject()
        body["CiphertextBlob"] = .string(stanza.enc)
        body["KeyId"] = .string(arn)
        if let context = stanza.fields["context"]?.objectValue, !context.isEmpty {
            body["EncryptionContext"] = .object(context)
        }
        let response = try client.signedRequest(
            service: "kms", region: region, credentials: credentials,
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.Decrypt")],
            body: JSON.encodeToBytes(.object(body)))
        let reply = try? JSON.decode(response.body)
        guard response.status == 200 else {
            let type = reply?["__type"]?.stringValue.map { $0.split(separator: "#").last.map(String.init) ?? $0 } ?? "HTTP \(response.status)"
            let message = reply?["message"]?.stringValue ?? reply?["Message"]?.stringValue ?? ""
            throw DecryptionError("KMS Decrypt with \(arn) in \(region) failed: \(type)\(message.isEmpty ? "" : ": \(message)")")
        }
        guard let plaintext = reply?["Plaintext"]?.stringValue, let key = Data(base64Encoded: plaintext) else {
            throw DecryptionError("KMS Decrypt with \(arn) returned no plaintext")
        }
        return Array(key)
    }
}

/// AWS credentials.
struct AWSCredentials {
    let accessKeyID: String
    let secretAccessKey: String
    let sessionToken: String?
}

/// Minimal AWS client: credential chain, SigV4 signing and STS calls.
struct AWSClient {
    let environment: [String: String]
    let timeoutMilliseconds: Int
    /// The clock used for signing (tests pin it).
    var now: () -> Date = Date.init

    init(environment: [String: String], timeoutMilliseconds: Int) throws(DecryptionError) {
        self.environment = environment
        self.timeoutMilliseconds = timeoutMilliseconds
    }

    private func env(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    func endpoint(service: String, region: String) -> String {
        if let url = env("AWS_ENDPOINT_URL_\(service.uppercased())") ?? env("AWS_ENDPOINT_URL") {
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        return "https://\(service).\(region).amazonaws.com"
    }

    // MARK: Credential chain

    func credentials(region: String) throws(DecryptionError) -> AWSCredentials {
        if let id = env("AWS_ACCESS_KEY_ID"), let secret = env("AWS_SECRET_ACCESS_KEY") {
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: env("AWS_SESSION_TOKEN"))
        }
        if let tokenFile = env("AWS_WEB_IDENTITY_TOKEN_FILE"), let role = env("AWS_ROLE_ARN") {
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw DecryptionError("cannot read the web identity token file \(tokenFile)")
            }
            return try assumeRoleWithWebIdentity(
                role: role, token: token.trimmingCharacters(in: .whitespacesAndNewlines),
                sessionName: env("AWS_ROLE_SESSION_NAME") ?? "stageset-controller", region: env("AWS_REGION") ?? region)
        }
        if let relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            return try containerCredentials(url: "http://169.254.170.2" + relative)
        }
        if let full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
            return try containerCredentials(url: full)
        }
        if env("AWS_EC2_METADATA_DISABLED")?.lowercased() != "true" {
            return try instanceCredentials()
        }
        throw DecryptionError("no AWS credentials found (environment, web identity, container or instance metadata)")
    }

    private func perform(_ request: CurlRequest) throws(DecryptionError) -> CurlResponse {
        do {
            return try CurlEasy().perform(request, maxBodyBytes: 1 << 20)
        } catch {
            throw DecryptionError("request to \(request.url) failed: \(error.message)")
        }
    }

    private func containerCredentials(url: String) throws(DecryptionError) -> AWSCredentials {
        var headers: [(String, String)] = []
        if let token = env("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            headers.append(("Authorization", token))
        } else if let file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
            let token = try? String(contentsOfFile: file, encoding: .utf8)
        {
            headers.append(("Authorization", token.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let response = try perform(CurlRequest(url: url, headers: headers, timeoutMilliseconds: 5_000))
        return try Self.jsonCredentials(response, source: "container credentials endpoint")
    }

    private func instanceCredentials() throws(DecryptionError) -> AWSCredentials {
        let base = env("AWS_EC2_METADATA_SERVICE_ENDPOINT").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "http://169.254.169.254"
        let tokenResponse = try perform(CurlRequest(
            method: "PUT", url: base + "/latest/api/token",
            headers: [("X-aws-ec2-metadata-token-ttl-seconds", "300")], timeoutMilliseconds: 2_000))
        guard tokenResponse.status == 200 else {
            throw DecryptionError("instance metadata token request failed with HTTP \(tokenResponse.status)")
        }
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let headers = [("X-aws-ec2-metadata-token", token)]
        let path = base + "/latest/meta-data/iam/security-credentials/"
        let roles = try perform(CurlRequest(url: path, headers: headers, timeoutMilliseconds: 2_000))
        guard roles.status == 200,
            let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first
        else { throw DecryptionError("the instance has no IAM role (HTTP \(roles.status))") }
        let response = try perform(CurlRequest(url: path + role, headers: headers, timeoutMilliseconds: 2_000))
        return try Self.jsonCredentials(response, source: "instance metadata")
    }

    static func jsonCredentials(_ response: CurlResponse, source: String) throws(DecryptionError) -> AWSCredentials {
        guard response.status == 200, let json = try? JSON.decode(response.body),
            let id = json["AccessKeyId"]?.stringValue, let secret = json["SecretAccessKey"]?.stringValue
        else { throw DecryptionError("no credentials from the \(source) (HTTP \(response.status))") }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: json["Token"]?.stringValue)
    }

    // MARK: STS

    private func assumeRoleWithWebIdentity(
        role: String, token: String, sessionName: String, region: String
    ) throws(DecryptionError) -> AWSCredentials {
        let body = Self.form([
            ("Action", "AssumeRoleWithWebIdentity"), ("Version", "2011-06-15"), ("RoleArn", role),
            ("RoleSessionName", sessionName), ("WebIdentityToken", token),
        ])
        let response = try perform(CurlRequest(
            method: "POST", url: endpoint(service: "sts", region: region) + "/",
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8),
            timeoutMilliseconds: timeoutMilliseconds))
        return try Self.stsCredentials(response, action: "AssumeRoleWithWebIdentity for \(role)")
    }

    func assumeRole(_ role: String, with credentials: AWSCredentials, region: String) throws(DecryptionError) -> AWSCredentials {
        let body = Self.form([
            ("Action", "AssumeRole"), ("Version", "2011-06-15"), ("RoleArn", role),
            ("RoleSessionName", "stageset-sops"),
        ])
        let response = try signedRequest(
            service: "sts", region: region, credentials: credentials,
            headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(body.utf8))
        return try Self.stsCredentials(response, action: "AssumeRole \(role)")
    }

    static func stsCredentials(_ response: CurlResponse, action: String) throws(DecryptionError) -> AWSCredentials {
        let xml = String(decoding: response.body, as: UTF8.self)
        func element(_ name: String) -> String? {
            guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
            else { return nil }
            return String(xml[start.upperBound..<end.lowerBound])
        }
        guard response.status == 200, let id = element("AccessKeyId"), let secret = element("SecretAccessKey") else {
            let code = element("Code") ?? "HTTP \(response.status)"
            throw DecryptionError("STS \(action) failed: \(code)\(element("Message").map { ": \($0)" } ?? "")")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: element("SessionToken"))
    }

    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(uriEncode($0.0))=\(uriEncode($0.1))" }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters kept, everything else percent-encoded (SigV4 rules).
    static func uriEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    // MARK: SigV4

    func signedRequest(
        service: String, region: String, credentials: AWSCredentials, headers: [(String, String)], body: [UInt8]
    ) throws(DecryptionError) -> CurlResponse {
        let url = endpoint(service: service, region: region) + "/"
        guard let host = Self.host(of: url) else { throw DecryptionError("invalid endpoint \(url)") }
        let signed = SigV4.sign(
            method: "POST", host: host, path: "/", query: "", headers: headers, body: body, service: service,
            region: region, credentials: credentials, date: now())
        return try perform(CurlRequest(
            method: "POST", url: url, headers: signed, body: body, timeoutMilliseconds: timeoutMilliseconds))
    }

    /// `host[:port]` of an http(s) URL, as the Host header carries it.
    static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        return host.isEmpty ? nil : String(host)
    }
}

/// AWS Signature Version 4 for requests with a fixed body.
enum SigV4 {
    /// `headers` plus `Host`, `X-Amz-Date`, `X-Amz-Security-Token` (with a session) and `Authorization`.
    static func sign(
        method: String, host: String, path: String, query: String, headers: [(String, String)], body: [UInt8],
        service: String, region: String, credentials: AWSCredentials, date: Date
    ) -> [(String, String)] {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let amzDate = formatter.string(from: date)
        let day = String(amzDate.prefix(8))
        var all = headers + [("Host", host), ("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { all.append(("X-Amz-Security-Token", token)) }
        let canonical = all.map { (name: $0.0.lowercased(), value: $0.1.trimmingCharacters(in: .whitespaces)) }
            .sorted { $0.name < $1.name }
        let signedHeaders = canonical.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            method, path, query, canonical.map { "\($0.name):\($0.value)\n" }.joined(), signedHeaders,
            hex(SHA256.hash(data: body)),
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, hex(SHA256.hash(data: Array(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        var key = SymmetricKey(data: Array("AWS4\(credentials.secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: key)))
        }
        let signature = hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        all.append((
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        ))
        return all
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { byte in
            let h = String(byte, radix: 16)
            return byte < 16 ? "0" + h : h
        }.joined()
    }
}
