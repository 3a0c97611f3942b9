import AttacheModel
import Testing
@testable import AttacheConfig

/// The located-YAML helpers other loaders (policies) reuse.
@Suite struct YAMLReadingTests {
    func parse(_ text: String) throws -> YAMLNode {
        let node = try YAMLDocument.parse(text, file: "p.yaml")
        return try #require(node)
    }

    @Test func nodesKeepTheirLocation() throws {
        let root = try parse("rules:\n  - name: big\n    size: [1, 2]\n")
        let rules = try root.mapping("the policy", allowedKeys: ["rules"])
        let list = try #require(rules.value("rules")).sequence("'rules'")
        #expect(list[0].location == YAMLLocation(file: "p.yaml", line: 2, column: 5))
        let rule = try list[0].mapping("a rule", allowedKeys: ["name", "size"])
        #expect(rule.entry("size")?.keyLocation.description == "p.yaml:3:5")
        let sizes = try #require(rule.value("size")).sequence("'size'")
        #expect(sizes.map(\.location.column) == [12, 15])
    }

    @Test func scalarKinds() throws {
        let root = try parse("a: 1\nb: '1'\nc: yes\nd: 1.5\ne: ~\nf: text\ng: 0x1F\n")
        guard case .mapping(let entries) = root.content else { Issue.record("not a mapping"); return }
        let kinds = entries.map { entry -> YAMLScalar.Kind? in
            if case .scalar(let s) = entry.value.content { return s.kind }
            return nil
        }
        #expect(kinds == [.int(1), .string, .bool(true), .float(1.5), .null, .string, .int(31)])
    }

    @Test func typedReadsReportWhatTheyFound() throws {
        let m = try parse("n: 12\nb: maybe\nl: [a]\ns: x\n").mapping("the file")
        #expect(try m.value("n")?.int("'n'") == 12)
        #expect(try m.value("n")?.string("'n'") == "12")
        #expect(throws: YAMLDiagnostic(.schema, at: YAMLLocation(file: "p.yaml", line: 2, column: 4),
                                       "expected true or false for 'b', found 'maybe'")) {
            try m.value("b")?.bool("'b'")
        }
        #expect(throws: YAMLDiagnostic(.schema, at: YAMLLocation(file: "p.yaml", line: 3, column: 4),
                                       "expected a whole number for 'l', found a list")) {
            try m.value("l")?.int("'l'")
        }
        #expect(try m.value("s")?.stringOrList("'s'") == ["x"])
        #expect(try m.value("l")?.stringOrList("'l'") == ["a"])
    }

    @Test func requireReportsAbsentKeysAtTheMappingAndEmptyOnesAtTheKey() throws {
        let m = try parse("# header\nrules:\n  x: 1\n  limit:\n").mapping("the policy")
        let rules = try #require(m.value("rules")).mapping("'rules'")
        #expect(throws: YAMLDiagnostic(.schema, at: YAMLLocation(file: "p.yaml", line: 3, column: 3),
                                       "missing key 'quota' in 'rules': expected a size")) {
            try rules.require("quota", expected: "a size")
        }
        #expect(throws: YAMLDiagnostic(.schema, at: YAMLLocation(file: "p.yaml", line: 4, column: 3),
                                       "'limit' has no value in 'rules': expected a size")) {
            try rules.require("limit", expected: "a size")
        }
        #expect(rules.has("x") && !rules.has("limit") && !rules.has("quota"))
    }

    @Test func emptyDocumentIsNil() throws {
        #expect(try YAMLDocument.parse("# nothing\n", file: "p.yaml") == nil)
        #expect(try YAMLDocument.parse(bytes: [], file: "p.yaml") == nil)
    }

    @Test func syntaxErrorsAreDiagnostics() {
        #expect(throws: YAMLDiagnostic(.syntax, at: YAMLLocation(file: "p.yaml", line: 2, column: 1),
                                       "a tab cannot indent YAML; indent with spaces")) {
            try YAMLDocument.parse("a:\n\tb: 1\n", file: "p.yaml")
        }
    }

    @Test func diagnosticDescription() {
        let d = YAMLDiagnostic(.schema, at: YAMLLocation(file: "policies/cloud.yaml", line: 7, column: 3), "bad")
        #expect(d.description == "policies/cloud.yaml:7:3: error: bad")
    }

    @Test(arguments: [
        ("rots", "roots"), ("ROOTS", "roots"), ("rootss", "roots"), ("catalogue", "catalog"),
        ("case", "case_insensitive"), ("aliases_list", "aliases"), ("ke", "key"),
    ])
    func suggestions(key: String, expected: String) {
        let allowed = ["version", "catalog", "roots", "aliases", "case_insensitive", "key"]
        #expect(KeySuggestion.closest(to: key, among: allowed) == expected)
    }

    @Test(arguments: ["x", "zz", "frobnicate", "ca"])
    func noSuggestionForUnrelatedKeys(key: String) {
        #expect(KeySuggestion.closest(to: key, among: ["version", "catalog", "roots", "key"]) == nil)
    }

    @Test func editDistance() {
        #expect(AttacheModel.editDistance(Array("kitten"), Array("sitting")) == 3)
        #expect(AttacheModel.editDistance(Array(""), Array("abc")) == 3)
        #expect(AttacheModel.editDistance(Array("roots"), Array("roots")) == 0)
    }

    @Test func mergeKeysKeepOwnKeysFirst() throws {
        let root = try parse("base: &b {x: 1, y: 2}\nitem:\n  <<: *b\n  y: 3\n")
        let item = try #require(try root.mapping("f").value("item")).mapping("item")
        #expect(item.entries.map(\.key) == ["y", "x"])
        #expect(try item.value("y")?.int("y") == 3)
        #expect(item.entry("x")?.keyLocation == YAMLLocation(file: "p.yaml", line: 1, column: 11))
    }
}

@Suite struct ManifestErrorTests {
    @Test func descriptionWithAndWithoutPlace() {
        #expect(ManifestError(kind: .schema, file: "attache.yaml", line: 12, column: 5, message: "m").description
            == "attache.yaml:12:5: error: m")
        #expect(ManifestError(kind: .schema, file: "attache.yaml", line: 12, message: "m").description == "attache.yaml:12: error: m")
        #expect(ManifestError(kind: .notFound, file: "attache.yaml", message: "m").description == "attache.yaml: error: m")
    }

    @Test func fromDiagnosticKeepsKindAndPlace() {
        let e = ManifestError(YAMLDiagnostic(.syntax, at: YAMLLocation(file: "a.yaml", line: 3, column: 4), "bad"))
        #expect(e == ManifestError(kind: .syntax, file: "a.yaml", line: 3, column: 4, message: "bad"))
    }

    /// Found by the manifest fuzzer: a YAML 1.1 sexagesimal int too large for Int crashed the
    /// loader (Yams multiplies with trapping arithmetic). Now it is text, so the manifest gets
    /// an ordinary error; one that fits is still the number it was.
    @Test func aSexagesimalIntTooLargeIsTextNotACrash() throws {
        #expect(throws: ManifestError.self) {
            try ManifestLoader.parse(yaml: "version: 9999999999:59:59:59:59:59:59:59\nroots: []\n", file: "/m/attache.yaml")
        }
        #expect(NodeConversion.sexagesimal("1:30") == 90 && NodeConversion.sexagesimal("-1_0:00") == -600)
        #expect(NodeConversion.sexagesimal("9999999999:59:59:59:59:59:59:59") == nil)
    }
}
