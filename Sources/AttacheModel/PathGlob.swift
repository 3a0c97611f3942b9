/// A shell-style pattern over `/`-separated relative paths, matched on raw bytes.
///
/// - `*` matches any run of bytes within one component, `?` one byte, `[abc]` / `[a-z]` /
///   `[!x]` a byte from a set.
/// - `**` as a whole component matches zero or more components: `**/.snapshot/**`
///   matches `.snapshot`, `a/.snapshot` and `a/b/.snapshot/x`.
/// - A pattern without `/` matches the last component anywhere (`*.tmp`, `Thumbs.db`),
///   the way `.gitignore` does.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    let components: [[UInt8]]

    /// - Throws: ``PathGlob/Invalid`` when a `[` set is never closed or the pattern is empty.
    public init(_ pattern: String) throws {
        let trimmed = pattern.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw Invalid(pattern: pattern, reason: "the pattern is empty") }
        var comps = trimmed.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        if !trimmed.contains("/") { comps.insert(Array("**".utf8), at: 0) }
        for c in comps where PathGlob.hasUnclosedSet(c) {
            throw Invalid(pattern: pattern, reason: "a '[' is never closed by ']'")
        }
        self.pattern = pattern
        self.components = comps
    }

    public struct Invalid: Error, Sendable, Equatable {
        public let pattern: String
        public let reason: String
    }

    public var description: String { pattern }

    /// Whether the relative path matches.
    public func matches(_ path: RawPath) -> Bool {
        let parts = path.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { Array($0) }
        return PathGlob.match(components[...], parts[...])
    }

    static func match(_ pat: ArraySlice<[UInt8]>, _ parts: ArraySlice<[UInt8]>) -> Bool {
        guard let first = pat.first else { return parts.isEmpty }
        if first == Array("**".utf8) {
            let rest = pat.dropFirst()
            var p = parts
            while true {
                if match(rest, p) { return true }
                if p.isEmpty { return false }
                p = p.dropFirst()
            }
        }
        guard let part = parts.first else { return false }
        return matchComponent(first[...], part[...]) && match(pat.dropFirst(), parts.dropFirst())
    }

    static func matchComponent(_ p: ArraySlice<UInt8>, _ s: ArraySlice<UInt8>) -> Bool {
        var pi = p.startIndex, si = s.startIndex
        var starP: Int? = nil, starS = 0
        while si < s.endIndex {
            if pi < p.endIndex {
                let c = p[pi]
                if c == UInt8(ascii: "*") { starP = pi; starS = si; pi += 1; continue }
                if c == UInt8(ascii: "?") { pi += 1; si += 1; continue }
                if c == UInt8(ascii: "["), let (ok, next) = matchSet(p, pi, s[si]) {
                    if ok { pi = next; si += 1; continue }
                } else if c == s[si] { pi += 1; si += 1; continue }
            }
            guard let sp = starP else { return false }
            pi = sp + 1; starS += 1; si = starS
        }
        while pi < p.endIndex && p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.endIndex
    }

    /// Matches `byte` against the set starting at `start` (`[`); returns (matched, index after `]`).
    static func matchSet(_ p: ArraySlice<UInt8>, _ start: Int, _ byte: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.endIndex && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.endIndex {
            let c = p[i]
            if c == UInt8(ascii: "]") && !first { return (matched != negate, i + 1) }
            first = false
            if i + 2 < p.endIndex && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
                if byte >= c && byte <= p[i + 2] { matched = true }
                i += 3
            } else {
                if byte == c { matched = true }
                i += 1
            }
        }
        return nil
    }

    static func hasUnclosedSet(_ c: [UInt8]) -> Bool {
        var i = 0
        while i < c.count {
            if c[i] == UInt8(ascii: "[") {
                guard matchSet(c[...], i, 0) != nil else { return true }
                var j = i + 1
                if j < c.count && (c[j] == UInt8(ascii: "!") || c[j] == UInt8(ascii: "^")) { j += 1 }
                j += 1
                while j < c.count && c[j] != UInt8(ascii: "]") { j += 1 }
                i = j + 1
            } else { i += 1 }
        }
        return false
    }
}
