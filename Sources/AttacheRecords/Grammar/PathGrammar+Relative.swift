import AttacheModel

/// Bare relative paths (`Scans/2013/x.pdf`, `Договоры/АО Вектор/акт 3.pdf`), looked for only
/// when the source says where they start (`relative_base`): free text is full of slashes that
/// are not paths, so the rules are narrower than for absolute spellings.
extension PathGrammar.Extractor {
    /// At a `/` or `\` preceded by a word (relative mode): the word holding it starts a path
    /// when the candidate from there ends in a component with an extension.
    /// - Returns: the raw end of the recorded path, or nil (then no other separator of the same
    ///   word is tried again: they would give the same answer).
    mutating func bareRelative(at i: Int, floor: Int, hi: Int) -> Int? {
        guard i >= relativeQuietUntil, i > floor, isWordEnd(before: i, floor: floor) else { return nil }
        let w = wordStart(before: i, floor: floor)
        let wordEnd = self.wordEnd(from: i, hi)
        relativeQuietUntil = wordEnd
        guard let w, w < i, acceptableFirstWord(w, i, wordEnd) else { return nil }
        let quote = openingQuote(before: w, floor: floor)
        let closed = build(from: w, hi: hi, kind: .relative, quote: quote)
        let m: Int = dec.withUnsafeBufferPointer { d in
            Self.trimEnd(d, Self.chooseEnd(d, d.count, quoted: closed))
        }
        let end = rawOffset(m, end: true)
        guard end > i + 1, dec.withUnsafeBufferPointer({ Self.endsWithExtension($0, m) }) else { return nil }
        let spelling = dec.withUnsafeBufferPointer { d in
            PathGrammar.parseSpelling(UnsafeBufferPointer(rebasing: d[0..<m]), mode: .embedded)
        }
        guard let spelling, PathGrammar.isUsable(spelling, .relative) else { return nil }
        var path = FoundPath(start: w, end: end, raw: Bytes.string(p, w, end), spelling: spelling, inAttribute: false)
        if quote == nil { path.longerStarts = longerStarts(before: w, floor: floor) }
        found.append(path)
        return end
    }

    /// Whether the scalar before `i` ends a word a path may continue from: a letter or digit of
    /// any script, or `_ - + ) ] $ &` (not `.`, so `e.g./i.e.` is not a path).
    func isWordEnd(before i: Int, floor: Int) -> Bool {
        let b = p[i - 1]
        if b < 0x80 {
            return Bytes.isAlnum(b) || b == Bytes.underscore || b == Bytes.minus || b == Bytes.plus
                || b == Bytes.closeParen || b == Bytes.closeBracket || b == 0x24 || b == Bytes.amp
        }
        let k = Bytes.scalarStart(before: i, in: p, floor: floor)
        return Bytes.isWordScalar(Bytes.scalar(p, k, i).0)
    }

    /// Where the word ending at `i` starts: after whitespace (an `&nbsp;` too), a line break or
    /// other hard stop, an opening quote or bracket, a `>`, or at `floor`. Nil when it starts
    /// after a `?` (a query string's value is not a path).
    func wordStart(before i: Int, floor: Int) -> Int? {
        var k = i
        while k > floor {
            let s = Bytes.scalarStart(before: k, in: p, floor: floor)
            let c = Bytes.scalar(p, s, k).0
            if c == 0x3F { return nil }
            if isWordBoundary(c) || (c == 0x3B && entityBoundary(endingAt: k, floor: floor) != nil) { break }
            k = s
        }
        return k
    }

    /// The end of the word holding `p[i]`: the next whitespace or hard stop.
    func wordEnd(from i: Int, _ hi: Int) -> Int {
        var j = i
        while j < hi {
            let (c, len) = Bytes.scalar(p, j, hi)
            if Bytes.isSpaceScalar(c) || Bytes.isHardStop(c) { break }
            j += len
        }
        return j
    }

    /// Characters a word of prose starts after.
    func isWordBoundary(_ c: UInt32) -> Bool {
        if Bytes.isSpaceScalar(c) || Bytes.isHardStop(c) { return true }
        switch c {
        case 0x27, 0x60, 0x28, 0x5B, 0x7B, 0x3E, 0xAB, 0x201C, 0x201E, 0x2018, 0x201A, 0x300C, 0x300E, 0xFF08:
            return true  // ' ` ( [ { > « “ „ ‘ ‚ 「 『 （
        default:
            return false
        }
    }

    /// The start of an HTML entity ending right before `k` that stands for a space (`&nbsp;`).
    func entitySpace(endingAt k: Int, floor: Int) -> Int? {
        guard let (a, v) = entity(endingAt: k, floor: floor), Bytes.isSpaceScalar(v) else { return nil }
        return a
    }

