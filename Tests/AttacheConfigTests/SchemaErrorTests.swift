import Testing
@testable import AttacheConfig

/// Valid YAML that is not a valid manifest: each error names the key, what was expected and
/// what was found, at the line and column of the offending node.
@Suite struct SchemaErrorTests {
    // MARK: unknown keys

    @Test(arguments: [
        ("rots", "roots"), ("catalogue", "catalog"), ("excludes", "exclude"), ("polcy", "policy"),
        ("Target", "target"), ("source", "sources"), ("versoin", "version"),
    ])
    func misspeltTopLevelKeySuggestsTheRightOne(written: String, meant: String) {
        let e = expectError(minimal("\(written): x\n"), .schema, line: 4, column: 1)
        #expect(e?.message == "unknown key '\(written)' in the manifest; did you mean '\(meant)'?")
    }

    @Test func unrelatedKeyListsTheKnownOnes() {
        let e = expectError(minimal("frobnicate: 1\n"), .schema, line: 4, column: 1)
        #expect(e?.message == "unknown key 'frobnicate' in the manifest; expected one of: "
            + "version, catalog, roots, exclude, sources, policy, target")
    }

    @Test func unknownKeyInARoot() {
        let e = expectError("version: 1\nroots:\n  - path: /a\n    alias: ['K:\\']\n", .schema, line: 4, column: 5)
        #expect(e?.description == "/srv/mig/attache.yaml:4:5: error: unknown key 'alias' in a root; did you mean 'aliases'?")
    }

    @Test func prefixOfAKeySuggestsIt() {
        expectError("version: 1\nroots:\n  - path: /a\n    case: true\n", .schema, line: 4, column: 5,
                    "unknown key 'case' in a root; did you mean 'case_insensitive'?")
        expectError("version: 1\nroots:\n  - {path: /a, caseInsensitive: true}\n", .schema, line: 3, column: 16,
                    "did you mean 'case_insensitive'?")
    }

    @Test func unknownKeysAreReportedBeforeOtherProblemsOfTheSameMapping() {
        // 'rots' comes after 'catalog: [x]', which is also wrong; the unknown key wins.
        expectError("version: 1\ncatalog: [x]\nrots: []\n", .schema, line: 3, column: 1, "unknown key 'rots'")
    }

    // MARK: the document as a whole

    @Test(arguments: ["", "   \n", "# only a comment\n\n# and another\n"])
    func emptyManifest(text: String) {
        guard let e = parseError(text) else { return }
        #expect(e.kind == .schema)
        #expect(e.line == nil && e.column == nil)
        #expect(e.description == "/srv/mig/attache.yaml: error: the manifest is empty; it needs at least 'version: 1' "
            + "and 'roots' (run 'attache init' to write a commented one)")
    }

    @Test func topLevelList() {
        expectError("- version: 1\n", .schema, line: 1, column: 1, "the manifest must be a mapping of keys", "found a list")
    }

    @Test func topLevelScalar() {
        expectError("# attache\nhello\n", .schema, line: 2, column: 1, "found 'hello'")
    }

    @Test func nonScalarKey() {
        expectError("version: 1\n? [a, b]\n: 1\n", .schema, line: 2, column: 3, "a key must be a name, found a list")
    }

    // MARK: version

    @Test func missingVersion() {
        expectError("roots: [{path: /a}]\n", .schema, line: 1, column: 1,
                    "missing key 'version' in the manifest: expected the manifest format version, 'version: 1'")
    }

    @Test func versionWithoutValue() {
        expectError("roots: [{path: /a}]\nversion:\n", .schema, line: 2, column: 1, "'version' has no value in the manifest")
    }

    @Test(arguments: [("0", "'version' must be 1 or more, found 0"), ("-3", "must be 1 or more, found -3"),
                      ("1.5", "expected a whole number for 'version', found the number 1.5"),
                      ("one", "found 'one'"), ("[1]", "found a list"), ("true", "found the boolean true")])
    func invalidVersion(value: String, fragment: String) {
        let e = expectError("version: \(value)\nroots: [{path: /a}]\n", .schema, line: 1, column: 10, fragment)
        #expect(e?.message.contains("this build reads version 1") == true)
    }

    @Test func newerVersionIsRefusedForItsVersion() {
        let e = expectError("# made by attache 3\nversion: 2\nroots: [{path: /a}]\nchunking: {size: 4 MiB}\n",
                            .tooNewVersion, line: 2, column: 10)
        #expect(e?.message == "the manifest is version 2, but this build of attache reads manifest version 1; "
            + "upgrade attache to read it")
    }

    // MARK: roots

    @Test func missingRoots() {
        expectError("version: 1\ncatalog: a.db\n", .schema, line: 1, column: 1, "missing key 'roots' in the manifest")
    }

    @Test func rootsWithoutValue() {
        expectError("version: 1\nroots:\ncatalog: a.db\n", .schema, line: 2, column: 1, "'roots' has no value")
    }

    @Test func emptyRoots() {
        expectError("version: 1\nroots: []\n", .schema, line: 2, column: 8, "'roots' is empty; list at least one legacy folder")
    }

    @Test func rootsAsAString() {
        expectError("version: 1\nroots: /mnt/legacy\n", .schema, line: 2, column: 8,
                    "expected a list for 'roots', found '/mnt/legacy'; write a list, e.g. roots: [{path: /mnt/legacy/fileserver}]")
    }

    @Test func rootAsABarePath() {
        expectError("version: 1\nroots:\n  - /mnt/legacy\n", .schema, line: 3, column: 5,
                    "each root is a mapping with a 'path', found '/mnt/legacy'; write '- path: /mnt/legacy'")
    }

    @Test func rootWithoutPath() {
        expectError("version: 1\nroots:\n  - aliases: ['K:\\']\n", .schema, line: 3, column: 5, "missing key 'path' in a root")
    }

    @Test(arguments: [("[/a]", "found a list"), ("{x: 1}", "found a mapping"), ("''", "the root's 'path' is empty"),
                      ("'  '", "is empty"), ("~/files", "starts with '~', which attache does not expand")])
    func invalidRootPath(value: String, fragment: String) {
        expectError("version: 1\nroots:\n  - path: \(value)\n", .schema, line: 3, column: 11, fragment)
    }

    @Test func caseInsensitiveMustBeABoolean() {
        expectError("version: 1\nroots:\n  - path: /a\n    case_insensitive: maybe\n", .schema, line: 4, column: 23,
                    "expected true or false for 'case_insensitive', found 'maybe'")
    }

    @Test func aliasesMustBeAList() {
        expectError("version: 1\nroots:\n  - path: /a\n    aliases: 'K:\\'\n", .schema, line: 4, column: 14,
                    "expected a list for 'aliases', found 'K:\\'", "e.g. aliases: ['K:\\']")
    }

    @Test func aliasesMustBeTexts() {
        expectError("version: 1\nroots:\n  - path: /a\n    aliases: ['K:\\', [x]]\n", .schema, line: 4, column: 22,
                    "expected text for each alias in 'aliases', found a list")
    }

    @Test func sameRootTwice() {
        expectError("version: 1\nroots:\n  - path: /srv/mig/data\n  - path: data/\n", .schema, line: 4, column: 11,
                    "root '/srv/mig/data' is listed twice (first at line 3, column 11)")
    }

    @Test func rootInsideAnother() {
        expectError("version: 1\nroots:\n  - path: /mnt/a\n  - path: /mnt/a/b\n", .schema, line: 4, column: 11,
                    "root '/mnt/a/b' is inside root '/mnt/a' (line 3, column 11)", "catalogued twice")
    }

    @Test func rootContainingAnother() {
        expectError("version: 1\nroots:\n  - path: /mnt/a/b\n  - path: /\n", .schema, line: 4, column: 11,
                    "root '/' contains root '/mnt/a/b'")
    }

    @Test func siblingsWithACommonPrefixDoNotOverlap() throws {
        let m = try ManifestLoader.parse(yaml: "version: 1\nroots: [{path: /mnt/a}, {path: /mnt/ab}]\n", file: manifestPath)
        #expect(m.roots.map(\.path) == ["/mnt/a", "/mnt/ab"])
    }

    @Test func sameAliasOnTwoRoots() {
        expectError("version: 1\nroots:\n  - {path: /a, aliases: ['K:\\']}\n  - {path: /b, aliases: ['L:\\', 'K:\\']}\n",
                    .schema, line: 4, column: 33, "alias 'K:\\' is given twice (first at line 3, column 26)")
    }

    // MARK: exclude, catalog, policy, target

    @Test func excludeAsAString() {
        expectError(minimal("exclude: '**/.snapshot/**'\n"), .schema, line: 4, column: 10,
                    "expected a list for 'exclude'", "write a list, e.g. exclude: ['**/.snapshot/**']")
    }

    @Test func invalidExcludePattern() {
        expectError(minimal("exclude: ['*.tmp', '[abc']\n"), .schema, line: 4, column: 20,
                    "invalid exclude pattern '[abc': a '[' is never closed by ']'")
    }

    @Test func emptyExcludePattern() {
        expectError(minimal("exclude:\n  - '*.tmp'\n  - ''\n"), .schema, line: 6, column: 5,
                    "invalid exclude pattern '': the pattern is empty")
    }

    @Test func excludePatternMustBeText() {
        expectError(minimal("exclude:\n  - {a: 1}\n"), .schema, line: 5, column: 5, "expected text for each pattern of 'exclude', found a mapping")
    }

    @Test(arguments: ["catalog", "policy", "target"])
    func pathKeysMustBeText(key: String) {
        expectError(minimal("\(key): [a, b]\n"), .schema, line: 4, column: key.count + 3, "expected text for '\(key)', found a list")
        expectError(minimal("\(key): ''\n"), .schema, line: 4, column: key.count + 3, "'\(key)' is empty")
        expectError(minimal("\(key): ~user/x\n"), .schema, line: 4, column: key.count + 3, "starts with '~'")
    }

    @Test func mergingAScalarIsAnError() {
        expectError("version: 1\nroots:\n  - <<: 12\n    path: /a\n", .schema, line: 3, column: 9,
                    "'<<' merges a mapping or a list of mappings, found the number 12")
    }

    @Test func longValuesAreShortenedInMessages() {
        let long = String(repeating: "x", count: 200)
        let e = expectError("version: 1\nroots: \(long)\n", .schema, line: 2, column: 8)
        #expect(e.map { $0.message.count < 200 } == true)
        #expect(e?.message.contains("xxx…'") == true)
    }
}
