/// The shell pattern of one path component (or one whole string), on bytes: `*` any run of
/// bytes, `?` one byte, `[abc]` `[a-z]` `[!x]` `[^x]` a byte from a set. ``PathGlob`` uses it
/// for each component; the planner for names and MIME types (and PathGlob for paths). It works
/// on buffers, so a match allocates nothing (a plan matches a million files against its rules).
public enum ComponentGlob {
    /// Whether `subject` matches `pattern` (an unclosed `[` matches nothing from there on).
    @inlinable
    public static func matches(_ pattern: UnsafeBufferPointer<UInt8>, _ subject: UnsafeBufferPointer<UInt8>) -> Bool {
        let p = pattern, s = subject
        var pi = 0, si = 0
        var starP = -1, starS = 0
        while si < s.count {
            if pi < p.count {
                let c = p[pi]
                if c == UInt8(ascii: "*") { starP = pi; starS = si; pi += 1; continue }
                if c == UInt8(ascii: "?") { pi += 1; si += 1; continue }
                if c == UInt8(ascii: "["), let (ok, next) = matchSet(p, pi, s[si]) {
                    if ok { pi = next; si += 1; continue }
                } else if c == s[si] { pi += 1; si += 1; continue }
            }
            guard starP >= 0 else { return false }
            pi = starP + 1; starS += 1; si = starS
        }
        while pi < p.count && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }

    /// Whether arrays of bytes match (see the buffer form).
    @inlinable
    public static func matches(_ pattern: [UInt8], _ subject: [UInt8]) -> Bool {
        pattern.withUnsafeBufferPointer { p in subject.withUnsafeBufferPointer { s in matches(p, s) } }
    }

    /// Matches `byte` against the set starting at `start` (a `[`): (matched, index after its
    /// `]`), or nil when the set is never closed.
    @inlinable
    public static func matchSet(_ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count {
            let c = p[i]
            if c == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < p.count && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
                if byte >= c && byte <= p[i + 2] { matched = true }
                i += 3
            } else {
                if byte == c { matched = true }
                i += 1
            }
        }
        return nil
    }

    /// Whether every `[` of the pattern is closed by a `]`.
    public static func setsClosed(_ pattern: [UInt8]) -> Bool {
        pattern.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                if p[i] == UInt8(ascii: "[") {
                    guard let (_, next) = matchSet(p, i, 0) else { return false }
                    i = next
                } else { i += 1 }
            }
            return true
        }
    }
}
