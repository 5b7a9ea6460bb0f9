import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

/// Malformed and mistyped requests get 4xx answers; the server keeps serving and the store stays intact.
@Suite("Hostile input")
struct HostileInputTests {
    static let bodies: [String] = [
        "", "null", "[]", "42", "\"text\"", "{", "{\"apiVersion\":", String(repeating: "[", count: 200),
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":"oops"}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":["x"]}}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","labels":["a"]}}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","finalizers":"f"}}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","ownerReferences":[1,2]}}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","resourceVersion":12}}"#,
        #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","managedFields":[{"manager":1}]}}"#,
        #"[{"op":"bogus","path":"/x"}]"#, #"[{"op":"add"}]"#, #"[{"op":"remove","path":"/metadata/name"}]"#,
        #"{"metadata":{"$patch":"delete"}}"#, #"{"$setElementOrder/data":[1]}"#, #"{"data":{"$retainKeys":7}}"#,
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: [1, 2]\n", "a: &a [*a]\n", "\u{0}\u{1}\u{2}",
    ]
    static let contentTypes = [
        "application/json", "application/yaml", "application/merge-patch+json", "application/json-patch+json",
        "application/strategic-merge-patch+json", "application/apply-patch+yaml", "application/vnd.kubernetes.protobuf",
    ]

    @Test func garbageNeverCrashesOrCorrupts() async throws {
        try await heavyWork.run { try await withHarness { harness in
            let base = "/api/v1/namespaces/default/configmaps"
            let seed = try await harness.request("POST", base, body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":{"a":"1"}}"#)
            #expect(seed.status == 201)
            for body in Self.bodies {
                for contentType in Self.contentTypes {
                    for (method, path) in [("POST", base), ("PUT", base + "/x"), ("PATCH", base + "/x?fieldManager=m"),
                                           ("DELETE", base + "/x?dryRun=All")] {
                        let response = try await harness.request(method, path, body: body, contentType: contentType)
                        #expect(response.status < 500, "\(method) \(contentType) \(body.prefix(60)): \(response.status) \(response.body.prefix(200))")
                        if response.status >= 400 {
                            #expect(response.json?["kind"] == "Status", "\(method) \(contentType): \(response.body.prefix(200))")
                        }
                    }
                }
            }
            // The store still answers, and every stored object still has a name and a resourceVersion.
            let list = try #require(try await harness.request("GET", "/api/v1/configmaps").json)
            for item in list["items"]?.arrayValue ?? [] {
                #expect(item["metadata"]?["name"]?.stringValue?.isEmpty == false)
                #expect(item["metadata"]?["resourceVersion"]?.stringValue?.isEmpty == false)
            }
            let odd = ["/api/v1/namespaces/%zz/configmaps", "/apis//v1", "/api/v1/namespaces/default/configmaps/x/status/extra",
                       "/apis/apps/v1/namespaces/default/deployments/x/scale?x=%", "/openapi/v3/apis", "/api/v1/configmaps?limit=-5&continue=%%%",
                       "/api/v1/configmaps?watch=true&resourceVersion=abc", "/api/v1/configmaps?labelSelector=%28%28"]
            for path in odd {
                let response = try await harness.request("GET", path)
                #expect(response.status < 500, "\(path): \(response.status)")
            }
        } }
    }
}
