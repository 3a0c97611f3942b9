import AttacheConfig
#if canImport(Glibc)
import Glibc
#endif

extension LiveRecordSource {
    /// The tables and views of a live database with their columns (for presets, which pick a
    /// variant by the columns a CRM version has), read through a read-only connection.
    /// - Throws: the connection's fatal ``SourceError``.
    public static func tableColumns(_ database: AttacheConfig.LiveDatabase, source: String) throws(SourceError) -> [String: [String]] {
        let connection = try LiveConnector.open(database, source: source, readOnly: true)
        defer { connection.close() }
        var result: [String: [String]] = [:]
        for t in try connection.tables() { result[t.name] = t.columns }
        return result
    }

    /// What must stay the same for a live source not to be read again: the number of rows it
    /// yields and the greatest value of its `modified` column, read by the server
    /// (`SELECT COUNT(*), MAX(modified) FROM (…)`) without shipping the rows, in the source's
    /// own snapshot (so it describes exactly what the source then reads). A row edited without
    /// touching its `modified` column is not seen: CRMs set it on every change through their UI,
    /// a hand-made UPDATE may not (`attache refs --force` reads everything again).
    ///
    /// Nil when the source cannot be fingerprinted cheaply — it has no `modified` column, or the
    /// server cannot answer — and is then read every time. Call it before ``forEachRecord(_:problem:)``.
    public func stamp() -> String? {
        guard let m = roles.modified else { return nil }
        let from = table.map(connection.quoted) ?? "(" + Self.withoutTrailingSemicolon(statement) + ") AS attache_q"
        var stamp: String?
        do {
            try connection.stream("SELECT COUNT(*), MAX(\(connection.quoted(columns[m]))) FROM \(from)", columns: { _ in }, row: { v in
                stamp = v.map { $0.map { String(decoding: $0, as: UTF8.self) } ?? "NULL" }.joined(separator: ":")
            })
        } catch {
            return nil
        }
        return stamp
    }

    static func withoutTrailingSemicolon(_ query: String) -> String {
        var q = Substring(query)
        while let last = q.last, last == ";" || last.isWhitespace { q = q.dropLast() }
        return String(q)
    }
}
