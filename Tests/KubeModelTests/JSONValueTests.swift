import KubeModel
import Testing

struct JSONValueTests {
    @Test func objectKeepsInsertionOrderButComparesSemantically() {
        let a: JSONValue = ["b": 1, "a": [true, nil, "x"]]
        let b: JSONValue = ["a": [true, nil, "x"], "b": 1.0]
        #expect(a.objectValue?.keys.elementsEqual(["b", "a"]) == true)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != ["a": [true, nil, "x"], "b": 2])
        #expect(JSONValue.int(1) != .string("1"))
    }

    @Test func accessorsFollowPaths() {
        var object: JSONValue = ["metadata": ["name": "demo", "labels": ["app": "web"]], "items": [1, 2.5]]
        #expect(object[path: "metadata", "labels", "app"]?.stringValue == "web")
        #expect(object["items"]?[1]?.doubleValue == 2.5)
        #expect(object["items"]?[2] == nil)
        #expect(object["missing"] == nil)
        #expect(JSONValue.double(3).intValue == 3)
        #expect(JSONValue.double(3.5).intValue == nil)
        object["kind"] = "ConfigMap"
        #expect(object.objectValue?.keys.last == "kind")
    }
}
