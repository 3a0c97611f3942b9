/// Line and column arithmetic on YAML text, counted the way libyaml counts: lines split at
/// line feeds, columns in Unicode scalars, both 1-based.
enum TextPosition {
    /// The first byte that does not belong to a valid UTF-8 sequence, with its line and column.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> (offset: Int, line: Int, column: Int)? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        var line = 1, column = 1
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                offset += encoded.count
            case .error:
                return (offset, line, column)
            case .emptyInput:
                return nil
            }
        }
    }

    /// The lines of `text` as arrays of Unicode scalars (without their line feeds; a
    /// carriage return before a line feed is dropped too).
    static func lines(of text: String) -> [[Unicode.Scalar]] {
        var out: [[Unicode.Scalar]] = [[]]
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if out[out.count - 1].last == "\r" { out[out.count - 1].removeLast() }
                out.append([])
            } else {
                out[out.count - 1].append(scalar)
            }
        }
        return out
    }

    /// The scalar at a 1-based line and column, if there is one.
    static func scalar(in text: String, line: Int, column: Int) -> Unicode.Scalar? {
        let all = lines(of: text)
        guard line >= 1, line <= all.count, column >= 1, column <= all[line - 1].count else { return nil }
        return all[line - 1][column - 1]
    }

    /// `text` with `insertion` placed before the scalar at the 1-based line and column
    /// (at the end of the line when the column is past it). Nil when the line does not exist.
    static func inserting(_ insertion: String, into text: String, line: Int, column: Int) -> String? {
        var currentLine = 1, currentColumn = 1
        var out = String.UnicodeScalarView()
        var inserted = false
        for scalar in text.unicodeScalars {
            if !inserted && currentLine == line && (currentColumn == column || scalar == "\n") {
                out.append(contentsOf: insertion.unicodeScalars)
                inserted = true
            }
            out.append(scalar)
            if scalar == "\n" { currentLine += 1; currentColumn = 1 } else { currentColumn += 1 }
        }
        if !inserted && currentLine == line { out.append(contentsOf: insertion.unicodeScalars); inserted = true }
        return inserted ? String(out) : nil
    }
}
