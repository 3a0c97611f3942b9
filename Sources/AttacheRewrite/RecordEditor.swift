import AttacheCatalog
import AttacheModel

/// Decides what each reference of one record becomes and applies it to the record's values:
/// the location from the mapping, spelled in the reference's context, written exactly at its
/// span (``SpanEdits``) — and what the audit keeps of it. Pure: the source writers read and
/// write the records; this only turns values and references into new values and audit rows.
struct RecordEditor {
    let source: String
    let spelling: LocationSpelling
    /// Whether the source's text is HTML (text files sniffed as HTML); for columns each value
    /// is looked at (``SpellingContextDetector``).
    let htmlSource: Bool
    /// The column receiving a composed reference's new location (`rewrite_column`), if any.
    let designatedColumn: String?
    /// A column's declared length (`VARCHAR(255)`), by lower-cased name.
    let lengthLimits: [String: Int]
    /// Whether a new value can be written in the source's encoding (nil: it can); the text says
    /// why not. nil for UTF-8 sources, which hold every character.
    let encodingProblem: ((String) -> String?)?
    /// Spans an earlier in-place run rewrote (by reference id): a span holding its new text is
    /// `unchanged`, not a changed record.
    let earlier: [Int64: EarlierEdit]

    struct EarlierEdit: Sendable { var start: Int; var end: Int; var after: String }

    /// Spellings already made (many references name the same file in the same way).
    let cache = SpellingCache()

    /// The new values of one record's columns (only those that change) and the audit rows.
    struct Outcome {
        var values: [String: String] = [:]
        var audit: [RewriteAuditEntry] = []
    }

    /// Edits a record: `fields` are its values as the reader gives them, `refs` its references
    /// (from the catalog, in extraction order), `recordID` how the writer finds it again.
    func edit(fields: [String: String], refs: [RewriteReference], recordID: String?) -> Outcome {
        var out = Outcome()
        // A record has a few references: arrays, searched, cost less than dictionaries.
        var pending: [Pending] = []
        // Each column's bytes and whether it is HTML, worked out once for all its references.
        var looked: [(column: String, bytes: [UInt8], html: Bool)] = []
        for ref in refs {
            func note(_ outcome: RewriteOutcome, _ detail: String?, after: String? = nil, location: String? = nil) {
                out.audit.append(entry(ref, recordID: recordID, outcome: outcome, after: after, location: location, detail: detail))
            }
            let column = ref.kind == .composed ? designatedColumn : ref.column
            guard let column else { note(.linked, "a path composed from columns: the link table carries its new location"); continue }
            let resolved = location(of: ref)
            guard case .success(let (newLocation, locationText)) = resolved else {
                if case .failure(let why) = resolved { note(.unresolved, why.text) }
                continue
            }
            let value = fields[column] ?? ""
            let context: SpellingContext
            if ref.kind == .composed {
                context = .plain
            } else {
                if !looked.contains(where: { $0.column == column }) {
                    let bytes = Array(value.utf8)
                    looked.append((column, bytes, htmlSource || SpellingContextDetector.looksLikeHTML(bytes)))
                }
                let l = looked.first { $0.column == column }!
                context = SpellingContextDetector.isLinkAttribute(l.bytes, start: ref.spanStart ?? 0) ? .linkAttribute
                    : l.html ? .htmlText : .plain
            }
            let spelled: SpellingOutcome
            switch cache.spell(newLocation, file: ref.fileID, in: context, original: ref.style, with: spelling) {
            case .success(let s): spelled = s
            case .failure(let e): note(.failed, e.message, location: locationText); continue
            }
            let text: String
            switch spelled {
            case .keep: note(.kept, "the file was dropped (rule \(ref.rule ?? "?")); the old text stays", location: locationText); continue
            case .flag: note(.flagged, "the file was dropped (rule \(ref.rule ?? "?")): fix this record by hand", location: locationText); continue
            // A path whose backslashes the record escaped (JSON, an OUTFILE export) gets its
            // new backslashes escaped too.
            case .replace(let t): text = Escaping.backslashes(t, like: ref.kind == .composed ? value : ref.raw)
            }
            if let problem = encodingProblem?(text) { note(.failed, problem, location: locationText); continue }
            let edit: SpanEdit
            if ref.kind == .composed {
                edit = SpanEdit(start: 0, end: value.utf8.count, expected: value, replacement: text, tag: ref.id)
            } else {
                guard let s = ref.spanStart, let e = ref.spanEnd else { note(.failed, "the reference has no span"); continue }
                if let done = earlier[ref.id], slice(value, done.start, done.end) == done.after {
                    out.audit.append(entry(ref, recordID: recordID, outcome: .unchanged, column: column, span: (done.start, done.end),
                                           after: done.after, location: locationText, detail: "already rewritten by an earlier run"))
                    continue
                }
                edit = SpanEdit(start: s, end: e, expected: ref.raw, replacement: text, tag: ref.id)
            }
            pending.append(Pending(column: column, ref: ref, edit: edit, text: text, context: context, location: locationText))
        }
        var done: [String] = []
        for p in pending where !done.contains(p.column) {
            done.append(p.column)
            let bytes = looked.first { $0.column == p.column }?.bytes ?? Array((fields[p.column] ?? "").utf8)
            apply(pending.filter { $0.column == p.column }, column: p.column, value: bytes, recordID: recordID, into: &out)
        }
        return out
    }

