/// How wide text is at a terminal, and how to make it narrower — so tables for people fit
/// 80–120 columns whatever the names hold (Cyrillic, CJK, combining accents).
enum TextWidth {
    /// Terminal columns of `s`: combining marks and format characters take none, East Asian
    /// wide and full-width characters and emoji two, everything else one. A reasonable
    /// approximation of wcwidth(3) that does not depend on the locale.
    static func of(_ s: some StringProtocol) -> Int {
        var n = 0
        for u in s.unicodeScalars { n += of(u) }
        return n
    }

    static func of(_ u: Unicode.Scalar) -> Int {
        switch u.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        let v = u.value
        if v == 0x200B || (0xFE00...0xFE0F).contains(v) { return 0 }
        let wide: [ClosedRange<UInt32>] = [
            0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
            0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
        ]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// The longest start of `s` (whole characters) at most `width` columns wide.
    static func prefix(_ s: String, width: Int) -> String {
        var out = "", used = 0
        for c in s {
            let w = of(String(c))
            if used + w > width { break }
            out.append(c); used += w
        }
        return out
    }

    /// The longest end of `s` (whole characters) at most `width` columns wide.
    static func suffix(_ s: String, width: Int) -> String {
        var out: [Character] = [], used = 0
        for c in s.reversed() {
            let w = of(String(c))
            if used + w > width { break }
            out.append(c); used += w
        }
        return String(out.reversed())
    }

    /// `s` cut at the end to `width` columns, with `…` saying so.
    static func trimEnd(_ s: String, width: Int) -> String {
        guard of(s) > width else { return s }
        guard width > 1 else { return String(repeating: "…", count: max(0, width)) }
        return prefix(s, width: width - 1) + "…"
    }

    /// A path shortened in the middle to `width` columns (`Archive/20…/Scan 12.pdf`): the
    /// file name is kept whole when it fits, since that is what people recognise.
    static func trimMiddle(_ s: String, width: Int) -> String {
        guard of(s) > width else { return s }
        guard width > 3 else { return trimEnd(s, width: width) }
        let name = s.split(separator: "/", omittingEmptySubsequences: false).last.map { "/" + $0 } ?? s
        let room = width - 1
        let tail = of(name) <= room - 3 ? of(name) : room / 2
        return prefix(s, width: room - tail) + "…" + suffix(s, width: tail)
    }

    /// `text` broken into lines of at most `width` columns at spaces; continuation lines start
    /// with `indent`. A word longer than a line is cut in the middle.
    static func wrap(_ text: String, width: Int, indent: String) -> [String] {
        // The text's own indentation stays on its first line.
        let lead = String(text.prefix { $0 == " " })
        var lines: [String] = [], line = lead
        for word in text.dropFirst(lead.count).split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line == lead ? line + word : line + " " + word
            if of(candidate) <= width || line == lead {
                line = candidate
            } else {
                lines.append(line)
                line = indent + word
            }
        }
        lines.append(line)
        return lines.map { of($0) <= width ? $0 : trimMiddle($0, width: width) }
    }
}
