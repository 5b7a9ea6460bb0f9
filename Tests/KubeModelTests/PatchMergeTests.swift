import KubeModel
import Testing

struct PatchMergeTests {
    struct Example: Sendable, CustomTestStringConvertible {
        let original: JSONValue
        let patch: JSONValue
        let result: JSONValue
        var testDescription: String { "\(original) + \(patch)" }
    }

    /// RFC 7386 Appendix A, every row.
    static let appendixA: [Example] = [
        Example(original: ["a": "b"], patch: ["a": "c"], result: ["a": "c"]),
        Example(original: ["a": "b"], patch: ["b": "c"], result: ["a": "b", "b": "c"]),
        Example(original: ["a": "b"], patch: ["a": nil], result: [:]),
        Example(original: ["a": "b", "b": "c"], patch: ["a": nil], result: ["b": "c"]),
        Example(original: ["a": ["b"]], patch: ["a": "c"], result: ["a": "c"]),
        Example(original: ["a": "c"], patch: ["a": ["b"]], result: ["a": ["b"]]),
        Example(original: ["a": ["b": "c"]], patch: ["a": ["b": "d", "c": nil]], result: ["a": ["b": "d"]]),
        Example(original: ["a": [["b": "c"]]], patch: ["a": [1]], result: ["a": [1]]),
        Example(original: ["a", "b"], patch: ["c", "d"], result: ["c", "d"]),
        Example(original: ["a": "b"], patch: ["c"], result: ["c"]),
        Example(original: ["a": "foo"], patch: nil, result: nil),
        Example(original: ["a": "foo"], patch: "bar", result: "bar"),
        Example(original: ["e": nil], patch: ["a": 1], result: ["e": nil, "a": 1]),
        Example(original: [1, 2], patch: ["a": "b", "c": nil], result: ["a": "b"]),
        Example(original: [:], patch: ["a": ["bb": ["ccc": nil]]], result: ["a": ["bb": [:]]]),
    ]

    @Test(arguments: appendixA)
    func rfc7386AppendixA(_ example: Example) {
        #expect(JSONMergePatch.apply(example.patch, to: example.original) == example.result)
    }

    @Test func rfc7386Section3Example() {
        let target: JSONValue = [
            "title": "Goodbye!",
            "author": ["givenName": "John", "familyName": "Doe"],
            "tags": ["example", "sample"],
            "content": "This will be unchanged",
        ]
        let patch: JSONValue = [
            "title": "Hello!",
            "phoneNumber": "+01-123-456-7890",
            "author": ["familyName": nil],
            "tags": ["example"],
        ]
        let expected: JSONValue = [
            "title": "Hello!",
            "author": ["givenName": "John"],
            "tags": ["example"],
            "content": "This will be unchanged",
            "phoneNumber": "+01-123-456-7890",
        ]
        let result = JSONMergePatch.apply(patch, to: target)
        #expect(result == expected)
        // Existing members keep their place, new ones follow in patch order.
        #expect(result.objectValue?.keys.elementsEqual(["title", "author", "tags", "content", "phoneNumber"]) == true)
    }

    @Test func applyDoesNotTouchUnmentionedMembersDeeply() {
        let target: JSONValue = ["spec": ["replicas": 1, "template": ["labels": ["a": "1"]]]]
        let result = JSONMergePatch.apply(["spec": ["template": ["labels": ["b": "2"]]]], to: target)
        #expect(result == ["spec": ["replicas": 1, "template": ["labels": ["a": "1", "b": "2"]]]])
    }

    @Test func diffOfAppendixARoundTrips() {
        for example in Self.appendixA {
            let patch = JSONMergePatch.diff(from: example.original, to: example.result)
            #expect(JSONMergePatch.apply(patch, to: example.original) == example.result, "\(example.testDescription)")
        }
    }

    @Test func diffIsMinimal() {
        let from: JSONValue = ["a": 1, "b": ["c": 2, "d": [1, 2]], "e": "x", "same": ["k": "v"]]
        let to: JSONValue = ["a": 1, "b": ["c": 3, "d": [1, 2, 3]], "f": true, "same": ["k": "v"]]
        let patch = JSONMergePatch.diff(from: from, to: to)
        #expect(patch == ["b": ["c": 3, "d": [1, 2, 3]], "e": nil, "f": true])
        #expect(JSONMergePatch.apply(patch, to: from) == to)
    }

    @Test func diffOfEqualDocumentsIsEmpty() {
        let document: JSONValue = ["a": ["b": [1, 2.5, "x", nil]], "n": 1]
        #expect(JSONMergePatch.diff(from: document, to: ["n": 1.0, "a": ["b": [1, 2.5, "x", nil]]]) == [:])
    }

    @Test func diffReplacesNonObjects() {
        #expect(JSONMergePatch.diff(from: ["a": 1], to: [1, 2]) == [1, 2])
        #expect(JSONMergePatch.diff(from: "x", to: ["a": 1]) == ["a": 1])
        #expect(JSONMergePatch.diff(from: ["a": ["b": 1]], to: ["a": "flat"]) == ["a": "flat"])
        #expect(JSONMergePatch.diff(from: ["a": "flat"], to: ["a": ["b": 1]]) == ["a": ["b": 1]])
    }
}
