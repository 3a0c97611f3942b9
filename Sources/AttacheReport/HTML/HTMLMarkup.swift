import AttacheModel

// The HTML report's building blocks. The page shows nothing that is not in the report's JSON
// (MigrationReport+JSON.swift), and every figure it shows says where it is there: a
// ``Figure`` is a JSON value with its pointer, and ``Markup`` — the only way text gets into the
// page — accepts figures, derived numbers and words, but no bare number. `"\(n) files"` with
// an `Int` does not compile; `"\(files) files"` with a ``Figure`` writes
// `<span data-json="/totals/files" data-value="1234">1,234</span> files`.

/// HTML escaping for text and attribute values: the page's only escaper. Everything that comes
/// from the catalog (paths, source names, rule names, reasons) goes through it.
enum HTML {
    /// `s` as element text: `&`, `<`, `>` escaped (quotes are harmless there, but escaped
    /// too so a text is also a valid attribute value).
    static func text(_ s: String) -> String { attribute(s) }

    /// `s` as a double-quoted attribute value: `&`, `<`, `>`, `"`, `'` escaped; tab and line
    /// breaks as character references (an XML reader would turn them into spaces in an
    /// attribute); other control characters, which neither HTML nor XML may hold, as U+FFFD.
    static func attribute(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default:
                let v = u.value
                out.unicodeScalars.append(v < 0x20 || v == 0x7F || (0xFFFE...0xFFFF).contains(v) ? "\u{FFFD}" : u)
            }
        }
        return out
    }
}

/// An RFC 6901 JSON pointer into the output of ``MigrationReport/json(_:to:)``:
/// `JSONPointer.root / "plan" / "summary" / "by_rule" / name` is `/plan/summary/by_rule/NAME`,
/// with `~` and `/` in a key written `~0` and `~1`.
struct JSONPointer: Hashable, CustomStringConvertible {
    let text: String
    static let root = JSONPointer(text: "")

    static func / (p: JSONPointer, key: String) -> JSONPointer {
        JSONPointer(text: p.text + "/" + key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1"))
    }
    static func / (p: JSONPointer, index: Int) -> JSONPointer { JSONPointer(text: p.text + "/" + String(index)) }

    var description: String { text }
}

/// One value of the report's JSON, ready to show: where it is, how the JSON writes it (`raw`)
/// and how the page shows it (`shown`). The only way a number reaches the page.
struct Figure {
    /// How `raw` becomes `shown` (the test reads `data-format` to check it).
    enum Format: String { case count, bytes, text, flag, key }
    let pointer: JSONPointer
    let raw: String
    let shown: String
    let format: Format

    /// A count: `1234` shown as `1,234`.
    static func count(_ p: JSONPointer, _ n: Int) -> Figure {
        Figure(pointer: p, raw: String(n), shown: groupedDigits(Int64(n)), format: .count)
    }
    /// Bytes: `1234567` shown as `1.18 MiB`.
    static func bytes(_ p: JSONPointer, _ n: Int64) -> Figure {
        Figure(pointer: p, raw: String(n), shown: ByteCount(n).description, format: .bytes)
    }
    /// A string value (a name, a path, a reason), shown as it is.
    static func text(_ p: JSONPointer, _ s: String) -> Figure { Figure(pointer: p, raw: s, shown: s, format: .text) }
    /// A boolean, shown in words (`fits` / `does not fit`).
    static func flag(_ p: JSONPointer, _ b: Bool, yes: String, no: String) -> Figure {
        Figure(pointer: p, raw: b ? "true" : "false", shown: b ? yes : no, format: .flag)
    }
    /// The name of an object member (a rule, a placement, a problem code): `p`'s last token.
    /// Written with `data-json-key` (it names a member; it has no value of its own).
    static func key(_ p: JSONPointer, _ name: String) -> Figure { Figure(pointer: p, raw: name, shown: name, format: .key) }

