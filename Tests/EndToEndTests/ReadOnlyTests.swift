import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Promise 1: sources are read-only. A scan changes no byte, mode, time or name in the tree.
@Suite(.timeLimit(.minutes(2))) struct ReadOnlyTests {
    @Test func scanLeavesTheTreeExactlyAsItWas() throws {
        let w = try Workspace("readonly", [
            .file("docs/contract.pdf", Fixtures.pdf, mtime: 1_300_000_000),
            .file("docs/copy.pdf", Fixtures.pdf, mtime: 1_300_000_000),
            .file("images/logo.png", Fixtures.png, mode: 0o600, mtime: 1_350_000_000),
            .file("mail/note.eml", Fixtures.email, mode: 0o444),
            .file("big.bin", Fixtures.bytes(3 << 20, seed: 3)),  // several read chunks
            .file("empty.txt", []),
            .file(RawPath(bytes: Array("scans/".utf8) + ScanEndToEndTests.cp1251Name), Array("cp1251".utf8)),
            .fifo("pipe"),
            .symlink("link", to: "docs/contract.pdf"),
            .symlink("dangling", to: "nowhere"),
            .dir("empty-folder", mode: 0o700),
        ])
        let root = RawPath(w.share)

        // Bytes first (reading them here may touch access times), then old access times on every
        // file, so that any read without O_NOATIME would show (relatime updates an atime older than a day).
        var contents: [RawPath: [UInt8]] = [:]
        for (path, e) in RawTree.snapshot(w.share) where e.mode & S_IFMT == S_IFREG {
            contents[path] = RawTree.contents(root.appending(path))
        }
        let oldAtime = 1_000_000_000
        for (path, e) in RawTree.snapshot(w.share) where e.mode & S_IFMT == S_IFREG || e.mode & S_IFMT == S_IFDIR {
            RawTree.setAtime(root.appending(path), seconds: oldAtime) // folders too: they are opened O_NOATIME
        }
        var before = RawTree.snapshot(w.share)
        // Taking the snapshot listed each folder after recording it: put their atimes back, and
        // record them again with lstat alone (setting an atime also moves the ctime).
        for (path, e) in before where e.mode & S_IFMT == S_IFDIR {
            RawTree.setAtime(root.appending(path), seconds: oldAtime)
            before[path] = RawTree.lstatOf(root.appending(path))
        }
        #expect(contents.count == 7)

        // Does this file system record reads in atime at all (not mounted noatime)? A control file
        // outside the share, read the ordinary way, tells.
        let control = RawPath(w.scratch.join("control.txt"))
        try Tree.make(at: w.scratch.path, [.text("control.txt", "control")])
        RawTree.setAtime(control, seconds: oldAtime)
        _ = RawTree.contents(control)
        let atimeIsRecorded = RawTree.lstatOf(control)?.atime.tv_sec != oldAtime

        let r = try w.scan()
        #expect(r.exitCode == 3, "the FIFO and the dangling link are problems: \(r)")

        let after = RawTree.snapshot(w.share)
        #expect(Set(after.keys) == Set(before.keys), "no entry appeared or disappeared in the share")
        for (path, b) in before {
            guard let a = after[path] else { continue }
            #expect(a.mode == b.mode, "mode of \(path)")
            #expect(a.size == b.size, "size of \(path)")
            #expect(a.inode == b.inode, "inode of \(path) (replaced?)")
            #expect(a.mtime == b.mtime, "mtime of \(path)")
            #expect(a.ctime == b.ctime, "ctime of \(path): its metadata was written")
            #expect(a.linkTarget == b.linkTarget, "link target of \(path)")
            if atimeIsRecorded && (b.mode & S_IFMT == S_IFREG || b.mode & S_IFMT == S_IFDIR) {
                #expect(a.atime == b.atime, "atime of \(path): it was read or listed without O_NOATIME")
            }
        }
        for (path, bytes) in contents {
            #expect(RawTree.contents(root.appending(path)) == bytes, "content of \(path)")
        }
        // The scan did read the files it leaves untouched.
        let files = try w.list("files")
        #expect(files.values.filter { ($0["sha256"] as? String)?.count == 64 }.count == 7, "\(files.keys)")
    }
}
