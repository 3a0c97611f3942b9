import AttacheCatalog
import AttacheModel

/// The output formats of `attache list` and `attache report`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, text
}

/// Complete, sorted listings with stable field names (Documentation/Listings.md).
///
/// Paths are relative to their root and shown as UTF-8; bytes that are not valid UTF-8 are
/// written `\xNN` (and a backslash in such a name as `\\`), so every name stays distinct.
public enum Listing {
    /// Version of the JSON listing envelope; bump when a field changes meaning or disappears.
    public static let jsonVersion = 1

    public static let fileFields = [
        "root", "path", "kind", "size", "mtime", "sha256", "mime", "category", "extension_mismatch", "status",
        "problem", "problem_detail",
    ]
    public static let duplicateFields = ["group", "sha256", "size", "copies", "reclaimable", "root", "path", "mtime"]
    public static let problemFields = ["root", "path", "code", "severity", "detail", "first_run", "last_run"]

    /// Lists files (present ones unless `includeGone`).
    public static func files<S: TextSink>(_ catalog: Catalog, format: OutputFormat, includeGone: Bool = false, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "files", fields: fileFields, format: format, right: [3])
        try catalog.forEachFile(includeGone ? .all : .present) { f in
            writer.row([
                .text(f.rootPath), .text(f.path.display), .text(f.stat.kind.rawValue), .int(f.stat.size),
                .text(f.stat.mtime.iso8601), .optional(f.sha256?.hex), .optional(f.mime), .optional(f.category?.rawValue),
                .bool(f.extensionMismatch), .text(f.status.rawValue), .optional(f.problem?.rawValue), .optional(f.problemDetail),
            ], to: &sink)
        }
        writer.finish(to: &sink)
    }

    /// Lists every file that has a same-content twin, group by group.
    public static func duplicates<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "duplicates", fields: duplicateFields, format: format, right: [0, 2, 3, 4])
        for (i, g) in try catalog.duplicateGroups().enumerated() {
            for f in g.files {
                writer.row([
                    .int(Int64(i + 1)), .text(g.sha256.hex), .int(g.size), .int(Int64(g.files.count)), .int(g.reclaimable),
                    .text(f.rootPath), .text(f.path.display), .text(f.stat.mtime.iso8601),
                ], to: &sink)
            }
        }
        writer.finish(to: &sink)
    }

    /// Lists every current finding.
    public static func problems<S: TextSink>(_ catalog: Catalog, format: OutputFormat, to sink: inout S) throws(CatalogError) {
        var writer = RowWriter(kind: "problems", fields: problemFields, format: format, right: [5, 6])
        for p in try catalog.findings() {
            writer.row([
                .text(p.rootPath), .text(p.path.isEmpty ? "." : p.path.display), .text(p.code.rawValue),
                .text(p.code.severity.rawValue), .text(p.detail), .int(p.firstRun), .int(p.lastRun),
            ], to: &sink)
        }
        writer.finish(to: &sink)
    }
}

/// A typed cell: how it is written depends on the format (JSON numbers and booleans stay typed).
enum Cell {
    case text(String), int(Int64), bool(Bool), optional(String?)
    var plain: String {
        switch self {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .optional(let s): return s ?? ""
        }
    }
    var json: String {
        switch self {
        case .text(let s): return JSON.string(s)
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        case .optional(let s): return JSON.optional(s)
        }
    }
}

/// Writes rows in one format, streaming for CSV and JSON.
struct RowWriter {
    let kind: String
    let fields: [String]
    let format: OutputFormat
    var table: Table
    var count = 0

    init(kind: String, fields: [String], format: OutputFormat, right: Set<Int>) {
        self.kind = kind; self.fields = fields; self.format = format
        table = Table(headers: fields, rightAligned: right)
    }

    mutating func row<S: TextSink>(_ cells: [Cell], to sink: inout S) {
        switch format {
        case .csv:
            if count == 0 { sink.write(CSV.row(fields)) }
            sink.write(CSV.row(cells.map(\.plain)))
        case .json:
            if count == 0 { sink.write("{\"listing\":\(JSON.string(kind)),\"version\":\(Listing.jsonVersion),\"items\":[\n") } else { sink.write(",\n") }
            sink.write(JSON.object(Array(zip(fields, cells.map(\.json)))))
        case .table, .text:
            table.add(cells.map { c in
                // One line per row at a terminal: control characters in names are shown escaped.
                String(c.plain.unicodeScalars.map { $0.value < 0x20 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
            })
        }
        count += 1
    }

    mutating func finish<S: TextSink>(to sink: inout S) {
        switch format {
        case .csv:
            if count == 0 { sink.write(CSV.row(fields)) }
        case .json:
            if count == 0 { sink.write("{\"listing\":\(JSON.string(kind)),\"version\":\(Listing.jsonVersion),\"items\":[") }
            sink.write("\n]}\n")
        case .table, .text:
            table.render(to: &sink)
            sink.write("\(count) \(kind)\n")
        }
    }
}
