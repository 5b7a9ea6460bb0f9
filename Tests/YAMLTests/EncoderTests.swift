import KubeModel
import Testing
import YAML

/// The encoder writes what kubectl and kustomize write: block style, 2-space indentation,
/// sequences flush under their key, `{}`/`[]` for empty collections, quotes only where needed.
struct EncoderTests {
    @Test func blockLayoutLikeKubectl() {
        let value: JSONValue = [
            "apiVersion": "v1", "kind": "List",
            "items": [["name": "a", "ports": [80, 443]], ["name": "b", "empty": [:], "none": []]],
            "meta": ["labels": ["app": "web"]],
        ]
        #expect(
            YAML.encode(value) == """
                apiVersion: v1
                kind: List
                items:
                - name: a
                  ports:
                  - 80
                  - 443
                - name: b
                  empty: {}
                  none: []
                meta:
                  labels:
                    app: web

                """)
    }

    @Test func quotesExactlyWhenNeeded() {
        let value: JSONValue = [
            "bool": "on", "number": "123", "float": "1e3", "null": "null", "tilde": "~", "empty": "", "date": "2001-12-14",
            "base60": "1:20", "lead": " x", "colon": "a: b", "hash": "#c", "dash": "-x", "plain": "hello world",
            "url": "http://example.com/a?b=c", "version": "v1.2.3", "star": "*x", "merge": "<<",
        ]
        #expect(
            YAML.encode(value) == """
                bool: "on"
                number: "123"
                float: "1e3"
                "null": "null"
                tilde: "~"
                empty: ""
                date: "2001-12-14"
                base60: "1:20"
                lead: ' x'
                colon: 'a: b'
                hash: '#c'
                dash: -x
                plain: hello world
                url: http://example.com/a?b=c
                version: v1.2.3
                star: '*x'
                merge: "<<"

                """)
    }

    @Test func multiLineStringsAsLiteralBlocks() {
        #expect(YAML.encode(["s": "a\nb\n"]) == "s: |\n  a\n  b\n")
        #expect(YAML.encode(["s": "a\nb"]) == "s: |-\n  a\n  b\n")
        #expect(YAML.encode(["s": "  indented\nx\n"]) == "s: |2\n    indented\n  x\n")
        // Trailing spaces cannot survive a block scalar: libyaml falls back to quoting.
        #expect(YAML.encode(["s": "a \nb"]) == "s: \"a \\nb\"\n")
    }

    @Test func numbersReadBackAsNumbers() {
        #expect(YAML.encode(["i": 42, "d": 1.5, "whole": .double(1000), "tiny": 1e-7, "huge": 1e300]) == """
            i: 42
            d: 1.5
            whole: 1000
            tiny: 1e-07
            huge: 1e+300

            """)
        #expect(YAML.encode(["nan": .double(.nan), "inf": .double(-.infinity)]) == "nan: .nan\ninf: -.inf\n")
    }

    @Test func documentsSeparatedByMarkers() {
        #expect(YAML.encodeAll([["a": 1], ["b": [2]]]) == "a: 1\n---\nb:\n- 2\n")
        #expect(YAML.encodeAll([]) == "")
    }

    @Test func unicodeStaysReadable() {
        #expect(YAML.encode(["greeting": "héllo 東京"]) == "greeting: héllo 東京\n")
        // libyaml, like go-yaml v2 (kubectl prints the same), escapes characters beyond the BMP.
        #expect(YAML.encode(["party": "🎉"]) == "party: \"\\U0001F389\"\n")
    }
}
