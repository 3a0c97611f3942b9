import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem

/// Reverts a CSV copy or a folder of text copies (or the originals rewritten in place): each
/// file is written again, whole, with the spans the run wrote given their old text back.
struct FileRevert {
    let catalog: Catalog
    let output: RewriteOutputRecord
    let run: Int64
    let audit: AuditBuffer
    let dryRun: Bool
    /// The run's output folder: no link below it is written through (``OutputPaths/refuseLinks(in:below:)``).
    var inside: String? = nil

    /// The run's written spans by record (memory: one entry per rewritten reference).
    private func spansByRecord() throws -> [String: [RewriteAuditEntry]] {
        var all: [String: [RewriteAuditEntry]] = [:]
        try RewriteRevert.forEachRecord(catalog, run: run, source: output.source) { id, entries in all[id, default: []] += entries }
        return all
    }

    func run(_ outcome: inout RewriteSourceOutcome) throws {
        switch output.format {
        case "csv": try csv(&outcome)
        case "text_files": try textFiles(&outcome)
        default:
            throw SourceError(kind: .unreadable, source: output.source, file: output.path, position: nil,
                              message: "the catalog records an output of an unknown kind '\(output.format)'", fatal: true)
        }
    }

    private func restore(_ fields: [String: String], _ spans: [RewriteAuditEntry], into entries: inout [RewriteAuditEntry])
        -> [String: String] {
        RewriteRevert.restoreRecord(spans, into: &entries) { fields[$0] ?? "" }
    }

    private func csv(_ outcome: inout RewriteSourceOutcome) throws {
        let parts = output.options.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        let delimiter = parts.first.flatMap { $0.first }
        let encoding = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : nil
        let source = try CSVRecordSource(name: output.source, file: output.path, key: [], deleted: nil, modified: nil,
                                         delimiter: delimiter, encoding: encoding)
        var spans = try spansByRecord()
        var entries: [RewriteAuditEntry] = []
        var changed = 0
        let columns = source.columns
        let edit: (CSVRecordAddress, [String]) -> [Int: String] = { address, values in
            guard let list = spans.removeValue(forKey: address.position) else { return [:] }
            var fields: [String: String] = [:]
            for (c, v) in zip(columns, values) { fields[c] = v }
            let restored = restore(fields, list, into: &entries)
            if !restored.isEmpty { changed += 1 }
            var byIndex: [Int: String] = [:]
            for (c, v) in restored { if let i = columns.firstIndex(of: c) { byIndex[i] = v } }
            return byIndex
        }
        if dryRun {
            _ = try CSVRewriter(source: source).rewrite(into: { _ in }, problem: { _ in }, edit: edit)
        } else {
            try OutputPaths.refuseLinks(in: output.path, below: inside)
            do { _ = try CSVRewriter(source: source).rewrite(toFile: output.path, problem: { _ in }, edit: edit) } catch let e as AtomicFileError {
                throw RewriteError(.output, e.description)
            }
        }
        try audit.add(entries + spans.values.flatMap { $0 }.map { e in
            var x = e; x.outcome = .refused; x.detail = "not restored: the record is not in the file any more"; x.after = nil; return x
        })
        outcome.recordsChanged = changed
    }

    private func textFiles(_ outcome: inout RewriteSourceOutcome) throws {
        let encoding = output.options.isEmpty ? nil : output.options
        for (relative, list) in try spansByRecord().sorted(by: { $0.key < $1.key }) {
            let path = OutputPaths.join(output.path, relative)
            let bytes: [UInt8]
            do { bytes = try TextSourceRewrite.read(path, source: output.source) } catch {
                try audit.add(list.map { var x = $0; x.outcome = .refused; x.detail = "not restored: \(error)"; x.after = nil; return x })
                continue
            }
            var entries: [RewriteAuditEntry] = []
            let result = TextFileRewrite.rewrite(bytes: bytes, path: relative, declared: encoding) { text in
                restore(["text": text], list, into: &entries)["text"]
            }
            switch result {
            case .failure(let why):
                try audit.add(list.map { var x = $0; x.outcome = .refused; x.detail = "not restored: \(why)"; x.after = nil; return x })
            case .success(let out):
                try audit.add(entries)
                guard out.changed else { continue }
                outcome.recordsChanged += 1
                if !dryRun {
                    let w = try OutputPaths.writer(path, inside: inside)
                    do { try w.write(out.bytes) } catch { w.discard(); throw RewriteError(.output, error.description) }
                    try OutputPaths.commit(w)
                }
            }
        }
    }
}
