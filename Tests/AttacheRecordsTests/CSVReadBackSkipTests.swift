import AttacheTestSupport
import Testing
@testable import AttacheRecords

/// The CSV rewrite reads an edited record back only when the new spelling could change how it
/// is read (``CSVFieldSpelling/needsReadBack(_:in:)``). Proof that the skip is safe: on random
/// records — quoted and unquoted fields, CSV.swift's odd cases (a quote inside an unquoted
/// field, text after a closing quote), several delimiters — every edit the skip lets through
/// reads back as one record with exactly the new values.
@Suite struct CSVReadBackSkipTests {
    static let pieces = ["a", "K:\\Scans\\x.pdf", "Смит", "合同", " ", ",", ";", "\t", "\"", "\r", "\n", "x\"y", "é", "", "#", "%20"]

    func randomField(_ rng: inout SplitMix64, delimiter: Character) -> String {
        var text = ""
        for _ in 0..<rng.int(4) { text += rng.pick(Self.pieces) }
        let clean = text.filter { $0 != delimiter && $0 != "\"" && $0 != "\r" && $0 != "\n" && $0 != "\r\n" }
        switch rng.int(4) {
        case 0: return clean                                                                  // plain
        case 1: return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""        // quoted
        case 2: return clean.isEmpty ? "a\"b" : clean + "\"q"                                 // a quote inside an unquoted field
        default: return "\"" + clean + "\"z"                                                  // text after the closing quote
        }
    }

    @Test(arguments: [Character(","), ";", "\t"])
    func everyEditTheSkipAllowsReadsBackExactly(_ delimiter: Character) {
        var rng = SplitMix64(seed: 15 + UInt64(delimiter.asciiValue!))
        let d = delimiter.asciiValue!
        var skipped = 0, checked = 0
        for _ in 0..<4000 {
            let columns = 1 + rng.int(4)
            let line = (0..<columns).map { _ in randomField(&rng, delimiter: delimiter) }.joined(separator: String(delimiter)) + "\r\n"
            var rows: [CSVRow] = []
            var tokenizer = CSVTokenizer(delimiter: d)
            tokenizer.feed(Array(line.utf8)) { rows.append($0) }
            _ = tokenizer.finish { rows.append($0) }
            guard rows.count == 1, rows[0].fields.count == columns else { continue }
            let row = rows[0]
            var changes: [Int: String] = [:]
            for _ in 0..<(1 + rng.int(2)) {
                var value = ""
                for _ in 0..<rng.int(5) { value += rng.pick(Self.pieces) }
                changes[rng.int(columns)] = value
            }
            let spelling = CSVFieldSpelling(delimiter: d)
            let edited = spelling.replacing(changes, in: row)
            if spelling.needsReadBack(changes, in: row) { checked += 1; continue }
            skipped += 1
            let failure = CSVFieldSpelling.check(edited, delimiter: d, columns: columns, expected: row.values, changes: changes)
            #expect(failure == nil, "\(line.debugDescription) with \(changes) → \(String(decoding: edited, as: UTF8.self).debugDescription)")
        }
        #expect(skipped > 500 && checked > 500, "both paths exercised: \(skipped) skipped, \(checked) read back")
    }

    @Test func quotesLineBreaksNewQuotingAndEmptyValuesAreReadBack() {
        let row = { (line: String) -> CSVRow in
            var rows: [CSVRow] = []
            var t = CSVTokenizer(delimiter: UInt8(ascii: ","))
            t.feed(Array(line.utf8)) { rows.append($0) }
            _ = t.finish { rows.append($0) }
            return rows[0]
        }
        let s = CSVFieldSpelling(delimiter: UInt8(ascii: ","))
        let plain = row("1,K:\\a.pdf\n"), quoted = row("1,\"K:\\a, b.pdf\"\n")
        #expect(!s.needsReadBack([1: "\\\\NEW\\a.pdf"], in: plain))
        #expect(!s.needsReadBack([1: "\\\\NEW\\a, b.pdf"], in: quoted), "a comma inside a field that was quoted")
        #expect(s.needsReadBack([1: "\\\\NEW\\a, b.pdf"], in: plain), "the field must become quoted")
        #expect(s.needsReadBack([1: "<a href=\"x\">"], in: quoted))
        #expect(s.needsReadBack([1: "a\nb"], in: quoted))
        #expect(s.needsReadBack([0: ""], in: row("K:\\a.pdf\n")))
    }
}

/// The tokenizer's run-at-a-time path on contiguous bytes gives exactly the rows of its
/// byte-at-a-time path, on random CSV text cut into random chunks.
@Suite struct CSVTokenizerRunsTests {
    static let pieces = ["a", "bc", "Смит", "合同", ",", ";", "\"", "\"\"", "\r", "\n", "\r\n", " ", "x\"y", "\"z", "é"]

    func rows(_ chunks: [[UInt8]], contiguous: Bool) -> [String] {
        var out: [String] = []
        var t = CSVTokenizer(delimiter: UInt8(ascii: ","))
        let emit = { (r: CSVRow) in
            out.append("\(r.bytes)|\(r.breakStart)|" + r.fields.map { "\($0.range)/\($0.quoted)/\($0.value)" }.joined(separator: ";"))
        }
        for chunk in chunks {
            if contiguous { t.feed(chunk[...], emit: emit) } else { t.feed(chunk.lazy.map { $0 }, emit: emit) }
        }
        let unclosed = t.finish(emit: emit)
        out.append("unclosed \(unclosed)")
        return out
    }

    @Test func runsAndBytesGiveTheSameRows() {
        var rng = SplitMix64(seed: 1515)
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<rng.int(30) { text += rng.pick(Self.pieces) }
            let bytes = Array(text.utf8)
            var chunks: [[UInt8]] = []
            var i = 0
            while i < bytes.count { let n = 1 + rng.int(9); chunks.append(Array(bytes[i..<min(bytes.count, i + n)])); i += n }
            #expect(rows(chunks, contiguous: true) == rows(chunks, contiguous: false), "\(text.debugDescription)")
        }
    }
}
