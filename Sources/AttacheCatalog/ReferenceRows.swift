import AttacheModel

/// A source as the catalog remembers it.
public struct SourceState: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var kind: String
    public var location: String
    public var fingerprint: String
    public var records: Int
    public var problems: Int
    public var extractedRun: Int64?
}

/// One reference to write.
public struct ReferenceRow: Sendable {
    public var recordKey: String
    public var recordPosition: String
    public var column: String
    public var kind: ReferenceKind
    public var raw: String
    public var pathText: String
    public var spanStart: Int?
    public var spanEnd: Int?
    /// nil when the text is not a path (stored as ``PathStyle/noneName``).
    public var style: PathStyle?
    public var status: ReferenceStatus
    public var match: MatchKind?
    public var reason: String?
    public var rootID: Int64?
    public var fileID: Int64?
    public var candidates: Int
    public var deleted: Bool
    public var modified: String?
    /// The record's kept columns (`fields:` in the manifest) as a JSON object, or nil.
    public var fields: String?

    public init(recordKey: String, recordPosition: String, column: String, kind: ReferenceKind, raw: String, pathText: String,
                spanStart: Int?, spanEnd: Int?, style: PathStyle?, status: ReferenceStatus, match: MatchKind?, reason: String?,
                rootID: Int64?, fileID: Int64?, candidates: Int, deleted: Bool, modified: String?, fields: String? = nil) {
        self.fields = fields
        self.recordKey = recordKey; self.recordPosition = recordPosition; self.column = column; self.kind = kind
        self.raw = raw; self.pathText = pathText; self.spanStart = spanStart; self.spanEnd = spanEnd; self.style = style
        self.status = status; self.match = match; self.reason = reason; self.rootID = rootID; self.fileID = fileID
        self.candidates = candidates; self.deleted = deleted; self.modified = modified
    }
}

/// A stored reference to resolve again (its source did not change, the files may have).
public struct StoredReference: Sendable {
    public var id: Int64
    public var sourceID: Int64
    public var pathText: String
    public var style: PathStyle?
}

/// A stored reference, as listed.
public struct ReferenceRecord: Sendable {
    public var source: String
    public var recordKey: String
    public var recordPosition: String
    public var column: String
    public var kind: ReferenceKind
    public var raw: String
    public var spanStart: Int?
    public var spanEnd: Int?
    /// nil when the text is not a path (listed as ``PathStyle/noneName``).
    public var style: PathStyle?
    public var status: ReferenceStatus
    public var match: MatchKind?
    public var reason: String?
    public var fileRoot: String?
    public var filePath: RawPath?
    public var deleted: Bool
    public var modified: String?
}


/// Why a readable file is an orphan — the `why` of `attache list orphans`.
public enum OrphanReason: String, Sendable, CaseIterable {
    /// No reference resolves to the file.
    case unreferenced
    /// References resolve to the file, but every one comes from a soft-deleted record.
    case deletedRecordsOnly = "deleted-records-only"

    /// How outputs for people name it.
    public var label: String {
        switch self {
        case .unreferenced: return "unreferenced"
        case .deletedRecordsOnly: return "referenced only by deleted records"
        }
    }
}

/// The counts every command prints about references, each defined once here and read by
/// ``Catalog/referenceCounts()``: `attache refs`, `attache report` (text and JSON) and
/// `attache explain` print these, and `attache list missing` / `list orphans` list exactly
/// the ``notResolved`` references and the ``orphans`` files.
public struct ReferenceCounts: Sendable, Equatable {
    /// Sources the catalog knows.
    public var sources: Int
    /// References by status (statuses with none are absent).
    public var byStatus: [ReferenceStatus: Int]
    /// Records of the sources that could not be read (`source_problems`).
    public var sourceProblems: Int
    /// Orphan files and their bytes, by why they are orphans.
    public var orphansByReason: [OrphanReason: FileTotal]

    public init(sources: Int, byStatus: [ReferenceStatus: Int], sourceProblems: Int, orphansByReason: [OrphanReason: FileTotal]) {
        self.sources = sources; self.byStatus = byStatus; self.sourceProblems = sourceProblems; self.orphansByReason = orphansByReason
    }

    /// Every reference.
    public var total: Int { byStatus.values.reduce(0, +) }
    /// References that name one readable file.
    public var resolved: Int { byStatus[.resolved] ?? 0 }
    /// "Not resolved": references that name no file the migration can move — missing,
    /// ambiguous, special and unreadable alike (``ReferenceStatus/unresolvedCases``); the rows
    /// of `attache list missing`.
    public var notResolved: Int { ReferenceStatus.unresolvedCases.reduce(0) { $0 + (byStatus[$1] ?? 0) } }
    /// "Orphans": readable files no live record needs — unreferenced ones and those referenced
    /// only by deleted records; the rows of `attache list orphans`.
    public var orphans: FileTotal {
        orphansByReason.values.reduce(FileTotal()) { FileTotal(files: $0.files + $1.files, bytes: $0.bytes + $1.bytes) }
    }
    /// The orphans for one reason (zero when there are none).
    public func orphans(_ reason: OrphanReason) -> FileTotal { orphansByReason[reason] ?? FileTotal() }
}

/// A number of files and their bytes.
public struct FileTotal: Sendable, Equatable {
    public var files: Int
    public var bytes: Int64
    public init(files: Int = 0, bytes: Int64 = 0) { self.files = files; self.bytes = bytes }
}

/// A value in the catalog that this build has no word for: written by a newer attache, or
/// edited by hand. Reading it is an error naming the column and the value, never a crash or
/// a silently wrong listing.
struct UnknownStoredValue: Error, CustomStringConvertible {
    var column: String
    var value: String
    /// The values this build knows, when the type can list them.
    var known: [String] = []
    var description: String {
        "the column \(column) holds '\(value)', which this attache does not know"
            + (known.isEmpty ? "" : " (it knows \(known.joined(separator: ", ")))")
            + ": was the catalog written by a newer attache?"
    }
}

/// Turns the text the catalog stores back into the vocabulary's types.
enum StoredValue {
    /// The value named by `text`.
    /// - Throws: ``UnknownStoredValue`` naming `column` when no case has that raw value.
    static func decode<T: RawRepresentable>(_ text: String, column: String) throws -> T where T.RawValue == String {
        guard let value = T(rawValue: text) else {
            let known = (T.self as? any CaseIterable.Type).map { all in (all.allCases as any Collection).compactMap { ($0 as? T)?.rawValue } } ?? []
            throw UnknownStoredValue(column: column, value: text, known: known)
        }
        return value
    }

    /// An optional value: NULL is nil.
    static func decode<T: RawRepresentable>(_ text: String?, column: String) throws -> T? where T.RawValue == String {
        try text.map { try decode($0, column: column) }
    }

    /// A reference's style: ``PathStyle/noneName`` is nil (the text is not a path).
    static func style(_ text: String, column: String) throws -> PathStyle? {
        text == PathStyle.noneName ? nil : try decode(text, column: column) as PathStyle
    }
}
