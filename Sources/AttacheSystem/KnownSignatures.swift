/// The content types attache decides from a file's first bytes without libmagic, for the
/// formats that make up most CRM attachments and whose signature libmagic itself reads in one
/// rule with nothing stronger to override it: PDF, PNG, JPEG, GIF, TIFF and RTF. Each answer
/// is the MIME type libmagic 5.44 gives the same bytes (`MagicClassifier` asks libmagic for
/// everything else).
///
/// Agreement is proved, not assumed: `KnownSignatureTests` and `bench/magic_agreement.sh`
/// scan the same trees with and without this path (`ATTACHE_MAGIC_ONLY=1`) and compare every
/// file's type. Formats where libmagic's answer comes from more than a signature are left to
/// it: BMP (libmagic checks the header's fields), ZIP and OLE2 containers (their kind is
/// inside: OOXML, ODF, Word, Excel, Outlook), mail, markup and text (its text rules and CSV
/// check read the content).
public enum KnownSignatures {
    /// The MIME type when the sample starts with a signature this path decides, else nil.
    public static func mimeType(_ s: UnsafeRawBufferPointer) -> String? {
        let n = s.count
        guard n >= 4 else { return nil }
        switch s[0] {
        case 0x25:  // %PDF-: libmagic's "PDF document" rule, at offset 0
            if n >= 5 && s[1] == 0x50 && s[2] == 0x44 && s[3] == 0x46 && s[4] == 0x2D { return "application/pdf" }
        case 0x89:  // \x89PNG\r\n\x1a\n
            if n >= 8 && s[1] == 0x50 && s[2] == 0x4E && s[3] == 0x47 && s[4] == 0x0D && s[5] == 0x0A && s[6] == 0x1A && s[7] == 0x0A {
                return "image/png"
            }
        case 0xFF:  // JPEG: SOI then a marker (FF D8 FF)
            if s[1] == 0xD8 && s[2] == 0xFF { return "image/jpeg" }
        case 0x47:  // GIF87a, GIF89a
            if n >= 6 && s[1] == 0x49 && s[2] == 0x46 && s[3] == 0x38 && (s[4] == 0x37 || s[4] == 0x39) && s[5] == 0x61 {
                return "image/gif"
            }
        case 0x49, 0x4D:
            return tiff(s)
        case 0x7B:
            return rtf(s)
        default:
            break
        }
        return nil
    }

    /// TIFF: `II*\0` or `MM\0*` (libmagic's TIFF rules, strength +70), except a Canon CR2
    /// raw file (`II*\0\x10\0\0\0CR`, its own stronger rule and type).
    static func tiff(_ s: UnsafeRawBufferPointer) -> String? {
        if s[0] == 0x4D && s[1] == 0x4D && s[2] == 0x00 && s[3] == 0x2A { return "image/tiff" }
        guard s[0] == 0x49 && s[1] == 0x49 && s[2] == 0x2A && s[3] == 0x00 else { return nil }
        if s.count < 10 { return nil }  // too short to rule out CR2: ask libmagic
        let cr2: [UInt8] = [0x10, 0x00, 0x00, 0x00, 0x43, 0x52]
        if (0..<6).allSatisfy({ s[4 + $0] == cr2[$0] }) { return nil }
        return "image/tiff"
    }

    /// RTF: `{\rtf` whose sixth byte is neither 0xAB nor `\` (libmagic's "Rich Text Format"
    /// rule) — unless libmagic's checks that run before its rules could answer first: its CSV
    /// check (the first ten lines with the same count of commas) on the 2 or 4 KiB the
    /// classifier gives it, or its tar check (a header checksum that adds up).
    static func rtf(_ s: UnsafeRawBufferPointer) -> String? {
        let prefix: [UInt8] = [0x7B, 0x5C, 0x72, 0x74, 0x66]  // {\rtf
        guard s.count >= 6, (0..<5).allSatisfy({ s[$0] == prefix[$0] }), s[5] != 0xAB, s[5] != 0x5C else { return nil }
        for end in [MagicClassifier.firstSampleSize, MagicClassifier.markupSearchWindow] {
            if looksLikeCSV(UnsafeRawBufferPointer(rebasing: s[0..<min(s.count, end)])) { return nil }
        }
        if tarChecksumMatches(s) { return nil }
        return "text/rtf"
    }

    /// libmagic's CSV test (is_csv.c, `csv_parse` with CSV_LINES 10): quoted runs skipped, the
    /// commas of each line counted; true when the first lines all have the same nonzero count.
    static func looksLikeCSV(_ b: UnsafeRawBufferPointer) -> Bool {
        var fields = 0, first = 0, lines = 0
        var i = 0
        while i < b.count {
            let c = b[i]
            i += 1
            switch c {
            case 0x22:  // a quoted run: to the quote not followed by another quote
                var quote = false
                while i < b.count {
                    let q = b[i]
                    i += 1
                    if q != 0x22 {
                        if quote { i -= 1; break }
                        continue
                    }
                    quote.toggle()
                }
            case 0x2C:
                fields += 1
            case 0x0A:
                lines += 1
                if lines == 10 { return first != 0 && first == fields }
                if first == 0 {
                    if fields == 0 { return false }
                    first = fields
                } else if first != fields {
                    return false
                }
                fields = 0
            default:
                break
            }
        }
        return first != 0 && lines > 2
    }

    /// libmagic's tar test (is_tar.c): the octal number at offset 148 (`from_oct`) equals the
    /// sum of the first 512 bytes with that field counted as spaces.
    static func tarChecksumMatches(_ s: UnsafeRawBufferPointer) -> Bool {
        guard s.count >= 512 else { return false }
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
        var w = 148, digits = 8
        while isSpace(s[w]) {
            w += 1
            if digits == 0 { return false }
            digits -= 1
        }
        var value = 0
        while digits > 0 && (0x30...0x37).contains(s[w]) {
            value = value << 3 | Int(s[w] - 0x30)
            w += 1
            digits -= 1
        }
        if digits > 0 && s[w] != 0 && !isSpace(s[w]) { return false }
        var sum = 0
        for i in 0..<512 { sum += Int(s[i]) }
        for i in 148..<156 { sum -= Int(s[i]) }
        return sum + 8 * 0x20 == value
    }
}
