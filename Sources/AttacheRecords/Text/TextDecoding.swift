/// Turns the bytes of a CSV export or a text/HTML file into text, never guessing silently.
///
/// The encoding is chosen in this order:
/// 1. a byte-order mark (UTF-8, UTF-16LE/BE, UTF-32LE/BE) — it wins over any declaration;
/// 2. the `declared` encoding (the source's `encoding:` option), any name iconv knows
///    (`cp1251`/`windows-1251`, `gb18030`, `gbk`, `shift_jis`, `latin1`/`iso-8859-1`, `utf-16le`…);
/// 3. with `sniffHTML`, a `<meta charset=…>` (or `content="…; charset=…"`) in the first 1 KiB;
/// 4. otherwise UTF-8 — and when the bytes are not UTF-8 the result is a problem naming the byte
///    offset and line of the first bad byte and suggesting an `encoding:`, never a guess.
///    Valid UTF-8 that looks like UTF-16 without a byte-order mark (NUL bytes every other
///    byte) is a problem too.
///
/// A leading byte-order mark is never part of the text.
public enum TextDecoding {
    /// How the encoding was chosen.
    public enum Basis: String, Sendable {
        /// The input starts with a byte-order mark.
        case byteOrderMark = "byte-order mark"
        /// The source's `encoding` option.
        case declared = "declared encoding"
        /// A `<meta charset>` in an HTML file's first 1 KiB.
        case htmlMeta = "HTML meta charset"
        /// Nothing said otherwise, so UTF-8.
        case assumedUTF8 = "no declaration"
    }

    /// Whether `name` is an encoding this decoder accepts (UTF-8 or any name iconv knows).
    public static func isKnownEncoding(_ name: String) -> Bool {
        isUTF8(name) || Iconv.knows(name)
    }

    /// The byte-order mark `bytes` start with: the encoding it announces and its length.
    public static func byteOrderMark<C: Collection>(in bytes: C) -> (encoding: String, length: Int)?
    where C.Element == UInt8 {
        let head = Array(bytes.prefix(4))
        func starts(_ mark: [UInt8]) -> Bool { head.count >= mark.count && Array(head.prefix(mark.count)) == mark }
        if starts([0xFF, 0xFE, 0x00, 0x00]) { return ("UTF-32LE", 4) }
        if starts([0x00, 0x00, 0xFE, 0xFF]) { return ("UTF-32BE", 4) }
        if starts([0xEF, 0xBB, 0xBF]) { return ("UTF-8", 3) }
        if starts([0xFF, 0xFE]) { return ("UTF-16LE", 2) }
        if starts([0xFE, 0xFF]) { return ("UTF-16BE", 2) }
        return nil
    }

    /// Decodes `bytes`; see the type's description for how the encoding is chosen.
    /// - Parameters:
    ///   - declared: the encoding the source declares, or nil.
    ///   - sniffHTML: look for a `<meta charset>` when nothing is declared (for HTML files).
    public static func decode(_ bytes: [UInt8], declared: String?, sniffHTML: Bool = false)
        -> Result<String, DecodingProblem> {
        bytes.withUnsafeBufferPointer { decode($0, declared: declared, sniffHTML: sniffHTML) }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, declared: String?, sniffHTML: Bool)
        -> Result<String, DecodingProblem> {
        decodeChoosing(bytes, declared: declared, sniffHTML: sniffHTML).map(\.text)
    }

    /// What ``decode(_:declared:sniffHTML:)`` chose: the encoding, why, and the length of the
    /// byte-order mark it skipped (0 without one).
    struct Choice {
        var text: String
        var encoding: String
        var basis: Basis
        var markLength: Int
    }

    /// Decodes `bytes` and says which encoding was used: the one place that choice is made.
    static func decodeChoosing(_ bytes: UnsafeBufferPointer<UInt8>, declared: String?, sniffHTML: Bool)
        -> Result<Choice, DecodingProblem> {
        if let declared, !isKnownEncoding(declared) {
            return .failure(unknownEncoding(declared))
        }
        func choice(skipping length: Int, as encoding: String, basis: Basis) -> Result<Choice, DecodingProblem> {
            decode(bytes, skipping: length, as: encoding, basis: basis)
                .map { Choice(text: $0, encoding: encoding, basis: basis, markLength: length) }
        }
        if let (encoding, length) = byteOrderMark(in: bytes) {
            return choice(skipping: length, as: encoding, basis: .byteOrderMark)
        }
        if let declared {
            return choice(skipping: 0, as: declared, basis: .declared)
        }
        if sniffHTML, let meta = HTMLCharset.declared(in: bytes) {
            // A meta tag readable as ASCII cannot be in UTF-16 (WHATWG treats it as UTF-8).
            let name = meta.lowercased().hasPrefix("utf-16") ? "UTF-8" : meta
            if isKnownEncoding(name) {
                return choice(skipping: 0, as: name, basis: .htmlMeta)
            }
        }
        return choice(skipping: 0, as: "UTF-8", basis: .assumedUTF8)
    }

