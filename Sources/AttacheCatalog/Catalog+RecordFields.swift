import AttacheModel
import Foundation
import GRDB

extension Catalog {
    /// The columns each source keeps with its references (the manifest's `fields:` when the
    /// source was last read), by source name.
    public func keptRecordFields() throws(CatalogError) -> [String: [String]] {
        try read { db in
            var out: [String: [String]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT name, fields FROM sources ORDER BY name") {
                let text: String = r[1]
                out[r[0]] = text.isEmpty ? [] : text.split(separator: "\n").map(String.init)
            }
            return out
        }
    }

    /// For each file referenced by a record that kept some of `names`: each name's value,
    /// taken from the first referencing record that has it — live records before soft-deleted
    /// ones, then by source name, then in the order the source lists its records.
    ///
    /// Files with the same values share one dictionary (most files of a CRM account, or of one
    /// record type, have the same ones): a plan of ten million files laid out by
    /// `{record.account}` holds each combination once, not a dictionary a file. Values are
    /// shared only when their bytes are equal — a name spelled composed and one spelled
    /// decomposed stay each as it was.
    public func recordFields(_ names: [String]) throws(CatalogError) -> [Int64: [String: String]] {
        guard !names.isEmpty else { return [:] }
        return try read { db in
            var out: [Int64: [String: String]] = [:]
            var shared: [[UInt8]: [String: String]] = [:]
            var current: Int64? = nil
            var values: [String: String] = [:]
            func keep() {
                guard let id = current, !values.isEmpty else { return }
                let key = Self.bytesKey(values, names)
                if let known = shared[key] { out[id] = known } else { shared[key] = values; out[id] = values }
            }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT r.file_id, r.fields FROM refs r JOIN sources s ON s.id = r.source_id
                WHERE r.status = '\(ReferenceStatus.resolved.rawValue)' AND r.file_id IS NOT NULL AND r.fields IS NOT NULL
                ORDER BY r.file_id, r.deleted, s.name, r.id
                """)
            while let row = try cursor.next() {
                let id: Int64 = row[0]
                if id != current { keep(); current = id; values = [:] }
                if values.count == names.count { continue }
                let text: String = row[1]
                guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                for n in names where values[n] == nil {
                    if let v = object[n] as? String, !v.isEmpty { values[n] = v }
                }
            }
            keep()
            return out
        }
    }

    /// The values' exact bytes, name by name (absent, or length and bytes): equal keys, equal bytes.
    static func bytesKey(_ values: [String: String], _ names: [String]) -> [UInt8] {
        var key: [UInt8] = []
        for n in names {
            guard let v = values[n] else { key.append(0); continue }
            key.append(1)
            var count = UInt32(v.utf8.count)
            withUnsafeBytes(of: &count) { key.append(contentsOf: $0) }
            key.append(contentsOf: v.utf8)
        }
        return key
    }

    /// Whether references are known and current: the last completed refs run's scan run, and
    /// the latest scan run (as `beginRefsRun` counts them).
    public func referenceFreshness() throws(CatalogError) -> (refsRun: Int64?, resolvedAtScan: Int64?, latestScan: Int64?) {
        try read { db in
            let refs = try Row.fetchOne(db, sql: "SELECT id, scan_run FROM refs_runs WHERE status = '\(RunStatus.completed.rawValue)' ORDER BY id DESC LIMIT 1")
            let scan = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM scan_runs")
            return (refs?[0], refs?[1], scan)
        }
    }
}
