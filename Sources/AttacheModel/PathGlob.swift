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
        p.withUnsafeBufferPointer { pp in s.withUnsafeBufferPointer { sp in ComponentGlob.matches(pp, sp) } }
    }

    static func hasUnclosedSet(_ c: [UInt8]) -> Bool { !ComponentGlob.setsClosed(c) }
}
