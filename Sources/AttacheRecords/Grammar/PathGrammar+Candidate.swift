import AttacheModel

extension PathGrammar {
    /// Whether a spelling found in text is worth reporting: it names something below a root
    /// (at least one component), a UNC path has its share, a host has no spaces.
    static func isUsable(_ spelling: PathSpelling, _ style: PathStyle?) -> Bool {
        if let style, spelling.style != style { return false }
        guard !spelling.components.isEmpty else { return false }
        if let host = spelling.host {
            guard spelling.share != nil, !host.unicodeScalars.contains(where: { Bytes.isSpaceScalar($0.value) }) else {
                return false
            }
        }
        return spelling.style != .unc || spelling.share != nil
    }
}

extension PathGrammar.Extractor {

    /// The quote a path starts right after, and what closes it.
    struct Quote {
        var closer: UInt32
        var otherCloser: UInt32
        /// Nested openers (`«…«…»…»`) are counted when they differ from the closer.
        var opener: UInt32
    }

    /// Cuts a candidate starting at `p[s]`, decides where the path ends, parses it and records it.
    /// - Returns: the raw end of the recorded path, or nil when there is none here.
    mutating func candidate(start s: Int, floor: Int, hi: Int, kind: PathGrammar.Kind, minimum: Int = 0) -> Int? {
        let quote = openingQuote(before: s, floor: floor)
        let closed = build(from: s, hi: hi, kind: kind, quote: quote)
        let m: Int = dec.withUnsafeBufferPointer { d in
            Self.trimEnd(d, Self.chooseEnd(d, d.count, quoted: closed))
        }
        guard m > minimum else { return nil }
        let spelling = dec.withUnsafeBufferPointer { d in
            PathGrammar.parseSpelling(UnsafeBufferPointer(rebasing: d[0..<m]), mode: .embedded)
        }
        guard let spelling, PathGrammar.isUsable(spelling, kind.style) else { return nil }
        let end = rawOffset(m, end: true)
        found.append(FoundPath(start: s, end: end, raw: Bytes.string(p, s, end), spelling: spelling, inAttribute: false))
        return end
    }

    /// The raw offset of the boundary before decoded index `k` (`dec.count` included). Where
    /// dropped bytes sit at the boundary, a start takes the offset after them, an end the one before.
    func rawOffset(_ k: Int, end: Bool) -> Int {
        var dec = 0, raw = rawStart
        for sub in substitutions {
            if k < sub.decStart { break }
            if k == sub.decStart && (end || sub.decEnd > sub.decStart) { break }
            if k < sub.decEnd { return sub.rawStart }
            dec = sub.decEnd
            raw = sub.rawEnd
        }
        return raw + (k - dec)
    }

    /// Starts a new decoded candidate at raw offset `s`.
    mutating func resetDecoded(at s: Int) {
        dec.removeAll(keepingCapacity: true)
        substitutions.removeAll(keepingCapacity: true)
        rawStart = s
    }

    /// Records that raw `p[from..<to]` decoded to whatever was appended since `decStart`.
    @inline(__always) mutating func substituted(_ from: Int, _ to: Int, decStart: Int) {
        substitutions.append(Substitution(decStart: decStart, decEnd: dec.count, rawStart: from, rawEnd: to))
    }

    /// Copies the literal bytes `p[from..<to]`.
    @inline(__always) mutating func appendLiteral(_ from: Int, _ to: Int) {
        if to > from { dec.append(contentsOf: UnsafeBufferPointer(rebasing: p[from..<to])) }
    }

