import CSV

/// The CSV fuzzer's entry point (fuzz/Sources/FuzzCSV): runs ``CSVTokenizer`` and
/// ``CSVPrescan`` — internal types — over arbitrary bytes and traps when a promise they make
/// breaks. Not used by attache itself.
public enum CSVFuzzing {
    /// Checks, for `bytes` read with `delimiter` (fed in two pieces split at `split`):
    /// - the rows keep every byte: their bytes, joined, are the input; each field's range lies in its row;
    /// - feeding byte by byte gives the same rows as feeding runs;
    /// - on UTF-8 text without a byte-order mark, every row's values are what CSV.swift's
    ///   `CSVReader` reads (the tokenizer's claim), and the pre-scan's unclosed quote is the
    ///   tokenizer's.
    public static func check(_ bytes: [UInt8], delimiter: UInt8, split: Int) {
        let cut = bytes.isEmpty ? 0 : split % (bytes.count + 1)
        var runs = CSVTokenizer(delimiter: delimiter)
        var rows: [CSVRow] = []
        runs.feed(bytes[..<cut]) { rows.append($0) }
        runs.feed(bytes[cut...]) { rows.append($0) }
        let unclosed = runs.finish { rows.append($0) }

        var joined: [UInt8] = []
        for row in rows {
            precondition(row.breakStart <= row.bytes.count, "CSV: the line break starts inside the row")
            for f in row.fields { precondition(f.range.lowerBound >= 0 && f.range.upperBound <= row.bytes.count, "CSV: field outside its row") }
            joined += row.bytes
        }
        precondition(joined == bytes, "CSV: the rows' bytes are not the input")

        var single = CSVTokenizer(delimiter: delimiter)
        var stepped: [CSVRow] = []
        single.feed(bytes.lazy.map { $0 }) { stepped.append($0) }
        _ = single.finish { stepped.append($0) }
        precondition(stepped.map(\.bytes) == rows.map(\.bytes) && stepped.map(\.values) == rows.map(\.values),
                     "CSV: byte-by-byte and run feeding differ")

        guard let text = String(validating: bytes, as: UTF8.self), !bytes.starts(with: [0xEF, 0xBB, 0xBF]) else { return }
        let prescan = CSVPrescan.scanText(text, delimiter: delimiter)
        precondition((prescan.unclosedQuoteLine != nil) == unclosed, "CSV: pre-scan and tokenizer disagree on an unclosed quote")
        guard let reader = try? CSVReader(string: text, hasHeaderRow: false, delimiter: Unicode.Scalar(delimiter)) else { return }
        var theirs: [[String]] = []
        while let r = reader.next() { theirs.append(r) }
        precondition(theirs == rows.map(\.values), "CSV: the tokenizer's values are not CSV.swift's")
    }
}
