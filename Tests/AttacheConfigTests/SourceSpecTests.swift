import Testing
@testable import AttacheConfig

/// `sources:` entries: kinds, the keys each kind takes, and their errors.
@Suite struct SourceSpecTests {
    func source(_ body: String) throws -> SourceSpec {
        let m = try ManifestLoader.parse(yaml: manifest(source: body), file: manifestPath)
        #expect(m.sources.count == 1)
        return m.sources[0]
    }

    // MARK: valid sources

    @Test func sqliteTableWithTextColumns() throws {
        let s = try source("name: notes\nsqlite: data/crm.sqlite\ntable: notes\ntext: body")
        #expect(s == SourceSpec(name: "notes", kind: .sqlite(database: "/srv/mig/data/crm.sqlite"), table: "notes",
                                text: ["body"], line: 5, column: 5))
    }

    @Test func csvWithTabDelimiterAndCompositeKey() throws {
        let s = try source("name: export\ncsv: /exports/a.csv\ndelimiter: \"\\t\"\nkey: [Id, Part]\nfile: '{{literal}}/{Body}'")
        #expect(s.kind == .csv(file: "/exports/a.csv"))
        #expect(s.delimiter == "\t")
        #expect(s.key == ["Id", "Part"])
        #expect(s.file == "{{literal}}/{Body}")
    }

    @Test func textFilesAndPresetAndRoot() throws {
        let t = try source("name: html\ntext_files: notes/\nroot: /mnt/legacy/\nbase: 'C:\\CRM\\'")
        #expect(t.kind == .textFiles(folder: "/srv/mig/notes"))
        #expect(t.root == "/mnt/legacy")
        #expect(t.base == "C:\\CRM\\")
        let p = try source("name: crm\npreset: vtiger\ndatabase: crm.sqlite")
        #expect(p.kind == .preset(name: "vtiger"))
        #expect(p.database == "/srv/mig/crm.sqlite")
    }

    @Test func relativeBaseIsKeptAsWritten() throws {
        let t = try source("name: html\ntext_files: notes/\nrelative_base: '\\\\FILESRV01\\CRM\\Notes\\'")
        #expect(t.relativeBase == "\\\\FILESRV01\\CRM\\Notes\\" && t.base == nil)
        let c = try source("name: c\ncsv: a.csv\ntext: Body\nbase: /mnt/legacy\nrelative_base: Scans")
        #expect(c.relativeBase == "Scans" && c.base == "/mnt/legacy")
    }

    // MARK: structure

    @Test func sourcesAsAString() {
        expectError(minimal("sources: crm.sqlite\n"), .schema, line: 4, column: 10, "expected a list for 'sources'")
    }

    @Test func sourceAsAString() {
        expectError(minimal("sources:\n  - crm.sqlite\n"), .schema, line: 5, column: 5,
                    "each source is a mapping with a 'name' and what it reads", "found 'crm.sqlite'")
    }

    @Test func unknownKeyNamesTheSource() {
        let e = expectError(manifest(source: "name: comments\nsqlite: crm.sqlite\ntabel: notes\ntext: body"), .schema,
                            line: 7, column: 5)
        #expect(e?.message == "unknown key 'tabel' in source 'comments'; did you mean 'table'?")
    }

    @Test func unknownKeyInAnUnnamedSource() {
        expectError(manifest(source: "sqlite: crm.sqlite\nqeury: SELECT 1"), .schema, line: 6, column: 5,
                    "unknown key 'qeury' in a source; did you mean 'query'?")
    }

    @Test func missingName() {
        expectError(manifest(source: "sqlite: crm.sqlite\ntable: t\ntext: body"), .schema, line: 5, column: 5,
                    "missing key 'name' in a source: expected a unique name, e.g. 'name: comments'")
    }

    @Test func emptyName() {
        expectError(manifest(source: "name: ''\nsqlite: crm.sqlite"), .schema, line: 5, column: 11, "'name' is empty")
    }

    @Test func duplicateName() {
        let yaml = minimal("sources:\n  - {name: a, sqlite: x.db, table: t, text: b}\n  - {name: a, csv: x.csv, file: '{f}'}\n")
        expectError(yaml, .schema, line: 6, column: 12, "source name 'a' is used twice (first at line 5, column 12)")
    }

    // MARK: kinds

    @Test func noKind() {
        expectError(manifest(source: "name: notes\ntable: notes"), .schema, line: 5, column: 5,
                    "source 'notes' does not say what it reads: give one of 'sqlite', 'csv', 'text_files' or 'preset'")
    }

    @Test func twoKinds() {
        expectError(manifest(source: "name: notes\nsqlite: crm.sqlite\ncsv: notes.csv"), .schema, line: 7, column: 5,
                    "source 'notes' gives both 'sqlite' and 'csv'; a source reads exactly one of them")
    }

    @Test func kindWithoutValue() {
        expectError(manifest(source: "name: notes\ncsv:\nfile: '{f}'"), .schema, line: 6, column: 5,
                    "'csv' has no value in source 'notes': expected the CSV file")
    }

    @Test func kindMustBeText() {
        expectError(manifest(source: "name: notes\nsqlite: [a, b]"), .schema, line: 6, column: 13,
                    "expected text for 'sqlite', found a list")
    }

    @Test func sqliteNeedsTableOrQuery() {
        expectError(manifest(source: "name: notes\nsqlite: crm.sqlite\ntext: body"), .schema, line: 5, column: 5,
                    "source 'notes' reads sqlite: give 'table' (a table name) or 'query' (a SELECT)")
    }

    @Test func sqliteTakesTableOrQueryNotBoth() {
        expectError(manifest(source: "name: notes\nquery: SELECT 1\nsqlite: crm.sqlite\ntable: notes\ntext: body"),
                    .schema, line: 8, column: 5, "source 'notes' gives both 'table' and 'query'")
    }

    @Test(arguments: ["sqlite: a.db\ntable: t", "csv: a.csv"])
    func recordSourcesNeedFileOrText(kind: String) {
        expectError(manifest(source: "name: notes\n\(kind)\nkey: id"), .schema, line: 5, column: 5,
                    "source 'notes' names no references: give 'file'", "or 'text'")
    }

    @Test func presetNeedsDatabase() {
        expectError(manifest(source: "name: crm\npreset: vtiger"), .schema, line: 5, column: 5,
                    "source 'crm' uses a preset: give 'database'")
    }

    @Test(arguments: [
        ("sqlite: a.db\ntable: t\ntext: b\ndelimiter: ';'", 9, "'delimiter' does not apply to source 's', which reads sqlite; it is for csv sources"),
        ("csv: a.csv\nfile: '{f}'\ntable: t", 8, "'table' does not apply to source 's', which reads csv; it is for sqlite, mysql and postgresql sources"),
        ("sqlite: a.db\ntable: t\ntext: b\nencoding: latin1", 9, "it is for csv and text_files sources"),
        ("text_files: notes\nkey: id", 7, "'key' does not apply to source 's', which reads text_files; it is for sqlite, mysql, postgresql and csv sources"),
        ("preset: vtiger\ndatabase: a.db\nfile: '{f}'", 8, "which reads preset"),
        ("csv: a.csv\nfile: '{f}'\ndatabase: a.db", 8, "it is for preset sources"),
        ("preset: vtiger\ndatabase: a.db\nrelative_base: /mnt/x", 8,
         "'relative_base' does not apply to source 's', which reads preset; it is for sqlite, mysql, postgresql, csv and text_files sources"),
    ])
    func keysThatDoNotApplyToTheKind(body: String, line: Int, fragment: String) {
        expectError(manifest(source: "name: s\n" + body), .schema, line: line, column: 5, fragment)
    }

    // MARK: values

    @Test(arguments: ["';;'", "''", "'\"'"])
    func delimiterMustBeOneCharacter(value: String) {
        expectError(manifest(source: "name: s\ncsv: a.csv\nfile: '{f}'\ndelimiter: \(value)"), .schema, line: 8, column: 16,
                    "'delimiter' must be one character")
    }

    @Test func relativeBaseMustBeText() {
        expectError(manifest(source: "name: s\ntext_files: notes\nrelative_base: ''"), .schema, line: 7, column: 20, "'relative_base'")
    }

    @Test func keyMustBeTextOrAList() {
        expectError(manifest(source: "name: s\ncsv: a.csv\nfile: '{f}'\nkey: {id: 1}"), .schema, line: 8, column: 10,
                    "expected text or a list of texts for 'key', found a mapping")
        expectError(manifest(source: "name: s\ncsv: a.csv\nfile: '{f}'\nkey: []"), .schema, line: 8, column: 10,
                    "'key' is an empty list")
    }

    @Test func textItemsMustBeText() {
        expectError(manifest(source: "name: s\ncsv: a.csv\ntext: [body, [x]]"), .schema, line: 7, column: 18,
                    "expected text for each item of 'text', found a list")
    }

    @Test(arguments: [
        ("'/var/www/{file'", "'{' at character 10 is not closed by '}'"),
        ("'{a{b}'", "'{' at character 1 is not closed by '}'"),
        ("'a}b'", "'}' at character 2 closes nothing"),
        ("'x/{ }'", "'{}' at character 3 names no column"),
    ])
    func invalidFileTemplate(value: String, fragment: String) {
        expectError(manifest(source: "name: s\ncsv: a.csv\nfile: \(value)"), .schema, line: 7, column: 11,
                    "invalid 'file' template: " + fragment)
    }

    @Test func rootMustBeOneOfTheRoots() {
        expectError(manifest(source: "name: s\ntext_files: notes\nroot: /mnt/other"), .schema, line: 7, column: 11,
                    "'root' is '/mnt/other', which is not one of the roots: /mnt/legacy")
    }

    @Test func columnNamesMustBeText() {
        expectError(manifest(source: "name: s\ncsv: a.csv\nfile: '{f}'\ndeleted: [a]"), .schema, line: 8, column: 14,
                    "expected text for 'deleted', found a list")
    }
}