    /// The quote (or its HTML entity) right before `p[s]`, if any.
    func openingQuote(before s: Int, floor: Int) -> Quote? {
        guard s > floor else { return nil }
        let b = p[s - 1]
        var c = UInt32(b)
        if b == Bytes.semicolon {
            var a = s - 2
            while a >= floor && a > s - 12 && p[a] != Bytes.amp { a -= 1 }
            guard a >= floor, a > s - 12, let (v, len) = PathGrammar.Entities.decode(p, a, s), len == s - a else { return nil }
            c = v
        } else if b >= 0x80 {
            let k = Bytes.scalarStart(before: s, in: p, floor: floor)
            c = Bytes.scalar(p, k, s).0
        }
        switch c {
        case 0x22: return Quote(closer: 0x22, otherCloser: 0x22, opener: 0x22)
        case 0x27: return Quote(closer: 0x27, otherCloser: 0x27, opener: 0x27)
        case 0x60: return Quote(closer: 0x60, otherCloser: 0x60, opener: 0x60)              // `code`
        case 0xAB: return Quote(closer: 0xBB, otherCloser: 0xBB, opener: 0xAB)              // « »
        case 0x201C: return Quote(closer: 0x201D, otherCloser: 0x201D, opener: 0x201C)      // “ ”
        case 0x201E: return Quote(closer: 0x201C, otherCloser: 0x201D, opener: 0x201E)      // „ “
        case 0x2018: return Quote(closer: 0x2019, otherCloser: 0x2019, opener: 0x2018)      // ‘ ’
        case 0x201A: return Quote(closer: 0x2018, otherCloser: 0x2019, opener: 0x201A)      // ‚ ‘
        case 0x300C: return Quote(closer: 0x300D, otherCloser: 0x300D, opener: 0x300C)      // 「 」
        case 0x300E: return Quote(closer: 0x300F, otherCloser: 0x300F, opener: 0x300E)      // 『 』
        default: return nil
        }
    }

    /// Decodes `p[s...]` into `dec` up to the first hard stop; returns whether `quote` closed it.
    mutating func build(from s: Int, hi: Int, kind: PathGrammar.Kind, quote: Quote?) -> Bool {
        resetDecoded(at: s)
        let colonFrom: Int
        switch kind {
        case .unc, .drive: colonFrom = s + 2   // Windows names cannot hold `:`
        case .relative: colonFrom = s
        case .fileURL, .posix: colonFrom = Int.max
        }
        let hashStops = kind == .fileURL  // a fragment (`#page=3`) is not part of the file
        let windows = kind == .unc || kind == .drive || kind == .relative
        let limit = min(hi, s + Self.maxCandidate)
        var depth = 0
        var closed = false
        var run = s  // start of the literal run not yet copied
        var i = s
        while i < limit {
            let b = p[i]
            // `;\\srv\…`, `(\\srv\…`: a new UNC path starts (an empty component cannot be meant).
            if windows && b == Bytes.backslash && i > s + 2 && i + 1 < hi && p[i + 1] == Bytes.backslash
                && !Bytes.isAlnum(p[i - 1]) && !Bytes.isSeparator(p[i - 1]) {
                break
            }
            var c: UInt32
            var len: Int
            var entity = false
            if b < 0x80 {
                if b == Bytes.amp, let (v, l) = PathGrammar.Entities.decode(p, i, hi) {
                    c = v; len = l; entity = true
                } else {
                    c = UInt32(b); len = 1
                }
            } else {
                (c, len) = Bytes.scalar(p, i, hi)
            }
            if let q = quote {
                if c == q.opener && q.opener != q.closer {
                    depth += 1
                } else if c == q.closer || c == q.otherCloser {
                    if depth > 0 {
                        depth -= 1
                    } else if !((c == 0x27 || c == 0x2019) && nextIsWord(i + len, hi)) {
                        closed = true  // an apostrophe inside a word (O'Brien) does not close
                        break
                    }
                }
            }
            if Bytes.isHardStop(c) { break }
            if c == 0x3A && i >= colonFrom {
                // `K:\a.pdf,K:\b.pdf`: the letter before the colon is the next path's drive.
                if i - 2 >= run && Bytes.isAlpha(p[i - 1]) && !Bytes.isAlnum(p[i - 2]) && p[i - 2] < 0x80 {
                    i -= 1
                }
                break
            }
            if c == 0x23 && hashStops { break }
            if Bytes.isSpaceScalar(c) && startsPath(at: i + len, hi) { break }
            if entity || c == 0xA0 {
                appendLiteral(run, i)
                let decStart = dec.count
                appendScalar(c)
                run = i + len
                substituted(i, run, decStart: decStart)
            }
            i += len
        }
        appendLiteral(run, i)
        rawEnd = i
        return closed
    }

