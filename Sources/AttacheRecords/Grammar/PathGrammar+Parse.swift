import AttacheModel

extension PathGrammar {
    /// Where a spelling comes from; the rules differ slightly.
    enum Mode {
        /// A column value or an alias (``PathGrammar/parse(_:)``): anything unclaimed is relative.
        case column
        /// A candidate cut out of free text by the extractor (entities already decoded).
        case embedded
        /// The value of an HTML `href`/`src`: web-relative values are links, not references.
        case attribute
    }

    /// Parses one spelling from bytes that are already trimmed (and, outside `.column`, decoded).
    static func parseSpelling(_ p: Buffer, mode: Mode, prefixes: [[UInt8]] = []) -> PathSpelling? {
        let n = p.count
        guard n > 0 else { return nil }
        for b in p where b < 0x20 || b == 0x7F { return nil }
        let b0 = p[0]
        if b0 == Bytes.backslash && n >= 2 && p[1] == Bytes.backslash {
            return unc(p, from: 2)
        }
        if b0 == Bytes.slash {
            if n >= 3 && p[1] == Bytes.slash && p[2] != Bytes.slash {
                // `//host/share/…`: UNC written with slashes — but in HTML and free text a
                // protocol-relative web link (`//cdn.example.com/x.js`).
                return mode == .column ? unc(p, from: 2) : nil
            }
            if mode == .attribute && !prefixes.contains(where: { hasPrefix(p, $0) }) { return nil }
            let split = components(p, from: 0, to: n, backslashToo: false, percent: false)
            return PathSpelling(style: .posix, components: split.list)
        }
        if b0 == Bytes.hash || b0 == Bytes.question { return nil }
        if Bytes.isAlpha(b0) {
            var j = 1
            while j < n && Bytes.isSchemeChar(p[j]) { j += 1 }
            if j < n && p[j] == Bytes.colon {
                if j == 1 {
                    guard n >= 3, Bytes.isSeparator(p[2]) else { return nil }
                    return drive(p, letterAt: 0, style: .drive)
                }
                return Bytes.equals(p, 0, j, "file") ? fileURL(p, from: j + 1) : nil
            }
            if Bytes.hasPrefix(p, at: 0, end: n, "www.") { return nil }
        }
        if mode == .attribute && !startsExplicitRelative(p, 0, n) { return nil }
        let split = components(p, from: 0, to: n, backslashToo: true, percent: false)
        return PathSpelling(style: .relative, components: split.list, usedBackslashes: split.backslash)
    }

    /// `.\`, `./`, `..\` or `../` at `p[i]`.
    static func startsExplicitRelative(_ p: Buffer, _ i: Int, _ end: Int) -> Bool {
        guard i + 1 < end, p[i] == Bytes.dot else { return false }
        if Bytes.isSeparator(p[i + 1]) { return true }
        return i + 2 < end && p[i + 1] == Bytes.dot && Bytes.isSeparator(p[i + 2])
    }

    static func hasPrefix(_ p: Buffer, _ prefix: [UInt8]) -> Bool {
        guard p.count >= prefix.count else { return false }
        for k in 0..<prefix.count where p[k] != prefix[k] { return false }
        return true
    }

    /// `\\host\share\…` after the two leading separators; also `\\?\UNC\…`, `\\?\K:\…`, `\\.\K:\…`.
    static func unc(_ p: Buffer, from k: Int) -> PathSpelling? {
        let n = p.count
        guard k < n else { return nil }
        if (p[k] == Bytes.question || p[k] == Bytes.dot) && k + 1 < n && Bytes.isSeparator(p[k + 1]) {
            let r = k + 2
            var e = r
            while e < n && !Bytes.isSeparator(p[e]) { e += 1 }
            if p[k] == Bytes.question && Bytes.equals(p, r, e, "unc") && e < n {
                guard var spelling = unc(p, from: e + 1) else { return nil }
                spelling.usedBackslashes = spelling.usedBackslashes || p[0] == Bytes.backslash
                return spelling
            }
            if e - r == 2 && Bytes.isAlpha(p[r]) && p[r + 1] == Bytes.colon {
                guard var spelling = drive(p, letterAt: r, style: .drive) else { return nil }
                spelling.usedBackslashes = spelling.usedBackslashes || p[0] == Bytes.backslash
                return spelling
            }
            return nil
        }
        var e = k
        while e < n && !Bytes.isSeparator(p[e]) { e += 1 }
        guard e > k else { return nil }
        for j in k..<e where p[j] == Bytes.space { return nil }
        if p[0] == Bytes.slash && Bytes.hasPrefix(p, at: k, end: e, "www.") { return nil }
        let split = components(p, from: e, to: n, backslashToo: true, percent: false)
        var list = split.list
        let share = list.isEmpty ? nil : list.removeFirst()
        return PathSpelling(style: .unc, host: Bytes.string(p, k, e), share: share, components: list,
                            usedBackslashes: p[0] == Bytes.backslash || p[1] == Bytes.backslash || split.backslash)
    }

    /// `K:` at `p[letterAt]`, then a separator or the end.
    static func drive(_ p: Buffer, letterAt r: Int, style: PathStyle, percent: Bool = false,
                      end: Int? = nil) -> PathSpelling? {
        let n = end ?? p.count
        let letter = Bytes.lower(p[r]) - 0x20
        let split = components(p, from: r + 2, to: n, backslashToo: true, percent: percent)
        return PathSpelling(style: style, drive: Character(Unicode.Scalar(letter)), components: split.list,
                            usedBackslashes: split.backslash)
    }

