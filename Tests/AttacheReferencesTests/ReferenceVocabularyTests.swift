import AttacheCatalog
import AttacheModel
import AttacheScan
import AttacheTestSupport
import GRDBSQLite
import Testing

/// The reference vocabulary is what the catalog stores: the raw values are the `refs` table's
/// text (no migration), a row reads back as the same typed values, and a value this build does
/// not know is a clear catalog error, not a crash or a silently dropped row.
@Suite struct ReferenceVocabularyTests {
    @Test func rawValuesAreTheStoredText() {
        #expect(ReferenceStatus.allCases.map(\.rawValue) == ["resolved", "missing", "ambiguous", "special", "unreadable"])
        #expect(ReferenceStatus.unresolvedCases == [.missing, .ambiguous, .special, .unreadable])
        #expect(MatchKind.allCases.map(\.rawValue) == ["exact", "case", "unicode", "case+unicode"])
        #expect(PathStyle.allCases.map(\.rawValue) == ["unc", "drive", "file-url", "posix", "relative"])
        #expect(ReferenceKind.allCases.map(\.rawValue) == ["composed", "embedded"])
        #expect(PathStyle.name(nil) == "none")
    }

    static func row(_ key: String, kind: ReferenceKind, style: PathStyle?, status: ReferenceStatus, match: MatchKind?) -> ReferenceRow {
        ReferenceRow(recordKey: key, recordPosition: "row 1", column: "file", kind: kind, raw: "K:\\a.pdf", pathText: "K:\\a.pdf",
                     spanStart: nil, spanEnd: nil, style: style, status: status, match: match, reason: nil, rootID: nil,
                     fileID: nil, candidates: 0, deleted: false, modified: nil)
    }

    /// Writes two references through the catalog's typed API.
    func catalogWithReferences(_ s: Scratch) throws -> Catalog {
        let catalog = try Catalog(path: s.join("c.db"))
        let (run, _, _) = try catalog.beginRefsRun(version: "test")
        _ = try catalog.replaceReferences(source: "crm", kind: "sqlite", location: "crm.db", fingerprint: "f", run: run,
                                          records: { 2 }) { writer in
            try writer.add(Self.row("1", kind: .composed, style: nil, status: .missing, match: nil))
            try writer.add(Self.row("2", kind: .embedded, style: .drive, status: .resolved, match: .caseAndUnicode))
        }
        return catalog
    }

    @Test func typedValuesRoundTripThroughTheCatalog() throws {
        let s = Scratch("vocab")
        let catalog = try catalogWithReferences(s)
        var read: [ReferenceRecord] = []
        try catalog.forEachReference { read.append($0) }
        try #require(read.count == 2)
        #expect(read[0].kind == .composed && read[0].style == nil && read[0].status == .missing && read[0].match == nil)
        #expect(read[1].kind == .embedded && read[1].style == .drive && read[1].status == .resolved && read[1].match == .caseAndUnicode)
        var missing: [String] = []
        try catalog.forEachReference(status: ReferenceStatus.unresolvedCases) { missing.append($0.recordKey) }
        #expect(missing == ["1"])
        #expect(try catalog.referenceCounts().byStatus == [.missing: 1, .resolved: 1])
        // The stored text is exactly the raw values (and "none" for a text that is not a path).
        let stored = try Self.query(s.join("c.db"), "SELECT kind || ' ' || style || ' ' || status FROM refs ORDER BY record_key")
        #expect(stored == ["composed none missing", "embedded drive resolved"])
    }

    @Test func anUnknownStoredStatusIsACatalogErrorNamingIt() throws {
        let s = Scratch("vocab-unknown")
        let catalog = try catalogWithReferences(s)
        _ = try Self.query(s.join("c.db"), "UPDATE refs SET status = 'teleported' WHERE record_key = '2'")
        do {
            try catalog.forEachReference { _ in }
            Issue.record("an unknown status was read without an error")
        } catch {
            #expect(String(describing: error).contains("refs.status"))
            #expect(String(describing: error).contains("'teleported'"))
        }
        #expect(throws: CatalogError.self) { _ = try catalog.referenceCounts() }
    }

    @Test func anUnknownFileOrRunStatusIsACatalogErrorNamingIt() throws {
        let s = Scratch("vocab-unknown-file")
        try Tree.make(at: s.join("share"), [.file("a.pdf", Fixtures.pdf)])
        let catalog = try Catalog(path: s.join("c.db"))
        _ = try Scanner.run(catalog: catalog, options: ScanOptions(roots: [ScanRoot(path: s.join("share"))], workers: 1))
        let (run, _, _) = try catalog.beginRefsRun(version: "test")
        try catalog.finishRefsRun(run, status: .interrupted, sourcesExtracted: 0, resolvedAgain: 0)
        #expect(try catalog.latestRefsRunStatus() == .interrupted)
        #expect(try catalog.scanRuns().first?.status == .completed)
        _ = try Self.query(s.join("c.db"), "UPDATE files SET category = 'hologram'")
        let category = #expect(throws: CatalogError.self) { try catalog.forEachFile { _ in } }
        #expect(String(describing: category).contains("files.category") && String(describing: category).contains("'hologram'"))
        _ = try Self.query(s.join("c.db"), "UPDATE files SET category = 'pdf', status = 'levitating'")
        let files = #expect(throws: CatalogError.self) { try catalog.forEachFile { _ in } }
        #expect(String(describing: files).contains("files.status") && String(describing: files).contains("'levitating'"))
        _ = try Self.query(s.join("c.db"), "UPDATE refs_runs SET status = 'paused'")
        let refsRun = #expect(throws: CatalogError.self) { _ = try catalog.latestRefsRunStatus() }
        #expect(String(describing: refsRun).contains("refs_runs.status"))
        _ = try Self.query(s.join("c.db"), "UPDATE scan_runs SET status = 'dozing'")
        let scanRun = #expect(throws: CatalogError.self) { _ = try catalog.scanRuns() }
        #expect(String(describing: scanRun).contains("scan_runs.status"))
    }

    /// Runs SQL on a database with the C API (outside the catalog's typed API) and returns the
    /// first column of every row.
    static func query(_ path: String, _ sql: String) throws -> [String] {
        var db: OpaquePointer?
        guard sqlite3_open(path, &db) == SQLITE_OK else { throw TreeError.posix(path, 0) }
        defer { sqlite3_close(db) }
        var st: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &st, nil) == SQLITE_OK else { throw TreeError.posix(sql, 0) }
        defer { sqlite3_finalize(st) }
        var out: [String] = []
        while sqlite3_step(st) == SQLITE_ROW {
            out.append(sqlite3_column_text(st, 0).map { String(cString: $0) } ?? "NULL")
        }
        return out
    }
}
