/// A problem reading a source. `fatal` problems stop the source (missing database, unknown
/// table or column, a query that writes); others are per-record findings (a malformed CSV
/// record, a text file that cannot be decoded) and the source goes on.
public struct SourceError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case notFound, unreadable, unknownTable, unknownColumn, notReadOnly, badQuery, malformedRecord, undecodable, badOption
        /// The file is not what the source says it is (a SQLite source that is not a database).
        case wrongFormat
        /// Live databases: no answer, refused, timed out, lost mid-read; wrong user or password; a missing privilege.
        case connection, authentication, permission
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
