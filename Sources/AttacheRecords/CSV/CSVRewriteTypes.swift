/// Where a CSV record is, numbered exactly as ``CSVRecordSource`` numbers it: `number` counts
/// records from 1 after the header (empty lines are not records), `line` is the line the record
/// starts on (line breaks inside quoted fields counted).
public struct CSVRecordAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The record's number, from 1.
    public var number: Int
    /// The 1-based line it starts on.
    public var line: Int

    /// An address as described by the properties of the same names.
    public init(number: Int, line: Int) { self.number = number; self.line = line }

    /// "record N (line L)" — the `position` ``CSVRecordSource`` gives the same record.
    public var position: String { "record \(number) (line \(line))" }
    public var description: String { position }
}

/// A record a CSV rewrite copied unchanged, and why.
public struct CSVRewriteProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The record has more or fewer fields than the header (``CSVRecordSource`` skips it too).
        case fieldCount
        /// The file ends inside a quoted field that opened in this record (skipped by the reader too).
        case unclosedQuote
        /// A new value holds a character the file's encoding cannot hold.
        case unencodable
        /// The edit cannot be written so that the record reads back as asked (a column that does
        /// not exist, an only field emptied — which readers would take for an empty line).
        case unwritable
    }

    /// Why.
    public var kind: Kind
    /// The record (nil for an unclosed quote after the last record).
    public var address: CSVRecordAddress?
    /// "record N (line L)", or "line L".
    public var position: String
    /// A full sentence; says that the record was copied unchanged.
    public var message: String

    /// A problem as described by the properties of the same names.
    public init(kind: Kind, address: CSVRecordAddress?, position: String, message: String) {
        self.kind = kind; self.address = address; self.position = position; self.message = message
    }

    public var description: String { "\(position): \(message)" }
}

/// What a CSV rewrite did.
public struct CSVRewriteSummary: Sendable, Equatable {
    /// The encoding the file was read and written in.
    public var encoding: String
    /// Records read (header and empty lines not counted), malformed ones included.
    public var records = 0
    /// Records written with at least one new field.
    public var changedRecords = 0
    /// Fields changed in them.
    public var changedFields = 0
    /// Malformed records copied unchanged (field count, unclosed quote).
    public var passedThrough = 0
    /// Records whose edit could not be written (unencodable, unwritable), copied unchanged.
    public var refused = 0
    /// Bytes handed to the sink.
    public var bytesWritten = 0
    /// The most bytes held at once (read chunk, pending output, the row being read): for a
    /// streamed UTF-8 file it stays near the chunk size whatever the file's size.
    var peakBufferedBytes = 0

    /// A summary with nothing counted yet.
    public init(encoding: String) { self.encoding = encoding }
}
