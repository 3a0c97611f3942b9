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
