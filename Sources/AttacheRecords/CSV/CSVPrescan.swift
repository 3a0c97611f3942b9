import AttacheSystem

/// Follows the quoting of a CSV text exactly as yaslab/CSV.swift's `CSVReader` parses it
/// (RFC 4180, with its recovery from a stray quote after a closing quote), byte by byte, to
/// tell whether the text ends inside a quoted field — CSV.swift silently ends the field at
/// the end of the file — and on which line that field opened.
struct CSVQuoteScanner {
    private enum State { case fieldStart, unquoted, quoted, afterQuote }
    private var state = State.fieldStart
    private var openedOnLine = 0
    private(set) var lines = SourceLineCounter()
    /// Line breaks seen outside quoted fields (a CRLF counts twice: only "> 0" matters).
    private(set) var recordsEnded = 0
    let delimiter: UInt8

    init(delimiter: UInt8) { self.delimiter = delimiter }

    mutating func feed(_ byte: UInt8) {
        let quote = UInt8(ascii: "\"")
        let ends = byte == delimiter || byte == 0x0A || byte == 0x0D
        switch state {
        case .fieldStart:
            if byte == 0x0A || byte == 0x0D { recordsEnded += 1 }
            if byte == quote {
                state = .quoted
                openedOnLine = lines.line
            } else if !ends {
                state = .unquoted
            }
        case .unquoted:
            if ends { state = .fieldStart }
            if byte == 0x0A || byte == 0x0D { recordsEnded += 1 }
        case .quoted:
            if byte == quote { state = .afterQuote }
        case .afterQuote:
            // `""` is an escaped quote; a closing quote followed by anything but a delimiter or
            // a line break leaves CSV.swift inside the field.
            state = ends ? .fieldStart : .quoted
            if byte == 0x0A || byte == 0x0D { recordsEnded += 1 }
        }
        lines.feed(byte)
    }

    /// At the end of the text: the line where a quoted field that never closed opened.
    var unclosedQuoteLine: Int? { state == .quoted ? openedOnLine : nil }
}

/// One pass over a UTF-8 CSV file before parsing it: is it all UTF-8 (if not, where is the
/// first bad byte), and does it end inside a quoted field.
struct CSVPrescan {
    var unclosedQuoteLine: Int?

    /// Scans an open file from its start, skipping `skip` bytes (a byte-order mark); with
    /// `headerOnly`, stops at the end of the first record.
    static func scanFile(_ fd: Int32, skip: Int, delimiter: UInt8, headerOnly: Bool = false)
        -> Result<CSVPrescan, CSVPrescanFailure> {
        var validator = UTF8Validator()
        var scanner = CSVQuoteScanner(delimiter: delimiter)
        var toSkip = skip
        var failure: CSVPrescanFailure?
        let plain = plainBytes(delimiter: delimiter)
        let readError = RawFile.forEachChunk(fd) { chunk in
                var i = 0
                let n = chunk.count
                while i < n {
                    let byte = chunk[i]
                    i += 1
                    if toSkip > 0 { toSkip -= 1; continue }
                    if let bad = validator.feed(byte) {
                        failure = .invalidUTF8(offset: skip + bad, line: scanner.lines.line)
                        return false
                    }
                    scanner.feed(byte)
                    if headerOnly && scanner.recordsEnded > 0 { return false }
                    // After a plain byte, the plain bytes that follow change nothing: passed at once.
                    if plain[Int(byte)] {
                        let from = i
                        while i < n && plain[Int(chunk[i])] { i += 1 }
                        validator.passASCII(i - from)
                    }
                }
                return true
        }
        if let readError { return .failure(.read(readError)) }
        if let failure { return .failure(failure) }
        if let bad = validator.finish(), !(headerOnly && scanner.recordsEnded > 0) {
            return .failure(.invalidUTF8(offset: skip + bad, line: scanner.lines.line))
        }
        return .success(CSVPrescan(unclosedQuoteLine: scanner.unclosedQuoteLine))
    }

    /// The bytes the scan needs not look at one by one once it has seen one of them: ASCII other
    /// than the quote, the delimiter, CR and LF. Fed one after the other, the first one leaves the
    /// quote scanner, the line counter and the UTF-8 validator as every following one would.
    static func plainBytes(delimiter: UInt8) -> [Bool] {
        (0..<256).map { b in b < 0x80 && b != 0x22 && b != 0x0A && b != 0x0D && b != Int(delimiter) }
    }

    /// Scans decoded text.
    static func scanText(_ text: String, delimiter: UInt8) -> CSVPrescan {
        var scanner = CSVQuoteScanner(delimiter: delimiter)
        for byte in text.utf8 { scanner.feed(byte) }
        return CSVPrescan(unclosedQuoteLine: scanner.unclosedQuoteLine)
    }
}

enum CSVPrescanFailure: Error {
    case invalidUTF8(offset: Int, line: Int)
    case read(PosixError)
}
