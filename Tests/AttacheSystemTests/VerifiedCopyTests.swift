import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

@Suite struct VerifiedCopyTests {
    /// A scratch folder with `target/` and the given source files.
    static func setUp(_ nodes: [Node]) throws -> (Scratch, TargetFolder) {
        let s = Scratch("copy")
        try Tree.make(at: s.path, [.dir("target")] + nodes)
        return (s, try TargetFolder(root: RawPath(s.join("target"))))
    }

    @Test func copiesBytesAndTimesExactly() throws {
        let content = Fixtures.bytes(10_000, seed: 1)
        let (s, target) = try Self.setUp([.file("src.bin", content, mtime: 1_500_000_000)])
        var times = [timespec(tv_sec: 1_400_000_000, tv_nsec: 123), timespec(tv_sec: 1_500_000_000, tv_nsec: 456_789)]
        _ = cPath(RawPath(s.join("src.bin"))) { utimensat(AT_FDCWD, $0, &times, 0) }
        let outcome = try target.copy(from: RawPath(s.join("src.bin")), to: RawPath("x/y/z.bin"),
                                      expecting: TargetHelpers.expect(content), faults: VerifiedCopyFaults(chunkSize: 999))
        #expect(outcome.size == 10_000)
        #expect(outcome.sha256 == TargetHelpers.sha256(content))
        #expect(TargetHelpers.read(RawPath(s.join("target/x/y/z.bin"))) == content)
        let copied = try #require(TargetHelpers.lstatOf(RawPath(s.join("target/x/y/z.bin"))))
        #expect(copied.st_mtim.tv_sec == 1_500_000_000 && copied.st_mtim.tv_nsec == 456_789)
        #expect(outcome.mtime == Timestamp(seconds: 1_500_000_000, nanoseconds: 456_789))
        #expect(copied.st_mode & 0o7777 == 0o644)
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
        // The source is untouched.
        #expect(TargetHelpers.read(RawPath(s.join("src.bin"))) == content)
    }

