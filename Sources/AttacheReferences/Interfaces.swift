import AttacheModel

/// The shared vocabulary of the references stage: how a path is spelled in a record, and
/// what a record source yields. Grammar/ parses spellings; Sources/ reads records; the
/// resolver (Resolver.swift) matches spellings to catalogued files.

/// A path as a record spells it, taken apart. Components are decoded text (HTML entities and
/// percent-escapes already decoded); `.` components are dropped; `..` is kept as a component
/// (the resolver refuses to climb above a root).
public struct PathSpelling: Sendable, Hashable {
    public var style: PathStyle
    /// UNC server (or the host of a `file://host/share/…` URL), as written.
    public var host: String?
    /// UNC share name (or the first component after the host of a `file://host/…` URL).
    public var share: String?
    /// Drive letter, upper-cased (`K`), for `drive` and `file:///K:/…`.
    public var drive: Character?
    /// The components after host/share/drive (or after `/` for POSIX), in order.
    public var components: [String]
    /// Whether the spelling used backslashes (Windows rules: names match case-insensitively
    /// on the server side of an alias) — informational.
    public var usedBackslashes: Bool

    public init(style: PathStyle, host: String? = nil, share: String? = nil, drive: Character? = nil,
                components: [String], usedBackslashes: Bool = false) {
        self.style = style; self.host = host; self.share = share; self.drive = drive
        self.components = components; self.usedBackslashes = usedBackslashes
    }
}

/// A path found inside a piece of text.
public struct FoundPath: Sendable, Hashable {
    /// Byte offsets (UTF-8) of the path's exact text within the searched text, so a later
    /// stage can rewrite exactly those bytes.
    public var start: Int
    public var end: Int
    /// The exact text of the span (HTML entities and %-escapes not decoded).
    public var raw: String
    public var spelling: PathSpelling
    /// Found inside an HTML `href`/`src` attribute.
    public var inAttribute: Bool

    public init(start: Int, end: Int, raw: String, spelling: PathSpelling, inAttribute: Bool) {
        self.start = start; self.end = end; self.raw = raw; self.spelling = spelling; self.inAttribute = inAttribute
    }
}

/// One record of a legacy source: a row of a table or query, a CSV record, or a text file.
public struct SourceRecord: Sendable {
    /// The values of the source's `key` columns, in order (for text files: the file's path
    /// relative to the folder).
    public var key: [String]
    /// Column name → value; a SQL NULL is absent. For text files, one field: `text`.
    public var fields: [String: String]
    /// Whether the record is soft-deleted (the `deleted` column is truthy: 1, true, yes, y, t).
    public var deleted: Bool
    /// The `modified` column's value as written (a date or timestamp), if any.
    public var modified: String?
    /// Where the record is, for messages: "row 17", "record 17 (line 42)", "notes/a.html".
    public var position: String

    public init(key: [String], fields: [String: String], deleted: Bool = false, modified: String? = nil, position: String) {
        self.key = key; self.fields = fields; self.deleted = deleted; self.modified = modified; self.position = position
    }
}

/// A problem reading a source. `fatal` problems stop the source (missing database, unknown
/// table or column, a query that writes); others are per-record findings (a malformed CSV
/// record, a text file that cannot be decoded) and the source goes on.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case notFound, unreadable, unknownTable, unknownColumn, notReadOnly, badQuery, malformedRecord, undecodable, badOption
    }
    public var kind: Kind
    /// The source's name in the manifest.
    public var source: String
    /// The file involved (database, CSV, text file).
    public var file: String
    /// Where in it: "record 17 (line 42)", "line 3, column 9", a column name… (nil when the whole file).
    public var position: String?
    /// What is wrong and what was expected.
    public var message: String
    public var fatal: Bool

    public init(kind: Kind, source: String, file: String, position: String? = nil, message: String, fatal: Bool) {
        self.kind = kind; self.source = source; self.file = file; self.position = position
        self.message = message; self.fatal = fatal
    }

    public var description: String {
        "source '\(source)': \(file)" + (position.map { ", \($0)" } ?? "") + ": \(message)"
    }
}

/// Reads the records of one source, one at a time (memory stays flat in the number of records).
public protocol RecordSource {
    /// The columns a record has (for a query: its result columns), to validate templates.
    var columns: [String] { get }
    /// Calls `body` for every record in a stable order; `problem` for per-record problems.
    /// - Throws: a fatal ``SourceError``.
    func forEachRecord(_ body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws
}