    /// Appends a decoded scalar as UTF-8; NBSP becomes a space (editors write NBSP for a
    /// space typed in a name).
    mutating func appendScalar(_ scalar: UInt32) {
        let c = scalar == 0xA0 ? 0x20 : scalar
        let count = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
        if count == 1 {
            dec.append(UInt8(c))
            return
        }
        let lead: UInt32 = count == 2 ? 0xC0 : count == 3 ? 0xE0 : 0xF0
        dec.append(UInt8(lead | c >> (6 * UInt32(count - 1))))
        for k in stride(from: count - 2, through: 0, by: -1) {
            dec.append(UInt8(0x80 | (c >> (6 * UInt32(k))) & 0x3F))
        }
    }

    func nextIsWord(_ j: Int, _ hi: Int) -> Bool {
        guard j < hi else { return false }
        return Bytes.isWordScalar(Bytes.scalar(p, j, hi).0)
    }

    /// Where the path ends inside the decoded candidate `d[0..<m]`:
    /// 1. after the first well-known `.ext` followed by a boundary, unless a `\` follows later;
    /// 2. (quoted) at the closing quote;
    /// 3. after the last `.ext` followed by a boundary;
    /// 4. at the first whitespace.
    static func chooseEnd(_ d: PathGrammar.Buffer, _ m: Int, quoted: Bool) -> Int {
        var lastBackslash = -1
        for k in 0..<m where d[k] == Bytes.backslash { lastBackslash = k }
        var lastValid = -1
        var k = 1
        while k < m {
            guard d[k] == Bytes.dot, !Bytes.isSeparator(d[k - 1]) else {
                k += 1
                continue
            }
            var j = k + 1
            var letter = false
            while j < m && j - k <= 6 && Bytes.isAlnum(d[j]) {
                if Bytes.isAlpha(d[j]) { letter = true }
                j += 1
            }
            let length = j - k - 1
            if length >= 1 && length <= 5 && letter && isExtensionBoundary(d, j, m) {
                if j > lastBackslash && Bytes.knownExtensions.contains(Bytes.pack(d[(k + 1)..<j])) {
                    return j
                }
                lastValid = j
            }
            k = j
        }
        if quoted { return m }
        if lastValid >= 0 { return lastValid }
        var w = 0
        while w < m {
            let (c, len) = Bytes.scalar(d, w, m)
            if Bytes.isSpaceScalar(c) { return w }
            w += len
        }
        return m
    }

    /// After `.ext` at `d[j]`: the end, whitespace, CJK text, or closing punctuation followed by one of those.
    static func isExtensionBoundary(_ d: PathGrammar.Buffer, _ j: Int, _ m: Int) -> Bool {
        if j == m { return true }
        var (c, len) = Bytes.scalar(d, j, m)
        if Bytes.isSpaceScalar(c) || Bytes.isCJK(c) { return true }
        var q = j
        while q < m {
            (c, len) = Bytes.scalar(d, q, m)
            guard Bytes.isClosingPunctuation(c) else { break }
            q += len
        }
        if q == j { return false }
        if q == m { return true }
        c = Bytes.scalar(d, q, m).0
        return Bytes.isSpaceScalar(c) || Bytes.isCJK(c)
    }

    /// Whether the last component of `d[0..<end]` is `.` or `..`.
    static func isDotComponent(_ d: PathGrammar.Buffer, _ end: Int) -> Bool {
        var k = end
        while k > 0 && d[k - 1] == Bytes.dot { k -= 1 }
        return end - k <= 2 && (k == 0 || Bytes.isSeparator(d[k - 1]))
    }

    /// Drops trailing whitespace, sentence punctuation, closing quotes and unbalanced `)`/`]`.
    static func trimEnd(_ d: PathGrammar.Buffer, _ end: Int) -> Int {
        var m = end
        while m > 0 {
            let k = Bytes.scalarStart(before: m, in: d, floor: 0)
            let c = Bytes.scalar(d, k, m).0
            if c == 0x2E && isDotComponent(d, k + 1) { return m }  // `..\..` keeps its `..`
            if Bytes.isSpaceScalar(c) || Bytes.isTrailingPunctuation(c) {
                m = k
                continue
            }
            let open: UInt32
            switch c {
            case 0x29: open = 0x28
            case 0x5D: open = 0x5B
            case 0xFF09: open = 0xFF08
            default: return m
            }
            var balance = 0
            var j = 0
            while j < m {
                let (s, len) = Bytes.scalar(d, j, m)
                if s == open { balance += 1 } else if s == c { balance -= 1 }
                j += len
            }
            guard balance < 0 else { return m }
            m = k
        }
        return m
    }
}
