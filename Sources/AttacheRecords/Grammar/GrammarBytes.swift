import AttacheModel

extension PathGrammar {
    typealias Buffer = UnsafeBufferPointer<UInt8>

    /// Byte and scalar classes the grammar needs, on UTF-8 without building `Character`s.
    enum Bytes {
        static let tab: UInt8 = 0x09, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, space: UInt8 = 0x20
        static let quote: UInt8 = 0x22, hash: UInt8 = 0x23, percent: UInt8 = 0x25, amp: UInt8 = 0x26
        static let apostrophe: UInt8 = 0x27, openParen: UInt8 = 0x28, closeParen: UInt8 = 0x29
        static let star: UInt8 = 0x2A, plus: UInt8 = 0x2B, comma: UInt8 = 0x2C, minus: UInt8 = 0x2D
        static let dot: UInt8 = 0x2E, slash: UInt8 = 0x2F, colon: UInt8 = 0x3A, semicolon: UInt8 = 0x3B
        static let lt: UInt8 = 0x3C, equals: UInt8 = 0x3D, gt: UInt8 = 0x3E, question: UInt8 = 0x3F
        static let openBracket: UInt8 = 0x5B, backslash: UInt8 = 0x5C, closeBracket: UInt8 = 0x5D
        static let underscore: UInt8 = 0x5F, pipe: UInt8 = 0x7C, tilde: UInt8 = 0x7E

        @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
        @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
        @inline(__always) static func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
        @inline(__always) static func isSeparator(_ b: UInt8) -> Bool { b == slash || b == backslash }
        @inline(__always) static func lower(_ b: UInt8) -> UInt8 { isAlpha(b) ? b | 0x20 : b }
        /// Space, tab, line feed, vertical tab, form feed, carriage return.
        @inline(__always) static func isASCIISpace(_ b: UInt8) -> Bool { b == space || (b >= tab && b <= cr) }
        /// A character of a URL scheme after its first letter (RFC 3986).
        @inline(__always) static func isSchemeChar(_ b: UInt8) -> Bool {
            isAlnum(b) || b == plus || b == minus || b == dot
        }

        static func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }

        /// Whether `p[at...]` starts with `ascii` (lower-case letters), ignoring ASCII case.
        static func hasPrefix(_ p: Buffer, at: Int, end: Int, _ ascii: StaticString) -> Bool {
            let count = ascii.utf8CodeUnitCount
            guard end - at >= count else { return false }
            let s = ascii.utf8Start
            for k in 0..<count where lower(p[at + k]) != s[k] { return false }
            return true
        }

        /// Whether `p[a..<b]` equals `ascii` (lower-case letters), ignoring ASCII case.
        static func equals(_ p: Buffer, _ a: Int, _ b: Int, _ ascii: StaticString) -> Bool {
            b - a == ascii.utf8CodeUnitCount && hasPrefix(p, at: a, end: b, ascii)
        }

