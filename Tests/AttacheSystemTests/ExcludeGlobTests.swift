import AttacheModel
import AttacheTestSupport
import Testing
@testable import AttacheSystem

/// The walker's excludes use `PathGlob`, which matches in place over the path's bytes
/// (``ComponentGlob`` per component). These tests pin its semantics, compare it with the
/// simple split-into-components definition it replaced, and check the walk with it.
@Suite struct ExcludeGlobTests {
    /// The definition: split both into components, `**` spans zero or more of them.
    static func reference(_ pattern: String, _ path: [UInt8]) -> Bool {
        var pat = pattern.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        if !pattern.contains("/") { pat.insert(Array("**".utf8), at: 0) }
        let parts = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map { Array($0) }
        func match(_ p: ArraySlice<[UInt8]>, _ s: ArraySlice<[UInt8]>) -> Bool {
            guard let first = p.first else { return s.isEmpty }
            if first == Array("**".utf8) {
                var rest = s
                while true {
                    if match(p.dropFirst(), rest) { return true }
                    if rest.isEmpty { return false }
                    rest = rest.dropFirst()
                }
            }
            guard let part = s.first else { return false }
            return ComponentGlob.matches(first, part) && match(p.dropFirst(), s.dropFirst())
        }
        return match(pat[...], parts[...])
    }

    @Test func snapshotFoldersAtAnyDepth() throws {
        let g = try PathGlob("**/.snapshot/**")
        for yes in [".snapshot", "a/.snapshot", "a/b/.snapshot/hourly.0/x.pdf", "a//.snapshot"] {
            #expect(g.matches(RawPath(yes)), "\(yes)")
        }
        for no in ["snapshot", "a/.snapshots", "a/x.snapshot", ""] { #expect(!g.matches(RawPath(no)), "\(no)") }
    }

    @Test func aNamePatternMatchesTheLastComponentAnywhere() throws {
        let g = try PathGlob("*.tmp")
        #expect(g.matches(RawPath("x.tmp")))
        #expect(g.matches(RawPath("a/b/~$x.tmp")))
        #expect(!g.matches(RawPath("a/x.tmp/y")))
        #expect(!g.matches(RawPath("a/x.tmpl")))
    }

    @Test func namesThatAreNotUTF8MatchOnTheirBytes() throws {
        let cp1251 = RawPath(bytes: Array("scans/".utf8) + [0xD1, 0xF7, 0xE5, 0xF2] + Array(".tmp".utf8))
        #expect(try PathGlob("*.tmp").matches(cp1251))
        #expect(try PathGlob("scans/????.tmp").matches(cp1251), "? is one byte")
        #expect(!(try PathGlob("scans/?.tmp").matches(cp1251)))
        #expect(try PathGlob("**/[!a]*").matches(cp1251))
    }

    @Test func agreesWithTheComponentDefinitionOnRandomInput() throws {
        var seed: UInt64 = 0x6C0B_0001
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        let parts = ["a", "b", "ab", "*", "**", "?", "[ab]", "[!a]*", "*.tmp", ".snapshot", "b*", "a?"]
        let names: [[UInt8]] = [Array("a".utf8), Array("b".utf8), Array("ab".utf8), Array("x.tmp".utf8),
                                Array(".snapshot".utf8), [0xE9], [0x61, 0xFF], []]
        for round in 0..<5_000 {
            let pattern = (0..<(1 + next(4))).map { _ in parts[next(parts.count)] }.joined(separator: "/")
            var path: [UInt8] = []
            for i in 0..<(1 + next(5)) {
                if i > 0 { path.append(UInt8(ascii: "/")) }
                path += names[next(names.count)]
            }
            let glob = try PathGlob(pattern)
            #expect(glob.matches(RawPath(bytes: path)) == Self.reference(pattern, path),
                    "round \(round): '\(pattern)' on '\(RawPath(bytes: path).display)'")
        }
    }

    @Test func theWalkSkipsExcludedFoldersAndFilesWithoutEnteringThem() throws {
        let s = Scratch("excl")
        let odd = RawPath(bytes: Array("c/".utf8) + [0xE9] + Array(".tmp".utf8))
        try Tree.make(at: s.path, [
            .text("a/.snapshot/hourly/old.txt", "x"), .text("a/keep.txt", "k"), .file(odd, [1]),
            .text("b/.snapshot", "a file named like the folder"), .dir(".snapshot/locked", mode: 0o000),
        ])
        var r = Recorder()
        try Walker(root: RawPath(s.path), exclude: [try PathGlob("**/.snapshot/**"), try PathGlob("*.tmp")]).walk(&r)
        #expect(r.entries.map(\.path.display) == ["a/keep.txt"])
        #expect(r.excluded.map(\.display) == [".snapshot", "a/.snapshot", "b/.snapshot", odd.display])
        #expect(r.findings.isEmpty, "an excluded folder is never opened, even an unreadable one: \(r.findings)")
    }
}
