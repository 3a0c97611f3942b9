import AttacheModel

extension PathGrammar {
    /// What kind of path a trigger started; decides the stops and the expected style.
    enum Kind {
        case unc, drive, fileURL, relative, posix

        var style: PathStyle {
            switch self {
            case .unc: return .unc
            case .drive: return .drive
            case .fileURL: return .fileURL
            case .relative: return .relative
            case .posix: return .posix
            }
        }
    }

    /// One pass over the UTF-8 bytes of a text. Cheap first-byte triggers (`\`, `:`, `.`, `<`,
    /// and `/` when POSIX prefixes are given); everything else is skipped a byte at a time.
    /// Candidates are decoded (HTML entities) into a reused buffer with a sparse map back to
    /// raw offsets, so spans stay exact; literal runs are copied in bulk.
    struct Extractor {
        typealias Bytes = PathGrammar.Bytes
        let p: Buffer
        let prefixes: [[UInt8]]
        /// Bare relative paths are candidates too (a source with a relative base).
        let relative: Bool
        var found: [FoundPath] = []
        /// The decoded candidate.
        var dec: [UInt8] = []
        /// The raw offset `dec` starts at.
        var rawStart = 0
        /// Each decoded entity or NBSP (or dropped byte): its decoded and raw ranges. Between
        /// them decoded and raw bytes correspond one to one.
        var substitutions: [Substitution] = []
        var rawEnd = 0

        struct Substitution {
            var decStart: Int, decEnd: Int, rawStart: Int, rawEnd: Int
        }
        /// Attribute ranges of the tag being read: name start/end, value start/end.
        var attributes: [(Int, Int, Int, Int)] = []
        /// Separators before this offset are not tried as bare relative paths again (the word
        /// holding them already was).
        var relativeQuietUntil = 0
        /// After a `<` whose tag never closed, the rest is plain text (keeps the scan linear).
        var tagsOffFrom = Int.max
        /// Longest candidate considered, in decoded bytes (Windows long paths stay well below).
        static let maxCandidate = 4096

        init(text: Buffer, prefixes: [[UInt8]], relative: Bool = false) {
            p = text
            self.prefixes = prefixes
            self.relative = relative
            dec.reserveCapacity(256)
            substitutions.reserveCapacity(8)
        }

        /// Scans `p[lo..<hi]`. `tags` is false inside an attribute value.
        mutating func scan(_ lo: Int, _ hi: Int, tags: Bool) {
            var i = lo
            var floor = lo  // lookbacks never reach into a path already found
            let slashTriggers = !prefixes.isEmpty || relative
            while i < hi {
                let b = p[i]
                if b > Bytes.backslash || b < Bytes.dot { i += 1; continue }
                switch b {
                case Bytes.lt:
                    if tags && i < tagsOffFrom, let next = tag(at: i, hi) {
                        i = next
                        floor = i
                        continue
                    }
                case Bytes.backslash:
                    if i + 2 < hi && p[i + 1] == Bytes.backslash && isHostStart(p[i + 2])
                        && (i == floor || !(Bytes.isAlnum(p[i - 1]) || Bytes.isSeparator(p[i - 1]))) {
                        if let end = candidate(start: i, floor: floor, hi: hi, kind: .unc) {
                            i = end
                            floor = end
                            continue
                        }
                    }
                    if relative, let next = bareRelative(at: i, floor: floor, hi: hi) {
                        i = next
                        floor = next
                        continue
                    }
                case Bytes.colon:
                    if let next = colon(at: i, floor: floor, hi: hi) {
                        i = next
                        floor = next
                        continue
                    }
                case Bytes.dot:
                    if let next = dot(at: i, floor: floor, hi: hi) {
                        i = next
                        floor = next
                        continue
                    }
                case Bytes.slash where slashTriggers:
                    if !prefixes.isEmpty, let next = slash(at: i, floor: floor, hi: hi) {
                        i = next
                        floor = next
                        continue
                    }
                    if relative, let next = bareRelative(at: i, floor: floor, hi: hi) {
                        i = next
                        floor = next
                        continue
                    }
                default:
                    break
                }
                i += 1
            }
        }

