import AttacheModel
import Foundation
import GRDB

/// One source's references, as the report shows them.
public struct SourceFigures: Sendable, Equatable {
    public var name: String
    /// sqlite, csv, text_files, mysql, postgresql, preset:NAME.
    public var kind: String
    public var records: Int
    /// Records that could not be read.
    public var problems: Int
    /// References by status (statuses with none are absent).
    public var byStatus: [ReferenceStatus: Int]
    /// References that come from soft-deleted records.
    public var fromDeletedRecords: Int
    /// The record columns the source keeps with its references (`fields:`).
    public var fields: [String]

    public init(name: String, kind: String, records: Int, problems: Int, byStatus: [ReferenceStatus: Int], fromDeletedRecords: Int,
                fields: [String]) {
        self.name = name; self.kind = kind; self.records = records; self.problems = problems; self.byStatus = byStatus
        self.fromDeletedRecords = fromDeletedRecords; self.fields = fields
    }

    public var total: Int { byStatus.values.reduce(0, +) }
    public var notResolved: Int { ReferenceStatus.unresolvedCases.reduce(0) { $0 + (byStatus[$1] ?? 0) } }
}

/// A path the records name that leads to no movable file, with the records that name it.
public struct UnresolvedPath: Sendable, Equatable {
    public var path: String
    public var status: ReferenceStatus
    public var reason: String
    /// How many references name it, and the first few records (`source: key`).
    public var references: Int
    public var records: [String]

    public init(path: String, status: ReferenceStatus, reason: String, references: Int, records: [String]) {
        self.path = path; self.status = status; self.reason = reason; self.references = references; self.records = records
    }
}

/// The references grouped by the record they hang on (their parent: an account, a contact, a
/// deal), told by the record columns the sources keep (`fields:`): a parent is the source and
/// the values of its kept fields.
public struct ParentFigures: Sendable, Equatable {
    /// Sources that keep fields, and the fields.
    public var fieldsBySource: [String: [String]]
    /// Parents seen, those with at least one link lost (not resolved, or its file dropped), and
    /// those with at least one file archived.
    public var parents = 0
    public var losingLinks = 0
    public var withArchived = 0
    /// The parents that lose most links, then have most files archived.
    public var top: [ParentTally] = []

    public init(fieldsBySource: [String: [String]] = [:], parents: Int = 0, losingLinks: Int = 0, withArchived: Int = 0,
                top: [ParentTally] = []) {
        self.fieldsBySource = fieldsBySource; self.parents = parents; self.losingLinks = losingLinks
        self.withArchived = withArchived; self.top = top
    }
}

/// One parent's references and what happens to their files in the latest plan.
public struct ParentTally: Sendable, Equatable {
    public var source: String
    /// The kept fields' values, in the source's order, joined by " · " (empty values as "-").
    public var label: String
    public var references = 0
    /// References that name no movable file.
    public var notResolved = 0
    /// References whose file the latest plan keeps, archives or drops.
    public var kept = 0
    public var archived = 0
    public var dropped = 0

    public init(source: String, label: String) { self.source = source; self.label = label }

    /// Links the parent loses: references to nothing, and to files that are not moved.
    public var lost: Int { notResolved + dropped }
}

/// The outcome of one `attache verify` (of the target, or `--references`).
public struct VerificationRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case target, references }
    public var id: Int64
    public var kind: Kind
    public var target: String
    public var at: String
    public var fast: Bool
    /// What was checked: files, archives and members (target); references (references).
    public var checked: Int
    public var bytes: Int64
    /// Differences found, by kind.
    public var differences: [String: Int]

    public init(id: Int64 = 0, kind: Kind, target: String, at: String = "", fast: Bool, checked: Int, bytes: Int64,
                differences: [String: Int]) {
        self.id = id; self.kind = kind; self.target = target; self.at = at; self.fast = fast; self.checked = checked
        self.bytes = bytes; self.differences = differences
    }

    public var ok: Bool { differences.values.reduce(0, +) == 0 }
}