    @Test func aHashMismatchLeavesNothingAndSaysTheSourceChanged() throws {
        let (s, target) = try Self.setUp([.text("src.txt", "hello\n")])
        let wrong = CopyExpectation(size: 6, sha256: TargetHelpers.sha256(Array("world\n".utf8)))
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("a/f.txt"), expecting: wrong)
        }
        guard case .changedSinceScan = error?.reason else { Issue.record("not a change: \(String(describing: error))"); return }
        #expect(error?.path == RawPath(s.join("src.txt")))
        #expect(error?.description.contains("changed since the scan") == true)
        #expect(TargetHelpers.tree(s.join("target")) == ["a"])
    }

    @Test func aSourceChangedWhileCopiedIsRefused() throws {
        let content = Fixtures.bytes(8_000, seed: 2)
        let (s, target) = try Self.setUp([.file("src.bin", content)])
        let source = s.join("src.bin")
        // Same size, different bytes further on: only the hash can tell.
        let faults = VerifiedCopyFaults(chunkSize: 1000, betweenChunks: { written in
            guard written == 1000 else { return }
            let fd = open(source, O_WRONLY)
            var b: UInt8 = content[5000] ^ 0xFF
            _ = pwrite(fd, &b, 1, 5000)
            close(fd)
        })
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(source), to: RawPath("f.bin"), expecting: TargetHelpers.expect(content), faults: faults)
        }
        guard case .changedSinceScan = error?.reason else { Issue.record("not a change: \(String(describing: error))"); return }
        #expect(TargetHelpers.tree(s.join("target")).isEmpty)
    }

    @Test func aSizeThatDiffersIsRefusedBeforeCopying() throws {
        let (s, target) = try Self.setUp([.text("src.txt", "longer now\n")])
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("a/f.txt"), expecting: TargetHelpers.expect(Array("short".utf8)))
        }
        guard case .changedSinceScan = error?.reason else { Issue.record("not a change: \(String(describing: error))"); return }
        #expect(TargetHelpers.tree(s.join("target")).isEmpty)
    }

    @Test func aFullTargetLeavesNothingAndARetrySucceeds() throws {
        let content = Fixtures.bytes(20_000, seed: 3)
        let (s, target) = try Self.setUp([.file("src.bin", content)])
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.bin")), to: RawPath("d/f.bin"), expecting: TargetHelpers.expect(content),
                                faults: VerifiedCopyFaults(chunkSize: 4096, failAfterBytes: 5000))
        }
        #expect(error?.errno == ENOSPC)
        #expect(error?.path == RawPath("d/f.bin"))
        #expect(error?.description.contains("the target is full: free space and run again") == true)
        #expect(TargetHelpers.tree(s.join("target")) == ["d"])
        _ = try target.copy(from: RawPath(s.join("src.bin")), to: RawPath("d/f.bin"), expecting: TargetHelpers.expect(content))
        #expect(TargetHelpers.read(RawPath(s.join("target/d/f.bin"))) == content)
        #expect(TargetHelpers.tree(s.join("target")) == ["d", "d/f.bin"])
    }

    @Test func namesThatAreNotUTF8AreCopiedByteExact() throws {
        let sourceName = RawPath(bytes: [0x73, 0xE9, 0x2E, 0x74, 0x78, 0x74])  // "s\xE9.txt" (Latin-1)
        let targetPath = RawPath(bytes: [0x64, 0xFF, 0xFE, 0x2F, 0x82, 0xA0, 0x2E, 0x74, 0x78, 0x74])  // "d\xFF\xFE/\x82\xA0.txt"
        let (s, target) = try Self.setUp([.file(sourceName, Array("bytes\n".utf8))])
        _ = try target.copy(from: s.raw(sourceName), to: targetPath, expecting: TargetHelpers.expect(Array("bytes\n".utf8)))
        let folders = try RawFile.list(RawPath(s.join("target"))).get().map(\.name)
        #expect(folders == [RawPath(bytes: [0x64, 0xFF, 0xFE])])
        let files = try RawFile.list(RawPath(s.join("target")).appending(folders[0])).get().map(\.name)
        #expect(files == [RawPath(bytes: [0x82, 0xA0, 0x2E, 0x74, 0x78, 0x74])])
        #expect(TargetHelpers.read(RawPath(s.join("target")).appending(targetPath)) == Array("bytes\n".utf8))
    }

    @Test func aForeignFileAtTheDestinationIsNotOverwritten() throws {
        let (s, target) = try Self.setUp([.text("src.txt", "ours\n"), .text("target/a/f.txt", "theirs\n")])
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("a/f.txt"), expecting: TargetHelpers.expect(Array("ours\n".utf8)))
        }
        #expect(error?.reason == .alreadyExists)
        #expect(TargetHelpers.read(RawPath(s.join("target/a/f.txt"))) == Array("theirs\n".utf8))
        #expect(TargetHelpers.tree(s.join("target")) == ["a", "a/f.txt"])
        // Replacing is the caller's explicit choice (a file its journal says attache wrote).
        _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("a/f.txt"),
                            expecting: TargetHelpers.expect(Array("ours\n".utf8)), existing: .overwrite)
        #expect(TargetHelpers.read(RawPath(s.join("target/a/f.txt"))) == Array("ours\n".utf8))
    }

    @Test func aForeignFileAppearingDuringTheCopyIsNotOverwritten() throws {
        let content = Fixtures.bytes(4_000, seed: 4)
        let (s, target) = try Self.setUp([.file("src.bin", content), .dir("target/a")])
        let final = s.join("target/a/f.bin")
        let faults = VerifiedCopyFaults(chunkSize: 1000, betweenChunks: { written in
            if written == 1000 { _ = FileManager.default.createFile(atPath: final, contents: Data("theirs".utf8)) }
        })
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.bin")), to: RawPath("a/f.bin"), expecting: TargetHelpers.expect(content), faults: faults)
        }
        #expect(error?.reason == .alreadyExists)
        #expect(TargetHelpers.read(RawPath(final)) == Array("theirs".utf8))
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
    }

    @Test func aFIFOOrALinkAsSourceIsRefusedWithoutBlocking() throws {
        let (s, target) = try Self.setUp([.fifo("pipe"), .text("real.txt", "x"), .symlink("link", to: "real.txt")])
        let fifo = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("pipe")), to: RawPath("p"), expecting: TargetHelpers.expect([]))
        }
        #expect(fifo?.reason == .sourceNotRegular(.fifo))
        let link = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("link")), to: RawPath("l"), expecting: TargetHelpers.expect([0x78]))
        }
        #expect(link?.reason == .sourceNotRegular(.symlink))
        #expect(TargetHelpers.tree(s.join("target")).isEmpty)
    }

    @Test func aNameTooLongForTheTargetIsAClearError() throws {
        let (s, target) = try Self.setUp([.text("src.txt", "x")])
        let long = RawPath("d/" + String(repeating: "n", count: 300))
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.txt")), to: long, expecting: TargetHelpers.expect([0x78]))
        }
        #expect(error?.errno == ENAMETOOLONG)
        #expect(error?.description.contains("too long") == true)
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
    }

    @Test func permissionDeniedInTheTargetNamesThePathAndTheErrno() throws {
        let (s, target) = try Self.setUp([.text("src.txt", "x"), .dir("target/locked", mode: 0o555)])
        // Root may write anywhere: then the same error is injected through the seam.
        let faults = getuid() == 0 ? VerifiedCopyFaults(failAfterBytes: 0, injectedErrno: EACCES) : VerifiedCopyFaults()
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("locked/f.txt"), expecting: TargetHelpers.expect([0x78]), faults: faults)
        }
        #expect(error?.errno == EACCES)
        #expect(error?.description.contains("locked/f.txt") == true)
        #expect(error?.description.contains("permission denied in the target") == true)
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
    }
}