        @inline(__always) func isHostStart(_ b: UInt8) -> Bool {
            Bytes.isAlnum(b) || b == Bytes.underscore || b == Bytes.minus || b >= 0xC3
        }

        /// A name may start here (after `.\`, `K:\`, a prefix…).
        @inline(__always) func isNameStart(_ i: Int, _ hi: Int) -> Bool {
            guard i < hi else { return false }
            let b = p[i]
            if b < 0x80 {
                return !(Bytes.isASCIISpace(b) || b < 0x20 || Bytes.isSeparator(b) || b == Bytes.quote
                         || b == Bytes.lt || b == Bytes.gt || b == Bytes.pipe || b == Bytes.star
                         || b == Bytes.question)
            }
            return Bytes.whitespaceLength(p, i, hi) == 0
        }

        /// At a `:` — a drive letter, a `file:` URL, a web or other URL to skip, or nothing.
        mutating func colon(at i: Int, floor: Int, hi: Int) -> Int? {
            var s = i
            while s > floor && i - s < 16 && Bytes.isAlpha(p[s - 1]) { s -= 1 }
            let length = i - s
            guard length >= 1 else { return nil }
            if s > floor && Bytes.isDigit(p[s - 1]) { return nil }
            if length == 1 {
                // `K:\…` or `K:/…` — a drive needs a separator, then a name.
                // `K:\\x` is accepted too: C strings and JSON escape the backslashes.
                guard i + 1 < hi, Bytes.isSeparator(p[i + 1]),
                      isNameStart(i + 2, hi) || (p[i + 1] == Bytes.backslash && i + 2 < hi
                                                 && p[i + 2] == Bytes.backslash && isNameStart(i + 3, hi))
                else { return nil }
                if s > floor && (p[s - 1] == Bytes.dot || p[s - 1] == Bytes.minus || p[s - 1] == Bytes.plus) {
                    return nil
                }
                return candidate(start: s, floor: floor, hi: hi, kind: .drive)
            }
            if length == 4 && Bytes.equals(p, s, i, "file") {
                guard i + 1 < hi, Bytes.isSeparator(p[i + 1]) || Bytes.isAlpha(p[i + 1]) else { return nil }
                if let end = candidate(start: s, floor: floor, hi: hi, kind: .fileURL) { return end }
                return skipLink(from: i, hi: hi)
            }
            let slashes = i + 2 < hi && Bytes.isSeparator(p[i + 1]) && Bytes.isSeparator(p[i + 2])
            if slashes || isOtherScheme(s, i) { return skipLink(from: i, hi: hi) }
            return nil
        }

        /// Schemes that are never file references, even without `//` after the colon.
        func isOtherScheme(_ s: Int, _ e: Int) -> Bool {
            switch e - s {
            case 3: return Bytes.equals(p, s, e, "tel") || Bytes.equals(p, s, e, "cid") || Bytes.equals(p, s, e, "mid")
                || Bytes.equals(p, s, e, "sip") || Bytes.equals(p, s, e, "urn")
            case 4: return Bytes.equals(p, s, e, "http") || Bytes.equals(p, s, e, "data") || Bytes.equals(p, s, e, "news")
                || Bytes.equals(p, s, e, "blob") || Bytes.equals(p, s, e, "sips")
            case 5: return Bytes.equals(p, s, e, "https") || Bytes.equals(p, s, e, "about") || Bytes.equals(p, s, e, "skype")
            case 6: return Bytes.equals(p, s, e, "mailto") || Bytes.equals(p, s, e, "callto") || Bytes.equals(p, s, e, "magnet")
            case 8: return Bytes.equals(p, s, e, "vbscript")
            case 10: return Bytes.equals(p, s, e, "javascript")
            default: return false
            }
        }

