import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// The batch form of the verified copy: staged bytes are under a temporary name only, named by
/// `commit`, gone when dropped uncommitted; the folder is checked again when the name is made.
@Suite struct StagedCopyTests {
    @Test func aStagedCopyHasNoFinalNameUntilCommitted() throws {
        let content = Fixtures.bytes(5_000, seed: 7)
        let (s, target) = try VerifiedCopyTests.setUp([.file("src.bin", content, mtime: 1_500_000_000)])
        let staged = try target.stageCopy(from: RawPath(s.join("src.bin")), to: RawPath("a/b.bin"), expecting: TargetHelpers.expect(content))
        #expect(TargetHelpers.lstatOf(RawPath(s.join("target/a/b.bin"))) == nil, "not named before commit")
        #expect(TargetHelpers.temporaries(s.join("target")).count == 1)
        #expect(staged.outcome.sha256 == TargetHelpers.sha256(content) && staged.outcome.size == 5_000)
        try target.flushFileSystem()
        try target.commit(staged)
        try target.commit(staged)  // a second commit does nothing
        try target.flushFileSystem()
        #expect(TargetHelpers.read(RawPath(s.join("target/a/b.bin"))) == content)
        #expect(TargetHelpers.lstatOf(RawPath(s.join("target/a/b.bin")))?.st_mtim.tv_sec == 1_500_000_000)
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
    }

    @Test func aStagedCopyDroppedUncommittedLeavesNothing() throws {
        let content = Fixtures.bytes(3_000, seed: 8)
        let (s, target) = try VerifiedCopyTests.setUp([.file("src.bin", content)])
        do {
            let staged = try target.stageCopy(from: RawPath(s.join("src.bin")), to: RawPath("x.bin"), expecting: TargetHelpers.expect(content))
            #expect(TargetHelpers.temporaries(s.join("target")).count == 1)
            _ = staged
        }
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)
        #expect(TargetHelpers.lstatOf(RawPath(s.join("target/x.bin"))) == nil)
    }

    @Test func aFolderSwappedForALinkBeforeCommitIsRefused() throws {
        let content = Fixtures.bytes(2_000, seed: 9)
        let (s, target) = try VerifiedCopyTests.setUp([.file("src.bin", content), .dir("outside")])
        let staged = try target.stageCopy(from: RawPath(s.join("src.bin")), to: RawPath("d/f.bin"), expecting: TargetHelpers.expect(content))
        // The staged folder moves away and a link to a folder outside takes its name.
        #expect(rename(s.join("target/d"), s.join("target/moved")) == 0)
        #expect(symlink(s.join("outside"), s.join("target/d")) == 0)
        let error = #expect(throws: TargetError.self) { try target.commit(staged) }
        guard case .notContained = error?.reason else { Issue.record("\(String(describing: error))"); return }
        #expect((try? FileManager.default.contentsOfDirectory(atPath: s.join("outside")))?.isEmpty == true, "nothing written outside")
    }

    @Test func somethingAtTheNameIsRefusedAtCommitUnlessOverwriting() throws {
        let content = Fixtures.bytes(1_000, seed: 10)
        let (s, target) = try VerifiedCopyTests.setUp([.file("src.bin", content)])
        let staged = try target.stageCopy(from: RawPath(s.join("src.bin")), to: RawPath("n.bin"), expecting: TargetHelpers.expect(content))
        try Data("theirs".utf8).write(to: URL(fileURLWithPath: s.join("target/n.bin")))
        let error = #expect(throws: TargetError.self) { try target.commit(staged) }
        #expect(error?.reason == .alreadyExists)
        #expect(TargetHelpers.read(RawPath(s.join("target/n.bin"))) == Array("theirs".utf8))
        let again = try target.stageCopy(from: RawPath(s.join("src.bin")), to: RawPath("n.bin"), expecting: TargetHelpers.expect(content),
                                         existing: .overwrite)
        try target.commit(again)
        #expect(TargetHelpers.read(RawPath(s.join("target/n.bin"))) == content)
    }
}
