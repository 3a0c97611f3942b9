import Testing
@testable import AttacheConfig

/// YAML that does not parse: each error is located and worded for people, never a Yams dump.
@Suite struct SyntaxErrorTests {
    @Test func tabIndentation() {
        expectError("version: 1\nroots:\n\t- path: /a\n", .syntax, line: 3, column: 1, "a tab cannot indent YAML; indent with spaces")
    }

    @Test func unclosedQuoteIsReportedWhereItOpens() {
        expectError("version: 1\ncatalog: 'attache.db\nroots: []\n", .syntax, line: 2, column: 10,
                    "a quoted value opened here is never closed")
    }

    @Test func unclosedBracketNamesWhereTheListOpens() {
        expectError("version: 1\nexclude: ['*.tmp'\nroots: []\n", .syntax, line: 3, column: 1,
                    "the list opened with '[' at line 2, column 10 is not closed with ']'")
    }

    @Test func unclosedBraceNamesWhereTheMappingOpens() {
        expectError("version: 1\nroots: [{path: /a]\n", .syntax, line: 2, column: 18,
                    "the mapping opened with '{' at line 2, column 9 is not closed with '}'")
    }

    @Test func badIndentationInAMapping() {
        // Indented less than the root's keys, the line falls into the list of roots.
        expectError("version: 1\nroots:\n  - path: /a\n    aliases: []\n   case_insensitive: true\n", .syntax,
                    line: 5, column: 4, "expected a '- ' item of the list that starts at line 3, column 3; check the indentation")
    }

    @Test func badIndentationAtTheTopLevel() {
        expectError("version: 1\n catalog: x.db\n", .syntax, line: 2, column: 9, "found ': ' where it is not allowed")
    }

    @Test func colonSpaceInsideAPlainValue() {
        expectError("version: 1\ncatalog: a: b\n", .syntax, line: 2, column: 11, "put a value that contains ': ' in quotes")
    }

    @Test func textAfterAClosingQuote() {
        expectError("version: 1\ncatalog: 'a' b\n", .syntax, line: 2, column: 14, "expected a key of the mapping that starts at line 1, column 1")
    }

    @Test func valueStartingWithAReservedCharacter() {
        expectError("version: 1\ncatalog: @home\n", .syntax, line: 2, column: 10, "cannot start with '@'; put the value in quotes")
    }

    @Test func twoDocuments() {
        expectError("version: 1\n---\nversion: 1\n", .syntax, line: 2, column: 1, "more than one YAML document")
    }

    @Test func undefinedAlias() {
        expectError("version: 1\nroots: *nowhere\n", .syntax, line: 2, column: 8, "anchor")
    }

    @Test func unquotedGlobIsNotAnAlias() {
        expectError("version: 1\nexclude: [*.tmp]\n", .syntax, line: 2, column: 11,
                    "a value that starts with '*' must be put in quotes, e.g. '*.tmp'")
        expectError("version: 1\nexclude:\n  - **/.snapshot/**\n", .syntax, line: 3, column: 5, "must be put in quotes")
        expectError("version: 1\nexclude: [*tmp]\n", .syntax, line: 2, column: 11, "put a value that starts with '*' in quotes")
    }

    @Test func unknownEscapeKeepsLibyamlWording() {
        expectError("version: 1\ncatalog: \"a\\qb\"\n", .syntax, line: 2, column: 12, "invalid YAML: found unknown escape character",
                    "line 2, column 10")
    }

    @Test func controlCharacter() {
        expectError("version: 1\ncatalog: a\u{01}b\n", .syntax, line: 2, column: 11, "control character U+0001")
    }

    @Test func duplicateTopLevelKeyPointsAtTheRepetition() {
        let e = expectError("version: 1\nroots: [{path: /a}]\ncatalog: a.db\nroots: [{path: /b}]\n", .syntax, line: 4, column: 1,
                            "key 'roots' is given twice in the same mapping (first at line 2, column 1)")
        #expect(e?.description == "/srv/mig/attache.yaml:4:1: error: key 'roots' is given twice in the same mapping "
            + "(first at line 2, column 1); keep one")
    }

    @Test func duplicateKeyInsideAListItem() {
        expectError("version: 1\nroots:\n  - path: /a\n    aliases: []\n    path: /b\n", .syntax, line: 5, column: 5,
                    "key 'path' is given twice", "first at line 3, column 5")
    }

    @Test func duplicateQuotedKey() {
        expectError("version: 1\n'catalog': a\nroots: []\n\"catalog\": b\n", .syntax, line: 4, column: 1,
                    "key 'catalog' is given twice", "first at line 2, column 1")
    }

    @Test func duplicateKeyInAFlowMappingOnOneLine() {
        expectError("version: 1\nroots: [{path: /a, path: /b}]\n", .syntax, line: 2, column: 20,
                    "key 'path' is given twice", "first at line 2, column 10")
    }

    @Test func thirdOccurrenceStillPointsAtTheSecond() {
        expectError("version: 1\ntarget: a\ntarget: b\ntarget: c\n", .syntax, line: 3, column: 1, "first at line 2, column 1")
    }
}