    /// The start of an HTML entity ending right before `k` that a word starts after: a space,
    /// a quote (`&quot;`, `&laquo;`), `&lt;`, `&gt;`.
    func entityBoundary(endingAt k: Int, floor: Int) -> Int? {
        guard let (a, v) = entity(endingAt: k, floor: floor), isWordBoundary(v) || v == 0x22 else { return nil }
        return a
    }

    /// The HTML entity ending right before `k` (at its `;`): its start and value.
    func entity(endingAt k: Int, floor: Int) -> (Int, UInt32)? {
        var a = k - 2
        while a >= floor && a > k - 12 && p[a] != Bytes.amp { a -= 1 }
        guard a >= floor, a > k - 12, let (v, len) = PathGrammar.Entities.decode(p, a, k), len == k - a else { return nil }
        return (a, v)
    }

    /// The word holding the first separator, `p[w..<wordEnd]` (`i` is that separator): not an
    /// absolute or home path, no scheme, query or address (`:`, `=`, `@`, `#`), not a web host
    /// (`example.com/…`), at least one letter (`05/06/2019`, `1/2` are not paths), and not a
    /// pair of short words (`and/or`, `w/o`, `he/she`).
    func acceptableFirstWord(_ w: Int, _ i: Int, _ wordEnd: Int) -> Bool {
        let b0 = p[w]
        if Bytes.isSeparator(b0) || b0 == Bytes.tilde { return false }
        for k in w..<i {
            let b = p[k]
            if b == Bytes.colon || b == Bytes.equals || b == 0x40 || b == Bytes.hash { return false }
        }
        if isWebHost(w, i) { return false }
        var letter = false
        var k = w
        while k < wordEnd {
            let (c, len) = Bytes.scalar(p, k, wordEnd)
            if c < 0x80 ? Bytes.isAlpha(UInt8(c)) : Bytes.isWordScalar(c) { letter = true; break }
            k += len
        }
        return letter && !isShortWordPair(w, wordEnd)
    }

    /// `and/or`, `w/o`, `n/a`, `he/she`, `his/her`: two or three lower-case ASCII words of at
    /// most three letters joined by `/` (trailing sentence punctuation ignored).
    func isShortWordPair(_ w: Int, _ wordEnd: Int) -> Bool {
        var e = wordEnd
        while e > w && (p[e - 1] == Bytes.dot || p[e - 1] == Bytes.comma || p[e - 1] == Bytes.semicolon
                        || p[e - 1] == Bytes.colon || p[e - 1] == 0x21) { e -= 1 }
        var pieces = 1, length = 0
        for k in w..<e {
            let b = p[k]
            if b == Bytes.slash {
                guard length > 0 else { return false }
                pieces += 1
                length = 0
            } else if b >= 0x61 && b <= 0x7A {
                length += 1
                if length > 3 { return false }
            } else {
                return false
            }
        }
        return length > 0 && pieces <= 3
    }

    /// Whether `p[w..<i]` is a web host written without a scheme (`example.com`, `crm.acme.ru`).
    func isWebHost(_ w: Int, _ i: Int) -> Bool {
        var lastDot = -1
        for k in w..<i {
            let b = p[k]
            if b == Bytes.dot { lastDot = k } else if !(Bytes.isAlnum(b) || b == Bytes.minus) { return false }
        }
        guard lastDot > w else { return false }
        return Self.webTopLevel.contains(Bytes.pack(UnsafeBufferPointer(rebasing: p[(lastDot + 1)..<i])))
    }

    /// Common top-level domains, packed (see ``PathGrammar/Bytes/pack(_:)``).
    static let webTopLevel: Set<UInt64> = {
        let list = """
            com net org info biz edu gov mil int io co me tv app dev cloud online site shop
            ru su ua by kz uz de at ch fr it es pt nl be lu uk ie pl cz sk hu ro bg gr tr
            se no dk fi ee lv lt eu us ca mx br ar cl au nz jp cn hk tw kr in sg il ae za
            """
        var set = Set<UInt64>()
        for word in list.split(whereSeparator: { $0 == " " || $0 == "\n" }) { set.insert(PathGrammar.Bytes.pack(word.utf8)) }
        return set
    }()

    /// Whether the last component of `d[0..<m]` ends in `.ext` (1–5 letters or digits, one
    /// letter at least) after at least one other character.
    static func endsWithExtension(_ d: PathGrammar.Buffer, _ m: Int) -> Bool {
        var k = m
        var letter = false
        while k > 0 && Bytes.isAlnum(d[k - 1]) {
            if Bytes.isAlpha(d[k - 1]) { letter = true }
            k -= 1
        }
        let length = m - k
        guard letter, length >= 1, length <= 5, k >= 2, d[k - 1] == Bytes.dot else { return false }
        return !Bytes.isSeparator(d[k - 2])
    }

