import Foundation
import KubeModel
import Testing

private struct Inner: Codable, Equatable {
    var count: Int
    var ratio: Double?
    var small: Int32?
    var flag: Bool?
}

private struct Outer: Codable, Equatable {
    var name: String
    var items: [Inner]
    var map: [String: String]?
    var raw: JSONValue?
}

private struct Open: Codable, Equatable, IgnoresUnknownFields {
    var keep: String?
}

private struct Holder: Codable, Equatable {
    var open: Open
    var strict: Inner
}

/// Uses nested and super containers, which synthesized conformances never do.
private struct Manual: Codable, Equatable {
    var a: Int
    var list: [String]
    var parentValue: String

    enum Keys: String, CodingKey { case a, nested, list, parent }
    enum NestedKeys: String, CodingKey { case a }

    init(a: Int, list: [String], parentValue: String) {
        self.a = a
        self.list = list
        self.parentValue = parentValue
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        a = try container.nestedContainer(keyedBy: NestedKeys.self, forKey: .nested).decode(Int.self, forKey: .a)
        var unkeyed = try container.nestedUnkeyedContainer(forKey: .list)
        var list: [String] = []
        while !unkeyed.isAtEnd { list.append(try unkeyed.decode(String.self)) }
        self.list = list
        parentValue = try container.superDecoder(forKey: .parent).singleValueContainer().decode(String.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        var nested = container.nestedContainer(keyedBy: NestedKeys.self, forKey: .nested)
        try nested.encode(a, forKey: .a)
        var unkeyed = container.nestedUnkeyedContainer(forKey: .list)
        for item in list { try unkeyed.encode(item) }
        var parent = container.superEncoder(forKey: .parent).singleValueContainer()
        try parent.encode(parentValue)
    }
}

struct JSONValueCodingTests {
    let decoder = JSONValueDecoder()
    let encoder = JSONValueEncoder()

    @Test func roundTripsAndOmitsNil() throws {
        let value: JSONValue = ["name": "n", "items": [["count": 1, "ratio": 0.5], ["count": 2, "flag": true]], "raw": ["x": [1, nil]]]
        let decoded = try decoder.decode(Outer.self, from: value)
        #expect(decoded.items[1].flag == true)
        #expect(decoded.raw == ["x": [1, nil]])
        #expect(try encoder.encode(decoded) == value)
    }

    @Test func numbersFollowTheAPIServer() throws {
        #expect(try decoder.decode(Inner.self, from: ["count": 3.0, "ratio": 2]).count == 3)
        #expect(try decoder.decode(Inner.self, from: ["count": 3.0, "ratio": 2]).ratio == 2.0)
        #expect(throws: DecodingError.self) { try decoder.decode(Inner.self, from: ["count": "3"]) }
        #expect(throws: DecodingError.self) { try decoder.decode(Inner.self, from: ["count": 3.5]) }
        #expect(throws: DecodingError.self) { try decoder.decode(Inner.self, from: ["count": 1, "small": 3_000_000_000]) }
        #expect(throws: DecodingError.self) { try decoder.decode(Inner.self, from: ["count": 1, "flag": 1]) }
        #expect(try decoder.decode(UInt8.self, from: 255) == 255)
        #expect(throws: DecodingError.self) { try decoder.decode(UInt8.self, from: 256) }
        #expect(try decoder.decode(Float.self, from: 1.5) == 1.5)
        #expect(try encoder.encode(UInt64.max) == .double(Double(UInt64.max)))
        #expect(try encoder.encode(Int16(-4)) == .int(-4))
    }

