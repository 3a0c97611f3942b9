/// A shell-style pattern over `/`-separated relative paths, matched on raw bytes: the one
/// path matcher (the walker's excludes, the manifest, the policy's `path` conditions).
///
/// - `*` matches any run of bytes within one component, `?` one byte, `[abc]` / `[a-z]` /
///   `[!x]` a byte from a set (``ComponentGlob``, the same rules as the planner's name patterns).
/// - `**` as a whole component matches zero or more components: `**/.snapshot/**`
///   matches `.snapshot`, `a/.snapshot` and `a/b/.snapshot/x`.
/// - A pattern without `/` matches the last component anywhere (`*.tmp`, `Thumbs.db`),
///   the way `.gitignore` does.
/// - Repeated `/` count as one, in the pattern and in the path.
///
/// Matching walks the path's bytes in place, component by component, so it allocates nothing:
/// the walker checks every entry of millions against every pattern.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    /// Each component's bytes; nil for `**`.
    let components: [[UInt8]?]

    /// - Throws: ``PathGlob/Invalid`` when a `[` set is never closed or the pattern is empty.
    public init(_ pattern: String) throws {
        let trimmed = pattern.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw Invalid(pattern: pattern, reason: "the pattern is empty") }
        var comps: [[UInt8]?] = trimmed.split(separator: "/", omittingEmptySubsequences: true).map { c in
            c == "**" ? nil : Array(c.utf8)
        }
        if !trimmed.contains("/") { comps.insert(nil, at: 0) }
        for case let c? in comps where !ComponentGlob.setsClosed(c) {
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
        path.bytes.withUnsafeBufferPointer { matches($0) }
    }

    /// Whether the relative path in `path` (raw bytes) matches.
    public func matches(_ path: UnsafeBufferPointer<UInt8>) -> Bool {
        match(0, path, 0)
    }

    /// Whether the components from `ci` on match the path from byte `from` on.
    private func match(_ ci: Int, _ p: UnsafeBufferPointer<UInt8>, _ from: Int) -> Bool {
        let slash = UInt8(ascii: "/")
        var pos = from
        while pos < p.count && p[pos] == slash { pos += 1 }
        guard ci < components.count else { return pos >= p.count }
        guard let component = components[ci] else {
            // `**`: the rest may start here, or after any number of whole components.
            var q = pos
            while true {
                if match(ci + 1, p, q) { return true }
                if q >= p.count { return false }
                while q < p.count && p[q] != slash { q += 1 }
                while q < p.count && p[q] == slash { q += 1 }
            }
        }
        guard pos < p.count else { return false }
        var end = pos
        while end < p.count && p[end] != slash { end += 1 }
        let part = UnsafeBufferPointer(rebasing: p[pos..<end])
        let matched = component.withUnsafeBufferPointer { ComponentGlob.matches($0, part) }
        return matched && match(ci + 1, p, end)
    }
}