    /// The attributes that tie an element to the JSON.
    var attributes: [(String, String)] {
        format == .key ? [("data-json-key", pointer.text)]
            : [("data-json", pointer.text), ("data-value", raw), ("data-format", format.rawValue)]
    }

    /// The figure in `tag` (a `span`, a `td`, an SVG `text`), with `extra` attributes.
    func element(_ tag: String, _ extra: [(String, String)] = []) -> String {
        "<" + tag + Markup.attributes(attributes + extra) + ">" + HTML.text(shown) + "</" + tag + ">"
    }
}

/// A number computed from figures (a percentage, a sum): shown with the pointers it comes from
/// (`data-derived="/a /b"`), so a reader can check it against the JSON.
struct Derived {
    let shown: String
    let from: [JSONPointer]

    /// `part` as a percentage of `whole` (one decimal; "<0.1%" for a sliver, "-" without a whole).
    static func percent(_ part: Int64, of whole: Int64, _ a: JSONPointer, _ b: JSONPointer) -> Derived {
        guard whole > 0 else { return Derived(shown: "-", from: [a, b]) }
        let v = Double(part) * 100 / Double(whole)
        return Derived(shown: v > 0 && v < 0.05 ? "<0.1%" : formatFixed(v, digits: 1) + "%", from: [a, b])
    }
    /// The sum of counts.
    static func sum(_ parts: [(JSONPointer, Int)]) -> Derived {
        Derived(shown: groupedDigits(Int64(parts.reduce(0) { $0 + $1.1 })), from: parts.map(\.0))
    }

    func element(_ tag: String, _ extra: [(String, String)] = []) -> String {
        "<" + tag + Markup.attributes([("data-derived", from.map(\.text).joined(separator: " "))] + extra) + ">"
            + HTML.text(shown) + "</" + tag + ">"
    }
}

/// A piece of the page: literal words (escaped), figures with their pointers, code, and other
/// markup. Interpolating an `Int` does not compile: a number enters only as a ``Figure`` or a
/// ``Derived``.
struct Markup: ExpressibleByStringInterpolation {
    typealias StringInterpolation = Interpolation
    private(set) var html: String

    init(html: String) { self.html = html }
    init(stringLiteral s: String) { html = HTML.text(s) }
    init(stringInterpolation i: Interpolation) { html = i.html }

    struct Interpolation: StringInterpolationProtocol {
        var html = ""
        init(literalCapacity: Int, interpolationCount: Int) { html.reserveCapacity(literalCapacity + 40 * interpolationCount) }
        mutating func appendLiteral(_ s: String) { html += HTML.text(s) }
        mutating func appendInterpolation(_ f: Figure) { html += f.element("span") }
        mutating func appendInterpolation(_ d: Derived) { html += d.element("span") }
        mutating func appendInterpolation(_ m: Markup) { html += m.html }
        /// Words from the code's own vocabulary (never a number from the data).
        mutating func appendInterpolation(words s: String) { html += HTML.text(s) }
        /// `noun` for `n` things: "file" or "files" (the number itself is a figure next to it).
        mutating func appendInterpolation(noun: String, _ n: Int) { html += HTML.text(n == 1 ? noun : noun + "s") }
        /// A command or a manifest key, as code.
        mutating func appendInterpolation(code s: String) { html += "<code>" + HTML.text(s) + "</code>" }
    }

    static func + (a: Markup, b: Markup) -> Markup { Markup(html: a.html + b.html) }

    /// Markups joined by `separator`.
    static func join(_ parts: [Markup], _ separator: String) -> Markup {
        Markup(html: parts.map(\.html).joined(separator: HTML.text(separator)))
    }

    /// ` name="value"…`, values escaped.
    static func attributes(_ list: [(String, String)]) -> String {
        list.map { " " + $0.0 + "=\"" + HTML.attribute($0.1) + "\"" }.joined()
    }
}
