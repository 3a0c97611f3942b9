import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

@Suite struct TargetFolderTests {
    @Test(arguments: [
        ("../x", "contains '..'"), ("a/../../x", "contains '..'"), ("/x", "is absolute (it must be relative to the target)"), ("a//b", "has an empty component"),
        ("a/", "has an empty component"), ("", "is empty"), ("a/./b", "contains '.'"), ("a\u{0}b", "contains a NUL byte"),
    ])
    func refusesPathsThatCouldEscapeBeforeAnySystemCall(path: String, why: String) throws {
        let s = Scratch("target")
        let target = try TargetFolder(root: RawPath(s.path))
        let source = s.join("src.txt")
        try Tree.make(at: s.path, [.text("src.txt", "hello\n")])
        #expect(throws: TargetError(path: RawPath(path), reason: .invalidPath(why))) {
            _ = try target.copy(from: RawPath(source), to: RawPath(path), expecting: TargetHelpers.expect(Array("hello\n".utf8)))
        }
        // Refused before any folder was made.
        #expect(TargetHelpers.tree(s.path) == ["src.txt"])
    }

    @Test func aLinkPlantedAtAMiddleComponentBeforehandIsRefused() throws {
        let s = Scratch("target")
        try Tree.make(at: s.path, [.dir("outside"), .dir("target"), .symlink("target/a", to: s.join("outside")),
                                   .text("src.txt", "secret\n")])
        let target = try TargetFolder(root: RawPath(s.join("target")))
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("a/b/f.txt"),
                                expecting: TargetHelpers.expect(Array("secret\n".utf8)))
        }
        #expect(error?.reason == .notContained(component: RawPath("a")))
        #expect(error?.description.contains("outside the target") == true)
        #expect(TargetHelpers.tree(s.join("outside")).isEmpty)
    }

    @Test func aLinkPlantedAtAMiddleComponentDuringTheCopyIsRefused() throws {
        let s = Scratch("target")
        let content = Fixtures.bytes(10_000, seed: 7)
        try Tree.make(at: s.path, [.dir("outside"), .dir("target/a/b"), .file("src.bin", content)])
        let target = try TargetFolder(root: RawPath(s.join("target")))
        let root = s.join("target")
        let outside = s.join("outside")
        // After the first chunk: the folder moves away and a link to the outside takes its name.
        let faults = VerifiedCopyFaults(chunkSize: 1000, betweenChunks: { written in
            guard written == 1000 else { return }
            _ = rename(root + "/a", root + "/moved")
            _ = symlink(outside, root + "/a")
        })
        let error = #expect(throws: TargetError.self) {
            _ = try target.copy(from: RawPath(s.join("src.bin")), to: RawPath("a/b/f.bin"),
                                expecting: TargetHelpers.expect(content), faults: faults)
        }
        #expect(error?.reason == .notContained(component: RawPath("a/b")) || error?.reason == .notContained(component: RawPath("a")))
        #expect(TargetHelpers.tree(outside).isEmpty)
        #expect(TargetHelpers.tree(root + "/moved") == ["b"])  // neither the file nor its temporary
    }

    @Test func foldersAreCreatedWithMode0755WhateverTheUmask() throws {
        let s = Scratch("target")
        try Tree.make(at: s.path, [.dir("target"), .text("src.txt", "x")])
        let old = umask(0o077)
        defer { umask(old) }
        let target = try TargetFolder(root: RawPath(s.join("target")))
        _ = try target.copy(from: RawPath(s.join("src.txt")), to: RawPath("a/b/x.txt"), expecting: TargetHelpers.expect([0x78]))
        #expect(TargetHelpers.lstatOf(RawPath(s.join("target/a")))!.st_mode & 0o7777 == 0o755)
        #expect(TargetHelpers.lstatOf(RawPath(s.join("target/a/b")))!.st_mode & 0o7777 == 0o755)
        #expect(TargetHelpers.lstatOf(RawPath(s.join("target/a/b/x.txt")))!.st_mode & 0o7777 == 0o644)
    }

    @Test func staleTemporariesAreFoundAndRemovedWithoutFollowingLinks() throws {
        let s = Scratch("target")
        // 999999999 is above any pid_max: no such process runs.
        try Tree.make(at: s.path, [
            .text("target/.attache-tmp-999999999-2", "partial"), .text("target/deep/er/.attache-tmp-999999998-4", "partial"),
            .text("target/.attache-other", "kept"), .text("target/deep/kept.txt", "kept"),
            .text("target/.attache-tmp-notes.txt", "a user's file that only starts like ours"),
            .text("target/.attache-tmp-\(getpid())-7", "this process's own: still being written"),
            .text("target/.attache-tmp-1-2", "pid 1 runs: its writer may be alive"),
            .text("outside/.attache-tmp-999999997-9", "not ours to remove"),
            .symlink("target/linked", to: s.join("outside")),
            .symlink("target/.attache-tmp-999999996-1", to: s.join("outside/.attache-tmp-999999997-9")),
        ])
        let target = try TargetFolder(root: RawPath(s.join("target")))
        let removed = try target.removeStaleTemporaries()
        #expect(removed == [RawPath(".attache-tmp-999999999-2"), RawPath("deep/er/.attache-tmp-999999998-4")])
        #expect(TargetHelpers.tree(s.join("target")) == [
            ".attache-other", ".attache-tmp-1-2", ".attache-tmp-\(getpid())-7", ".attache-tmp-999999996-1", ".attache-tmp-notes.txt",
            "deep", "deep/er", "deep/kept.txt", "linked",
        ])
        #expect(TargetHelpers.tree(s.join("outside")) == [".attache-tmp-999999997-9"])
        #expect(try target.removeStaleTemporaries().isEmpty)
        // A later crash's leftovers are found by the same TargetFolder (each sweep lists the root afresh).
        try Tree.make(at: s.path, [.text("target/.attache-tmp-999999995-6", "partial")])
        #expect(try target.removeStaleTemporaries() == [RawPath(".attache-tmp-999999995-6")])
    }

    @Test func aMissingRootIsAClearError() {
        let error = #expect(throws: TargetError.self) { _ = try TargetFolder(root: RawPath("/nonexistent/attache-target")) }
        #expect(error?.errno == ENOENT)
        #expect(error?.description.contains("/nonexistent/attache-target") == true)
    }
}
