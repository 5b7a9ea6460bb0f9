import Foundation
import KubeModel
import Testing

@Suite("Label and field selectors")
struct LabelSelectorTests {
    static let nameRegexMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let valueRegexMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    // MARK: Parsing

    static let canonicalCases: [(String, String)] = [
        ("", ""),
        ("a=b", "a=b"),
        ("a==b", "a==b"),
        ("a!=b", "a!=b"),
        (" a = b ", "a=b"),
        ("a=", "a="),
        ("a", "a"),
        ("!a", "!a"),
        ("b,!a", "!a,b"),
        ("x in (foo,,baz),y,z notin ()", "x in (,baz,foo),y,z notin ()"),
        ("a in (y, x, y)", "a in (x,y)"),
        ("a in (,)", "a in ()"),
        ("a in (x,)", "a in (,x)"),
        ("a in (x)", "a in (x)"),
        ("in in (in),notin notin (notin)", "in in (in),notin notin (notin)"),
        ("env in (prod,stage),tier!=db,!canary,release", "!canary,env in (prod,stage),release,tier!=db"),
        ("a>1,b<10", "a>1,b<10"),
        ("example.com/app=web", "example.com/app=web"),
        ("b=1,a=2,b!=3", "a=2,b=1,b!=3"),
        ("a=b,\n\tb=c\r", "a=b,b=c"),
    ]

    @Test(arguments: canonicalCases)
    func parsesAndRendersAsApimachinery(text: String, rendered: String) throws {
        let selector = try Labels.Selector(parsing: text)
        #expect(selector.description == rendered)
        // The rendering parses back to the same selector.
        #expect(try Labels.Selector(parsing: rendered) == selector)
    }

