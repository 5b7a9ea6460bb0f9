import KubeModel
import Testing

struct PatchJSONPatchTests {
    func apply(_ operations: JSONValue, to document: JSONValue) throws(PatchError) -> JSONValue {
        try JSONPatch(operations).apply(to: document)
    }

    // MARK: RFC 6902 Appendix A

    @Test func a1AddingAnObjectMember() throws {
        let result = try apply([["op": "add", "path": "/baz", "value": "qux"]], to: ["foo": "bar"])
        #expect(result == ["baz": "qux", "foo": "bar"])
    }

    @Test func a2AddingAnArrayElement() throws {
        let result = try apply([["op": "add", "path": "/foo/1", "value": "qux"]], to: ["foo": ["bar", "baz"]])
        #expect(result == ["foo": ["bar", "qux", "baz"]])
    }

    @Test func a3RemovingAnObjectMember() throws {
        let result = try apply([["op": "remove", "path": "/baz"]], to: ["baz": "qux", "foo": "bar"])
        #expect(result == ["foo": "bar"])
    }

    @Test func a4RemovingAnArrayElement() throws {
        let result = try apply([["op": "remove", "path": "/foo/1"]], to: ["foo": ["bar", "qux", "baz"]])
        #expect(result == ["foo": ["bar", "baz"]])
    }

    @Test func a5ReplacingAValue() throws {
        let result = try apply([["op": "replace", "path": "/baz", "value": "boo"]], to: ["baz": "qux", "foo": "bar"])
        #expect(result == ["baz": "boo", "foo": "bar"])
    }

    @Test func a6MovingAValue() throws {
        let result = try apply(
            [["op": "move", "from": "/foo/waldo", "path": "/qux/thud"]],
            to: ["foo": ["bar": "baz", "waldo": "fred"], "qux": ["corge": "grault"]])
        #expect(result == ["foo": ["bar": "baz"], "qux": ["corge": "grault", "thud": "fred"]])
    }

    @Test func a7MovingAnArrayElement() throws {
        let result = try apply(
            [["op": "move", "from": "/foo/1", "path": "/foo/3"]], to: ["foo": ["all", "grass", "cows", "eat"]])
        #expect(result == ["foo": ["all", "cows", "eat", "grass"]])
    }

    @Test func a8TestingAValueSuccess() throws {
        let document: JSONValue = ["baz": "qux", "foo": ["a", 2, "c"]]
        let result = try apply(
            [["op": "test", "path": "/baz", "value": "qux"], ["op": "test", "path": "/foo/1", "value": 2]],
            to: document)
        #expect(result == document)
    }

