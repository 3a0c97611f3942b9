import AttacheModel

/// The path grammar: how legacy records spell a file, and where a path starts and ends
/// inside free text. Pure functions over UTF-8 bytes — no Foundation, no regular expressions.
///
/// Two entry points:
/// - ``parse(_:)`` reads ONE path written on its own (a column value, a composed template's
///   result, a root alias).
/// - ``extract(from:posixPrefixes:relative:)`` finds every path inside free text (plain text or HTML).
///
/// The full rules, with examples and known limits, are in `Documentation/PathGrammar.md`.
public enum PathGrammar {
    /// Parses one path as written in a column or an alias.
    ///
    /// Recognised spellings (surrounding whitespace is trimmed first):
    /// - UNC `\\FILESRV01\CRM\a b.pdf`, `\\server.corp.local\…`, `\\10.0.0.5\…`, and `//server/share/…`
    ///   (only here: in free text and in HTML `//host/…` is a protocol-relative web link);
    ///   also `\\?\UNC\server\share\…` and `\\?\K:\…`.
    /// - Drive `K:\x\y.pdf`, `K:/x` — a drive needs a separator after the colon (`K:` and `K:x` are nil).
    /// - File URL `file:///K:/x%20y.pdf`, `file://server/share/x.pdf`, `file:///var/www/x`,
    ///   `file://localhost/…`, `file:////server/share/…`: components are percent-decoded (UTF-8;
    ///   a component whose escapes do not decode to UTF-8 is kept as written); `+` stays `+`;
    ///   a `?query` or `#fragment` is dropped.
    /// - POSIX absolute `/var/www/vtigercrm/storage/x` (only `/` separates; `\` is a name byte).
    /// - Anything else is relative: `.\scans\x.pdf`, `storage/2014/March/week2/123_Invoice.pdf`,
    ///   `upload/3f2c…`, a bare id. A single leading `\` (rooted on "the current drive") is read as relative.
    ///
    /// HTML entities are NOT decoded here (a column is not HTML). Both separators are accepted
    /// except in POSIX paths; `.` components are dropped and `..` kept.
    ///
    /// - Returns: nil for what is not a file path: empty text, a URL with another scheme
    ///   (`http(s)://`, `ftp://`, `mailto:`, `data:`, `javascript:`, `cid:`, any `scheme:` of two or
    ///   more letters), `www.…`, `#anchor`, `?query`, a drive without a separator, and text with
    ///   control characters (a line break, a tab) inside.
    public static func parse(_ text: String) -> PathSpelling? {
        var text = text
        return text.withUTF8 { buffer in
            var start = 0, end = buffer.count
            Bytes.trimWhitespace(buffer, &start, &end)
            guard start < end else { return nil }
            return parseSpelling(UnsafeBufferPointer(rebasing: buffer[start..<end]), mode: .column)
        }
    }

    /// Finds every file path in free text — plain text or HTML — with exact UTF-8 byte spans.
    ///
    /// What is found:
    /// - UNC (`\\host\share\…`), drive (`K:\…`, `K:/…`), `file:` URLs and explicit relative paths
    ///   (`.\x`, `./x`, `..\x`, `../x`) — always;
    /// - absolute POSIX paths only when they start with one of `posixPrefixes` (free text is full
    ///   of slashes: "and/or", dates, fractions);
    /// - in HTML `href`, `src` and `background` attributes (any case, spaces around `=`, quoted
    ///   or not) the whole value is the candidate, entities decoded; the span is the value's raw
    ///   bytes without the quotes (`inAttribute` is true). There, bare relative values
    ///   (`page.html`) and `/…` outside the prefixes are web links, not references.
    ///
    /// Never found: web links (`http://`, `https://`, `ftp://`, `www.…`, `//host/…`), `mailto:`,
    /// `data:`, `javascript:`, `cid:` and other schemes — nothing inside them either.
    ///
    /// Where a path ends in plain text: the candidate runs to a hard stop (line break, tab,
    /// `"`, `<`, `>`, `|`, `*`, `?`, a `:` after the start of a Windows path, `#` in a `file:` URL,
    /// or whitespace followed by the start of another path or link). Inside it, the path ends
    /// after the FIRST well-known extension (`.pdf`, `.docx`, …) followed by whitespace, CJK text
    /// or closing punctuation — unless a `\` follows later (then the `.ext` was in a folder name);
    /// failing that, after the LAST `.ext` (1–5 letters/digits, one letter at least) so followed;
    /// failing that, at the first whitespace. Trailing `. , ; : !`, closing quotes and unbalanced
    /// `)`/`]` are dropped. A path right after an opening quote (`"`, `'`, `«`, `“`, `„`, `‘`, `「`,
    /// or their entities) ends at the closing quote instead. HTML entities are decoded inside
    /// candidates (`&amp;` → `&`, `&nbsp;` → a space).
    ///
    /// - Parameters:
    ///   - text: the text to search.
    ///   - posixPrefixes: absolute POSIX prefixes that are known roots' aliases
    ///     (e.g. `["/var/www/vtigercrm/"]`), compared byte for byte; a trailing `/` is implied.
    /// - Returns: the paths in text order; spans never overlap. `start`/`end` are UTF-8 byte
    ///   offsets into `text` and `raw` is exactly those bytes (entities and %-escapes as written).
    ///   - relative: also find bare relative paths (`Scans/2013/x.pdf` in prose, `href="Scans/x.pdf"`),
    ///     for a source that says where they start (`relative_base`). Off by default. In prose a
    ///     candidate is a word holding a separator whose path ends in a component with an
    ///     extension; its start is ambiguous when names hold spaces, so the path found starts at
    ///     the word holding the first separator and ``FoundPath/longerStarts`` lists the earlier
    ///     word starts it could extend to (``relativePath(in:from:to:)`` reads one). In
    ///     attributes, web-relative values (`index.php?…`, `#x`, `page.php`) are not found.
    ///     The rules are in `Documentation/PathGrammar.md`, "Relative paths".
    public static func extract(from text: String, posixPrefixes: [String] = [], relative: Bool = false) -> [FoundPath] {
        let prefixes = normalisedPrefixes(posixPrefixes)
        var text = text
        return text.withUTF8 { buffer in
            guard !buffer.isEmpty else { return [] }
            var extractor = Extractor(text: buffer, prefixes: prefixes, relative: relative)
            extractor.scan(0, buffer.count, tags: true)
            return extractor.found
        }
    }

    /// The prefixes as bytes, each ending in `/`; what does not start with `/` is ignored.
    static func normalisedPrefixes(_ prefixes: [String]) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for prefix in prefixes {
            var bytes = Array(prefix.utf8)
            guard bytes.first == Bytes.slash else { continue }
            if bytes.last != Bytes.slash { bytes.append(Bytes.slash) }
            if !result.contains(bytes) { result.append(bytes) }
        }
        // Longest first, so a nested alias wins over its parent.
        return result.sorted { $0.count > $1.count }
    }
}