    /// A `file:` URL after the scheme's colon (RFC 8089 and the forms found in the wild:
    /// `file:/x`, `file:///K:/x`, `file://K:/x`, `file:///K|/x`, `file://host/share/x`,
    /// `file:////host/share/x`, `file://localhost/…`). `\` is accepted as a separator.
    static func fileURL(_ p: Buffer, from k: Int) -> PathSpelling? {
        var end = p.count
        for j in k..<p.count where p[j] == Bytes.question || p[j] == Bytes.hash { end = j; break }
        var q = k
        while q < end && Bytes.isSeparator(p[q]) { q += 1 }
        let slashes = q - k
        func local(_ start: Int) -> PathSpelling? {
            var r = start
            while r < end && Bytes.isSeparator(p[r]) { r += 1 }
            if isDriveAt(p, r, end) {
                return drive(p, letterAt: r, style: .fileURL, percent: true, end: end)
            }
            let split = components(p, from: r, to: end, backslashToo: true, percent: true)
            return PathSpelling(style: .fileURL, components: split.list, usedBackslashes: split.backslash)
        }
        switch slashes {
        case 0:
            return isDriveAt(p, k, end) ? local(k) : nil
        case 1, 3:
            return local(q)
        case 2:
            var e = q
            while e < end && !Bytes.isSeparator(p[e]) { e += 1 }
            if isDriveAt(p, q, end) { return local(q) }
            if Bytes.equals(p, q, e, "localhost") { return local(e) }
            return hostPath(p, host: q, hostEnd: e, end: end)
        default:
            var e = q
            while e < end && !Bytes.isSeparator(p[e]) { e += 1 }
            return hostPath(p, host: q, hostEnd: e, end: end)
        }
    }

    /// `file://host/share/…`.
    static func hostPath(_ p: Buffer, host q: Int, hostEnd e: Int, end: Int) -> PathSpelling? {
        guard e > q else { return nil }
        for j in q..<e where p[j] == Bytes.space { return nil }
        let split = components(p, from: e, to: end, backslashToo: true, percent: true)
        var list = split.list
        let share = list.isEmpty ? nil : list.removeFirst()
        var backslash = split.backslash
        for j in 0..<q where p[j] == Bytes.backslash { backslash = true }
        return PathSpelling(style: .fileURL, host: Bytes.string(p, q, e), share: share, components: list,
                            usedBackslashes: backslash)
    }

    /// `K:` or `K|` (old file URLs) at `p[r]`, followed by a separator or the end.
    static func isDriveAt(_ p: Buffer, _ r: Int, _ end: Int) -> Bool {
        guard r + 1 < end, Bytes.isAlpha(p[r]), p[r + 1] == Bytes.colon || p[r + 1] == Bytes.pipe else { return false }
        return r + 2 == end || Bytes.isSeparator(p[r + 2])
    }

    struct Split {
        var list: [String]
        var backslash: Bool
    }

    /// The components of `p[from..<to]`: empty ones and `.` dropped, `..` kept.
    static func components(_ p: Buffer, from a: Int, to b: Int, backslashToo: Bool, percent: Bool) -> Split {
        var list: [String] = []
        list.reserveCapacity(8)
        var backslash = false
        var s = a
        var k = a
        while k <= b {
            let atEnd = k == b
            if !atEnd {
                let c = p[k]
                if c != Bytes.slash && !(backslashToo && c == Bytes.backslash) {
                    k += 1
                    continue
                }
                if c == Bytes.backslash { backslash = true }
            }
            let len = k - s
            if len > 0 && !(len == 1 && p[s] == Bytes.dot) {
                list.append(percent ? percentDecoded(p, s, k) : Bytes.string(p, s, k))
            }
            s = k + 1
            k += 1
        }
        return Split(list: list, backslash: backslash)
    }

    /// `%XX` escapes decoded; `+` stays `+` (file URLs are not form data). When the decoded
    /// bytes are not UTF-8 (a URL written in a legacy code page) or contain NUL, the component
    /// is kept as written rather than mangled.
    static func percentDecoded(_ p: Buffer, _ a: Int, _ b: Int) -> String {
        var first = -1
        for k in a..<b where p[k] == Bytes.percent { first = k; break }
        guard first >= 0 else { return Bytes.string(p, a, b) }
        var out: [UInt8] = []
        out.reserveCapacity(b - a)
        out.append(contentsOf: UnsafeBufferPointer(rebasing: p[a..<first]))
        var k = first
        while k < b {
            if p[k] == Bytes.percent, k + 2 < b,
               let hi = Bytes.hexValue(p[k + 1]), let lo = Bytes.hexValue(p[k + 2]) {
                let v = hi << 4 | lo
                if v == 0 { return Bytes.string(p, a, b) }
                out.append(v)
                k += 3
            } else {
                out.append(p[k])
                k += 1
            }
        }
        guard isValidUTF8(out) else { return Bytes.string(p, a, b) }
        return String(decoding: out, as: UTF8.self)
    }

    static func isValidUTF8(_ bytes: [UInt8]) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }
}
