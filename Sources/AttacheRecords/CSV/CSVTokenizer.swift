/// One field of a ``CSVRow``: where its raw bytes are in the row, and its value.
struct CSVRowField {
    /// The raw bytes in ``CSVRow/bytes``: for a quoted field from the opening quote to the byte
    /// before the delimiter or line break (closing quote included).
    var range: Range<Int>
    /// Whether the field starts with a quote.
    var quoted: Bool
    /// The value's UTF-8 bytes, exactly as CSV.swift decodes the field.
    var value: [UInt8]
}

/// One row of a CSV text as written: its bytes (line break included) and its fields.
struct CSVRow {
    /// The row's bytes, from its first byte to the end of its line break (none at the end of the file).
    var bytes: [UInt8] = []
    var fields: [CSVRowField] = []
    /// Where the line break starts in `bytes` (`bytes.count` without one).
    var breakStart = 0

    /// The fields' values as CSV.swift returns them.
    var values: [String] { fields.map { String(decoding: $0.value, as: UTF8.self) } }

    /// A row CSV.swift reads as one empty field — an empty line (or a lone `""`): not a record.
    var isEmptyLine: Bool { fields.count == 1 && fields[0].value.isEmpty }
}

/// Splits UTF-8 CSV text into rows exactly as yaslab/CSV.swift's `CSVReader` does (with
/// `trimFields` off), keeping every byte: fed chunk by chunk, it hands out each row with its
/// raw bytes and the range of every field, so a copy can change some fields and keep the rest.
///
/// CSV.swift's rules, followed byte by byte (the delimiter, quote, CR and LF are ASCII, so they
/// never occur inside a multi-byte character): a field starting with `"` is quoted; in it `""`
/// is a quote, and a quote followed by the delimiter, CR, LF or the end ends the field; a quote
/// followed by any other character keeps the quote and drops that character. An unquoted
/// field ends at the delimiter, CR or LF (quotes in it are literal). CRLF, LF and a lone CR
/// each end a row. A delimiter at the very end gives an empty last field.
struct CSVTokenizer {
    private enum State { case rowStart, fieldStart, unquoted, quoted, skipping(Int), afterQuote, afterCR }
    private static let quote = UInt8(ascii: "\""), cr: UInt8 = 0x0D, lf: UInt8 = 0x0A

    let delimiter: UInt8
    private var state = State.rowStart
    private var row = CSVRow()
    private var fieldStart = 0
    private var quoted = false
    private var value: [UInt8] = []

    init(delimiter: UInt8) { self.delimiter = delimiter }

    /// The bytes held for the row being read.
    var bufferedBytes: Int { row.bytes.count }

    /// Reads `bytes`, calling `emit` for every row they complete.
    mutating func feed<C: Collection>(_ bytes: C, emit: (CSVRow) throws -> Void) rethrows where C.Element == UInt8 {
        if try bytes.withContiguousStorageIfAvailable({ try feedRuns($0, emit: emit) }) != nil { return }
        for byte in bytes { try step(byte, emit: emit) }
    }

    /// ``feed(_:emit:)`` on contiguous bytes: inside a field, the run of bytes up to the next one
    /// that can end it (the delimiter, CR or LF unquoted; a quote quoted) is appended at once,
    /// which is what ``step(_:emit:)`` does for each of them one by one (a CSV rewrite spends
    /// most of its time here); every other byte goes through ``step(_:emit:)``.
    private mutating func feedRuns(_ buffer: UnsafeBufferPointer<UInt8>, emit: (CSVRow) throws -> Void) rethrows {
        var i = 0
        let n = buffer.count
        while i < n {
            var j = i
            switch state {
            case .unquoted:
                while j < n, buffer[j] != delimiter, buffer[j] != Self.cr, buffer[j] != Self.lf { j += 1 }
            case .quoted:
                while j < n, buffer[j] != Self.quote { j += 1 }
            default:
                break
            }
            if j > i {
                let run = UnsafeBufferPointer(rebasing: buffer[i..<j])
                row.bytes.append(contentsOf: run)
                value.append(contentsOf: run)
                i = j
            } else {
                try step(buffer[i], emit: emit)
                i += 1
            }
        }
    }

    /// Ends the text: emits the last row, if any.
    /// - Returns: whether the text ended inside a quoted field (CSV.swift ends the field there).
    mutating func finish(emit: (CSVRow) throws -> Void) rethrows -> Bool {
        switch state {
        case .rowStart:
            return false
        case .afterCR:
            try emitRow(emit)
            return false
        case .fieldStart, .unquoted, .afterQuote:
            endField()
            row.breakStart = row.bytes.count
            try emitRow(emit)
            return false
        case .quoted, .skipping:
            endField()
            row.breakStart = row.bytes.count
            try emitRow(emit)
            return true
        }
    }

    private mutating func step(_ byte: UInt8, emit: (CSVRow) throws -> Void) rethrows {
        switch state {
        case .afterCR:
            if byte == Self.lf {
                row.bytes.append(byte)
                try emitRow(emit)
                return
            }
            try emitRow(emit)
            try startRow(with: byte, emit: emit)
        case .rowStart:
            try startRow(with: byte, emit: emit)
        case .fieldStart:
            if byte == Self.quote {
                quoted = true
                row.bytes.append(byte)
                state = .quoted
            } else {
                try unquoted(byte, emit: emit)
            }
        case .unquoted:
            try unquoted(byte, emit: emit)
        case .quoted:
            row.bytes.append(byte)
            if byte == Self.quote { state = .afterQuote } else { value.append(byte) }
        case .skipping(let left):
            row.bytes.append(byte)
            state = left > 1 ? .skipping(left - 1) : .quoted
        case .afterQuote:
            if byte == delimiter || byte == Self.cr || byte == Self.lf {
                try unquoted(byte, emit: emit)
            } else {
                // `""` is a quote; after a closing quote any other character is dropped (the
                // quote is kept) and the field goes on.
                row.bytes.append(byte)
                value.append(Self.quote)
                let continuation = byte >= 0xF0 ? 3 : byte >= 0xE0 ? 2 : byte >= 0xC0 ? 1 : 0
                state = byte == Self.quote || continuation == 0 ? .quoted : .skipping(continuation)
            }
        }
    }

    private mutating func startRow(with byte: UInt8, emit: (CSVRow) throws -> Void) rethrows {
        row = CSVRow()
        fieldStart = 0
        state = .fieldStart
        try step(byte, emit: emit)
    }

    /// A byte in an unquoted field (or right after a quoted field's closing quote).
    private mutating func unquoted(_ byte: UInt8, emit: (CSVRow) throws -> Void) rethrows {
        if byte == delimiter {
            endField()
            row.bytes.append(byte)
            fieldStart = row.bytes.count
            state = .fieldStart
        } else if byte == Self.cr || byte == Self.lf {
            endField()
            row.breakStart = row.bytes.count
            row.bytes.append(byte)
            if byte == Self.cr { state = .afterCR } else { try emitRow(emit) }
        } else {
            row.bytes.append(byte)
            value.append(byte)
            state = .unquoted
        }
    }

    private mutating func endField() {
        row.fields.append(CSVRowField(range: fieldStart..<row.bytes.count, quoted: quoted, value: value))
        value = []
        quoted = false
    }

    private mutating func emitRow(_ emit: (CSVRow) throws -> Void) rethrows {
        state = .rowStart
        let done = row
        row = CSVRow()
        try emit(done)
    }
}