extension Catalog {
    /// Every source's figures, by name.
    public func sourceFigures() throws(CatalogError) -> [SourceFigures] {
        try read { db in
            var out: [SourceFigures] = []
            var index: [Int64: Int] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT id, name, kind, records, problems, fields FROM sources ORDER BY name") {
                let fields: String = r[5]
                index[r[0]] = out.count
                out.append(SourceFigures(name: r[1], kind: r[2], records: r[3], problems: r[4], byStatus: [:], fromDeletedRecords: 0,
                                         fields: fields.isEmpty ? [] : fields.split(separator: "\n").map(String.init)))
            }
            for r in try Row.fetchAll(db, sql: "SELECT source_id, status, deleted, COUNT(*) FROM refs GROUP BY 1, 2, 3") {
                guard let i = index[r[0]] else { continue }
                let status: ReferenceStatus = try Catalog.decoded(r[1], column: "refs.status")
                out[i].byStatus[status, default: 0] += r[3]
                if (r[2] as Int64) != 0 { out[i].fromDeletedRecords += r[3] }
            }
            return out
        }
    }

    /// The unresolved paths named by most references (ties by path), each with its first
    /// `records` records; and how many distinct unresolved paths there are.
    public func unresolvedPaths(limit: Int, records: Int = 5) throws(CatalogError) -> (top: [UnresolvedPath], distinct: Int) {
        let statuses = ReferenceStatus.unresolvedCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
        return try read { db in
            let distinct = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM (SELECT 1 FROM refs WHERE status IN (\(statuses)) GROUP BY path_text, status)") ?? 0
            var top: [UnresolvedPath] = []
            for r in try Row.fetchAll(db, sql: """
                SELECT path_text, status, COALESCE(MIN(reason), ''), COUNT(*) FROM refs WHERE status IN (\(statuses))
                GROUP BY path_text, status ORDER BY COUNT(*) DESC, path_text, status LIMIT ?
                """, arguments: [limit]) {
                top.append(UnresolvedPath(path: r[0], status: try Catalog.decoded(r[1], column: "refs.status"), reason: r[2],
                                          references: r[3], records: []))
            }
            // Their first records, in one pass over the unresolved references (not one per path).
            var index: [String: Int] = [:]
            for (i, u) in top.enumerated() { index[u.status.rawValue + "\u{0}" + u.path] = i }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT x.status, x.path_text, s.name || ': ' || x.record_key FROM refs x JOIN sources s ON s.id = x.source_id
                WHERE x.status IN (\(statuses)) ORDER BY s.name, x.id
                """)
            var wanting = top.count
            while wanting > 0, let row = try cursor.next() {
                guard let i = index[(row[0] as String) + "\u{0}" + (row[1] as String)], top[i].records.count < records else { continue }
                top[i].records.append(row[2])
                if top[i].records.count == records || top[i].records.count == top[i].references { wanting -= 1 }
            }
            return (top, distinct)
        }
    }

    /// The references grouped by parent (sources with kept fields only), with what the plan
    /// `plan` does to their files; the `limit` parents losing most links first.
    public func parentFigures(plan: Int64?, limit: Int) throws(CatalogError) -> ParentFigures {
        let kept = try keptRecordFields().filter { !$0.value.isEmpty }
        var figures = ParentFigures(fieldsBySource: kept)
        guard !kept.isEmpty else { return figures }
        var tallies: [String: ParentTally] = [:]
        try read { db in
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT s.name, r.fields, r.status, d.action FROM refs r JOIN sources s ON s.id = r.source_id
                LEFT JOIN decisions d ON d.plan_id = ? AND d.file_id = r.file_id
                WHERE r.fields IS NOT NULL AND r.deleted = 0
                """, arguments: [plan ?? -1])
            while let row = try cursor.next() {
                let source: String = row[0]
                guard let names = kept[source] else { continue }
                let text: String = row[1]
                let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
                let label = names.map { n in (object[n] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "-" }.joined(separator: " · ")
                let key = source + "\u{0}" + label
                var t = tallies[key] ?? ParentTally(source: source, label: label)
                t.references += 1
                if (row[2] as String) != ReferenceStatus.resolved.rawValue { t.notResolved += 1 }
                switch (row[3] as String?).flatMap(DecisionAction.init(rawValue:)) {
                case .keep?: t.kept += 1
                case .archive?: t.archived += 1
                case .drop?: t.dropped += 1
                case nil: break
                }
                tallies[key] = t
            }
        }
        figures.parents = tallies.count
        figures.losingLinks = tallies.values.filter { $0.lost > 0 }.count
        figures.withArchived = tallies.values.filter { $0.archived > 0 }.count
        figures.top = Array(tallies.values.filter { $0.lost > 0 || $0.archived > 0 }.sorted {
            ($1.lost, $1.archived, $0.source, $0.label) < ($0.lost, $0.archived, $1.source, $1.label)
        }.prefix(limit))
        return figures
    }

    /// Files of plan `plan` whose decision has `rule`, or notes starting with one of
    /// `notePrefixes`: how many, and the first `limit` (largest first).
    public func planFiles(plan: Int64, rule: String? = nil, notePrefixes: [String] = [], limit: Int)
        throws(CatalogError) -> (count: Int, top: [(FileRecord, DecisionRow)]) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = [plan]
        if let rule { conditions.append("d.rule = ?"); arguments.append(rule) }
        for p in notePrefixes {
            conditions.append("(d.notes LIKE ? ESCAPE '\\' OR d.notes LIKE ? ESCAPE '\\')")
            let like = p.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            arguments.append(like + "%"); arguments.append("%; " + like + "%")
        }
        let condition = conditions.isEmpty ? "1" : conditions.joined(separator: " OR ")
        return try read { db in
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM decisions d WHERE d.plan_id = ? AND (\(condition))",
                                         arguments: StatementArguments(arguments)) ?? 0
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(Catalog.fileColumns), \(Catalog.decisionColumns) FROM decisions d JOIN files f ON f.id = d.file_id
                JOIN roots r ON r.id = f.root_id WHERE d.plan_id = ? AND (\(condition)) ORDER BY f.size DESC, f.id LIMIT \(max(0, limit))
                """, arguments: StatementArguments(arguments))
            return (count, try rows.map { (try Catalog.fileRecord($0), try Catalog.decisionRow($0, at: Catalog.fileColumnCount)) })
        }
    }

    /// Where the mapping's current rows for `target` stand, by placement.
    public func placementTotals(target: String) throws(CatalogError) -> [PlacementKind: FileTotal] {
        try read { db in
            var out: [PlacementKind: FileTotal] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT placement, COUNT(*), SUM(size) FROM mapping WHERE current = 1 AND target = ? GROUP BY 1",
                                      arguments: [target]) {
                let kind: PlacementKind = try Catalog.decoded(r[0], column: "mapping.placement")
                out[kind] = FileTotal(files: r[1], bytes: r[2] ?? 0)
            }
            return out
        }
    }

    /// How many journal steps of apply run `run` failed.
    public func failedSteps(run: Int64) throws(CatalogError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM journal WHERE run_id = ? AND state = 'failed'", arguments: [run]) ?? 0 }
    }

    /// Records what `attache verify` found.
    public func recordVerification(_ v: VerificationRecord) throws(CatalogError) {
        let differences = JSONWriter.text { w in
            w.beginObject()
            for k in v.differences.keys.sorted() { w.field(k, .int(v.differences[k]!)) }
            w.endObject()
        }
        try write { db in
            try db.execute(sql: """
                INSERT INTO verify_runs (kind, target, at, fast, checked, bytes, differences) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [v.kind.rawValue, v.target, Catalog.now(), v.fast, v.checked, v.bytes, differences])
        }
    }

    /// The latest verification of each kind (of `target` when given).
    public func latestVerification(_ kind: VerificationRecord.Kind, target: String? = nil) throws(CatalogError) -> VerificationRecord? {
        try read { db in
            guard let r = try Row.fetchOne(db, sql: """
                SELECT id, kind, target, at, fast, checked, bytes, differences FROM verify_runs
                WHERE kind = ? AND (? IS NULL OR target = ?) ORDER BY id DESC LIMIT 1
                """, arguments: [kind.rawValue, target, target]) else { return nil }
            let text: String = r[7]
            let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
            var differences: [String: Int] = [:]
            for (k, v) in object { if let n = v as? NSNumber { differences[k] = n.intValue } }
            return VerificationRecord(id: r[0], kind: kind, target: r[2], at: r[3], fast: r[4], checked: r[5], bytes: r[6],
                                      differences: differences)
        }
    }
}
