import AttacheCatalog
import AttacheModel
import AttacheRecords
import Foundation

/// Records to rows: the references a record holds, resolved, as the catalog stores them.
extension ReferencesEngine {
    /// The references one record holds: one per template (composed), and every path found in
    /// its text columns (embedded).
    /// `textBase` is what relative paths in the text columns resolve against (the plan's
    /// ``SourcePlan/textBase``, parsed); `base` is for the composed template.
    static func extract(_ record: SourceRecord, plan: SourcePlan, base: PathSpelling?, textBase: PathSpelling?,
                        resolver: Resolver, posixPrefixes: [String]) -> [ReferenceRow] {
        var rows: [ReferenceRow] = []
        let key = recordKey(record)
        if let t = plan.template {
            switch t.expand(record.fields) {
            case .success(let text):
                if let spelling = PathGrammar.parse(text) {
                    rows.append(row(for: resolver.resolve(spelling, base: base), record: record, key: key, column: "file", kind: .composed,
                                    raw: text, pathText: text, span: nil, style: spelling.style))
                } else {
                    rows.append(ReferenceRow(recordKey: key, recordPosition: record.position,
                                             column: "file", kind: .composed, raw: text, pathText: text, spanStart: nil, spanEnd: nil,
                                             style: nil, status: .missing, match: nil,
                                             reason: "not a file path (a web link?)", rootID: nil, fileID: nil, candidates: 0,
                                             deleted: record.deleted, modified: record.modified))
                }
            case .failure(let empty):
                rows.append(ReferenceRow(recordKey: key, recordPosition: record.position,
                                         column: "file", kind: .composed, raw: "", pathText: "", spanStart: nil, spanEnd: nil,
                                         style: nil, status: .missing, match: nil,
                                         reason: "column '\(empty.column)' is empty", rootID: nil, fileID: nil, candidates: 0,
                                         deleted: record.deleted, modified: record.modified))
            }
        }
        for column in plan.textColumns {
            guard let text = record.fields[column], !text.isEmpty else { continue }
            for candidate in PathGrammar.extract(from: text, posixPrefixes: posixPrefixes, relative: plan.relativeBase != nil) {
                let (found, resolution) = choose(candidate, in: text, base: textBase, resolver: resolver)
                rows.append(row(for: resolution, record: record, key: key, column: column, kind: .embedded,
                                raw: found.raw, pathText: render(found.spelling), span: (found.start, found.end),
                                style: found.spelling.style))
            }
        }
        if !plan.fields.isEmpty && !rows.isEmpty {
            let kept = keptFields(record, plan.fields)
            for i in rows.indices { rows[i].fields = kept }
        }
        return rows
    }

    /// Where a bare relative path in prose starts: the longest of its ``FoundPath/longerStarts``
    /// whose path names a scanned file (tried longest first), else the word holding its first
    /// separator — resolved or missing as usual.
    static func choose(_ found: FoundPath, in text: String, base: PathSpelling?,
                       resolver: Resolver) -> (FoundPath, Resolution) {
        for start in found.longerStarts.reversed() {
            guard let longer = PathGrammar.relativePath(in: text, from: start, to: found.end) else { continue }
            let r = resolver.resolve(longer.spelling, base: base)
            if r.status != .missing { return (longer, r) }
        }
        return (found, resolver.resolve(found.spelling, base: base))
    }

    /// The record's `fields:` columns as a JSON object (sorted keys; NULL and empty values left
    /// out), or nil when all are empty.
    ///
    /// Keys are sorted and strings escaped as `JSONSerialization` with `.sortedKeys` did when it
    /// wrote this column (``fieldKeyPrecedes(_:_:)``, ``JSONText/Escaping/foundation``): a
    /// catalog's `refs.fields` stay byte-identical whichever build wrote them.
    static func keptFields(_ record: SourceRecord, _ names: [String]) -> String? {
        var kept: [String: String] = [:]
        for n in names { if let v = record.fields[n], !v.isEmpty { kept[n] = v } }
        guard !kept.isEmpty else { return nil }
        return JSONWriter.text(escaping: .foundation) { w in
            w.beginObject()
            for k in kept.keys.sorted(by: fieldKeyPrecedes) { w.field(k, .text(kept[k]!)) }
            w.endObject()
        }
    }

    /// The order of `JSONSerialization`'s `.sortedKeys` (swift-corelibs-foundation): numbers
    /// within keys by value, case ignored, ties broken so that no two keys compare equal.
    static func fieldKeyPrecedes(_ a: String, _ b: String) -> Bool {
        a.compare(b, options: [.numeric, .caseInsensitive, .forcedOrdering], range: a.startIndex..<a.endIndex,
                  locale: NSLocale.system as Locale) == .orderedAscending
    }

    /// How the catalog stores a record's key: its key columns' values, joined with ' / '.
    static func recordKey(_ record: SourceRecord) -> String {
        record.key.count == 1 ? record.key[0] : record.key.joined(separator: " / ")
    }

    static func row(for r: Resolution, record: SourceRecord, key: String, column: String, kind: ReferenceKind, raw: String,
                    pathText: String, span: (Int, Int)?, style: PathStyle?) -> ReferenceRow {
        ReferenceRow(recordKey: key, recordPosition: record.position, column: column, kind: kind,
                     raw: raw, pathText: pathText, spanStart: span?.0, spanEnd: span?.1, style: style, status: r.status,
                     match: r.match, reason: r.reason, rootID: r.rootID, fileID: r.fileID, candidates: r.candidates,
                     deleted: record.deleted, modified: record.modified)
    }

    /// A spelling as plain path text that `PathGrammar.parse` reads back to the same place
    /// (entities and %-escapes decoded; a `file://` URL as the path it names).
    static func render(_ s: PathSpelling) -> String {
        let c = Resolver.canonical(s)
        switch c.style {
        case .unc: return "\\\\" + (c.host ?? "") + "\\" + (c.share ?? "") + c.components.map { "\\" + $0 }.joined()
        case .drive: return "\(c.drive.map(String.init) ?? "C"):" + (c.components.isEmpty ? "\\" : c.components.map { "\\" + $0 }.joined())
        case .posix, .fileURL: return "/" + c.components.joined(separator: "/")
        case .relative: return "./" + c.components.joined(separator: "/")
        }
    }
}
