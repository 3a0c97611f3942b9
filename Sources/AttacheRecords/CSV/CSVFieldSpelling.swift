#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a replaced CSV field is written: in the quoting it had, with quotes added only when
/// the new value needs them.
struct CSVFieldSpelling {
    let delimiter: UInt8

    /// `row`'s bytes with the fields at the indices of `changes` replaced; every other byte kept.
    func replacing(_ changes: [Int: String], in row: CSVRow) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(row.bytes.count + changes.values.reduce(0) { $0 + $1.utf8.count + 2 })
        var cursor = 0
        for (index, field) in row.fields.enumerated() {
            guard let value = changes[index] else { continue }
            out += row.bytes[cursor..<field.range.lowerBound]
            out += spelled(value, quoted: field.quoted)
            cursor = field.range.upperBound
        }
        out += row.bytes[cursor...]
        return out
    }

    /// A value as a field: quoted (quotes doubled) when the field was, or when the value holds
    /// the delimiter, a quote, CR or LF; else as it is.
    func spelled(_ value: String, quoted: Bool) -> [UInt8] {
        let quote = UInt8(ascii: "\"")
        var value = value
        return value.withUTF8 { b in
            let needsQuotes = quoted || b.contains { $0 == delimiter || $0 == quote || $0 == 0x0A || $0 == 0x0D }
            guard needsQuotes else { return Array(b) }
            var out: [UInt8] = []
            out.reserveCapacity(b.count + 2)
            out.append(quote)
            // Runs between quotes at once; each quote doubled.
            var start = 0
            for i in 0..<b.count where b[i] == quote {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start...i]))
                out.append(quote)
                start = i + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start...]))
            out.append(quote)
            return out
        }
    }

    /// Whether `bytes` are exactly `text`'s UTF-8 (byte for byte, not Unicode equivalence).
    static func same(_ bytes: [UInt8], _ text: String) -> Bool {
        var text = text
        return text.withUTF8 { t in
            bytes.withUnsafeBufferPointer { b in
                b.count == t.count && (b.count == 0 || memcmp(b.baseAddress!, t.baseAddress!, b.count) == 0)
            }
        }
    }

    /// Whether an edited record must be read back before it is written (``check(_:delimiter:columns:expected:changes:)``).
    /// Not when every new value is non-empty and free of quotes and line breaks, and either
    /// its field was quoted or the value holds no delimiter: then the field keeps its quoting,
    /// its new bytes are plain text between the same boundaries, and the tokenizer reads the
    /// record exactly as before but for that value (the read-back, a second tokenizing of each
    /// edited record, was a tenth of a CSV rewrite's time). A value that changes the quoting, holds a
    /// quote or a line break, or is empty (a lone empty field reads as an empty line) is read back.
    func needsReadBack(_ changes: [Int: String], in row: CSVRow) -> Bool {
        let quote = UInt8(ascii: "\"")
        for (index, value) in changes {
            guard !value.isEmpty, row.fields.indices.contains(index) else { return true }
            let quoted = row.fields[index].quoted
            if value.utf8.contains(where: { $0 == quote || $0 == 0x0A || $0 == 0x0D || (!quoted && $0 == delimiter) }) { return true }
        }
        return false
    }

    /// Reads an edited record back; a sentence saying what is wrong when it does not give one
    /// record with the expected values.
    static func check(_ bytes: [UInt8], delimiter: UInt8, columns: Int, expected: [String],
                      changes: [Int: String]) -> String? {
        var rows: [CSVRow] = []
        var tokenizer = CSVTokenizer(delimiter: delimiter)
        tokenizer.feed(bytes) { rows.append($0) }
        _ = tokenizer.finish { rows.append($0) }
        guard rows.count == 1, let row = rows.first, row.fields.count == columns else {
            return "the new values would not read back as one record of \(columns) fields"
        }
        if row.isEmptyLine {
            return "the record's only field would be empty, which readers take for an empty line"
        }
        for (index, field) in row.fields.enumerated() {
            let want = changes[index] ?? expected[index]
            if !same(field.value, want) {
                return "column \(index + 1) would not read back as the new value"
            }
        }
        return nil
    }
}
