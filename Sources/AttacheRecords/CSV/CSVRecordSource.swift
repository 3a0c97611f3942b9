import CSV

/// Records from a CSV file (RFC 4180), parsed by yaslab/CSV.swift: one record per line after
/// the required header row — quoted fields may hold delimiters, doubled quotes and line
/// breaks.
///
/// - Encoding: a byte-order mark wins, then the declared `encoding`, else UTF-8 (see
///   ``TextDecoding``). UTF-8 files are streamed from disk, after one pass that checks they
///   are UTF-8 — a file that is not is refused (fatal `.undecodable`, with the offset and line
///   of the first bad byte and a suggested `encoding:`) before any record is read. Files in
///   other encodings are decoded whole first. A UTF-8 byte-order mark never reaches the first
///   column's name.
/// - `delimiter` is one ASCII character (default `,`; `;`, tab, `|`…).
/// - The header must name every column, once (else fatal `.malformedRecord` at line 1).
/// - A record with more or fewer fields than the header is skipped and reported (non-fatal
///   `.malformedRecord`, "record N (line L)"); so is the last record when the file ends inside a
///   quoted field ("an unclosed quote?"). Empty lines are not records.
/// - `position` is "record N (line L)": N counts records from 1 after the header, L is the
///   exact line the record starts on (line breaks inside quoted fields counted; LF, CRLF and
///   a lone CR each end a line).
/// - Every column is in `fields`, empty ones as ""; `modified` is nil when empty.
public struct CSVRecordSource: RecordSource, Sendable {
    /// The source's name in the manifest.
    public let name: String
    /// The CSV file, as given.
    public let file: String
    /// The header's column names.
    public let columns: [String]
    /// The encoding the file is read in (`UTF-8`, or the one a byte-order mark or `encoding` names).
    public let encoding: String

    /// The `encoding` option as given (the rewriter reads the file the same way).
    let declared: String?
    /// The delimiter byte.
    let delimiter: UInt8
    private let roles: SourceRoleColumns
    private let headerBreaks: Int

    /// Opens the file, reads its header and checks the named columns.
    /// - Throws: a fatal ``SourceError``: `.notFound`, `.unreadable`, `.badOption` (delimiter,
    ///   unknown encoding), `.undecodable`, `.malformedRecord` (missing, empty or duplicate
    ///   header names), `.unknownColumn` (listing the header).
    public init(name: String, file: String, key: [String], deleted: String?, modified: String?,
                delimiter: Character?, encoding: String?) throws(SourceError) {
        func fail(_ kind: SourceError.Kind, _ message: String, position: String? = nil) -> SourceError {
            SourceError(kind: kind, source: name, file: file, position: position, message: message, fatal: true)
        }
        let separator = delimiter ?? ","
        guard separator.unicodeScalars.count == 1, let scalar = separator.unicodeScalars.first, scalar.isASCII,
              scalar != "\"", scalar != "\n", scalar != "\r" else {
            throw fail(.badOption, "the delimiter must be one ASCII character other than a quote or a line break, "
                + "e.g. ',', ';', '|' or a tab; got '\(separator)'")
        }
        if let encoding, !TextDecoding.isKnownEncoding(encoding) {
            throw TextDecoding.unknownEncoding(encoding).sourceError(source: name, file: file, fatal: true)
        }
        self.name = name
        self.file = file
        self.declared = encoding
        self.delimiter = UInt8(scalar.value)

        let input = try CSVInput.open(file: file, declared: encoding, delimiter: self.delimiter, prescan: false,
                                      source: name)
        let header = try Self.checkedHeader(input.reader.headerRow ?? [], fail: fail)
        self.columns = header
        self.encoding = input.encoding
        self.headerBreaks = header.reduce(0) { $0 + SourceLineCounter.breaks(in: $1) }
        self.roles = try SourceRoleColumns(key: key, deleted: deleted, modified: modified, columns: header,
                                           caseInsensitive: false, source: name, file: file,
                                           what: "the CSV header")
    }

