import KubeModel
import Testing
import YAML

/// Streams, block scalars, anchors and merge keys, encodings.
struct StructureTests {
    @Test func skipsEmptyAndNullDocuments() throws {
        #expect(try YAML.decodeAll("") == [])
        #expect(try YAML.decodeAll("---\n---\n") == [])
        #expect(try YAML.decodeAll("# only a comment\n") == [])
        #expect(try YAML.decodeAll("---\n# comment\n---\nnull\n---\na: 1\n...\n---\n~\n") == [["a": 1]])
        #expect(try YAML.decodeAll("a: 1\n---\nb: 2\n") == [["a": 1], ["b": 2]])
        #expect(try YAML.decode("") == .null)
        #expect(try YAML.decode("---\n- 1\n") == [1])
    }

    @Test func decodeRejectsSeveralDocuments() throws {
        let failure = try #require(throws: YAMLError.self) { try YAML.decode("a: 1\n---\n---\nb: 2\n") }
        #expect(failure.document == 2)
        #expect(failure.line == 3)
        #expect(try YAML.decode("---\n---\nb: 2\n---\n") == ["b": 2])
    }

    @Test func acceptsByteOrderMarkAndCRLF() throws {
        #expect(try YAML.decodeAll("\u{FEFF}a: 1\n") == [["a": 1]])
        #expect(try YAML.decodeAll([0xEF, 0xBB, 0xBF] + Array("a: 1\n".utf8)) == [["a": 1]])
        let crlf = "a: 1\r\nb: |\r\n  x\r\n  y\r\nc: [1,\r\n  2]\r\n"
        #expect(try YAML.decode(crlf) == ["a": 1, "b": "x\ny\n", "c": [1, 2]])
        // UTF-16 with a byte order mark, as libyaml (and go-yaml) accept it.
        let utf16: [UInt8] = [0xFF, 0xFE] + "a: é\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try YAML.decodeAll(utf16) == [["a": "é"]])
    }

    @Test func acceptsAnyByteCollection() throws {
        let bytes = Array("a: [1, 2]\n".utf8)
        #expect(try YAML.decodeAll(bytes) == [["a": [1, 2]]])
        #expect(try YAML.decodeAll(bytes[...]) == [["a": [1, 2]]])
        // Not contiguous: copied first.
        #expect(try YAML.decodeAll(bytes.lazy.map { $0 }) == [["a": [1, 2]]])
    }

    @Test func blockScalars() throws {
        let text = """
            literal: |
              one
                two
            keep: |+
              kept

            strip: |-
              stripped
            folded: >
              a
              b

              c
            indented: |2
                four
              two
            foldedStrip: >-
              x
              y
            last: end
            """
        let value = try YAML.decode(text)
        #expect(value["literal"] == "one\n  two\n")
        #expect(value["keep"] == "kept\n\n")
        #expect(value["strip"] == "stripped")
        #expect(value["folded"] == "a b\nc\n")
        #expect(value["indented"] == "  four\ntwo\n")
        #expect(value["foldedStrip"] == "x y")
    }

    @Test func flowCollectionsAndQuoting() throws {
        let value = try YAML.decode("{a: [1, {b: c}], 'd': \"e\\tf\", g: [], h: {}, i: 'it''s'}")
        #expect(value == ["a": [1, ["b": "c"]], "d": "e\tf", "g": [], "h": [:], "i": "it's"])
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let text = """
            base: &base {x: 1, w: 2}
            copy: *base
            merged:
              <<: *base
              w: 3
            list:
              <<: [{x: 1}, {x: 2, z: 3}]
            late:
              x: 0
              <<: *base
            scalar: &s hello
            again: *s
            *s : keyed
            """
        let value = try YAML.decode(text)
        #expect(value["copy"] == ["x": 1, "w": 2])
        #expect(value["merged"] == ["x": 1, "w": 3])
        // Earlier merge sources win.
        #expect(value["list"] == ["x": 1, "z": 3])
        // go-yaml v2 applies the merge in place: it overrides keys set before it.
        #expect(value["late"] == ["x": 1, "w": 2])
        #expect(value["again"] == "hello")
        #expect(value["hello"] == "keyed")
    }

    @Test func mergeNeedsMappings() {
        #expect(throws: YAMLError.self) { try YAML.decode("a: &l [{x: 1}]\nb:\n  <<: *l\n") }
        #expect(throws: YAMLError.self) { try YAML.decode("b:\n  <<: 1\n") }
        #expect(throws: YAMLError.self) { try YAML.decode("b:\n  <<: [{x: 1}, [2]]\n") }
    }

    @Test func laterDuplicateKeyWins() throws {
        let value = try YAML.decode("a: 1\nb: 2\na: 3\n")
        #expect(value == ["a": 3, "b": 2])
        #expect(value.objectValue?.keys.elements == ["a", "b"])
    }

    @Test func keysKeepDocumentOrder() throws {
        let value = try YAML.decode("z: 1\na: 2\nm: 3\n")
        #expect(value.objectValue?.keys.elements == ["z", "a", "m"])
    }

    @Test func anchorsDoNotCrossDocuments() {
        #expect(throws: YAMLError.self) { try YAML.decodeAll("a: &x 1\n---\nb: *x\n") }
    }
}
