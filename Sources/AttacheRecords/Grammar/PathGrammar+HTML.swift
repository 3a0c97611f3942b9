import AttacheModel

extension PathGrammar.Extractor {
    /// At `<`: a start tag has its attributes read — the values of `href`, `src` and
    /// `background` are candidates as a whole, other values are scanned as text; an end tag is
    /// skipped. Attributes are processed only once the tag's `>` is found, so a stray `<` in
    /// plain text (`a<b`) never turns text into attributes.
    /// - Returns: the offset after the tag's `>`, or nil when this `<` does not start a tag.
    mutating func tag(at i: Int, _ hi: Int) -> Int? {
        var k = i + 1
        guard k < hi else { return nil }
        if p[k] == Bytes.slash {
            guard k + 1 < hi, Bytes.isAlpha(p[k + 1]) else { return nil }
            k += 2
            while k < hi && p[k] != Bytes.gt { k += 1 }
            guard k < hi else { tagsOffFrom = i; return nil }
            return k + 1
        }
        guard Bytes.isAlpha(p[k]) else { return nil }
        k += 1
        // Word's `<o:p>` has a colon; `<K:\x.pdf>` does not continue as a tag name should.
        while k < hi && (Bytes.isAlnum(p[k]) || p[k] == Bytes.colon || p[k] == Bytes.minus || p[k] == Bytes.underscore) {
            k += 1
        }
        guard k < hi else { tagsOffFrom = i; return nil }
        guard Bytes.isASCIISpace(p[k]) || p[k] == Bytes.slash || p[k] == Bytes.gt else { return nil }
        attributes.removeAll(keepingCapacity: true)
        while true {
            while k < hi && (Bytes.isASCIISpace(p[k]) || p[k] == Bytes.slash) { k += 1 }
            guard k < hi else { tagsOffFrom = i; return nil }
            if p[k] == Bytes.gt {
                k += 1
                break
            }
            let nameStart = k
            while k < hi && !(Bytes.isASCIISpace(p[k]) || p[k] == Bytes.equals || p[k] == Bytes.gt || p[k] == Bytes.slash) {
                k += 1
            }
            let nameEnd = k
            while k < hi && Bytes.isASCIISpace(p[k]) { k += 1 }
            guard k < hi else { tagsOffFrom = i; return nil }
            guard p[k] == Bytes.equals else { continue }
            k += 1
            while k < hi && Bytes.isASCIISpace(p[k]) { k += 1 }
            guard k < hi else { tagsOffFrom = i; return nil }
            let valueStart: Int, valueEnd: Int
            if p[k] == Bytes.quote || p[k] == Bytes.apostrophe {
                let q = p[k]
                valueStart = k + 1
                k = valueStart
                while k < hi && p[k] != q { k += 1 }
                guard k < hi else { tagsOffFrom = i; return nil }
                valueEnd = k
                k += 1
            } else {
                valueStart = k
                while k < hi && !(Bytes.isASCIISpace(p[k]) || p[k] == Bytes.gt) { k += 1 }
                valueEnd = k
            }
            attributes.append((nameStart, nameEnd, valueStart, valueEnd))
        }
        let list = attributes
        for (nameStart, nameEnd, valueStart, valueEnd) in list where valueEnd > valueStart {
            if Bytes.equals(p, nameStart, nameEnd, "href") || Bytes.equals(p, nameStart, nameEnd, "src")
                || Bytes.equals(p, nameStart, nameEnd, "background") {
                linkAttribute(valueStart, valueEnd)
            } else {
                scan(valueStart, valueEnd, tags: false)
            }
        }
        return k
    }

    /// An `href`/`src` value: entities decoded, surrounding whitespace (and, as URL parsers do,
    /// tabs and line breaks inside) ignored, a `file:` URL's `?query`/`#fragment` left out of
    /// the span. Web links and web-relative values are not references.
    mutating func linkAttribute(_ vs: Int, _ ve: Int) {
        resetDecoded(at: vs)
        var run = vs
        var i = vs
        while i < ve {
            let b = p[i]
            let length: Int
            if b == Bytes.amp, let (v, l) = PathGrammar.Entities.decode(p, i, ve) {
                appendLiteral(run, i)
                let decStart = dec.count
                appendScalar(v)
                length = l
                substituted(i, i + l, decStart: decStart)
            } else if b == 0xC2 && i + 1 < ve && p[i + 1] == 0xA0 {
                appendLiteral(run, i)
                let decStart = dec.count
                appendScalar(0xA0)
                length = 2
                substituted(i, i + 2, decStart: decStart)
            } else if b == Bytes.tab || b == Bytes.lf || b == Bytes.cr {
                appendLiteral(run, i)
                length = 1
                substituted(i, i + 1, decStart: dec.count)
            } else {
                i += 1
                continue
            }
            i += length
            run = i
        }
        appendLiteral(run, ve)
        rawEnd = ve
        let (a, e): (Int, Int) = dec.withUnsafeBufferPointer { d in
            var a = 0, e = d.count
            Bytes.trimWhitespace(d, &a, &e)
            if Bytes.hasPrefix(d, at: a, end: e, "file:") {
                for k in a..<e where d[k] == Bytes.question || d[k] == Bytes.hash {
                    e = k
                    break
                }
            }
            return (a, e)
        }
        guard a < e else { return }
        let spelling = dec.withUnsafeBufferPointer { d in
            PathGrammar.parseSpelling(UnsafeBufferPointer(rebasing: d[a..<e]), mode: .attribute, prefixes: prefixes)
                ?? (relative ? PathGrammar.relativeAttribute(UnsafeBufferPointer(rebasing: d[a..<e])) : nil)
        }
        guard let spelling, PathGrammar.isUsable(spelling, nil) else { return }
        let start = rawOffset(a, end: false), end = rawOffset(e, end: true)
        found.append(FoundPath(start: start, end: end, raw: Bytes.string(p, start, end), spelling: spelling, inAttribute: true))
    }
}
