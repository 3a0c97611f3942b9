/// One rewrite of a CSV file: numbers the rows as ``CSVRecordSource`` does, asks for edits,
/// writes each record as it was or with its new fields, and hands the output on in pieces.
final class CSVRewriteRun {
    typealias Edit = (CSVRecordAddress, [String]) -> [Int: String]
    private let rewriter: CSVRewriter
    private let encoding: TextEncoding
    private let unclosedQuoteLine: Int?
    private let flushAt: Int
    private let sink: ([UInt8]) throws -> Void
    private let problem: (CSVRewriteProblem) -> Void
    private let edit: Edit

    /// Output not yet handed to the sink.
    private(set) var output: [UInt8] = []
    private var summary: CSVRewriteSummary
    private var headerSeen = false
    private var line = 0
    private var number = 0
    /// The last record read, held until the next one (or the end) says whether it is the last:
    /// the reader skips the last record when the file ends inside a quote, even after empty lines.
    private var pending: (row: CSVRow, address: CSVRecordAddress)?
    /// Rows after `pending` that are not records (empty lines), written after it.
    private var trailing: [UInt8] = []

    init(rewriter: CSVRewriter, encoding: TextEncoding, unclosedQuoteLine: Int?, flushAt: Int,
         sink: @escaping ([UInt8]) throws -> Void, problem: @escaping (CSVRewriteProblem) -> Void,
         edit: @escaping Edit) {
        self.rewriter = rewriter; self.encoding = encoding; self.unclosedQuoteLine = unclosedQuoteLine
        self.flushAt = flushAt; self.sink = sink; self.problem = problem; self.edit = edit
        summary = CSVRewriteSummary(encoding: encoding.name)
    }

    /// Takes one row of the file.
    func handle(_ row: CSVRow) throws {
        guard headerSeen else { return try header(row) }
        // Lines as CSVRecordSource counts them: the breaks in the values, plus one per row.
        var breaks = 0
        for field in row.fields { breaks += SourceLineCounter.breaks(inBytes: field.value) }
        defer { line += breaks + 1 }
        if row.isEmptyLine {
            if pending != nil { trailing += row.bytes } else { try write(row.bytes) }
            return
        }
        number += 1
        try flushPending(isLast: false)
        pending = (row, CSVRecordAddress(number: number, line: line))
    }

    /// Ends the file: writes what is held.
    /// - Parameter flush: hand the remaining output to the sink (else it stays in `output`).
    func finish(flush: Bool = true) throws -> CSVRewriteSummary {
        if !headerSeen {
            throw rewriter.fail(.malformedRecord, "the file is empty; a header row naming the columns is required",
                                position: "line 1")
        }
        if pending == nil, let opened = unclosedQuoteLine {
            problem(CSVRewriteProblem(kind: .unclosedQuote, address: nil, position: "line \(opened)",
                                      message: "a quoted field opened here is never closed (an unclosed quote?); "
                                          + "the rest of the file is copied unchanged"))
        }
        try flushPending(isLast: true)
        if flush, !output.isEmpty { try hand(output) }
        return summary
    }

    /// Appends bytes to the output, handing it to the sink once it is `flushAt` long.
    func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        output.append(contentsOf: bytes)
        if output.count >= flushAt { try hand(output) }
    }

    /// Notes how much is held after a chunk.
    func measure(chunk: Int, row: Int) {
        let held = chunk + row + output.count + trailing.count + (pending?.row.bytes.count ?? 0)
        summary.peakBufferedBytes = max(summary.peakBufferedBytes, held)
    }

    private func hand(_ bytes: [UInt8]) throws {
        try sink(bytes)
        summary.bytesWritten += bytes.count
        output.removeAll(keepingCapacity: true)
    }

    private func header(_ row: CSVRow) throws {
        let rewriter = self.rewriter
        let names = try CSVRecordSource.checkedHeader(row.values) { rewriter.fail($0, $1, position: $2) }
        guard names == rewriter.columns else {
            throw rewriter.fail(.malformedRecord, "the header changed since the source was opened (now: "
                + names.joined(separator: ", ") + "); run refs again", position: "line 1")
        }
        headerSeen = true
        line = 1 + names.reduce(0) { $0 + SourceLineCounter.breaks(in: $1) } + 1
        try write(row.bytes)
    }

    private func flushPending(isLast: Bool) throws {
        guard let held = pending else { return }
        pending = nil
        try write(record(held.row, address: held.address, isLast: isLast))
        try write(trailing)
        trailing.removeAll(keepingCapacity: true)
    }

    /// The bytes to write for one record: its own, or with the edited fields.
    private func record(_ row: CSVRow, address: CSVRecordAddress, isLast: Bool) -> [UInt8] {
        summary.records += 1
        func report(_ kind: CSVRewriteProblem.Kind, _ message: String) -> [UInt8] {
            problem(CSVRewriteProblem(kind: kind, address: address, position: address.position, message: message))
            if kind == .fieldCount || kind == .unclosedQuote { summary.passedThrough += 1 } else { summary.refused += 1 }
            return row.bytes
        }
        if isLast, let opened = unclosedQuoteLine {
            return report(.unclosedQuote, "a quoted field opened on line \(opened) is never closed (an unclosed "
                + "quote?): the rest of the file was read into it; the record is copied unchanged")
        }
        let columns = rewriter.columns.count
        guard row.fields.count == columns else {
            return report(.fieldCount, "the record has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s") "
                + "but the header has \(columns); the record is copied unchanged")
        }
        if let filter = rewriter.filter, !filter.wants(address) { return row.bytes }
        let values = row.values
        var changes: [Int: String] = [:]
        for (index, value) in edit(address, values) {
            guard values.indices.contains(index) else {
                return report(.unwritable, "the edit names column \(index), but the record has \(columns) "
                    + "(0 to \(columns - 1)); the record is copied unchanged")
            }
            if !CSVFieldSpelling.same(row.fields[index].value, value) { changes[index] = value }
        }
        if changes.isEmpty { return row.bytes }
        let spelling = CSVFieldSpelling(delimiter: rewriter.delimiterByte)
        let edited = spelling.replacing(changes, in: row)
        if spelling.needsReadBack(changes, in: row),
           let failure = CSVFieldSpelling.check(edited, delimiter: rewriter.delimiterByte, columns: columns,
                                                expected: values, changes: changes) {
            return report(.unwritable, failure + "; the record is copied unchanged")
        }
        if !encoding.isUTF8, case .failure(let problem) = encoding.encode(String(decoding: edited, as: UTF8.self)) {
            return report(.unencodable, "\(problem.message); the record is copied unchanged")
        }
        summary.changedRecords += 1
        summary.changedFields += changes.count
        return edited
    }
}
