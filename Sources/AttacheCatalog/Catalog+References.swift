import AttacheModel
import Foundation
import GRDB
import GRDBSQLite

/// Writes one source's references inside the transaction that replaces them.
public struct ReferenceWriter {
    let statement: Statement
    let problemStatement: Statement
    let sourceID: Int64
    let runID: Int64
    public internal(set) var count = 0
    public private(set) var problemCount = 0

    /// Adds one reference (``add(_:)-(ReferenceBatch)`` stores many at once).
    public mutating func add(_ r: ReferenceRow) throws {
        var one = ReferenceBatch()
        one.append(r)
        try add(one)
    }

    public mutating func problem(kind: String, file: String, position: String?, message: String) throws {
        try problemStatement.execute(arguments: [sourceID, kind, file, position, message])
        problemCount += 1
    }
}

extension Catalog {
    /// Every source the catalog knows, by name.
    public func sources() throws(CatalogError) -> [SourceState] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sources ORDER BY name").map { r in
                SourceState(id: r["id"], name: r["name"], kind: r["kind"], location: r["location"], fingerprint: r["fingerprint"],
                            records: r["records"], problems: r["problems"], extractedRun: r["extracted_run"])
            }
        }
    }

    /// Calls `body` with every file present (not gone), for the resolver's index.
    public func forEachPresentFile(_ body: (_ id: Int64, _ rootID: Int64, _ path: RawPath, _ status: FileStatus) -> Void) throws(CatalogError) {
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: "SELECT id, root_id, path, status FROM files WHERE status <> '\(FileStatus.gone.rawValue)'")
            while let r = try cursor.next() {
                body(r[0], r[1], RawPath(bytes: [UInt8](r[2] as Data)), try StoredValue.decode(r[3] as String, column: "files.status"))
            }
        }
    }

    /// Records the start of a refs run; returns it with the scan run the previous completed refs
    /// run resolved against, and the latest scan run now.
    public func beginRefsRun(version: String) throws(CatalogError) -> (run: Int64, previousScanRun: Int64?, currentScanRun: Int64?) {
        try write { db in
            let previous = try Int64.fetchOne(db, sql: "SELECT scan_run FROM refs_runs WHERE status = '\(RunStatus.completed.rawValue)' ORDER BY id DESC LIMIT 1")
            let scan = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scan_runs")
            try db.execute(sql: "INSERT INTO refs_runs (started_at, status, scan_run, attache_version) VALUES (?, '\(RunStatus.running.rawValue)', ?, ?)",
                           arguments: [Catalog.now(), scan, version])
            return (db.lastInsertedRowID, previous, scan)
        }
    }

    /// How the latest references run ended (nil before the first).
    public func latestRefsRunStatus() throws(CatalogError) -> RunStatus? {
        try read { db in
            try (String.fetchOne(db, sql: "SELECT status FROM refs_runs ORDER BY id DESC LIMIT 1"))
                .map { try StoredValue.decode($0, column: "refs_runs.status") }
        }
    }

    public func finishRefsRun(_ run: Int64, status: RunStatus, sourcesExtracted: Int, resolvedAgain: Int) throws(CatalogError) {
        try write { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM refs") ?? 0
            try db.execute(sql: """
                UPDATE refs_runs SET finished_at = ?, status = ?, sources_extracted = ?, refs_total = ?, refs_resolved_again = ?
                WHERE id = ?
                """, arguments: [Catalog.now(), status.rawValue, sourcesExtracted, total, resolvedAgain, run])
        }
    }

    /// Replaces every reference of a source in one transaction: a crash leaves the old set.
    /// - Parameter body: extracts and resolves, adding rows through the writer.
    /// - Returns: references and problems written.
    public func replaceReferences(
        source name: String, kind: String, location: String, fingerprint: String, run: Int64, fields: [String] = [],
        records: () -> Int, _ body: (inout ReferenceWriter) throws -> Void
    ) throws -> (refs: Int, problems: Int) {
        try dbQueue.write { db in
            try db.execute(sql: """
                INSERT INTO sources (name, kind, location) VALUES (?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, location = excluded.location
                """, arguments: [name, kind, location])
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM sources WHERE name = ?", arguments: [name])!
            // No other source's references (two probes of `refs_by_source`): the indexes are
            // dropped first and built once at the end, and the old references go in one
            // truncation — deleting 20 million rows one by one through two indexes larger
            // than the page cache made a forced re-read grow faster than the catalog.
            let others = try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM refs WHERE source_id < ?1) OR EXISTS (SELECT 1 FROM refs WHERE source_id > ?1)
                """, arguments: [id]) ?? true
            let rebuilt: [String]
            if others {
                try db.execute(sql: "DELETE FROM refs WHERE source_id = ?", arguments: [id])
                rebuilt = []
            } else {
                rebuilt = try dropIndexes(of: "refs", db)
                try db.execute(sql: "DELETE FROM refs")
            }
            try db.execute(sql: "DELETE FROM source_problems WHERE source_id = ?", arguments: [id])
            var writer = ReferenceWriter(
                statement: try db.makeStatement(sql: ReferenceWriter.insertSQL),
                problemStatement: try db.makeStatement(sql: "INSERT INTO source_problems (source_id, kind, file, position, message) VALUES (?, ?, ?, ?, ?)"),
                sourceID: id, runID: run)
            try body(&writer)
            try createIndexes(rebuilt, db)
            try db.execute(sql: "UPDATE sources SET fingerprint = ?, records = ?, problems = ?, extracted_run = ?, fields = ? WHERE id = ?",
                           arguments: [fingerprint, records(), writer.problemCount, run, fields.joined(separator: "\n"), id])
            return (writer.count, writer.problemCount)
        }
    }

    /// Drops the indexes of `table` (inside the caller's transaction: a rollback restores
    /// them); returns the statements that create them again.
    func dropIndexes(of table: String, _ db: Database) throws -> [String] {
        let indexes = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                                       arguments: [table])
        for index in indexes { try db.execute(sql: "DROP INDEX \(String(index[0] as String).quotedDatabaseIdentifier)") }
        return indexes.map { $0[1] }
    }

    /// Runs `statements` (CREATE INDEX) with SQLite's sorter in small runs: it sorts an
    /// index's keys in runs as large as the page cache, and runs of 1 MiB, which stay in the
    /// processor's cache before they are merged, sort 1.5 million references' keys in about
    /// half the time one 64 MiB run takes. The page cache is set back afterwards.
    func createIndexes(_ statements: [String], _ db: Database) throws {
        guard !statements.isEmpty else { return }
        let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        try db.execute(sql: "PRAGMA cache_size = -1024")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
        for sql in statements { try db.execute(sql: sql) }
    }

    /// Forgets sources no longer in the manifest (and their references).
    public func dropSources(notIn names: Set<String>) throws(CatalogError) -> [String] {
        try write { db in
            let all = try String.fetchAll(db, sql: "SELECT name FROM sources")
            let gone = all.filter { !names.contains($0) }
            for n in gone { try db.execute(sql: "DELETE FROM sources WHERE name = ?", arguments: [n]) }
            return gone
        }
    }

    /// References of unchanged sources whose resolution may differ now: not resolved, or
    /// resolved to a file that changed or went since `scanRun`, or matched inexactly in a
    /// root where files appeared since (a new exact twin may exist).
    public func referencesToResolveAgain(sourceIDs: [Int64], sinceScanRun scanRun: Int64) throws(CatalogError) -> [StoredReference] {
        guard !sourceIDs.isEmpty else { return [] }
        let ids = sourceIDs.map(String.init).joined(separator: ",")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.source_id, r.path_text, r.style FROM refs r
                LEFT JOIN files f ON f.id = r.file_id
                WHERE r.source_id IN (\(ids)) AND (
                    r.status <> '\(ReferenceStatus.resolved.rawValue)'
                    OR f.id IS NULL OR f.status = '\(FileStatus.gone.rawValue)' OR f.changed_run > ?1 OR COALESCE(f.gone_run, 0) > ?1
                    OR (r.match <> '\(MatchKind.exact.rawValue)' AND EXISTS (SELECT 1 FROM files n WHERE n.root_id = r.root_id AND n.first_seen_run > ?1))
                )
                ORDER BY r.id
                """, arguments: [scanRun]).map {
                StoredReference(id: $0[0], sourceID: $0[1], pathText: $0[2], style: try StoredValue.style($0[3], column: "refs.style"))
            }
        }
    }

    /// Stores new resolutions for existing references.
    public func updateResolutions(_ updates: [(id: Int64, row: ReferenceRow)], run: Int64) throws(CatalogError) {
        try write { db in
            let st = try db.cachedStatement(sql: """
                UPDATE refs SET status = ?, match = ?, reason = ?, root_id = ?, file_id = ?, candidates = ?, resolved_run = ? WHERE id = ?
                """)
            for u in updates {
                try st.execute(arguments: [u.row.status.rawValue, u.row.match?.rawValue, u.row.reason, u.row.rootID, u.row.fileID, u.row.candidates, run, u.id])
            }
        }
    }

    static let referenceColumns = """
        s.name, r.record_key, r.record_position, r.column_name, r.kind, r.raw, r.span_start, r.span_end, r.style, r.status,
        r.match, r.reason, ro.display_path, f.path, r.deleted, r.modified
        """

    /// - Throws: ``UnknownStoredValue`` for a kind, style, status or match this build does not know.
    static func referenceRecord(_ r: Row) throws -> ReferenceRecord {
        ReferenceRecord(source: r[0], recordKey: r[1], recordPosition: r[2], column: r[3],
                        kind: try StoredValue.decode(r[4] as String, column: "refs.kind"), raw: r[5],
                        spanStart: r[6], spanEnd: r[7], style: try StoredValue.style(r[8], column: "refs.style"),
                        status: try StoredValue.decode(r[9] as String, column: "refs.status"),
                        match: try StoredValue.decode(r[10] as String?, column: "refs.match"), reason: r[11], fileRoot: r[12],
                        filePath: (r[13] as Data?).map { RawPath(bytes: [UInt8]($0)) }, deleted: r[14], modified: r[15])
    }

    /// Every reference (or those with a status), sorted by source, record, column and position in the text.
    public func forEachReference(status: [ReferenceStatus] = [], _ body: (ReferenceRecord) throws -> Void) throws(CatalogError) {
        let filter = status.isEmpty ? "" : "WHERE r.status IN (" + status.map { "'\($0.rawValue)'" }.joined(separator: ",") + ")"
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.referenceColumns) FROM refs r JOIN sources s ON s.id = r.source_id
                LEFT JOIN files f ON f.id = r.file_id LEFT JOIN roots ro ON ro.id = f.root_id
                \(filter) ORDER BY s.name, r.record_key, r.column_name, r.span_start, r.id
                """)
            while let row = try cursor.next() { try body(try Catalog.referenceRecord(row)) }
        }
    }

    /// References that resolve to one file.
    public func references(toFile fileID: Int64) throws(CatalogError) -> [ReferenceRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Catalog.referenceColumns) FROM refs r JOIN sources s ON s.id = r.source_id
                LEFT JOIN files f ON f.id = r.file_id LEFT JOIN roots ro ON ro.id = f.root_id
                WHERE r.file_id = ? ORDER BY s.name, r.record_key, r.column_name, r.span_start
                """, arguments: [fileID]).map(Catalog.referenceRecord)
        }
    }

    /// The one definition of an orphan, as an SQL expression over a file `f`: its
    /// ``OrphanReason`` raw value, or NULL when the file is not an orphan (it is not readable,
    /// or some live record's reference resolves to it). Every listing and count of orphans
    /// uses it.
    static let orphanReason: String = {
        let resolved = "x.file_id = f.id AND x.status = '\(ReferenceStatus.resolved.rawValue)'"
        return """
            CASE WHEN f.status <> '\(FileStatus.ok.rawValue)' THEN NULL
                 WHEN NOT EXISTS (SELECT 1 FROM refs x WHERE \(resolved)) THEN '\(OrphanReason.unreferenced.rawValue)'
                 WHEN NOT EXISTS (SELECT 1 FROM refs x WHERE \(resolved) AND x.deleted = 0) THEN '\(OrphanReason.deletedRecordsOnly.rawValue)'
            END
            """
    }()

    /// Every orphan (readable files no live record needs, ``OrphanReason``), sorted by root
    /// and path, without holding them all in memory.
    public func forEachOrphan(_ body: (FileRecord, OrphanReason) throws -> Void) throws(CatalogError) {
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT \(Catalog.fileColumns), \(Catalog.orphanReason) AS why FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.status = '\(FileStatus.ok.rawValue)' AND why IS NOT NULL ORDER BY r.path, f.path
                """)
            while let row = try cursor.next() {
                try body(try Catalog.fileRecord(row), try StoredValue.decode(row[Catalog.fileColumnCount] as String, column: "orphan reason"))
            }
        }
    }

    /// Why one file is an orphan, or nil when it is not one (the definition of ``forEachOrphan(_:)``).
    public func orphanReason(fileID: Int64) throws(CatalogError) -> OrphanReason? {
        try read { db in
            try StoredValue.decode(try String.fetchOne(db, sql: "SELECT \(Catalog.orphanReason) FROM files f WHERE f.id = ?",
                                                       arguments: [fileID]), column: "orphan reason")
        }
    }

    /// The counts every command prints about references (``ReferenceCounts``: one definition
    /// of each, the same rows `list missing` and `list orphans` give).
    public func referenceCounts() throws(CatalogError) -> ReferenceCounts {
        try read { db in
            var by: [ReferenceStatus: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) FROM refs GROUP BY status") {
                by[try StoredValue.decode(r[0] as String, column: "refs.status")] = r[1]
            }
            var orphans: [OrphanReason: FileTotal] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT why, COUNT(*), COALESCE(SUM(size), 0) FROM (
                    SELECT \(Catalog.orphanReason) AS why, f.size FROM files f WHERE f.status = '\(FileStatus.ok.rawValue)'
                ) WHERE why IS NOT NULL GROUP BY why
                """) {
                orphans[try StoredValue.decode(r[0] as String, column: "orphan reason")] = FileTotal(files: r[1], bytes: r[2])
            }
            return ReferenceCounts(
                sources: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sources") ?? 0, byStatus: by,
                sourceProblems: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM source_problems") ?? 0, orphansByReason: orphans)
        }
    }

    /// Files whose path (relative to its root) or absolute path equals `path`.
    public func files(matching path: String) throws(CatalogError) -> [FileRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.display_path = ?1 OR (r.display_path || '/' || f.display_path) = ?1 ORDER BY r.path, f.path
                """, arguments: [path]).map(Catalog.fileRecord)
        }
    }

    /// Source problems, by source and position.
    public func sourceProblems() throws(CatalogError) -> [(source: String, kind: String, file: String, position: String?, message: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.name, p.kind, p.file, p.position, p.message FROM source_problems p JOIN sources s ON s.id = p.source_id
                ORDER BY s.name, p.id
                """).map { ($0[0], $0[1], $0[2], $0[3], $0[4]) }
        }
    }
}

extension Catalog {
    /// Readable files with this content hash, by root and path.
    public func files(withHash hash: ContentHash) throws(CatalogError) -> [FileRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Catalog.fileColumns) FROM files f JOIN roots r ON r.id = f.root_id
                WHERE f.sha256 = ? AND f.status = '\(FileStatus.ok.rawValue)' ORDER BY r.path, f.path
                """, arguments: [hash.hex]).map(Catalog.fileRecord)
        }
    }
}
