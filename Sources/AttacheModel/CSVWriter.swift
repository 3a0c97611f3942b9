/// The one CSV writer for everything the tool writes (listings, the review sheet): RFC 4180
/// with CRLF line ends, an optional byte-order mark and delimiter, and a guard against CSV
/// injection (Documentation/Listings.md, "CSV").
///
/// A field is quoted when it holds the delimiter, a double quote (doubled inside), a CR or
/// LF, or starts or ends with a space. A text field a spreadsheet would run as a formula —
/// it starts with `=`, `+`, `-`, `@`, a tab or a CR (OWASP's list) — is written with a
/// leading `'`, which spreadsheet programs show as text: a legacy file named
/// `=HYPERLINK(…).pdf` stays a name. Integers are typed values, not text, and are never
/// guarded: a negative number in a numeric column is just a number.
public struct CSVWriter: Sendable {
    /// The field separator: `,` by default; `;` or tab for locales that use decimal commas.
    public var delimiter: Unicode.Scalar
    /// Whether the first row is preceded by a UTF-8 byte-order mark (spreadsheet programs
    /// then read the text as UTF-8 rather than the locale's code page).
    public var byteOrderMark: Bool
    private var started = false

    public init(delimiter: Unicode.Scalar = ",", byteOrderMark: Bool = false) {
        self.delimiter = delimiter
        self.byteOrderMark = byteOrderMark
    }

    /// Writes one row (the byte-order mark first, when asked, before the first row).
    public mutating func row<S: TextSink>(_ values: [FieldValue], to out: inout S) {
        if !started {
            started = true
            if byteOrderMark { out.write("\u{FEFF}") }
        }
        out.write(line(values))
    }

    /// Writes the header row: the column names, as text.
    public mutating func header<S: TextSink>(_ names: [String], to out: inout S) {
        row(names.map(FieldValue.text), to: &out)
    }

    /// One row as text, with its CRLF (no byte-order mark).
    public func line(_ values: [FieldValue]) -> String {
        var out = ""
        for (i, v) in values.enumerated() {
            if i > 0 { out.unicodeScalars.append(delimiter) }
            out += field(v)
        }
        return out + "\r\n"
    }

    /// One field: integers and booleans as they are, text formula-guarded and quoted when needed.
    public func field(_ value: FieldValue) -> String {
        switch value {
        case .text(let s): return quoted(CSVWriter.inert(s))
        case .integer, .bool, .null: return value.plain
        }
    }

    /// `text` as a spreadsheet shows it as text: a leading `'` when it starts with `=`, `+`,
    /// `-`, `@`, a tab or a carriage return; anything else unchanged.
    public static func inert(_ text: String) -> String {
        guard let c = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(c) else { return text }
        return "'" + text
    }

    private func quoted(_ s: String) -> String {
        let d = delimiter
        let needs = s.unicodeScalars.contains { $0 == d || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || s.hasPrefix(" ") || s.hasSuffix(" ")
        guard needs else { return s }
        var out = "\""
        for u in s.unicodeScalars {
            if u == "\"" { out += "\"\"" } else { out.unicodeScalars.append(u) }
        }
        return out + "\""
    }
}