        @inline(__always) static func string(_ p: Buffer, _ a: Int, _ b: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: p[a..<b]), as: UTF8.self)
        }

        /// The scalar starting at `p[i]` and its length in bytes (`p` is valid UTF-8 up to `end`;
        /// a truncated sequence reads as U+FFFD of the bytes available).
        @inline(__always) static func scalar(_ p: Buffer, _ i: Int, _ end: Int) -> (UInt32, Int) {
            let b0 = p[i]
            if b0 < 0x80 { return (UInt32(b0), 1) }
            let len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 1
            guard len > 1, i + len <= end else { return (0xFFFD, 1) }
            var v = UInt32(b0) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
            for k in 1..<len { v = v << 6 | UInt32(p[i + k] & 0x3F) }
            return (v, len)
        }

        /// The start of the scalar that ends at `end` (exclusive), never before `floor`.
        @inline(__always) static func scalarStart(before end: Int, in p: Buffer, floor: Int) -> Int {
            var k = end - 1
            while k > floor && p[k] & 0xC0 == 0x80 { k -= 1 }
            return k
        }

        /// Horizontal whitespace a path may contain (a tab or line break is a hard stop instead).
        @inline(__always) static func isSpaceScalar(_ c: UInt32) -> Bool {
            switch c {
            case 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return true
            default: return false
            }
        }

        /// CJK ideographs, kana, hangul, CJK and full-width punctuation: languages written without
        /// spaces, so such a character right after `.ext` ends the path.
        @inline(__always) static func isCJK(_ c: UInt32) -> Bool {
            switch c {
            case 0x2E80...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFFEF,
                 0x20000...0x3FFFF: return true
            default: return false
            }
        }

        /// Characters that can never be inside a path found in free text.
        @inline(__always) static func isHardStop(_ c: UInt32) -> Bool {
            switch c {
            case 0x00...0x1F, 0x7F, 0x22, 0x3C, 0x3E, 0x7C, 0x2A, 0x3F, 0x85, 0x2028, 0x2029: return true
            default: return false
            }
        }

        /// Punctuation that may follow a path in a sentence.
        @inline(__always) static func isClosingPunctuation(_ c: UInt32) -> Bool {
            switch c {
            case 0x2C, 0x2E, 0x3B, 0x3A, 0x21, 0x29, 0x5D, 0x7D, 0x27, 0x60,  // , . ; : ! ) ] } ' `
                 0x2019, 0x201D, 0xBB, 0x2026,                           // ’ ” » …
                 0x3001, 0x3002, 0x300D, 0x300F,                         // 、 。 」 』
                 0xFF01, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B:                 // ！ ） ， ： ；
                return true
            default: return false
            }
        }

        /// Punctuation never kept at the end of a path found in free text (besides whitespace and
        /// unbalanced closing brackets): sentence punctuation and closing quotes.
        @inline(__always) static func isTrailingPunctuation(_ c: UInt32) -> Bool {
            switch c {
            case 0x2C, 0x2E, 0x3B, 0x3A, 0x21, 0x27, 0x60, 0x2019, 0x201D, 0xBB, 0x2026,
                 0x3001, 0x3002, 0x300D, 0x300F, 0xFF01, 0xFF0C, 0xFF1A, 0xFF1B:
                return true
            default: return false
            }
        }

        /// Letters and digits of any script (for "is this apostrophe inside a word").
        static func isWordScalar(_ c: UInt32) -> Bool {
            if c < 0x80 { return isAlnum(UInt8(c)) }
            guard let s = Unicode.Scalar(c) else { return false }
            return s.properties.isAlphabetic || s.properties.numericType != nil
        }

        /// The length of the whitespace character at `p[i]` (0 when none): ASCII whitespace,
        /// NBSP, the BOM, U+2000–U+200B, U+202F, U+205F, U+3000.
        static func whitespaceLength(_ p: Buffer, _ i: Int, _ end: Int) -> Int {
            let b = p[i]
            if b < 0x80 { return isASCIISpace(b) ? 1 : 0 }
            if b == 0xC2 { return i + 1 < end && p[i + 1] == 0xA0 ? 2 : 0 }
            guard i + 2 < end else { return 0 }
            let b1 = p[i + 1], b2 = p[i + 2]
            switch b {
            case 0xE2: return (b1 == 0x80 && (b2 <= 0x8B || b2 == 0xAF)) || (b1 == 0x81 && b2 == 0x9F) ? 3 : 0
            case 0xE3: return b1 == 0x80 && b2 == 0x80 ? 3 : 0
            case 0xEF: return b1 == 0xBB && b2 == 0xBF ? 3 : 0
            default: return 0
            }
        }

        /// Narrows `start..<end` past leading and trailing whitespace (see ``whitespaceLength``).
        static func trimWhitespace(_ p: Buffer, _ start: inout Int, _ end: inout Int) {
            while start < end {
                let n = whitespaceLength(p, start, end)
                if n == 0 { break }
                start += n
            }
            while start < end {
                let k = scalarStart(before: end, in: p, floor: start)
                if whitespaceLength(p, k, end) != end - k { break }
                end = k
            }
        }

        /// Extensions common enough in CRM attachments that `name.ext` followed by a space ends
        /// the path even when more `.ext`-looking words follow. Packed lower-case bytes.
        static let knownExtensions: Set<UInt64> = {
            let list = """
                pdf doc docx docm dot dotx rtf odt ott txt text md csv tsv xls xlsx xlsm xlsb xlt xltx ods
                ppt pptx pptm pps ppsx pot potx odp odg xml json htm html mht mhtml eml msg vcf ics oft
                jpg jpeg jpe png gif bmp tif tiff webp heic heif svg ico psd ai eps raw cr2 nef
                zip rar 7z gz tgz bz2 xz tar cab iso arj
                mp3 wav wma m4a ogg oga flac aac amr mp4 m4v avi mov wmv mkv webm mpg mpeg 3gp flv
                dwg dxf dwf dgn step stp igs iges stl vsd vsdx mpp pub one xps oxps djvu djv
                log dat bak sql db mdb accdb sqlite p7s sig cer crt pem pfx key pages numbers
                """
            var set = Set<UInt64>()
            for word in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
                set.insert(pack(word.utf8))
            }
            return set
        }()

        static func pack<S: Sequence<UInt8>>(_ bytes: S) -> UInt64 {
            var v: UInt64 = 0
            for b in bytes { v = v << 8 | UInt64(lower(b)) }
            return v
        }
    }
}
