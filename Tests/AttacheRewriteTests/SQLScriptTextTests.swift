import AttacheModel
import AttacheRewrite
import Testing

/// The scripts' exact text per dialect, for values that break naive quoting: quotes,
/// backslashes (a Windows path ending in one), line breaks, `%`, Cyrillic and Chinese.
@Suite struct SQLScriptTextTests {
    /// A value ending in a backslash right before the closing quote, with a CRLF inside.
    static let before = "see K:\\scans\\O'Brien.pdf\r\nend\\"
    static let after = "see \\\\NEWSRV\\crm\\合同 акт 100%.pdf\r\nend\\"

    func script(_ dialect: SQLDialect, _ changes: [RowChange], header: [String] = []) throws -> (forward: String, revert: String) {
        var w = SQLScriptWriter(dialect: dialect, forward: StringSink(), revert: StringSink(), header: header)
        for c in changes { try w.add(c) }
        w.finish()
        return (w.forward.text, w.revert.text)
    }

    func change(_ identity: SQLRowIdentity, table: String = "notes", column: String = "body", schema: String? = nil) -> RowChange {
        RowChange(schema: schema, table: table, identity: identity, column: column,
                  before: Self.before, after: Self.after, note: "crm (crm.db), notes row 7")
    }

    static let keys = SQLRowIdentity.keys([SQLKey("id", .integer(7)), SQLKey("site", .text("A'B"))])

    @Test func sqliteStatementsAreGuardedAndQuoted() throws {
        let (forward, revert) = try script(.sqlite, [change(.rowid(7))])
        #expect(forward.contains("""
            -- crm (crm.db), notes row 7
            UPDATE "notes" SET "body" = ('see \\\\NEWSRV\\crm\\合同 акт 100%.pdf' || char(13, 10) || 'end\\') \
            WHERE rowid = 7 AND "body" COLLATE BINARY = ('see K:\\scans\\O''Brien.pdf' || char(13, 10) || 'end\\');

            """))
        #expect(revert.contains("""
            UPDATE "notes" SET "body" = ('see K:\\scans\\O''Brien.pdf' || char(13, 10) || 'end\\') \
            WHERE rowid = 7 AND "body" COLLATE BINARY = ('see \\\\NEWSRV\\crm\\合同 акт 100%.pdf' || char(13, 10) || 'end\\');

            """))
        #expect(forward.contains("\nBEGIN;\n"))
        #expect(forward.hasSuffix("COMMIT;\n-- 1 UPDATE statement: notes.body 1\n"))
        #expect(forward.contains("sqlite3 -bail DATABASE < FILE"))
    }

    @Test func mysqlUsesBackquotesByteComparisonAndNoBackslashEscapes() throws {
        let (forward, revert) = try script(.mysql, [change(Self.keys, table: "we`ird", schema: "crm")])
        #expect(forward.contains("""
            SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'NO_BACKSLASH_ESCAPES', 'STRICT_ALL_TABLES');
            SET NAMES utf8mb4;
            START TRANSACTION;
            """))
        #expect(forward.contains("""
            UPDATE `crm`.`we``ird` SET `body` = CONCAT('see \\\\NEWSRV\\crm\\合同 акт 100%.pdf', CHAR(13, 10 USING utf8mb4), 'end\\') \
            WHERE `id` = 7 AND `site` = 'A''B' AND CAST(CONVERT(`body` USING utf8mb4) AS BINARY) = \
            CAST(CONCAT('see K:\\scans\\O''Brien.pdf', CHAR(13, 10 USING utf8mb4), 'end\\') AS BINARY);

            """))
        #expect(revert.contains("SET `body` = CONCAT('see K:\\scans\\O''Brien.pdf', CHAR(13, 10 USING utf8mb4), 'end\\') WHERE"))
        #expect(forward.hasSuffix("COMMIT;\n-- 1 UPDATE statement: crm.we`ird.body 1\n"))
        // The settings come before the first statement that relies on them.
        let settings = try #require(forward.range(of: "NO_BACKSLASH_ESCAPES"))
        let update = try #require(forward.range(of: "UPDATE `crm`"))
        #expect(settings.upperBound < update.lowerBound)
    }

    @Test func postgresqlQuotesNamesAndComparesInTheCCollation() throws {
        let (forward, _) = try script(.postgresql, [change(Self.keys, table: "Notes \"2019", schema: "public")])
        #expect(forward.contains("SET standard_conforming_strings = on;\nSET client_encoding = 'UTF8';\nBEGIN;\n"))
        #expect(forward.contains("""
            UPDATE "public"."Notes ""2019" SET "body" = ('see \\\\NEWSRV\\crm\\合同 акт 100%.pdf' || chr(13) || chr(10) || 'end\\') \
            WHERE "id" = 7 AND "site" = 'A''B' AND "body" COLLATE "C" = ('see K:\\scans\\O''Brien.pdf' || chr(13) || chr(10) || 'end\\');

