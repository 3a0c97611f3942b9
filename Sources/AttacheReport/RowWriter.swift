import AttacheModel

/// One column of a listing's table: which field(s) it shows and how. Tables show the fields
/// people scan by eye; CSV and JSON always hold every field, complete.
struct ListingColumn: Sendable {
    var column: Table.Column
    var cell: @Sendable (ListingRow) -> String

    /// A field shown as it is.
    static func field(_ name: String, header: String? = nil, right: Bool = false, shortening: Table.Shortening = .end,
                       minWidth: Int = 8) -> ListingColumn {
        ListingColumn(column: Table.Column(header ?? name, right: right, shortening: shortening, minWidth: minWidth)) { $0[name] }
    }
    /// A root as its short label (`[1]`); the legend above the table gives the full path.
    static func root(_ name: String = "root", header: String = "root") -> ListingColumn {
        ListingColumn(column: Table.Column(header, shortening: .never)) { $0.label(name) }
    }
    /// A path relative to its root, shortened in the middle when the table is too wide.
    static func path(_ name: String = "path", header: String = "path") -> ListingColumn {
        .field(name, header: header, shortening: .middle, minWidth: 24)
    }
    /// A size in bytes, right-aligned.
    static func number(_ name: String, header: String? = nil) -> ListingColumn {
        .field(name, header: header, right: true, shortening: .never)
    }
    /// The date of an ISO 8601 time (`2014-03-11`).
    static func date(_ name: String = "mtime", header: String = "modified") -> ListingColumn {
        ListingColumn(column: Table.Column(header, shortening: .never)) { String($0[name].prefix(10)) }
    }
}

/// The values of one listing row, by field name, as the table shows them.
struct ListingRow {
    let values: [FieldValue]
    let index: [String: Int]
    let labels: RootLabels

    /// The field's plain text, control characters escaped so a row stays one line.
    subscript(_ name: String) -> String {
        guard let i = index[name] else { preconditionFailure("no field \(name)") }
        return String(values[i].plain.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined())
    }

    /// The root in field `name` as its short label, empty when the field is.
    func label(_ name: String) -> String {
        guard let i = index[name], case .text(let root) = values[i] else { return "" }
        return labels.label(root)
    }
}

/// Short labels for roots (`[1]`, `[2]` in order of first appearance) so a table shows each
/// absolute root path once, in a legend, instead of on every row.
final class RootLabels {
    private(set) var roots: [String] = []
    private var byRoot: [String: Int] = [:]

    func label(_ root: String) -> String {
        if let n = byRoot[root] { return "[\(n)]" }
        roots.append(root)
        byRoot[root] = roots.count
        return "[\(roots.count)]"
    }

    /// `[1] /mnt/legacy/fileserver` lines, each fitted to `width`.
    func legend(width: Int = 120) -> String {
        roots.enumerated().map { TextWidth.trimMiddle("[\($0 + 1)] \($1)", width: width) + "\n" }.joined()
    }
}

/// Writes a listing's rows in one format: CSV and JSON stream every field, the table buffers
/// the columns people read (roots as labels, long paths shortened) and fits 120 columns.
struct RowWriter<S: TextSink> {
    let kind: String
    let fields: [String]
    let format: OutputFormat
    private var csv = CSVWriter()
    private var json: JSONWriter<S>?
    private var sink: S
    private var table: Table
    private let tableColumns: [ListingColumn]
    private let index: [String: Int]
    private let labels = RootLabels()
    private(set) var count = 0

    /// `version` is the JSON envelope's version for this listing (Documentation/Listings.md).
    init(kind: String, fields: [String], table: [ListingColumn], format: OutputFormat, version: Int = Listing.jsonVersion, sink: S) {
        self.kind = kind; self.fields = fields; self.format = format; self.sink = sink
        tableColumns = table
        self.table = Table(table.map(\.column))
        index = Dictionary(uniqueKeysWithValues: fields.enumerated().map { ($1, $0) })
        switch format {
        case .csv:
            csv.header(fields, to: &self.sink)
        case .json:
            var w = JSONWriter(sink)
            w.beginObject()
            w.field("listing", .text(kind))
            w.field("version", .int(version))
            w.beginArray("items", oneItemPerLine: true)
            json = w
        case .table, .text:
            break
        }
    }

    mutating func row(_ values: [FieldValue]) {
        precondition(values.count == fields.count, "\(kind): \(values.count) values for \(fields.count) fields")
        switch format {
        case .csv:
            csv.row(values, to: &sink)
        case .json:
            json!.beginObject()
            for (name, v) in zip(fields, values) { json!.field(name, v) }
            json!.endObject()
        case .table, .text:
            let r = ListingRow(values: values, index: index, labels: labels)
            table.add(tableColumns.map { $0.cell(r) })
        }
        count += 1
    }

    /// Ends the listing (the table: legend, rows, count) and hands back the sink.
    mutating func finish() -> S {
        switch format {
        case .csv:
            return sink
        case .json:
            json!.endArray()
            json!.endObject()
            return json!.finish()
        case .table, .text:
            if !labels.roots.isEmpty { sink.write(labels.legend() + "\n") }
            table.render(to: &sink)
            sink.write("\(count) \(kind)\(count == 0 ? "" : "; every field: --format csv or json")\n")
            return sink
        }
    }
}
