import AttacheModel
import AttacheSystem
#if canImport(Glibc)
import Glibc
#endif

extension SourcePlan {
    /// The version of ``definitionText``'s format. Change it only with the format: a new
    /// version makes every source be read once more, which is the point of changing it.
    public static let definitionVersion = 1

    /// The plan's definition as explicit, versioned text: one line per setting that changes
    /// what the source yields, each value written as JSON (`null` when not set). It names no
    /// Swift type, so moving or renaming types never changes it (it once held the plan's
    /// `String(describing:)`, whose module name made every source be read again after a
    /// refactor). The source's name is not part of it: the catalog keys sources by name.
    public var definitionText: String {
        // A line format, not a JSON document: each value is a JSON literal on its own line, so
        // the literals come from JSONText rather than JSONWriter. Changing their escaping would
        // change every fingerprint and make every source be read again.
        func text(_ v: String?) -> String { v.map(JSONText.string) ?? "null" }
        func list(_ v: [String]) -> String { "[" + v.map(JSONText.string).joined(separator: ",") + "]" }
        var kind = "", database: String?, table: String?, query: String?, file: String?, folder: String?
        var delimiter: String?, encoding: String?
        switch input {
        case .sqlite(let db, let t, let q):
            kind = "sqlite"; database = db; table = t; query = q
        case .csv(let f, let d, let e):
            kind = "csv"; file = f; delimiter = d.map { String($0) }; encoding = e
        case .textFiles(let f, let e):
            kind = "text_files"; folder = f; encoding = e
        case .live(let d, let t, let q):
            kind = d.engine.rawValue; database = d.url; table = t; query = q
        }
        var lines = [
            "attache source definition \(Self.definitionVersion)",
            "kind \(text(kind))", "preset \(text(preset))",
            "database \(text(database))", "table \(text(table))", "query \(text(query))",
            "csv \(text(file))", "delimiter \(text(delimiter))", "text_files \(text(folder))", "encoding \(text(encoding))",
            "key \(list(key))", "file \(text(template?.text))", "text \(list(textColumns))", "base \(text(base))",
            "deleted \(text(deleted))", "modified \(text(modified))", "fields \(list(fields))",
        ]
        // Only when set: a source without it keeps the fingerprint it had before the setting
        // existed (and is not read again for nothing).
        if let relativeBase { lines.append("relative_base \(text(relativeBase))") }
        return lines.joined(separator: "\n")
    }

    /// What must stay the same for a source not to be read again: its definition
    /// (``definitionText``), then one line `stat PATH:SIZE:SECONDS.NANOSECONDS` for each file
    /// it reads (a database and its `-wal`; a CSV file; every entry below a folder of text
    /// files, hidden ones too, links not followed) that exists.
    public var fingerprint: String { fingerprint(reading: nil) }

    /// The fingerprint, with a live source's row stamp taken through `reader` (in the snapshot
    /// it reads) when it is the opened source; see ``fingerprint``.
    public func fingerprint(reading reader: (any RecordSource)?) -> String {
        var lines = [definitionText]
        func stamp(_ path: RawPath) {
            guard case .success(let st) = RawFile.status(of: path, followLinks: false) else { return }
            lines.append("stat \(path.display):\(st.size):\(st.mtime.seconds).\(st.mtime.nanoseconds - st.mtime.seconds * 1_000_000_000)")
        }
        switch input {
        case .sqlite(let db, _, _):
            stamp(RawPath(db)); stamp(RawPath(db + "-wal"))
        case .csv(let f, _, _):
            stamp(RawPath(f))
        case .textFiles(let folder, _):
            var paths: [RawPath] = []
            Self.collect(RawPath(folder), into: &paths)
            for p in paths.sorted() { stamp(p) }
        case .live(let database, let table, let query):
            let live = reader as? LiveRecordSource
                ?? (try? LiveRecordSource(name: name, database: database, table: table, query: query, key: key,
                                          deleted: deleted, modified: modified))
            if let rows = live?.stamp() {
                lines.append("rows \(rows)")
            } else {
                // Not cheaply fingerprinted: a line that never repeats, so the source is read every time.
                var now = timespec()
                clock_gettime(CLOCK_REALTIME, &now)
                lines.append("unstamped \(now.tv_sec).\(now.tv_nsec)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Every entry below `folder` (folders and files), recursively, not following links.
    private static func collect(_ folder: RawPath, into paths: inout [RawPath]) {
        guard case .success(let entries) = RawFile.list(folder) else { return }
        for e in entries {
            let path = folder.appending(e.name)
            paths.append(path)
            if e.kind == .directory { collect(path, into: &paths) }
        }
    }
}
