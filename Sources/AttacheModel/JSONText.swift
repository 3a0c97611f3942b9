/// The JSON string escaper ``JSONWriter`` uses (output streams with a fixed key order, so it
/// does not go through an encoder).
public enum JSONText {
    /// How strings are escaped. Both are valid JSON and read back the same; they differ only in
    /// their bytes.
    public enum Escaping: Sendable {
        /// What every output and new stored value uses: `"` `\` `\n` `\r` `\t` escaped, other
        /// control characters as `\uXXXX`, everything else (`/`, non-ASCII) as itself.
        case standard
        /// As Foundation's `JSONEncoder` and `JSONSerialization` write it: also `/` as `\/`, and
        /// backspace and form feed as `\b` `\f`. Earlier builds stored `roots.aliases` and
        /// `refs.fields` through those encoders; writing them the same way keeps a catalog's
        /// values byte-identical whichever build wrote them.
        case foundation
    }

    /// A JSON string literal for `s`, quoted and escaped (control characters as `\uXXXX`).
    public static func string(_ s: String) -> String { string(s, escaping: .standard) }

    /// A JSON string literal for `s`, escaped as `escaping` says.
    public static func string(_ s: String, escaping: Escaping) -> String {
        let foundation = escaping == .foundation
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "/" where foundation: out += "\\/"
            case "\u{8}" where foundation: out += "\\b"
            case "\u{C}" where foundation: out += "\\f"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