    @Test func errorPathsArePrecise() {
        let value: JSONValue = ["name": "n", "items": [["count": 1], ["count": "x"]]]
        do {
            _ = try decoder.decode(Outer.self, from: value)
            Issue.record("decoded")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(FieldPath(codingPath: context.codingPath).description == "items[1].count")
            #expect(context.debugDescription == "expected integer, got string")
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try decoder.decode(Outer.self, from: ["name": "n", "items": [[:]]])
            Issue.record("decoded")
        } catch let DecodingError.keyNotFound(key, context) {
            #expect(FieldPath(codingPath: context.codingPath + [key]).description == "items[0].count")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func unknownFieldsAreReportedExceptUnderOpenTypes() throws {
        let value: JSONValue = [
            "open": ["keep": "k", "extra": 1, "deep": ["x": 1]],
            "strict": ["count": 1, "bogus": true, "ratio": nil],
            "top": "level",
        ]
        let (decoded, unknown) = try decoder.decodeReportingUnknownFields(Holder.self, from: value)
        #expect(decoded.open.keep == "k")
        #expect(unknown.map(\.description) == ["strict.bogus", "top"])
    }

    @Test func collectingDecodeContinuesPastOptionalMembers() {
        let value: JSONValue = ["name": "n", "items": [["count": 1, "ratio": "x", "flag": 2, "extra": 0]], "map": ["k": 1]]
        let (decoded, errors, unknown) = decoder.decodeCollectingErrors(Outer.self, from: value)
        #expect(decoded?.items.first?.count == 1)
        #expect(decoded?.items.first?.ratio == nil)
        #expect(decoded?.map == nil)
        #expect(errors.count == 3)
        #expect(unknown.map(\.description) == ["items[0].extra"])
        let failed = decoder.decodeCollectingErrors(Outer.self, from: ["items": [["count": "x", "flag": 2]]])
        #expect(failed.value == nil)
        #expect(failed.errors.count == 1)
        #expect(failed.unknownFields.isEmpty)
    }

    @Test func nestedAndSuperContainers() throws {
        let manual = Manual(a: 7, list: ["x", "y"], parentValue: "p")
        let encoded = try encoder.encode(manual)
        #expect(encoded == ["nested": ["a": 7], "list": ["x", "y"], "parent": "p"])
        let (decoded, unknown) = try decoder.decodeReportingUnknownFields(Manual.self, from: encoded)
        #expect(decoded == manual)
        #expect(unknown.isEmpty)
    }

    @Test func dictionaryKeysAreSorted() throws {
        let map = ["zeta": 1, "alpha": 2, "Mid": 3, "beta": 4]
        guard case .object(let object) = try encoder.encode(map) else {
            Issue.record("not an object")
            return
        }
        #expect(Array(object.keys) == ["Mid", "alpha", "beta", "zeta"])
        let selector = LabelSelector(matchLabels: ["b": "2", "a": "1", "c": "3"])
        #expect(try encoder.encode(selector)["matchLabels"]?.objectValue.map { Array($0.keys) } == ["a", "b", "c"])
    }

    @Test func userInfoReachesTheTypes() throws {
        struct Probe: Decodable {
            let seen: String?
            init(from decoder: any Decoder) throws {
                seen = decoder.userInfo[CodingUserInfoKey(rawValue: "probe")!] as? String
            }
        }
        var decoder = JSONValueDecoder()
        decoder.userInfo[CodingUserInfoKey(rawValue: "probe")!] = "hello"
        #expect(try decoder.decode([Probe].self, from: [[:]]).first?.seen == "hello")
    }

    @Test func jsonValueInteroperatesWithFoundationCoders() throws {
        let value: JSONValue = ["a": [1, 2.5, "s", true, nil], "b": ["c": "d"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    @Test func fieldPathRendering() {
        let path = FieldPath("spec").child("stages").index(1).child("actions").child("pre").index(0)
        #expect(path.description == "spec.stages[1].actions.pre[0]")
        #expect(FieldPath("metadata").child("labels").child("app.kubernetes.io/name").description
            == "metadata.labels[app.kubernetes.io/name]")
        #expect(FieldPath.root.description == "")
        #expect(FieldPath("a").appending(FieldPath([.index(2)])).description == "a[2]")
    }
}