            """))
        #expect(forward.contains("psql -v ON_ERROR_STOP=1 -d DATABASE -f FILE"))
    }

    @Test(arguments: SQLDialect.allCases)
    func noRawControlCharacterReachesTheScript(_ dialect: SQLDialect) throws {
        let awkward = "tab\there\u{1B}[0m\u{7F}\u{85}\nnote: \u{2028}ok"
        let c = RowChange(table: "t", identity: .keys([SQLKey("k", .null)]), column: "c", before: awkward, after: "x",
                          note: "line one\nline two")
        let (forward, revert) = try script(dialect, [c], header: ["a header\rwith a CR"])
        for text in [forward, revert] {
            let controls = text.unicodeScalars.filter { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) }
            #expect(controls.isEmpty, "raw control characters in the \(dialect) script")
            #expect(text.contains("-- line one<U+000A>line two\n"))
            #expect(text.contains("-- a header<U+000D>with a CR\n"))
        }
        #expect(forward.contains(dialect == .mysql ? "`k` IS NULL" : "\"k\" IS NULL"))
        let expectedCodes: [SQLDialect: String] = [
            .sqlite: "('tab' || char(9) || 'here' || char(27) || '[0m' || char(127, 133, 10) || 'note: \u{2028}ok')",
            .mysql: "CONCAT('tab', CHAR(9 USING utf8mb4), 'here', CHAR(27 USING utf8mb4), '[0m', CHAR(127, 194, 133, 10 USING utf8mb4), 'note: \u{2028}ok')",
            .postgresql: "('tab' || chr(9) || 'here' || chr(27) || '[0m' || chr(127) || chr(133) || chr(10) || 'note: \u{2028}ok')",
        ]
        #expect(forward.contains(expectedCodes[dialect]!))
    }

    @Test(arguments: SQLDialect.allCases)
    func aNulCharacterIsRefusedAndNothingIsWritten(_ dialect: SQLDialect) throws {
        var w = SQLScriptWriter(dialect: dialect, forward: StringSink(), revert: StringSink())
        let start = (w.forward.text, w.revert.text)
        let bad = RowChange(table: "notes", identity: .keys([SQLKey("id", .integer(1))]), column: "body",
                            before: "a.pdf", after: "a\u{0}b.pdf", note: "crm, notes id 1")
        let error = #expect(throws: SQLScriptError.self) { try w.add(bad) }
        #expect(error?.message == "cannot write the change to notes.body (crm, notes id 1) into the SQL script: "
            + "the text holds a NUL character, which a text column cannot store")
        #expect(w.forward.text == start.0 && w.revert.text == start.1)
        #expect(w.finish().statements == 0)
    }

    @Test(arguments: [SQLDialect.mysql, .postgresql])
    func rowidIsOnlyForSQLite(_ dialect: SQLDialect) {
        var w = SQLScriptWriter(dialect: dialect, forward: StringSink(), revert: StringSink())
        let error = #expect(throws: SQLScriptError.self) { try w.add(change(.rowid(3))) }
        #expect(error?.message.hasSuffix("\(dialect.rawValue) has no rowid: the change to table 'notes' needs the table's key columns") == true)
    }

    @Test func emptyNamesAndKeylessRowsAreRefused() {
        var w = SQLScriptWriter(dialect: .postgresql, forward: StringSink(), revert: StringSink())
        #expect(throws: SQLScriptError.self) { try w.add(change(.keys([]))) }
        #expect(throws: SQLScriptError.self) { try w.add(change(Self.keys, column: "")) }
        #expect(throws: SQLScriptError.self) { try w.add(change(Self.keys, table: "a\nb")) }
    }

    @Test func anUnchangedValueWritesNoStatementAndCountsArePerColumn() throws {
        var w = SQLScriptWriter(dialect: .sqlite, forward: StringSink(), revert: StringSink())
        try w.add(RowChange(table: "t", identity: .rowid(1), column: "c", before: "same", after: "same", note: "n"))
        try w.add(RowChange(table: "t", identity: .rowid(1), column: "c", before: "a", after: "b", note: "n"))
        try w.add(RowChange(table: "t", identity: .rowid(2), column: "c", before: "a", after: "b", note: "n"))
        try w.add(RowChange(table: "t", identity: .rowid(2), column: "d", before: "a", after: "b", note: "n"))
        let summary = w.finish()
        #expect(summary.statements == 3)
        #expect(summary.byColumn.map(\.column) == ["t.c", "t.d"])
        #expect(summary.byColumn.map(\.statements) == [2, 1])
        #expect(w.forward.text.split(separator: "\n").filter { $0.hasPrefix("UPDATE ") }.count == 3)
        #expect(w.forward.text.hasSuffix("COMMIT;\n-- 3 UPDATE statements: t.c 2, t.d 1\n"))
    }
}
