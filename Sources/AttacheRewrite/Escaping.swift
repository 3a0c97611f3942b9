/// Percent-encoding (RFC 3986) and HTML escaping, the two layers a spelled location may need.
public enum Escaping {
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
