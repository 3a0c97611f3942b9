import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// remove, entry, hash, walk, freeSpace, nameLimit: contained, never following a link.
@Suite struct TargetInspectTests {
    static func setUp(_ nodes: [Node]) throws -> (Scratch, TargetFolder) {
        let s = Scratch("insp")
        try Tree.make(at: s.path, [.dir("target"), .dir("outside")] + nodes)
        return (s, try TargetFolder(root: RawPath(s.join("target"))))
    }

    @Test func removePrunesFoldersThatBecameEmptyButNotOthers() throws {
        let (s, target) = try Self.setUp([.text("target/a/b/c/x.txt", "x"), .text("target/a/keep.txt", "k"), .dir("target/a/b/empty-sibling")])
        #expect(try target.remove(RawPath("a/b/c/x.txt")))
        // c became empty and went; b still holds a folder; the root is never removed.
        #expect(TargetHelpers.tree(s.join("target")) == ["a", "a/b", "a/b/empty-sibling", "a/keep.txt"])
        #expect(try target.remove(RawPath("a/b/c/x.txt")) == false)  // already gone: a resumed run
        #expect(try target.remove(RawPath("missing/x.txt")) == false)
        #expect(try target.remove(RawPath("a/keep.txt")))
        #expect(TargetHelpers.tree(s.join("target")) == ["a", "a/b", "a/b/empty-sibling"])

        let (s2, target2) = try Self.setUp([.text("target/only/deep/f", "f")])
        #expect(try target2.remove(RawPath("only/deep/f")))
        #expect(TargetHelpers.tree(s2.join("target")).isEmpty)
        #expect(FileManager.default.fileExists(atPath: s2.join("target")))
    }

