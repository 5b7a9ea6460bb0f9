import KubeModel
@testable import Render
import Testing

/// Pieces with exact expected values: content hashes, image names, selectors.
struct InternalsTests {
    /// Hashes printed by `kubectl kustomize` (v5.5) for these generated objects.
    @Test func contentHashMatchesKustomize() {
        let configMap: JSONValue = ["kind": "ConfigMap", "metadata": ["name": "p-cm-s"], "data": ["a": "1", "b": "two"]]
        #expect(Generators.contentHash(configMap) == "5m9tg7g54f")
        let secret: JSONValue = ["kind": "Secret", "metadata": ["name": "p-sec-s"], "type": "Opaque", "data": ["k": "dg=="]]
        #expect(Generators.contentHash(secret) == "ftgtgc4t9f")
    }

    @Test func sha256KnownAnswers() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
        #expect(SHA256.hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func goJSONEscapes() {
        #expect(Generators.goString("a<b>&\"\\\n") == #""a\u003cb\u003e\u0026\"\\\n""#)
    }

    @Test(
        arguments: [
            ("nginx", "nginx", "", ""), ("nginx:1.2", "nginx", "1.2", ""),
            ("localhost:5000/app:1.0", "localhost:5000/app", "1.0", ""),
            ("repo/app@sha256:abc", "repo/app", "", "sha256:abc"),
            ("repo/app:1@sha256:abc", "repo/app", "1", "sha256:abc"),
        ])
    func imageSplit(_ image: String, _ name: String, _ tag: String, _ digest: String) {
        let parts = Images.split(image)
        #expect(parts.0 == name && parts.1 == tag && parts.2 == digest)
    }

    @Test func imageMatching() {
        #expect(Images.matches("nginx:1.2", "nginx"))
        #expect(Images.matches("nginx", "nginx"))
        #expect(!Images.matches("nginx-extra:1", "nginx"))
        #expect(!Images.matches("docker.io/nginx", "nginx"))
    }

    @Test func labelSelectors() throws {
        let selector = try SelectorExpression(parsing: "app=web, tier in (a,b), !legacy, release, env!=dev", field: "s", file: nil)
        #expect(selector.matches(["app": "web", "tier": "a", "release": "1", "env": "prod"]))
        #expect(!selector.matches(["app": "web", "tier": "c", "release": "1"]))
        #expect(!selector.matches(["app": "web", "tier": "a", "release": "1", "legacy": "x"]))
        #expect(!selector.matches(["app": "web", "tier": "a", "release": "1", "env": "dev"]))
        #expect(throws: RenderError.self) { try SelectorExpression(parsing: "app in a", field: "s", file: nil) }
        #expect(throws: RenderError.self) { try SelectorExpression(parsing: "a,,b", field: "s", file: nil) }
    }

    @Test func pathsNeverLeaveTheRoot() throws {
        let root = try Fixtures.temporaryTree(["a/b.yaml": "x: 1\n"])
        let fs = try ArtifactFileSystem(root: root)
        #expect(try fs.join("a", "../a/./b.yaml") == "a/b.yaml")
        #expect(throws: RenderError.self) { try fs.join("a", "../../x") }
        #expect(throws: RenderError.self) { try fs.join("", "/etc/passwd") }
    }
}