    static let errorCases: [(String, String)] = [
        ("a=b,", "found '', expected: identifier after ','"),
        ("=a", "found '=', expected: !, identifier, or 'end of string'"),
        (",a", "found ',', expected: !, identifier, or 'end of string'"),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        ("a in b", "unable to parse requirement: found 'b' expected: '('"),
        ("a in (b", "unable to parse requirement: found '', expected: ',' or ')'"),
        ("a in (b c)", "unable to parse requirement: found 'c', expected: ',' or ')'"),
        ("a in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("a in (b,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("!a=b", "found '=', expected: ',' or 'end of string'"),
        ("a=b=c", "found '=', expected: ',' or 'end of string'"),
        ("a=b c", "found 'c', expected: ',' or 'end of string'"),
        ("a!b", "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"),
        ("a=>b", "unable to parse requirement: found '>', expected: identifier"),
        ("a===b", "unable to parse requirement: found '=', expected: identifier"),
        ("!", "unable to parse requirement: found '', expected: identifier"),
        ("!!a", "unable to parse requirement: found '!', expected: identifier"),
        ("-a=b", "unable to parse requirement: <nil>: Invalid value: \"-a\": name part \(nameRegexMessage)"),
        ("/a=b", "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"),
        (
            "a/=b",
            "unable to parse requirement: <nil>: Invalid value: \"a/\": name part must be non-empty; name part \(nameRegexMessage)"
        ),
        (
            "a/b/c=d",
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name \(nameRegexMessage) with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ),
        (
            "Example.com/a=b",
            "unable to parse requirement: <nil>: Invalid value: \"Example.com/a\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        ),
        (
            String(repeating: "k", count: 64) + "=v",
            "unable to parse requirement: <nil>: Invalid value: \"\(String(repeating: "k", count: 64))\": name part must be no more than 63 characters"
        ),
        // Messages seen verbatim from API servers.
        ("app:monolith", "unable to parse requirement: <nil>: Invalid value: \"app:monolith\": name part \(nameRegexMessage)"),
        ("app: nginx", "unable to parse requirement: <nil>: Invalid value: \"app:\": name part \(nameRegexMessage)"),
        ("a=-b", "unable to parse requirement: values[0][a]: Invalid value: \"-b\": \(valueRegexMessage)"),
        (
            "a=" + String(repeating: "v", count: 64),
            "unable to parse requirement: values[0][a]: Invalid value: \"\(String(repeating: "v", count: 64))\": must be no more than 63 characters"
        ),
        ("a>b", "unable to parse requirement: values[0]: Invalid value: \"b\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("a>-5", "unable to parse requirement: values[0][a]: Invalid value: \"-5\": \(valueRegexMessage)"),
        ("a=é", "unable to parse requirement: values[0][a]: Invalid value: \"é\": \(valueRegexMessage)"),
    ]

    @Test(arguments: errorCases)
    func rejectsAsApimachinery(text: String, message: String) throws {
        let error = try #require(throws: SelectorError.self) { try Labels.Selector(parsing: text) }
        #expect(error.description == message)
    }

    @Test func nulByteEndsInputLikeGo() throws {
        #expect(try Labels.Selector(parsing: "a=b\u{0}").description == "a=b")
        // Go's symbol scanner swallows a NUL right after an operator; the lexer proper stops at one.
        #expect(try Labels.Selector(parsing: "a=b,\u{0}c").description == "a=b,c")
        #expect(throws: SelectorError.self) { try Labels.Selector(parsing: "a=b, \u{0}c") }
    }

    // MARK: Matching

    @Test func matchesLabelMaps() throws {
        func matches(_ selector: String, _ labels: [String: String]) throws -> Bool {
            try Labels.Selector(parsing: selector).matches(labels)
        }
        #expect(try matches("", [:]))
        #expect(try matches("a=x", ["a": "x", "b": "y"]))
        #expect(try !matches("a=x", ["a": "y"]))
        #expect(try !matches("a=x", [:]))
        #expect(try matches("a in (x,y)", ["a": "y"]))
        #expect(try !matches("a in (x,y)", ["a": "z"]))
        #expect(try !matches("a in (x,y)", [:]))
        #expect(try matches("a notin (x)", [:]))
        #expect(try matches("a notin (x)", ["a": "y"]))
        #expect(try !matches("a notin (x)", ["a": "x"]))
        #expect(try matches("a!=x", [:]))
        #expect(try !matches("a!=x", ["a": "x"]))
        #expect(try matches("a", ["a": ""]))
        #expect(try !matches("a", [:]))
        #expect(try !matches("!a", ["a": ""]))
        #expect(try matches("!a", ["b": "1"]))
        #expect(try matches("a=", ["a": ""]))
        #expect(try matches("a in ()", ["a": ""]))
        #expect(try matches("a>5", ["a": "6"]))
        #expect(try !matches("a>5", ["a": "5"]))
        #expect(try !matches("a>5", ["a": "x"]))
        #expect(try !matches("a>5", [:]))
        #expect(try matches("a<5", ["a": "-1"]))
        #expect(try matches("a<5", ["a": "+4"]))
        #expect(try !matches("a<5", ["a": "99999999999999999999"]))
        #expect(try matches("a=x,b", ["a": "x", "b": "1"]))
        #expect(try !matches("a=x,b", ["a": "x"]))
    }

    @Test func selectorFromSet() throws {
        let selector = Labels.Selector(matching: ["b": "2", "a": "1"])
        #expect(selector.description == "a=1,b=2")
        #expect(selector.matches(["a": "1", "b": "2", "c": "3"]))
        #expect(Labels.Selector(matching: [:]).isEmpty)
        #expect(try Labels.Selector(validating: ["a": "1"]).description == "a=1")
        #expect(throws: SelectorError.self) { try Labels.Selector(validating: ["-a": "1"]) }
        #expect(selector.requiredValue(for: "a") == "1")
        #expect(selector.requiredValue(for: "z") == nil)
        #expect(try Labels.Selector(parsing: "a in (x,y)").requiredValue(for: "a") == nil)
        #expect(try Labels.Selector(parsing: "a notin (x)").requiredValue(for: "a") == nil)
    }

    @Test func requirementsValidateAsNewRequirement() throws {
        let requirement = try Labels.Requirement(key: "a", operator: .in, values: ["z", "y"])
        #expect(requirement.description == "a in (y,z)")
        #expect(requirement.values == ["z", "y"])
        let combined = Labels.Selector.everything.adding(requirement, try Labels.Requirement(key: "0", operator: .exists))
        #expect(combined.description == "0,a in (y,z)")
        #expect(Labels.Selector.nothing.adding(requirement) == .nothing)
        let cases: [(String, Labels.Operator, [String], String)] = [
            ("a", .in, [], "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"),
            ("a", .equals, ["x", "y"], #"values: Invalid value: []string{"x", "y"}: exact-match compatibility requires one single value"#),
            ("a", .exists, ["x"], #"values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist"#),
            ("a", .greaterThan, [], "values: Invalid value: []string{}: for 'Gt', 'Lt' operators, exactly one value is required"),
            (
                "-a", .notIn, [],
                "[key: Invalid value: \"-a\": name part \(Self.nameRegexMessage), values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty]"
            ),
        ]
        for (key, op, values, message) in cases {
            let error = try #require(throws: SelectorError.self) { try Labels.Requirement(key: key, operator: op, values: values) }
            #expect(error.description == message)
        }
    }

    // MARK: metav1.LabelSelector

    @Test func convertsAsLabelSelectorAsSelector() throws {
        #expect(try Labels.Selector(nil) == .nothing)
        #expect(try !Labels.Selector(nil).matches([:]))
        #expect(try Labels.Selector(LabelSelector()) == .everything)
        #expect(try LabelSelector().matches(["any": "thing"]))
        let selector = LabelSelector(
            matchLabels: ["b": "2", "a": "1"],
            matchExpressions: [
                .init(key: "c", operator: .in, values: ["z", "y"]),
                .init(key: "d", operator: .doesNotExist),
                .init(key: "a", operator: .exists),
            ])
        let converted = try selector.selector()
        #expect(converted.description == "a=1,a,b=2,c in (y,z),!d")
        #expect(converted.matches(["a": "1", "b": "2", "c": "y"]))
        #expect(!converted.matches(["a": "1", "b": "2", "c": "y", "d": ""]))
        #expect(try !selector.matches(["a": "1", "b": "2"]))
    }

    @Test func conversionErrorsAsApimachinery() throws {
        let cases: [(LabelSelector, String)] = [
            (
                LabelSelector(matchExpressions: [.init(key: "a", operator: .init(rawValue: "Foo"))]),
                #""Foo" is not a valid label selector operator"#
            ),
            (
                LabelSelector(matchExpressions: [.init(key: "a", operator: .init(rawValue: "in"), values: ["x"])]),
                #""in" is not a valid label selector operator"#
            ),
            (
                LabelSelector(matchExpressions: [.init(key: "a", operator: .in)]),
                "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"
            ),
            (
                LabelSelector(matchExpressions: [.init(key: "a", operator: .exists, values: ["x"])]),
                #"values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist"#
            ),
            (LabelSelector(matchLabels: ["a": "-"]), "values[0][a]: Invalid value: \"-\": \(Self.valueRegexMessage)"),
        ]
        for (selector, message) in cases {
            let error = try #require(throws: SelectorError.self) { try selector.selector() }
            #expect(error.description == message)
        }
    }

    @Test func labelSelectorJSONShape() throws {
        let text = #"{"matchLabels":{"app":"web","tier":"front"},"matchExpressions":[{"key":"env","operator":"NotIn","values":["dev"]},{"key":"canary","operator":"DoesNotExist"}]}"#
        let decoded = try JSONDecoder().decode(LabelSelector.self, from: Data(text.utf8))
        #expect(decoded.matchLabels == ["app": "web", "tier": "front"])
        #expect(decoded.matchExpressions == [.init(key: "env", operator: .notIn, values: ["dev"]), .init(key: "canary", operator: .doesNotExist)])
        #expect(JSON.encode(decoded.json) == text)
        #expect(LabelSelector(json: try JSON.decode(text)) == decoded)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try JSON.decode(encoder.encode(decoded)) == (try JSON.decode(text)))
        #expect(String(decoding: try JSONEncoder().encode(LabelSelector()), as: UTF8.self) == "{}")
        #expect(try JSONDecoder().decode(LabelSelector.self, from: Data("{}".utf8)) == LabelSelector())
        #expect(LabelSelector(json: "x") == nil)
    }

    // MARK: Field selectors

    @Test func fieldSelectorsParseRenderAndMatch() throws {
        let selector = try Fields.Selector(parsing: "metadata.namespace!=y,metadata.name==x")
        #expect(selector.description == "metadata.name=x,metadata.namespace!=y")
        var object = KubeObject(apiVersion: "v1", kind: "Pod", namespace: "z", name: "x")
        #expect(selector.matches(object))
        object.namespace = "y"
        #expect(!selector.matches(object))
        object.setValue(["phase": "Running"], at: ["status"])
        object.spec = ["replicas": 2, "paused": false]
        #expect(try Fields.Selector(parsing: "status.phase=Running").matches(object))
        #expect(try Fields.Selector(parsing: "spec.replicas=2,spec.paused=false").matches(object))
        #expect(try Fields.Selector(parsing: "spec.missing=").matches(object))
        #expect(try !Fields.Selector(parsing: "spec.missing!=").matches(object))
        #expect(try Fields.Selector(parsing: "").isEmpty)
        #expect(try Fields.Selector(parsing: ",,").isEmpty)
        #expect(try Fields.Selector(parsing: "").matches(object))
    }

    @Test func fieldSelectorEscapes() throws {
        let selector = try Fields.Selector(parsing: #"a=b\,c\=d\\e"#)
        #expect(selector.requirements == [Fields.Requirement(field: "a", value: #"b,c=d\e"#)])
        #expect(selector.description == #"a=b\,c\=d\\e"#)
        #expect(selector.matches { $0 == "a" ? #"b,c=d\e"# : "" })
        #expect(Fields.escape("x,y=z\\") == #"x\,y\=z\\"#)
    }

    @Test func fieldSelectorErrors() throws {
        let cases: [(String, String)] = [
            ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
            ("a=b,cd", "invalid selector: 'a=b,cd'; can't understand 'cd'"),
            ("a=b=c", "invalid field selector: unescaped character in value: ="),
            (#"a=b\x"#, #"invalid field selector: invalid escape sequence: \x"#),
            (#"a=b\"#, #"invalid field selector: invalid escape sequence: \"#),
        ]
        for (text, message) in cases {
            let error = try #require(throws: SelectorError.self) { try Fields.Selector(parsing: text) }
            #expect(error.description == message)
        }
    }
}