    static func isUTF8(_ name: String) -> Bool {
        let folded = name.lowercased().filter { $0 != "-" && $0 != "_" }
        return folded == "utf8"
    }

    static func unknownEncoding(_ name: String) -> DecodingProblem {
        DecodingProblem(kind: .unknownEncoding, encoding: name, basis: .declared,
                        message: "'\(name)' is not an encoding this system knows; use a name from `iconv -l`, "
                            + "e.g. utf-8, cp1251, gb18030, shift_jis, windows-1252, utf-16le")
    }

    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, skipping skip: Int, as encoding: String,
                               basis: Basis) -> Result<String, DecodingProblem> {
        let body = UnsafeBufferPointer(rebasing: bytes[skip...])
        if isUTF8(encoding) {
            if let text = String(validating: body, as: UTF8.self) {
                if basis == .assumedUTF8, let problem = utf16Lookalike(body) { return .failure(problem) }
                return .success(text)
            }
            let bad = UTF8Validator.firstInvalidOffset(in: body) ?? 0
            let line = SourceLineCounter.line(ofOffset: bad, in: body)
            return .failure(invalid(encoding: encoding, basis: basis, offset: skip + bad, line: line, truncated: false))
        }
        switch Iconv.decode(body, from: encoding) {
        case .success(let text):
            return .success(text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text)
        case .failure(.unknownEncoding):
            return .failure(unknownEncoding(encoding))
        case .failure(.invalid(let offset, let line, let truncated)):
            return .failure(invalid(encoding: encoding, basis: basis, offset: skip + offset, line: line,
                                    truncated: truncated))
        }
    }

    static func invalid(encoding: String, basis: Basis, offset: Int, line: Int, truncated: Bool)
        -> DecodingProblem {
        let what = truncated
            ? "the text ends in the middle of a \(encoding) character"
            : "the bytes here are not valid \(encoding)"
        let advice: String
        switch basis {
        case .assumedUTF8:
            advice = "the text is not UTF-8 and no encoding is declared; set the source's `encoding:` "
                + "(e.g. cp1251 for Cyrillic, gb18030 for Chinese, shift_jis for Japanese, "
                + "windows-1252 for Western European)"
        case .declared:
            advice = "\(what); is `encoding: \(encoding)` right for this file?"
        case .byteOrderMark:
            advice = "\(what), although the file starts with a \(encoding) byte-order mark"
        case .htmlMeta:
            advice = "\(what), although the file's <meta> declares charset \(encoding); "
                + "set the source's `encoding:` to override it"
        }
        return DecodingProblem(kind: .invalidBytes, encoding: encoding, basis: basis, offset: offset, line: line,
                               message: advice)
    }

    /// Valid UTF-8 full of NUL bytes at every other position is almost surely UTF-16 without a
    /// byte-order mark: report it rather than return text interleaved with NULs.
    private static func utf16Lookalike(_ bytes: UnsafeBufferPointer<UInt8>) -> DecodingProblem? {
        let sample = bytes.prefix(4096)
        guard sample.count >= 4 else { return nil }
        var evenZeros = 0, oddZeros = 0
        for (i, byte) in sample.enumerated() where byte == 0 {
            if i % 2 == 0 { evenZeros += 1 } else { oddZeros += 1 }
        }
        let half = sample.count / 2
        guard max(evenZeros, oddZeros) * 10 >= half * 6 else { return nil }
        let guess = oddZeros >= evenZeros ? "utf-16le" : "utf-16be"
        let first = sample.firstIndex(of: 0) ?? 0
        return DecodingProblem(kind: .invalidBytes, encoding: "UTF-8", basis: .assumedUTF8, offset: first, line: 1,
                               message: "the text is full of NUL bytes: it looks like UTF-16 without a byte-order "
                                   + "mark; set the source's `encoding:` (probably \(guess))")
    }
}
