import AttacheCatalog
import AttacheModel
import CSV
import Foundation

/// The business's review loop: export the plan as a spreadsheet (one row per file, with the
/// records that reference it), let them change the `action` column, import their decisions.
public enum Review {
    public static let columns = [
        "file_id", "root", "path", "size", "modified", "category", "references", "records", "action", "rule", "reason",
        "target_path", "archive_path", "note",
    ]

    /// The review CSV, written by the shared ``CSVWriter``: RFC 4180, UTF-8 with a byte-order
    /// mark so spreadsheet programs read it right, and text that a spreadsheet would run as a
    /// formula (a file named `=HYPERLINK(…).pdf`) guarded with a leading `'`. The import reads
    /// only `file_id` (a number), `action` and `note`, which the guard never changes.
    /// The `references` column counts what `attache explain` counts (``FileReferences``):
    /// every reference that names the file, from live and deleted records, resolved or not.
    public static func export(_ outcome: PlanStage.Outcome, references: [Int64: FileReferences]) -> String {
        var csv = CSVWriter(byteOrderMark: true)
        var out = StringSink()
        csv.header(columns, to: &out)
        outcome.decisions.forEachChunk { chunk in
            for d in chunk {
                guard let f = outcome.files[d.fileID] else { continue }
                let refs = references[d.fileID] ?? FileReferences()
                csv.row([
                    .int(d.fileID), .text(f.root), .text(f.path.display), .int(f.size), .text(f.mtime.iso8601),
                    .text(f.category?.rawValue ?? ""), .int(Int64(refs.count)), .text(refs.records.joined(separator: "; ")),
                    .text(d.action.rawValue), .text(d.rule), .text(d.reason), .text(d.targetPath ?? ""), .text(d.archivePath ?? ""), "",
                ], to: &out)
            }
        }
        return out.text
    }

    /// `text` as a spreadsheet shows it as text (``CSVWriter/inert(_:)``).
    static func inert(_ text: String) -> String { CSVWriter.inert(text) }

    /// One CSV row of text fields (``CSVWriter``).
    static func row(_ fields: [String]) -> String { CSVWriter().line(fields.map(FieldValue.text)) }

    /// A problem with a reviewed CSV: where and what.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var record: Int?
        public var message: String
        public var description: String { "\(file)" + (record.map { ", record \($0)" } ?? "") + ": \(message)" }
    }

    /// Reads the decisions a reviewer set: every row whose `action` differs from the plan's
    /// (or has a `note`) becomes an override. Validated: the columns exist, every file id is a
    /// catalogued file, every action is keep / archive / drop — and, when the sheet has its
    /// `path` column and `pathOf` knows the file, the row's path is that file's
    /// (``samePath(sheet:catalog:)``): a sheet exported from another catalog, or rows whose ids
    /// were edited, would otherwise give one file's decision to another.
    public static func importOverrides(path: String, plan: [Int64: DecisionRow], known: Set<Int64>,
                                       pathOf: (Int64) -> String? = { _ in nil }) throws(ImportError) -> [Override] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ImportError(file: path, record: nil, message: "cannot read the file")
        }
        return try importOverrides(data: data, file: path, plan: plan, known: known, pathOf: pathOf)
    }

    /// ``importOverrides(path:plan:known:pathOf:)`` on the sheet's bytes, already read (`file`
    /// names it in errors). Also the entry point of the review-sheet fuzzer (fuzz/).
    public static func importOverrides(data: Data, file path: String, plan: [Int64: DecisionRow], known: Set<Int64>,
                                       pathOf: (Int64) -> String? = { _ in nil }) throws(ImportError) -> [Override] {
        let reader: CSVReader
        let content = text(of: data)
        do { reader = try CSVReader(string: content, hasHeaderRow: true, delimiter: delimiter(of: content)) } catch {
            throw ImportError(file: path, record: nil, message: "not a CSV file with a header row")
        }
        let header = (reader.headerRow ?? []).map { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingWhitespace() }
        guard let idCol = header.firstIndex(of: "file_id"), let actionCol = header.firstIndex(of: "action") else {
            throw ImportError(file: path, record: nil, message: "the header needs the columns 'file_id' and 'action' (as 'attache plan --export' writes them)")
        }
        let noteCol = header.firstIndex(of: "note")
        let pathCol = header.firstIndex(of: "path")
        var out: [Override] = []
        var n = 0
        var seen = Set<Int64>()
        while let r = reader.next() {
            n += 1
            if r.allSatisfy({ $0.trimmingWhitespace().isEmpty }) { continue }
            guard r.count == header.count else {
                throw ImportError(file: path, record: n, message: "\(r.count) fields where the header has \(header.count)")
            }
            guard let id = Int64(r[idCol].trimmingWhitespace()), known.contains(id) else {
                throw ImportError(file: path, record: n, message: "file_id '\(r[idCol])' is not a catalogued file (was the CSV edited, or exported from another catalog?)")
            }
            guard seen.insert(id).inserted else { throw ImportError(file: path, record: n, message: "file_id \(id) appears twice") }
            if let pathCol, let catalogued = pathOf(id), !samePath(sheet: r[pathCol], catalog: catalogued) {
                throw ImportError(file: path, record: n, message: "file_id \(id) is '\(catalogued)' in the catalog, but the sheet's path is "
                                  + "'\(r[pathCol])' (was the sheet exported from another catalog, or its file_id edited?)")
            }
            let raw = r[actionCol].trimmingWhitespace().lowercased()
            guard let action = DecisionAction(rawValue: raw) else {
                let guess = DecisionAction.allCases.map(\.rawValue).min { editDistance(Array(raw), Array($0)) < editDistance(Array(raw), Array($1)) }
                let hint = guess.flatMap { editDistance(Array(raw), Array($0)) <= 2 ? "; did you mean '\($0)'?" : nil } ?? ""
                throw ImportError(file: path, record: n, message: "file_id \(id), column 'action': '\(r[actionCol])' is not one of keep, archive, drop\(hint)")
            }
            let note = noteCol.map { r[$0].trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            if plan[id]?.action != action || note != nil || plan[id]?.rule == "override" {
                out.append(Override(fileID: id, action: action, note: note))
            }
        }
        return out
    }

    /// Whether a sheet's `path` names the catalogued file, as spreadsheet programs leave it:
    /// the formula guard's `'` kept or dropped, Unicode composed or decomposed, and characters
    /// Windows-1252 cannot hold saved as `?` (a Cyrillic name in a sheet re-saved as "CSV").
    static func samePath(sheet: String, catalog: String) -> Bool {
        var s = sheet
        if s.hasPrefix("'") && !catalog.hasPrefix("'") { s.removeFirst() }
        if s == catalog { return true }
        let a = Array(s), b = Array(catalog)
        guard a.count == b.count, a.contains("?") else { return false }
        return zip(a, b).allSatisfy { $0 == $1 || $0 == "?" }
    }

    /// The file's text: UTF-8 (a byte-order mark dropped), or — what spreadsheet programs save
    /// as "CSV" on Windows — Windows-1252.
    static func text(of data: Data) -> String {
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let utf8 = String(data: bytes, encoding: .utf8) { return utf8 }
        return String(data: bytes, encoding: .windowsCP1252) ?? String(decoding: bytes, as: UTF8.self)
    }

    /// The delimiter of the header line: `,`, or `;` / tab when a spreadsheet program in a
    /// locale that writes decimal commas saved it so.
    static func delimiter(of text: String) -> UnicodeScalar {
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        if header.contains(",") { return "," }
        if header.contains(";") { return ";" }
        if header.contains("\t") { return "\t" }
        return ","
    }
}