    @Test func removeRefusesThroughALinkAndLeavesWhatIsNotAFile() throws {
        let (s, target) = try Self.setUp([
            .text("outside/x.txt", "not ours"), .symlink("target/l", to: "../outside"), .dir("target/d"),
        ])
        #expect(throws: TargetError(path: RawPath("l/x.txt"), reason: .notContained(component: RawPath("l")), action: "remove")) {
            try target.remove(RawPath("l/x.txt"))
        }
        #expect(throws: TargetError(path: RawPath("l"), reason: .notAFile(.symlink), action: "remove")) { try target.remove(RawPath("l")) }
        #expect(throws: TargetError(path: RawPath("d"), reason: .notAFile(.directory), action: "remove")) { try target.remove(RawPath("d")) }
        #expect(TargetHelpers.read(RawPath(s.join("outside/x.txt"))) == Array("not ours".utf8))
        #expect(TargetHelpers.tree(s.join("target")) == ["d", "l"])
        #expect(TargetError(path: RawPath("l"), reason: .notAFile(.symlink), action: "remove").description
            == "refusing to remove l: it is a symlink in the target, not a file attache wrote")
    }

    @Test func entryTellsKindSizeAndTimeWithoutFollowing() throws {
        let (scratch, target) = try Self.setUp([
            .file("target/a/f.bin", Fixtures.bytes(1234, seed: 1), mtime: 1_500_000_000), .symlink("target/a/l", to: "f.bin"),
            .symlink("target/up", to: "../outside"), .text("outside/secret", "s"),
        ])
        defer { withExtendedLifetime(scratch) {} }  // the scratch folder lives until the test ends
        #expect(try target.entry(at: RawPath("a/f.bin")) == TargetEntry(kind: .regular, size: 1234, mtime: Timestamp(seconds: 1_500_000_000, nanoseconds: 0)))
        #expect(try target.entry(at: RawPath("a"))?.kind == .directory)
        #expect(try target.entry(at: RawPath("a/l"))?.kind == .symlink)
        #expect(try target.entry(at: RawPath("a/missing")) == nil)
        #expect(try target.entry(at: RawPath("nowhere/missing")) == nil)
        let error = #expect(throws: TargetError.self) { _ = try target.entry(at: RawPath("up/secret")) }
        #expect(error?.reason == .notContained(component: RawPath("up")))
        #expect(error?.description.hasPrefix("refusing to read up/secret: up in the target is a symbolic link") == true)
    }

    @Test func hashReadsContainedFilesOnly() throws {
        let content = Fixtures.bytes(3_000_000, seed: 5)
        let (scratch, target) = try Self.setUp([
            .file("target/a/f.bin", content), .symlink("target/a/l", to: "f.bin"),
            .symlink("target/up", to: "../outside"), .text("outside/secret", "s"), .fifo("target/p"),
        ])
        defer { withExtendedLifetime(scratch) {} }  // the scratch folder lives until the test ends
        let (size, sha) = try target.hash(at: RawPath("a/f.bin"))
        #expect(size == 3_000_000 && sha == TargetHelpers.sha256(content))
        #expect(throws: TargetError(path: RawPath("a/l"), reason: .notAFile(.symlink), action: "read")) { _ = try target.hash(at: RawPath("a/l")) }
        #expect(throws: TargetError(path: RawPath("p"), reason: .notAFile(.fifo), action: "read")) { _ = try target.hash(at: RawPath("p")) }
        let through = #expect(throws: TargetError.self) { _ = try target.hash(at: RawPath("up/secret")) }
        #expect(through?.reason == .notContained(component: RawPath("up")))
        let missing = #expect(throws: TargetError.self) { _ = try target.hash(at: RawPath("a/missing")) }
        #expect(missing?.errno == ENOENT)
    }

    @Test func walkVisitsEveryEntrySortedWithoutFollowingLinks() throws {
        let latin1 = RawPath(bytes: [0x73, 0xE9])  // "s\xE9": not UTF-8
        let (scratch, target) = try Self.setUp([
            .text("target/b/z.txt", "zz"), .text("target/b/a.txt", "a"), .dir("target/a-empty"),
            .file(RawPath("target/").appending(latin1), [1, 2, 3]), .symlink("target/up", to: "../outside"),
            .text("outside/not-visited", "x"), .text("target/.attache-tmp-1-2", "partial"),
        ])
        defer { withExtendedLifetime(scratch) {} }  // the scratch folder lives until the test ends
        var seen: [String] = []
        try target.walk { path, kind, size in
            seen.append("\(path.display) \(kind.rawValue)" + (kind == .regular ? " \(size)" : ""))
        }
        #expect(seen == [".attache-tmp-1-2 regular 7", "a-empty directory", "b directory", "b/a.txt regular 1", "b/z.txt regular 2",
                         "s\\xE9 regular 3", "up symlink"])
        struct Stop: Error {}
        var count = 0
        #expect(throws: Stop.self) { try target.walk { _, _, _ in count += 1; if count == 2 { throw Stop() } } }
        #expect(count == 2)
    }

    @Test func freeSpaceAndNameLimitDescribeTheTargetsFileSystem() throws {
        let (s, target) = try Self.setUp([])
        let free = try #require(target.freeSpace())
        let df = String(decoding: try Tools.run(["df", "-B1", "--output=avail", s.join("target")]), as: UTF8.self)
        let reported = try #require(Int64(df.split(separator: "\n").last!.trimmingCharacters(in: .whitespaces)))
        // Other processes write meanwhile: close, not equal.
        #expect(abs(free - reported) < 1 << 30, "freeSpace \(free), df \(reported)")
        let getconf = String(decoding: try Tools.run(["getconf", "NAME_MAX", s.join("target")]), as: UTF8.self)
        #expect(target.nameLimit() == Int(getconf.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test(.enabled(if: getuid() == 0, "needs root to drop privileges"))
    func permissionDeniedInTheTargetIsAClearError() async throws {
        let (s, _) = try Self.setUp([.file("target/locked/f.bin", [1, 2, 3], mode: 0o000), .dir("target/ro", mode: 0o555)])
        defer { withExtendedLifetime(s) {} }
        let root = s.join("target")
        // A child process drops to nobody (root may read and write anything).
        await #expect(processExitsWith: .success) { [root = root as String] in
            guard setgroups(0, nil) == 0, setgid(65534) == 0, setuid(65534) == 0 else { exit(10) }
            let target = try TargetFolder(root: RawPath(root))
            do { _ = try target.hash(at: RawPath("locked/f.bin")); exit(11) } catch let error as TargetError {
                guard error.errno == EACCES, error.description.contains("cannot read locked/f.bin"),
                      error.description.contains("permission denied in the target") else { exit(12) }
            }
            do { _ = try target.archiveWriter(at: RawPath("ro/a.zip"), format: .zip); exit(13) } catch let error as TargetError {
                guard error.errno == EACCES, error.description.contains("permission denied in the target") else { exit(14) }
            }
            exit(0)
        }
        #expect(TargetHelpers.tree(root) == ["locked", "locked/f.bin", "ro"])
    }
}