    /// Up to ``maxLongerStarts`` word starts before `w` on the same line, nearest first: never
    /// across a hard stop, a quote or a tag; a word holding a separator, `:`, `=`, `@` or `#`,
    /// or ending in sentence punctuation (`see:`, `done.`), ends the search before it.
    func longerStarts(before w: Int, floor: Int) -> [Int] {
        var starts: [Int] = []
        var k = w
        while starts.count < Self.maxLongerStarts {
            // The whitespace before the word (spaces, NBSP, `&nbsp;`).
            var j = k
            while j > floor {
                let s = Bytes.scalarStart(before: j, in: p, floor: floor)
                if Bytes.isSpaceScalar(Bytes.scalar(p, s, j).0) {
                    j = s
                } else if p[j - 1] == Bytes.semicolon, let a = entitySpace(endingAt: j, floor: floor) {
                    j = a
                } else {
                    break
                }
            }
            guard j < k, j > floor else { break }
            var ws = j
            var last = false
            while ws > floor {
                let s = Bytes.scalarStart(before: ws, in: p, floor: floor)
                let c = Bytes.scalar(p, s, ws).0
                if Bytes.isSpaceScalar(c) || (c == 0x3B && entitySpace(endingAt: ws, floor: floor) != nil) { break }
                if isWordBoundary(c) || (c == 0x3B && entityBoundary(endingAt: ws, floor: floor) != nil) { last = true; break }
                if c == 0x2F || c == 0x5C || c == 0x3A || c == 0x3D || c == 0x40 || c == 0x23 { return starts }
                ws = s
            }
            guard ws < j else { break }
            let end = Bytes.scalarStart(before: j, in: p, floor: ws)
            if Bytes.isTrailingPunctuation(Bytes.scalar(p, end, j).0) { break }
            starts.append(ws)
            if last { break }
            k = ws
        }
        return starts
    }

    /// How many words before a prose path may belong to its first component.
    static let maxLongerStarts = 6
}

extension PathGrammar {
    /// `text[start..<end]` read as a bare relative path in prose (entities decoded, as
    /// ``extract(from:posixPrefixes:relative:)`` reads them): the path a longer start
    /// (``FoundPath/longerStarts``) gives. Nil when those bytes are not one relative path.
    public static func relativePath(in text: String, from start: Int, to end: Int) -> FoundPath? {
        var text = text
        return text.withUTF8 { buffer -> FoundPath? in
            guard start >= 0, start < end, end <= buffer.count else { return nil }
            var extractor = Extractor(text: buffer, prefixes: [], relative: true)
            _ = extractor.build(from: start, hi: end, kind: .relative, quote: nil)
            guard extractor.rawEnd == end else { return nil }
            let spelling = extractor.dec.withUnsafeBufferPointer { d in
                parseSpelling(d, mode: .embedded)
            }
            guard let spelling, isUsable(spelling, .relative) else { return nil }
            return FoundPath(start: start, end: end, raw: Bytes.string(buffer, start, end), spelling: spelling, inAttribute: false)
        }
    }

    /// Extensions of web pages: a bare relative `href` to one is a link to a page of the
    /// legacy web application, not a file.
    static let webPageExtensions: Set<UInt64> = {
        var set = Set<UInt64>()
        for word in ["php", "asp", "aspx", "jsp", "cgi", "pl", "do", "action"] { set.insert(Bytes.pack(word.utf8)) }
        return set
    }()

    /// A bare relative `href`/`src` value (relative mode), decoded: a file unless it is
    /// web-relative — a `?` anywhere, a leading `#`, `?` or `/`, a scheme, or a last component
    /// without an extension or with a web page's (``webPageExtensions``). `%`-escapes are
    /// decoded, as a browser would.
    static func relativeAttribute(_ d: Buffer) -> PathSpelling? {
        let n = d.count
        guard n > 0, d[0] != Bytes.hash, d[0] != Bytes.slash else { return nil }
        var firstSeparator = n
        for k in 0..<n {
            let b = d[k]
            if b == Bytes.question || b < 0x20 { return nil }
            if Bytes.isSeparator(b) && firstSeparator == n { firstSeparator = k }
            if b == Bytes.colon && k < firstSeparator { return nil }
        }
        if Bytes.hasPrefix(d, at: 0, end: n, "www.") { return nil }
        guard Extractor.endsWithExtension(d, n) else { return nil }
        var dot = n - 1
        while d[dot] != Bytes.dot { dot -= 1 }
        if webPageExtensions.contains(Bytes.pack(UnsafeBufferPointer(rebasing: d[(dot + 1)..<n]))) { return nil }
        let split = components(d, from: 0, to: n, backslashToo: true, percent: true)
        guard !split.list.isEmpty else { return nil }
        return PathSpelling(style: .relative, components: split.list, usedBackslashes: split.backslash)
    }
}
