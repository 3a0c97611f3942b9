import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// `link`: a reflink or a hard link on one file system, nil on another, the source still verified.
@Suite struct TargetLinkTests {
    static let content = Fixtures.bytes(30_000, seed: 11)

    static func setUp() throws -> (Scratch, TargetFolder) {
        let s = Scratch("link")
        try Tree.make(at: s.path, [.dir("target"), .dir("outside"), .file("src.bin", content, mtime: 1_500_000_000)])
        return (s, try TargetFolder(root: RawPath(s.join("target"))))
    }

    /// Whether `path` is on ext4, which cannot clone (so `link` must fall back to a hard link).
    static func onExt4(_ path: String) -> Bool {
        (try? Tools.run(["stat", "-f", "-c", "%t", path])).map { String(decoding: $0, as: UTF8.self) } == "ef53\n"
    }

    @Test func onOneFileSystemTheFileIsLinkedNotCopied() throws {
        let (s, target) = try Self.setUp()
        let outcome = try #require(try target.link(from: RawPath(s.join("src.bin")), to: RawPath("k/2020/f.bin"),
                                                   expecting: TargetHelpers.expect(Self.content)))
        #expect(outcome.size == 30_000 && outcome.sha256 == TargetHelpers.sha256(Self.content))
        #expect(outcome.mtime == Timestamp(seconds: 1_500_000_000, nanoseconds: 0))
        #expect(TargetHelpers.read(RawPath(s.join("target/k/2020/f.bin"))) == Self.content)
        let placed = try #require(TargetHelpers.lstatOf(RawPath(s.join("target/k/2020/f.bin"))))
        let source = try #require(TargetHelpers.lstatOf(RawPath(s.join("src.bin"))))
        if Self.onExt4(s.path) { #expect(outcome.method == .hardlink) }  // no FICLONE on ext4: the fallback
        if outcome.method == .hardlink {
            #expect(placed.st_ino == source.st_ino && source.st_nlink == 2)
        } else {
            #expect(placed.st_ino != source.st_ino && placed.st_mtim.tv_sec == 1_500_000_000)
        }
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
        #expect(TargetHelpers.read(RawPath(s.join("src.bin"))) == Self.content)
    }

    @Test func onAnotherFileSystemItIsNilAndLeavesNothing() throws {
        let (s, _) = try Self.setUp()
        var shm = stat(), here = stat()
        try #require(stat("/dev/shm", &shm) == 0 && stat(s.path, &here) == 0 && shm.st_dev != here.st_dev,
                     "needs /dev/shm on another file system")
        var template = Array("/dev/shm/attache-link-XXXXXX".utf8CString)
        let made = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) })
        let root = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let target = try TargetFolder(root: RawPath(root))
        let outcome = try target.link(from: RawPath(s.join("src.bin")), to: RawPath("k/f.bin"), expecting: TargetHelpers.expect(Self.content))
        #expect(outcome == nil)
        #expect(TargetHelpers.tree(root).isEmpty)
        // The caller falls back to a copy.
        _ = try target.copy(from: RawPath(s.join("src.bin")), to: RawPath("k/f.bin"), expecting: TargetHelpers.expect(Self.content))
        #expect(TargetHelpers.read(RawPath(root + "/k/f.bin")) == Self.content)
    }

    @Test func aSourceThatChangedIsRefusedAndNothingIsPlaced() throws {
        let (s, target) = try Self.setUp()
        var changed = Self.content
        changed[20_000] ^= 0xFF  // same size: only reading the bytes can tell
        let error = #expect(throws: TargetError.self) {
            _ = try target.link(from: RawPath(s.join("src.bin")), to: RawPath("f.bin"), expecting: TargetHelpers.expect(changed))
        }
        #expect(error?.reason == .changedSinceScan("its SHA-256 is not the one the scan recorded"))
        let mtime = #expect(throws: TargetError.self) {
            var expectation = TargetHelpers.expect(Self.content)
            expectation.mtime = Timestamp(seconds: 1_400_000_000, nanoseconds: 0)
            _ = try target.link(from: RawPath(s.join("src.bin")), to: RawPath("f.bin"), expecting: expectation)
        }
        #expect(mtime?.reason == .changedSinceScan("its modification time is not the one the scan saw"))
        #expect(TargetHelpers.tree(s.join("target")).isEmpty)
        #expect(TargetHelpers.lstatOf(RawPath(s.join("src.bin")))?.st_nlink == 1)
    }

    @Test func somethingAtTheNameIsRefusedUnlessOverwritingAndRelinkingIsClean() throws {
        let (s, target) = try Self.setUp()
        try Tree.make(at: s.path, [.text("target/a/f.bin", "theirs")])
        let source = RawPath(s.join("src.bin"))
        let error = #expect(throws: TargetError.self) {
            _ = try target.link(from: source, to: RawPath("a/f.bin"), expecting: TargetHelpers.expect(Self.content))
        }
        #expect(error?.reason == .alreadyExists)
        #expect(TargetHelpers.read(RawPath(s.join("target/a/f.bin"))) == Array("theirs".utf8))
        _ = try target.link(from: source, to: RawPath("a/f.bin"), expecting: TargetHelpers.expect(Self.content), existing: .overwrite)
        #expect(TargetHelpers.read(RawPath(s.join("target/a/f.bin"))) == Self.content)
        // Linked again over itself (a resumed run): rename(2) does nothing between two names of one inode.
        _ = try target.link(from: source, to: RawPath("a/f.bin"), expecting: TargetHelpers.expect(Self.content), existing: .overwrite)
        #expect(TargetHelpers.tree(s.join("target")) == ["a", "a/f.bin"])
    }

    @Test func aLinkPlantedInTheTargetIsRefused() throws {
        let (s, target) = try Self.setUp()
        try Tree.make(at: s.path, [.symlink("target/a", to: s.join("outside"))])
        let error = #expect(throws: TargetError.self) {
            _ = try target.link(from: RawPath(s.join("src.bin")), to: RawPath("a/f.bin"), expecting: TargetHelpers.expect(Self.content))
        }
        #expect(error?.reason == .notContained(component: RawPath("a")))
        #expect(TargetHelpers.tree(s.join("outside")).isEmpty)
    }
}
