import Foundation
import KubeModel
import Testing

@testable import KubeEmbedded

/// Bad requests get the status codes, reasons and bodies a real API server sends (spec §8).
@Suite("Status bodies")
struct StatusBodyTests {
    static let cm = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"demo"},"data":{"a":"1"}}"#

    @Test func notFoundAndUnknownPath() async throws {
        try await withHarness { harness in
            let missing = try await harness.request("GET", "/api/v1/namespaces/default/configmaps/demo")
            #expect(missing.status == 404)
            #expect(missing.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "configmaps \"demo\" not found", "reason": "NotFound",
                "details": ["name": "demo", "kind": "configmaps"], "code": 404,
            ])
            let grouped = try await harness.request("GET", "/apis/apps/v1/namespaces/default/deployments/web")
            #expect(grouped.json?["message"] == "deployments.apps \"web\" not found")
            #expect(grouped.json?["details"] == ["name": "web", "group": "apps", "kind": "deployments"])
            let unknown = try await harness.request("GET", "/apis/example.com/v1/widgets")
            #expect(unknown.status == 404)
            #expect(unknown.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "the server could not find the requested resource", "reason": "NotFound",
                "details": [:], "code": 404,
            ])
            let noNamespace = try await harness.request("POST", "/api/v1/namespaces/nowhere/configmaps", body: Self.cm)
            #expect(noNamespace.status == 404)
            #expect(noNamespace.json?["message"] == "namespaces \"nowhere\" not found")
        }
    }

    @Test func alreadyExistsAndConflict() async throws {
        try await withHarness { harness in
            let created = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: Self.cm)
            #expect(created.status == 201)
            let again = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: Self.cm)
            #expect(again.status == 409)
            #expect(again.json?["reason"] == "AlreadyExists")
            #expect(again.json?["message"] == "configmaps \"demo\" already exists")
            var stale = try #require(created.json)
            stale["metadata"]?["resourceVersion"] = "1"
            stale["data"] = ["a": "2"]
            let conflict = try await harness.request("PUT", "/api/v1/namespaces/default/configmaps/demo", body: JSON.encode(stale))
            #expect(conflict.status == 409)
            #expect(conflict.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "Operation cannot be fulfilled on configmaps \"demo\": the object has been modified; please apply your changes to the latest version and try again",
                "reason": "Conflict", "details": ["name": "demo", "kind": "configmaps"], "code": 409,
            ])
        }
    }

    @Test func malformedAndMismatchedBodies() async throws {
        try await withHarness { harness in
            let malformed = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: #"{"apiVersion":"v1","#)
            #expect(malformed.status == 400)
            #expect(malformed.json?["reason"] == "BadRequest")
            let badYAML = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: "a: [b\n",
                                              contentType: "application/yaml")
            #expect(badYAML.status == 400)
            let wrongVersion = try await harness.request(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"v2","kind":"ConfigMap","metadata":{"name":"x"}}"#)
            #expect(wrongVersion.status == 400)
            #expect(wrongVersion.json?["message"] == "the API version in the data (v2) does not match the expected API version (v1)")
            let noKind = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: #"{"apiVersion":"v1"}"#)
            #expect(noKind.status == 400)
            #expect(noKind.json?["message"]?.stringValue?.hasPrefix("Object 'Kind' is missing in") == true)
            let wrongNamespace = try await harness.request(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"kube-system"}}"#)
            #expect(wrongNamespace.status == 400)
            #expect(wrongNamespace.json?["message"] == "the namespace of the provided object does not match the namespace sent on the request")
            let yaml = try await harness.request("POST", "/api/v1/namespaces/default/configmaps",
                                           body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-yaml}\n",
                                           contentType: "application/yaml")
            #expect(yaml.status == 201)
        }
    }

    @Test func deeplyNestedBodiesAreRefused() async throws {
        try await withHarness { harness in
            let deep = String(repeating: #"{"a":"#, count: 5_000) + "1" + String(repeating: "}", count: 5_000)
            let body = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":"# + deep + "}"
            let response = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: body)
            #expect(response.status == 400)
            #expect(response.json?["reason"] == "BadRequest")
            let yaml = String(repeating: "[", count: 3_000) + String(repeating: "]", count: 3_000)
            let apply = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/deep?fieldManager=m", body: yaml,
                                            contentType: "application/apply-patch+yaml")
            #expect(apply.status == 400)
            #expect(try await harness.request("GET", "/api/v1/namespaces").status == 200, "still serving")
        }
    }

    @Test func unknownFieldsOfCustomResources() async throws {
        try await withHarness { harness in
            #expect(try await harness.kubectl(["apply", "--server-side", "-f", "-"], stdin: try fixture("widgets-crd.yaml")).status == 0)
            let body = #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1,"foo":1}}"#
            let base = "/apis/example.com/v1/namespaces/default/widgets"
            let strict = try await harness.request("POST", base + "?fieldValidation=Strict", body: body)
            #expect(strict.status == 400)
            #expect(strict.json?["message"] == ".spec.foo: field not declared in schema")
            let warned = try await harness.request("POST", base, body: body)
            #expect(warned.status == 201)
            #expect(warned.headers.contains(#"Warning: 299 - "unknown field \"spec.foo\"""#), "\(warned.headers)")
            #expect(warned.json?["spec"]?["foo"] == nil)
        }
    }

    @Test func invalidNames() async throws {
        try await withHarness { harness in
            let bad = try await harness.request(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"Bad_Name"}}"#)
            #expect(bad.status == 422)
            #expect(bad.json?["reason"] == "Invalid")
            #expect(bad.json?["message"] == #"ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#)
            #expect(bad.json?["details"]?["kind"] == "ConfigMap")
            #expect(bad.json?["details"]?["causes"]?[0]?["reason"] == "FieldValueInvalid")
            #expect(bad.json?["details"]?["causes"]?[0]?["field"] == "metadata.name")
            let missing = try await harness.request("POST", "/api/v1/namespaces/default/configmaps",
                                              body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#)
            #expect(missing.status == 422)
            #expect(missing.json?["message"] == #"ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required"#)
            let generated = try await harness.request("POST", "/api/v1/namespaces/default/configmaps",
                                                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}"#)
            #expect(generated.status == 201)
            #expect(generated.json?["metadata"]?["name"]?.stringValue?.count == 9)
            let dotted = try await harness.request("POST", "/api/v1/namespaces",
                                             body: #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a.b"}}"#)
            #expect(dotted.status == 422, "namespaces are RFC 1123 labels")
        }
    }

    @Test func tooLargeAndUnsupportedMediaTypes() async throws {
        var options = EmbeddedAPIServer.Options.quiet
        options.maxBodyBytes = 1024
        try await withHarness(options: options) { harness in
            let big = #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"a":""# + String(repeating: "x", count: 4096) + #""}}"#
            let tooLarge = try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: big)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.json?["reason"] == "RequestEntityTooLarge")
            #expect(try await harness.request("GET", "/api/v1/namespaces/default/configmaps/big").status == 404)
            #expect(try await harness.request("POST", "/api/v1/namespaces/default/configmaps", body: StatusBodyTests.cm).status == 201)
            let odd = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/demo", body: "{}", contentType: "text/plain")
            #expect(odd.status == 415)
            #expect(odd.json?["reason"] == "UnsupportedMediaType")
            let force = try await harness.request("PATCH", "/api/v1/namespaces/default/configmaps/demo?force=true", body: "{}",
                                            contentType: "application/merge-patch+json")
            #expect(force.status == 422)
            let protobufOnly = try await harness.request("GET", "/api/v1/namespaces/default/configmaps",
                                                   headers: ["Accept: application/vnd.kubernetes.protobuf"])
            #expect(protobufOnly.status == 406)
            #expect(protobufOnly.json?["reason"] == "NotAcceptable")
            let tableOrJSON = try await harness.request("GET", "/api/v1/namespaces/default/configmaps",
                                                  headers: ["Accept: application/vnd.kubernetes.protobuf, application/json"])
            #expect(tableOrJSON.status == 200)
        }
    }

    @Test func authenticationFailures() async throws {
        try await withHarness { harness in
            let bad = try await harness.request("GET", "/api/v1/namespaces", token: "not-a-token")
            #expect(bad.status == 401)
            #expect(bad.json == [
                "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure",
                "message": "Unauthorized", "reason": "Unauthorized", "code": 401,
            ])
            let anonymous = try await harness.request("GET", "/api/v1/namespaces", token: "")
            #expect(anonymous.status == 401 || anonymous.status == 403)
            let groupsOnly = try await harness.request("GET", "/api/v1/namespaces", headers: ["Impersonate-Group: devs"])
            #expect(groupsOnly.status == 500)
        }
    }
}
