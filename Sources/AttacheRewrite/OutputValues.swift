import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheRecords
import AttacheSystem

/// The values of a rewritten output, by record: SQLite rows by rowid, CSV records by
/// position, live tables' records by key (read once, keeping only the records asked for), text files by relative path.
final class OutputValues {
    private let sqlite: SQLiteValueReader?
    private let output: RewriteOutputRecord
    private var csvRecords: [String: [String: String]] = [:]
    private var textCache: (String, String?)?

    private init(sqlite: SQLiteValueReader?, output: RewriteOutputRecord) { self.sqlite = sqlite; self.output = output }

    static func open(_ output: RewriteOutputRecord, positions: Set<String>) throws -> OutputValues {
        switch output.format {
        case "sqlite": return OutputValues(sqlite: try SQLiteValueReader(path: output.path, source: output.source), output: output)
        case "csv":
            let values = OutputValues(sqlite: nil, output: output)
            let parts = output.options.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            let source = try CSVRecordSource(name: output.source, file: output.path, key: [], deleted: nil, modified: nil,
                                             delimiter: parts.first.flatMap { $0.first },
                                             encoding: parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil)
            try source.forEachRecord({ r in if positions.contains(r.position) { values.csvRecords[r.position] = r.fields } },
                                     problem: { _ in })
            return values
        case "text_files": return OutputValues(sqlite: nil, output: output)
        case "mysql", "postgresql":
            // A live table: read once (read-only), keeping the records asked for, by key.
            guard let options = LiveOutputOptions(text: output.options), let engine = LiveDatabase.Engine(rawValue: output.format),
                  let database = try? LiveDatabase(engine: engine, url: output.path, passwordEnv: options.passwordEnv) else {
                throw RewriteError(.missingInput, "the catalog's record of the live source '\(output.source)' cannot be read")
            }
            let values = OutputValues(sqlite: nil, output: output)
            let source = try LiveRecordSource(name: output.source, database: database, table: options.table, query: nil, key: options.key,
                                              deleted: nil, modified: nil)
            try source.forEachRecord({ r in
                let id = LiveRecordSource.recordID(key: options.key.map { r.fields[$0] ?? "" })
                if positions.contains(id) { values.csvRecords[id] = r.fields }
            }, problem: { _ in })
            return values
        default: throw RewriteError(.missingInput, "the catalog records an output of an unknown kind '\(output.format)'")
        }
    }

    func value(recordID: String?, position: String, column: String) -> String? {
        switch output.format {
        case "sqlite":
            guard let sqlite, let id = recordID.flatMap(Int64.init) else { return nil }
            return sqlite.value(table: output.options, column: column, rowID: id)
        case "csv", "mysql", "postgresql":
            return csvRecords[recordID ?? position]?[column]
        default:
            let relative = recordID ?? position
            if let (cached, text) = textCache, cached == relative { return text }
            let path = OutputPaths.join(output.path, relative)
            let bytes = try? TextSourceRewrite.read(path, source: output.source)
            var text: String?
            if let bytes, case .success(let d) = TextEncoding.decode(bytes, declared: output.options.isEmpty ? nil : output.options,
                                                                    sniffHTML: TextFilesSource.looksLikeHTML(relative, bytes)) {
                text = d.text
            }
            textCache = (relative, text)
            return text
        }
    }
}