    /// A reference whose edit is ready, waiting for the others of its column.
    private struct Pending {
        let column: String
        let ref: RewriteReference
        let edit: SpanEdit
        /// The new text, as spelled (the audit's `after`).
        let text: String
        let context: SpellingContext
        let location: String
    }

    private func apply(_ edits: [Pending], column: String, value: [UInt8], recordID: String?, into out: inout Outcome) {
        let result = SpanEdits.apply(edits.map(\.edit), to: value)
        // One or two references a value: a search beats building a dictionary.
        func pending(_ tag: Int64) -> Pending { edits.first { $0.ref.id == tag }! }
        let newValue = String(decoding: result.value, as: UTF8.self)
        var tooLong: String?
        if !lengthLimits.isEmpty, !result.made.isEmpty, let limit = lengthLimits[column.lowercased()], newValue.count > limit {
            tooLong = "the new value is \(newValue.count) characters; column '\(column)' allows \(limit) (its declared type): "
                + "the record keeps its old text"
        }
        for made in result.made {
            let p = pending(made.tag)
            if let tooLong {
                out.audit.append(entry(p.ref, recordID: recordID, outcome: .failed, location: p.location, detail: tooLong))
            } else {
                let dropped = p.ref.placement == .dropped
                // The text before: the reference's own for a span, the whole old value for a composed one.
                let before = p.ref.kind == .composed ? String(decoding: made.replacement, as: UTF8.self) : p.ref.raw
                out.audit.append(entry(p.ref, recordID: recordID, outcome: dropped ? .tombstoned : .rewritten, column: column,
                                       before: before, span: (made.start, made.end), after: p.text, location: p.location,
                                       detail: SpellingContextDetector.recorded(p.context)))
            }
        }
        for (edit, why) in result.refused {
            out.audit.append(entry(pending(edit.tag).ref, recordID: recordID, outcome: .refused, detail: why.description))
        }
        if tooLong == nil && !result.made.isEmpty { out.values[column] = newValue }
    }

