/// Percent-encoding (RFC 3986) and HTML escaping, the two layers a spelled location may need.
public enum Escaping {
    /// Whether `old` writes its backslashes escaped, doubled: JSON strings, C strings, a
    /// `SELECT … INTO OUTFILE` export (`K:\\scans\\x.pdf`, `\\\\srv\\share\\x.pdf`). True when
    /// every run of backslashes in it has an even length (a UNC path written plainly has runs
    /// of one after its `\\`, so it never looks escaped).
    public static func writesBackslashesDoubled(_ old: String) -> Bool {
        var run = 0, runs = 0
        for b in old.utf8 {
            if b == UInt8(ascii: "\\") { run += 1; continue }
            if run > 0 { if run % 2 == 1 { return false }; runs += 1; run = 0 }
        }
        if run > 0 { if run % 2 == 1 { return false }; runs += 1 }
        return runs > 0
    }

    /// `new` written as `old` writes backslashes: doubled when `old` doubles them
    /// (``writesBackslashesDoubled(_:)``), as it is otherwise.
    public static func backslashes(_ new: String, like old: String) -> String {
        guard new.utf8.contains(UInt8(ascii: "\\")), writesBackslashesDoubled(old) else { return new }
        return new.replacingOccurrences(of: "\\", with: "\\\\")
    }

    /// A name attache placed, as one URL path segment: every UTF-8 byte outside the
    /// unreserved set (`A–Z a–z 0–9 - . _ ~`) becomes `%XX` (upper-case hex). So a space is
    /// `%20`, `#` `%23`, `%` `%25`, `&` `%26`, `+` `%2B`, `?` `%3F`, `С` `%D0%A1` — one rule, no
    /// character whose meaning depends on the server.
    public static func percentEncodeName(_ segment: String) -> String {
        percentEncode(segment) { isUnreserved($0) }
    }

    /// A folder of the address the user wrote, as one URL path segment: the unreserved set
    /// and the characters RFC 3986 allows in a path segment as they are (`! $ & ' ( ) * + , ; =
    /// : @`, so `file:///K:/` keeps its colon), everything else encoded.
    public static func percentEncodeAddressFolder(_ segment: String) -> String {
        percentEncode(segment) { isUnreserved($0) || "!$&'()*+,;=:@".utf8.contains($0) }
    }

    /// HTML text: `&` → `&amp;`, `<` → `&lt;`, `>` → `&gt;`.
    public static func htmlText(_ text: String) -> String {
        html(text, quotes: false)
    }

    /// An HTML attribute value (either quote): the text escapes plus `"` → `&quot;` and
    /// `'` → `&#39;`.
    public static func htmlAttribute(_ text: String) -> String {
        html(text, quotes: true)
    }

    private static func isUnreserved(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    private static let hex = Array("0123456789ABCDEF".utf8)

    private static func percentEncode(_ text: String, keep: (UInt8) -> Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for b in text.utf8 {
            if keep(b) {
                out.append(b)
            } else {
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func html(_ text: String, quotes: Bool) -> String {
        guard text.utf8.contains(where: { "&<>\"'".utf8.contains($0) }) else { return text }
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
