/// Decides the context a reference's text sits in (``SpellingContext``), from the value around
/// its span — the references stage does not store it, and the value is at hand when rewriting.
///
/// - **Link attribute**: the span is the value of an `href`, `src` or `background` attribute
///   inside a tag: `<a href="…">`, `<img src='…'>`, `<td background=…>` (any case, spaces
///   around `=`, quoted or not).
/// - **HTML text**: the source is HTML (a text file sniffed as HTML), or the value holds a tag
///   (`<` followed by a letter, `/` or `!`, then a `>`) or an entity such as `&amp;`.
/// - **Plain**: anything else (a column, a note in plain text).
enum SpellingContextDetector {
    static func context(in value: String, at start: Int, html: Bool) -> SpellingContext {
        let bytes = Array(value.utf8)
        if isLinkAttribute(bytes, start: start) { return .linkAttribute }
        return html || looksLikeHTML(bytes) ? .htmlText : .plain
    }

    /// How the audit names a context (`rewrite_edits.detail` of a rewritten reference); the
    /// reference verifier reads it back with ``context(described:)``.
    static func describe(_ c: SpellingContext) -> String {
        switch c {
        case .linkAttribute: return "written in an HTML link attribute"
        case .htmlText: return "written in HTML text"
        case .plain: return "written as plain text"
        }
    }

    /// What the audit keeps of a context: nothing for plain text (most references; a million
    /// rows of "written as plain text" would only fill the catalog), the description otherwise.
    static func recorded(_ c: SpellingContext) -> String? { c == .plain ? nil : describe(c) }

    /// The context an audit row's detail names (plain when it names none).
    static func context(described text: String?) -> SpellingContext {
        SpellingContext.allCases.first { describe($0) == text } ?? .plain
    }

    static func isLinkAttribute(_ b: [UInt8], start: Int) -> Bool {
        guard start > 0, start <= b.count else { return false }
        var i = start - 1
        if b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") { i -= 1 }
        while i >= 0 && isSpace(b[i]) { i -= 1 }
        guard i >= 0, b[i] == UInt8(ascii: "=") else { return false }
        i -= 1
        while i >= 0 && isSpace(b[i]) { i -= 1 }
        var name: [UInt8] = []
        while i >= 0 && isNameByte(b[i]) { name.insert(b[i] | 0x20, at: 0); i -= 1 }
        guard ["href", "src", "background"].contains(String(decoding: name, as: UTF8.self)) else { return false }
        // Inside a tag: a '<' before, with no '>' between.
        while i >= 0 {
            if b[i] == UInt8(ascii: ">") { return false }
            if b[i] == UInt8(ascii: "<") { return true }
            i -= 1
        }
        return false
    }

    static func looksLikeHTML(_ b: [UInt8]) -> Bool {
        var sawTag = false
        for (i, c) in b.enumerated() {
            if c == UInt8(ascii: "<"), i + 1 < b.count {
                let n = b[i + 1]
                if (n | 0x20) >= UInt8(ascii: "a") && (n | 0x20) <= UInt8(ascii: "z") || n == UInt8(ascii: "/") || n == UInt8(ascii: "!") {
                    sawTag = true
                }
            } else if c == UInt8(ascii: ">") && sawTag {
                return true
            } else if c == UInt8(ascii: "&") && entityFollows(b, i + 1) {
                return true
            }
        }
        return false
    }

    private static func entityFollows(_ b: [UInt8], _ from: Int) -> Bool {
        var i = from
        while i < b.count && i - from <= 10 {
            let c = b[i]
            if c == UInt8(ascii: ";") { return i > from }
            let ok = (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") || c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
                || c == UInt8(ascii: "#")
            if !ok { return false }
            i += 1
        }
        return false
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == 0x0C }
    private static func isNameByte(_ c: UInt8) -> Bool {
        (c | 0x20) >= UInt8(ascii: "a") && (c | 0x20) <= UInt8(ascii: "z") || c == UInt8(ascii: "-")
    }
}
