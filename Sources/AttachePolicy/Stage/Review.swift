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

    /// The review CSV (RFC 4180, UTF-8 with a byte-order mark so spreadsheet programs read it right).
    public static func export(_ outcome: PlanStage.Outcome, records: [Int64: [String]]) -> String {
        var out = "\u{FEFF}" + row(columns)
        for d in outcome.plan.decisions {
            guard let f = outcome.files[d.fileID] else { continue }
            let refs = records[d.fileID] ?? []
            out += row([
                String(d.fileID), f.rootPath, f.path.display, String(f.stat.size), f.stat.mtime.iso8601, f.category?.rawValue ?? "",
                String(refs.count), refs.joined(separator: "; "), d.action.rawValue, d.rule, d.reason, d.targetPath ?? "",
                d.archivePath ?? "", "",
            ])
        }
        return out
    }

    static func row(_ fields: [String]) -> String {
        fields.map { f in
            f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + f.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" : f
        }.joined(separator: ",") + "\r\n"
    }

    /// A problem with a reviewed CSV: where and what.
    public struct ImportError: Error, Sendable, CustomStringConvertible {
        public var file: String
        public var record: Int?
        public var message: String
        public var description: String { "\(file)" + (record.map { ", record \($0)" } ?? "") + ": \(message)" }
    }

    /// Reads the decisions a reviewer set: every row whose `action` differs from the plan's
    /// (or has a `note`) becomes an override. Validated: the columns exist, every file id is a
    /// catalogued file, every action is keep / archive / drop.
    public static func importOverrides(path: String, plan: [Int64: DecisionRow], known: Set<Int64>) throws(ImportError) -> [Override] {
        guard let stream = InputStream(fileAtPath: path), FileManager.default.isReadableFile(atPath: path) else {
            throw ImportError(file: path, record: nil, message: "cannot read the file")
        }
        let reader: CSVReader
        do { reader = try CSVReader(stream: stream, hasHeaderRow: true) } catch {
            throw ImportError(file: path, record: nil, message: "not a CSV file with a header row")
        }
        let header = (reader.headerRow ?? []).map { $0.replacingOccurrences(of: "\u{FEFF}", with: "").trimmingWhitespace() }
        guard let idCol = header.firstIndex(of: "file_id"), let actionCol = header.firstIndex(of: "action") else {
            throw ImportError(file: path, record: nil, message: "the header needs the columns 'file_id' and 'action' (as 'attache plan --export' writes them)")
        }
        let noteCol = header.firstIndex(of: "note")
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
            let raw = r[actionCol].trimmingWhitespace().lowercased()
            guard let action = Action(rawValue: raw) else {
                throw ImportError(file: path, record: n, message: "action '\(r[actionCol])' is not one of keep, archive, drop")
            }
            let note = noteCol.map { r[$0].trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            if plan[id]?.action != action.rawValue || note != nil || plan[id]?.rule == "override" {
                out.append(Override(fileID: id, action: action, note: note))
            }
        }
        return out
    }
}