    @Test func a9TestingAValueError() {
        #expect(throws: PatchError.self) {
            try apply([["op": "test", "path": "/baz", "value": "bar"]], to: ["baz": "qux"])
        }
    }

    @Test func a10AddingANestedMemberObject() throws {
        let result = try apply([["op": "add", "path": "/child", "value": ["grandchild": [:]]]], to: ["foo": "bar"])
        #expect(result == ["foo": "bar", "child": ["grandchild": [:]]])
    }

    @Test func a11IgnoringUnrecognizedElements() throws {
        let result = try apply([["op": "add", "path": "/baz", "value": "qux", "xyz": 123]], to: ["foo": "bar"])
        #expect(result == ["foo": "bar", "baz": "qux"])
    }

    @Test func a12AddingToANonexistentTarget() {
        let error = #expect(throws: PatchError.self) {
            try apply([["op": "add", "path": "/baz/bat", "value": "qux"]], to: ["foo": "bar"])
        }
        #expect(error?.kind == .pathNotFound)
    }

    // A.13 (a duplicated "op" member) is a JSON text problem that cannot occur in a JSONValue.

    @Test func a14EscapeOrdering() throws {
        let document: JSONValue = ["/": 9, "~1": 10]
        #expect(try apply([["op": "test", "path": "/~01", "value": 10]], to: document) == document)
    }

    @Test func a15ComparingStringsAndNumbers() {
        let error = #expect(throws: PatchError.self) {
            try apply([["op": "test", "path": "/~01", "value": "10"]], to: ["/": 9, "~1": 10])
        }
        #expect(error?.kind == .testFailed)
    }

    @Test func a16AddingAnArrayValue() throws {
        let result = try apply([["op": "add", "path": "/foo/-", "value": ["abc", "def"]]], to: ["foo": ["bar"]])
        #expect(result == ["foo": ["bar", ["abc", "def"]]])
    }

    // MARK: Errors and atomicity

    @Test func errorsNameTheOperationAndPath() {
        let error = #expect(throws: PatchError.self) {
            try apply(
                [
                    ["op": "add", "path": "/spec", "value": [:]],
                    ["op": "test", "path": "/spec", "value": [:]],
                    ["op": "replace", "path": "/spec/x", "value": 1],
                ], to: [:])
        }
        #expect(error?.description == "operation 2 (replace /spec/x): path not found")
        #expect(error?.operationIndex == 2)
        #expect(error?.operation == "replace")
        #expect(error?.path == "/spec/x")
        #expect(error?.kind == .pathNotFound)
    }

    @Test func moveAndCopyErrorsNameTheSource() {
        let move = #expect(throws: PatchError.self) {
            try apply([["op": "move", "from": "/x", "path": "/y"]], to: ["a": 1])
        }
        #expect(move?.description == "operation 0 (move /y): from /x: path not found")
        let copy = #expect(throws: PatchError.self) {
            try apply([["op": "copy", "from": "/a/0", "path": "/b"]], to: ["a": []])
        }
        #expect(copy?.description.hasPrefix("operation 0 (copy /b): from /a/0: path not found") == true)
    }

    @Test func parseErrorsNameTheOperation() {
        let error = #expect(throws: PatchError.self) {
            try JSONPatch([["op": "add", "path": "/a", "value": 1], ["op": "frobnicate", "path": "/b"]])
        }
        #expect(error?.description == "operation 1 (/b): unknown operation \"frobnicate\"")
        #expect(error?.kind == .invalidPatch)
    }

    @Test func pointerErrorsCarryTheRawPath() {
        let error = #expect(throws: PatchError.self) {
            try JSONPatch([["op": "remove", "path": "/a~9"]])
        }
        #expect(error?.kind == .invalidPointer)
        #expect(error?.description.hasPrefix("operation 0 (remove /a~9): ") == true)
    }

    @Test func failedPatchLeavesTheInputUnchanged() throws {
        let document: JSONValue = ["a": [1, 2], "b": "x"]
        let patch = try JSONPatch([
            ["op": "remove", "path": "/a/0"],
            ["op": "add", "path": "/c", "value": true],
            ["op": "test", "path": "/b", "value": "y"],
        ])
        #expect(patch.count == 3)
        var copy = document
        #expect(throws: PatchError.self) { copy = try patch.apply(to: copy) }
        #expect(copy == document)
    }

    @Test func patchValueIsReusable() throws {
        let patch = try JSONPatch([["op": "add", "path": "/n/-", "value": 1]])
        let once = try patch.apply(to: ["n": []])
        let twice = try patch.apply(to: once)
        #expect(twice == ["n": [1, 1]])
    }

    @Test func addKeepsMemberOrder() throws {
        let result = try apply([["op": "add", "path": "/b", "value": 2], ["op": "replace", "path": "/a", "value": 0]], to: ["a": 1])
        #expect(result.objectValue?.keys.elementsEqual(["a", "b"]) == true)
    }

    // MARK: Fixture cases

    struct Case: Sendable, CustomTestStringConvertible {
        let comment: String
        let document: JSONValue
        let patch: JSONValue
        let expected: JSONValue?
        let error: String?
        var testDescription: String { comment }
    }

    static func fixtureCases() throws -> [Case] {
        guard case .array(let cases) = try PatchJSON.fixture("json-patch-cases.json") else { return [] }
        return cases.map { entry in
            Case(
                comment: entry["comment"]?.stringValue ?? "?", document: entry["doc"] ?? .null,
                patch: entry["patch"] ?? .null, expected: entry["expected"], error: entry["error"]?.stringValue)
        }
    }

    @Test func fixtureFileIsNotEmpty() throws {
        #expect(try Self.fixtureCases().count > 50)
    }

    @Test(arguments: try fixtureCases())
    func fixture(_ testCase: Case) {
        do {
            let result = try apply(testCase.patch, to: testCase.document)
            if let expected = testCase.expected {
                #expect(result == expected)
            } else {
                Issue.record("expected an error containing \(testCase.error ?? "?"), got \(result)")
            }
        } catch {
            if let expected = testCase.error {
                #expect(error.description.contains(expected), "\(error.description)")
            } else {
                Issue.record("unexpected error: \(error)")
            }
        }
    }
}