        /// The end of a web link or other URL: the next whitespace, `"`, `<` or `>`.
        func skipLink(from i: Int, hi: Int) -> Int {
            var j = i
            while j < hi {
                let b = p[j]
                if b < 0x80 {
                    if Bytes.isASCIISpace(b) || b < 0x20 || b == Bytes.quote || b == Bytes.lt || b == Bytes.gt { break }
                } else if Bytes.whitespaceLength(p, j, hi) > 0 {
                    break
                }
                j += 1
            }
            return j
        }

        /// At a `.` — `www.` (a web link to skip) or `.\`, `./`, `..\`, `../` (a relative path).
        mutating func dot(at i: Int, floor: Int, hi: Int) -> Int? {
            if i - floor >= 3 && Bytes.hasPrefix(p, at: i - 3, end: i, "www") && i + 1 < hi && Bytes.isAlnum(p[i + 1])
                && (i - 3 == floor || !(Bytes.isAlnum(p[i - 4]) || p[i - 4] == Bytes.dot)) {
                return skipLink(from: i, hi: hi)
            }
            if i > floor {
                let prev = p[i - 1]
                if Bytes.isAlnum(prev) || prev == Bytes.dot || Bytes.isSeparator(prev) || prev == Bytes.underscore
                    || prev == Bytes.minus || prev == Bytes.tilde || prev == Bytes.percent || prev == 0x24 {
                    return nil
                }
            }
            var k = i + 1
            if k < hi && p[k] == Bytes.dot { k += 1 }
            guard k < hi, Bytes.isSeparator(p[k]), isNameStart(k + 1, hi) else { return nil }
            return candidate(start: i, floor: floor, hi: hi, kind: .relative)
        }

        /// At a `/` — an absolute POSIX path under one of the prefixes.
        mutating func slash(at i: Int, floor: Int, hi: Int) -> Int? {
            if i > floor {
                let prev = p[i - 1]
                if Bytes.isAlnum(prev) || Bytes.isSeparator(prev) || prev == Bytes.dot || prev == Bytes.tilde
                    || prev == Bytes.minus || prev == Bytes.underscore || prev == Bytes.percent {
                    return nil
                }
            }
            for prefix in prefixes where hi - i > prefix.count {
                var matches = true
                for k in 1..<prefix.count where p[i + k] != prefix[k] { matches = false; break }
                guard matches, isNameStart(i + prefix.count, hi) else { continue }
                return candidate(start: i, floor: floor, hi: hi, kind: .posix, minimum: prefix.count)
            }
            return nil
        }

        /// Whether another path or link starts at `p[j]` (ends a candidate at the whitespace before it).
        func startsPath(at j: Int, _ hi: Int) -> Bool {
            guard j + 1 < hi else { return false }
            let b = p[j]
            switch b {
            case Bytes.backslash:
                return p[j + 1] == Bytes.backslash
            case Bytes.dot:
                return startsExplicitRelative(p, j, hi)
            case Bytes.slash:
                guard !prefixes.isEmpty else { return false }
                for prefix in prefixes where hi - j > prefix.count {
                    var matches = true
                    for k in 1..<prefix.count where p[j + k] != prefix[k] { matches = false; break }
                    if matches { return true }
                }
                return false
            default:
                guard Bytes.isAlpha(b) else { return false }
                if j + 2 < hi && p[j + 1] == Bytes.colon && Bytes.isSeparator(p[j + 2]) { return true }
                switch b | 0x20 {
                case 0x66: return Bytes.hasPrefix(p, at: j, end: hi, "file:") || Bytes.hasPrefix(p, at: j, end: hi, "ftp:")
                case 0x68: return Bytes.hasPrefix(p, at: j, end: hi, "http:") || Bytes.hasPrefix(p, at: j, end: hi, "https:")
                case 0x6D: return Bytes.hasPrefix(p, at: j, end: hi, "mailto:")
                case 0x77: return Bytes.hasPrefix(p, at: j, end: hi, "www.")
                default: return false
                }
            }
        }
    }
}