    /// Where a reference's file is now, and that place as text for the audit.
    func location(of ref: RewriteReference) -> Result<(NewLocation, String), RewriteReason> {
        guard ref.status == .resolved, ref.fileID != nil else {
            return .failure(RewriteReason("the reference is \(ref.status.rawValue)" + (ref.reason.map { ": \($0)" } ?? "")))
        }
        switch ref.placement {
        case .placed?:
            guard let p = ref.targetPath else { return .failure(RewriteReason("the mapping has no target path")) }
            return .success((.file(path: p), p))
        case .archived?:
            guard let a = ref.archivePath, let m = ref.member else { return .failure(RewriteReason("the mapping has no archive member")) }
            guard let member = String(validating: m.bytes, as: UTF8.self) else {
                return .failure(RewriteReason("the archive member's name is not UTF-8 (\(m.display)): it cannot be written in a record"))
            }
            return .success((.archiveMember(archivePath: a, member: member), a + "#" + member))
        case .dropped?:
            return .success((.dropped(DroppedFile(name: ref.fileName ?? "", oldText: ref.raw, rule: ref.rule ?? "")), "dropped"))
        case .pending?:
            return .failure(RewriteReason("its file is not placed yet: \(ref.pendingReason ?? "pending") (run apply again)"))
        case .gone?:
            return .failure(RewriteReason("its file is gone from the legacy storage"))
        case .duplicate?:
            return .failure(RewriteReason("its file is a duplicate of a file that is not placed"))
        case nil:
            return .failure(RewriteReason("its file was never applied to this target (run attache apply)"))
        }
    }

    private func entry(_ ref: RewriteReference, recordID: String?, outcome: RewriteOutcome, column: String? = nil,
                       before: String? = nil, span: (Int, Int)? = nil, after: String? = nil, location: String? = nil,
                       detail: String?) -> RewriteAuditEntry {
        RewriteAuditEntry(source: source, refID: ref.id, recordKey: ref.recordKey, recordPosition: ref.recordPosition,
                          recordID: recordID, column: column ?? (ref.kind == .composed ? designatedColumn ?? ref.column : ref.column),
                          outcome: outcome, spanStart: span?.0, spanEnd: span?.1, before: before ?? ref.raw, after: after,
                          fileID: ref.fileID, location: location, detail: detail)
    }

    private func slice(_ value: String, _ start: Int, _ end: Int) -> String? {
        let bytes = Array(value.utf8)
        guard start >= 0, start <= end, end <= bytes.count else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// Why a reference is not rewritten, for the audit.
struct RewriteReason: Error { let text: String; init(_ t: String) { text = t } }

/// The spellings a rewrite made, by location, context and style: spelling is pure, and a
/// migration's references name the same files again and again.
final class SpellingCache {
    /// A file's location is the same for all its references in a run: the file id stands for it.
    /// The context and style as a small number: hashing and comparing the enums would go through
    /// their raw-value strings (a lookup a reference).
    private struct Key: Hashable {
        let file: Int64
        let code: UInt8
        init(file: Int64, context: SpellingContext, style: PathStyle?) {
            self.file = file
            let c: UInt8
            switch context {
            case .linkAttribute: c = 0
            case .htmlText: c = 1
            case .plain: c = 2
            }
            let s: UInt8
            switch style {
            case nil: s = 0
            case .unc?: s = 1
            case .drive?: s = 2
            case .fileURL?: s = 3
            case .posix?: s = 4
            case .relative?: s = 5
            }
            code = c << 4 | s
        }
    }
    private var known: [Key: Result<SpellingOutcome, SpellingError>] = [:]

    func spell(_ location: NewLocation, file: Int64?, in context: SpellingContext, original style: PathStyle?,
               with spelling: LocationSpelling) -> Result<SpellingOutcome, SpellingError> {
        guard let file else { return spelling.spell(location, in: context, original: style) }
        if case .dropped = location { return spelling.spell(location, in: context, original: style) }
        let key = Key(file: file, context: context, style: style)
        if let hit = known[key] { return hit }
        let result = spelling.spell(location, in: context, original: style)
        if known.count > 200_000 { known.removeAll(keepingCapacity: true) }
        known[key] = result
        return result
    }
}