    /// Streams every record; see the type's description.
    public func forEachRecord(_ body: (SourceRecord) throws -> Void, problem: (SourceError) -> Void) throws {
        let input = try CSVInput.open(file: file, declared: declared, delimiter: delimiter, prescan: true, source: name)
        let reader = input.reader
        var flag = roles.deleted.map { SourceDeletedFlag(column: columns[$0]) }
        var line = 1 + headerBreaks + 1
        var number = 0
        var pending: (row: [String], number: Int, line: Int)?

        func emit(_ row: [String], number: Int, line: Int, isLast: Bool) throws {
            let position = "record \(number) (line \(line))"
            func malformed(_ message: String) {
                problem(SourceError(kind: .malformedRecord, source: name, file: file, position: position,
                                    message: message, fatal: false))
            }
            if isLast, let opened = input.unclosedQuoteLine {
                malformed("a quoted field opened on line \(opened) is never closed (an unclosed quote?): the rest "
                    + "of the file was read into it; the record is skipped")
                return
            }
            guard row.count == columns.count else {
                malformed("the record has \(row.count) field\(row.count == 1 ? "" : "s") but the header has "
                    + "\(columns.count); the record is skipped")
                return
            }
            var fields: [String: String] = [:]
            fields.reserveCapacity(columns.count)
            for (column, value) in zip(columns, row) { fields[column] = value }
            let deleted = roles.deleted.map {
                flag!.isDeleted(row[$0], position: position, source: name, file: file, problem: problem)
            } ?? false
            let modified = roles.modified.map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            try body(SourceRecord(key: roles.key.map { row[$0] }, fields: fields, deleted: deleted,
                                  modified: modified, position: position))
        }

        while let row = reader.next() {
            let breaks = row.reduce(0) { $0 + SourceLineCounter.breaks(in: $1) }
            defer { line += breaks + 1 }
            if row.count == 1 && row[0].isEmpty { continue } // an empty line
            number += 1
            if let previous = pending { try emit(previous.row, number: previous.number, line: previous.line, isLast: false) }
            pending = (row, number, line)
        }
        if let error = CSVInput.failure(of: reader) {
            throw SourceError(kind: .unreadable, source: name, file: file, position: "line \(line)",
                              message: "reading stopped: \(error) (did the file change while it was read?)", fatal: true)
        }
        if let last = pending {
            try emit(last.row, number: last.number, line: last.line, isLast: true)
        } else if let opened = input.unclosedQuoteLine {
            problem(SourceError(kind: .malformedRecord, source: name, file: file, position: "line \(opened)",
                                message: "a quoted field opened here is never closed (an unclosed quote?)", fatal: false))
        }
    }

    /// The header's names, checked: present, non-empty, unique, without line breaks.
    static func checkedHeader(_ raw: [String], fail: (SourceError.Kind, String, String?) -> SourceError)
        throws(SourceError) -> [String] {
        var header = raw
        if let first = header.first, first.unicodeScalars.first == "\u{FEFF}" {
            header[0] = String(first.unicodeScalars.dropFirst())
        }
        if header.count == 1 && header[0].isEmpty {
            throw fail(.malformedRecord, "the first line is empty; it must be the header row naming the columns", "line 1")
        }
        var seen: [String: Int] = [:]
        for (i, column) in header.enumerated() {
            if column.isEmpty {
                throw fail(.malformedRecord, "column \(i + 1) of the header has no name; every column needs one", "line 1")
            }
            if column.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
                throw fail(.malformedRecord, "header column \(i + 1) holds a line break — an unclosed quote?", "line 1")
            }
            if let first = seen[column] {
                throw fail(.malformedRecord, "the header names column '\(column)' twice (columns \(first + 1) and "
                    + "\(i + 1)); every column needs its own name", "line 1")
            }
            seen[column] = i
        }
        return header
    }
}
