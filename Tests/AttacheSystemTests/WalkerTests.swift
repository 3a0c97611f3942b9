import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// Collects what a walk reports.
struct Recorder: WalkVisitor {
    var stopAfter = Int.max
    var shouldStop: Bool { entries.count >= stopAfter }
    var entries: [WalkEntry] = []
    var findings: [(RawPath, ProblemCode, String)] = []
    var excluded: [RawPath] = []
    mutating func entry(_ e: WalkEntry) { entries.append(e) }
    mutating func finding(_ p: RawPath, _ c: ProblemCode, _ d: String) { findings.append((p, c, d)) }
    mutating func excluded(_ p: RawPath) { excluded.append(p) }
    func codes(_ path: String) -> [ProblemCode] { findings.filter { $0.0 == RawPath(path) }.map(\.1) }
}

@Suite(.timeLimit(.minutes(5))) struct WalkerTests {
    @Test func walksInByteOrderWithoutFollowingSymlinks() throws {
        let s = Scratch("walk")
        try Tree.make(at: s.path, [
            .text("b/2.txt", "two"), .text("a/1.txt", "one"), .text("c.txt", "c"),
            .symlink("link-to-a", to: "a"), // a folder symlink: not entered
        ])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r)
        #expect(r.entries.map(\.path.display) == ["a/1.txt", "b/2.txt", "c.txt", "link-to-a"])
        let link = r.entries.first { $0.path == RawPath("link-to-a") }!
        #expect(link.stat.kind == .symlink)
        #expect(link.linkTarget == RawPath("a"))
        #expect(r.codes("link-to-a") == [.symlink])
    }

    @Test func specialFilesAreListedNeverOpened() throws {
        let s = Scratch("special")
        try Tree.make(at: s.path, [.fifo("pipe"), .socket(RawPath("sock")), .text("ok.txt", "x")])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r) // would block forever if the FIFO were opened
        #expect(r.entries.first { $0.path == RawPath("pipe") }?.stat.kind == .fifo)
        #expect(r.entries.first { $0.path == RawPath("sock") }?.stat.kind == .socket)
        #expect(r.codes("pipe") == [.specialFile])
        #expect(r.codes("sock") == [.specialFile])
    }

    @Test func brokenAndLoopingSymlinksAreFindings() throws {
        let s = Scratch("links")
        try Tree.make(at: s.path, [
            .symlink("dangling", to: "nowhere/at/all"), .symlink("self", to: "self"),
            .symlink("ping", to: "pong"), .symlink("pong", to: "ping"),
        ])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r)
        #expect(r.codes("dangling") == [.brokenSymlink])
        #expect(r.codes("self") == [.symlinkLoop])
        #expect(r.codes("ping") == [.symlinkLoop])
        #expect(r.codes("pong") == [.symlinkLoop])
    }

    @Test func namesThatAreNotUTF8AreKeptAsBytes() throws {
        let s = Scratch("bytes")
        let bad = RawPath(bytes: [0xC4, 0xEE, 0xE3, 0xEE, 0xE2, 0xEE, 0xF0, 0x2E, 0x64, 0x6F, 0x63]) // "Договор.doc" in cp1251
        try Tree.make(at: s.path, [.file(bad, Array("x".utf8))])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r)
        #expect(r.entries.map(\.path) == [bad])
        #expect(r.findings.map(\.1) == [.nameNotUTF8])
        #expect(r.entries[0].path.display == "\\xC4\\xEE\\xE3\\xEE\\xE2\\xEE\\xF0.doc")
    }

    @Test func nfcAndNfdTwinsAreReported() throws {
        let s = Scratch("nfc")
        let nfc = "Caf\u{E9}.pdf", nfd = "Cafe\u{301}.pdf"
        try Tree.make(at: s.path, [.text(nfc, "1"), .text(nfd, "2"), .text("Other.pdf", "3")])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r)
        #expect(r.entries.count == 3)
        #expect(r.codes(nfc) == [.nameLookalike])
        #expect(r.codes(nfd) == [.nameLookalike])
        #expect(r.codes("Other.pdf").isEmpty)
    }

    @Test func pathsLongerThanPathMaxAreWalkedAndFlagged() throws {
        let s = Scratch("deep")
        let segment = String(repeating: "d", count: 200)
        let dirs = Array(repeating: segment, count: 22).joined(separator: "/") // ~4.4 KB
        try Tree.make(at: s.path, [.text(dirs + "/deep.txt", "deep content")])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r)
        #expect(r.entries.map(\.path.display) == [dirs + "/deep.txt"])
        #expect(r.findings.contains { $0.1 == .pathTooLong && $0.0 == RawPath(dirs + "/deep.txt") })
        // ...and the reader can still open it.
        let reader = try ContentReader()
        guard case .read(_, _, _, let bytes) = reader.read(RawPath(s.path).appending(r.entries[0].path)) else {
            Issue.record("a path longer than PATH_MAX could not be read"); return
        }
        #expect(bytes == 12)
    }

    @Test func excludedFoldersAreNotEntered() throws {
        let s = Scratch("excl")
        try Tree.make(at: s.path, [.text("a/.snapshot/old.txt", "x"), .text("a/keep.txt", "k"), .text("b/x.tmp", "t")])
        var r = Recorder()
        try Walker(root: RawPath(s.path), exclude: [try PathGlob("**/.snapshot/**"), try PathGlob("*.tmp")]).walk(&r)
        #expect(r.entries.map(\.path.display) == ["a/keep.txt"])
        #expect(r.excluded.map(\.display) == ["a/.snapshot", "b/x.tmp"])
    }

    @Test func aVisitorCanStopTheWalk() throws {
        let s = Scratch("stop")
        try Tree.make(at: s.path, (0..<6).map { .text("d\($0)/f.txt", "x") })
        var r = Recorder()
        r.stopAfter = 2
        try Walker(root: RawPath(s.path)).walk(&r)
        #expect(r.entries.map(\.path.display) == ["d0/f.txt", "d1/f.txt"])
    }

    @Test func unusableRootsThrow() throws {
        let s = Scratch("root")
        try Tree.make(at: s.path, [.text("file.txt", "x")])
        var r = Recorder()
        #expect(throws: Walker.RootError.notFound(s.join("missing"))) { try Walker(root: RawPath(s.join("missing"))).walk(&r) }
        #expect(throws: Walker.RootError.notADirectory(s.join("file.txt"))) { try Walker(root: RawPath(s.join("file.txt"))).walk(&r) }
    }
}

@Suite struct ReaderTests {
    @Test func hashesAndClassifiesFromOneRead() throws {
        let s = Scratch("read")
        try Tree.make(at: s.path, [.text("abc.txt", "abc"), .file("doc.pdf", Fixtures.pdf), .file("img.png", Fixtures.png),
                                   .file("empty.pdf", [])])
        let reader = try ContentReader()
        guard case .read(let hash, let mime, _, let n) = reader.read(RawPath(s.join("abc.txt"))) else { Issue.record("not read"); return }
        #expect(hash.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") // FIPS 180-2 "abc"
        #expect(mime == "text/plain")
        #expect(n == 3)
        guard case .read(_, let pdfMime, _, _) = reader.read(RawPath(s.join("doc.pdf"))) else { Issue.record("pdf"); return }
        #expect(pdfMime == "application/pdf")
        guard case .read(_, let pngMime, _, _) = reader.read(RawPath(s.join("img.png"))) else { Issue.record("png"); return }
        #expect(pngMime == "image/png")
        guard case .read(let emptyHash, let emptyMime, _, _) = reader.read(RawPath(s.join("empty.pdf"))) else { Issue.record("empty"); return }
        #expect(emptyHash.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(emptyMime == "inode/x-empty")
        #expect(reader.bytesRead == Int64(3 + Fixtures.pdf.count + Fixtures.png.count))
    }

    @Test func hashOfAMultiChunkFileMatchesSha256sum() throws {
        let s = Scratch("big")
        let content = Fixtures.bytes(3 * ContentReader.chunkSize + 12345, seed: 7)
        try Tree.make(at: s.path, [.file("big.bin", content)])
        let reader = try ContentReader()
        guard case .read(let hash, _, _, let n) = reader.read(RawPath(s.join("big.bin"))) else { Issue.record("not read"); return }
        #expect(n == Int64(content.count))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        p.arguments = [s.join("big.bin")]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(hash.hex == String(out.prefix(64)))
    }

    @Test func sameContentIsClassifiedOnceAcrossReaders() throws {
        let s = Scratch("cache")
        try Tree.make(at: s.path, [.file("a.pdf", Fixtures.pdf), .file("copy/b.pdf", Fixtures.pdf), .file("c.png", Fixtures.png)])
        let cache = MimeCache()
        let one = try ContentReader(cache: cache), two = try ContentReader(cache: cache)
        guard case .read(_, let m1, _, _) = one.read(RawPath(s.join("a.pdf"))),
              case .read(_, let m2, _, _) = two.read(RawPath(s.join("copy/b.pdf"))),
              case .read(_, let m3, _, _) = two.read(RawPath(s.join("c.png"))) else { Issue.record("not read"); return }
        #expect(m1 == "application/pdf" && m2 == "application/pdf" && m3 == "image/png")
        #expect(one.classifications == 1)
        #expect(two.classifications == 1) // the PNG only: the copy of the PDF came from the cache
    }

    @Test func htmlWhoseTagComesAfterTheFirstLookIsStillHTML() throws {
        // A CRM note export: a long comment header, then the document. libmagic finds the
        // tag only when shown up to 4 KiB; the first look at 2 KiB sees plain text.
        let s = Scratch("html")
        let page = Array(("<!-- " + String(repeating: "exported by CRM v2.1; ", count: 100) + "-->\n").utf8)
        let doc = Array("<!DOCTYPE html>\n<html><body><p>Note</p></body></html>\n".utf8)
        var content = Array(String(repeating: "Plain header line of the export\n", count: 70).utf8) // > 2 KiB, no tag
        content += doc + page
        try Tree.make(at: s.path, [.file("note.txt", content), .file("page.htm", page + doc)])
        #expect(content.count > MagicClassifier.firstSampleSize)
        #expect(MagicClassifier.hasTag(content.withUnsafeBytes { $0 }, from: 2048, to: 4096))
        let reader = try ContentReader()
        guard case .read(_, let mime, _, _) = reader.read(RawPath(s.join("note.txt"))) else { Issue.record("not read"); return }
        #expect(mime == "text/html")
    }

    @Test func genericAnswersAreAskedAgainWithTheWholeSample() {
        // What libmagic says of an OLE2 or ZIP container's first 4 KiB may become Word, Excel,
        // Outlook or DOCX with more bytes; specific answers are final.
        for generic in ["application/CDFV2", "application/CDFV2-unknown", "application/zip", "application/octet-stream",
                        "application/x-ole-storage"] {
            #expect(MagicClassifier.isGeneric(generic), "\(generic)")
        }
        for specific in ["application/pdf", "text/plain", "text/html", "application/msword", "image/jpeg",
                         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"] {
            #expect(!MagicClassifier.isGeneric(specific), "\(specific)")
        }
    }

    @Test func injectedOpenErrorsBecomeProblems() throws {
        let s = Scratch("fault")
        try Tree.make(at: s.path, [.text("locked.pdf", "x")])
        let reader = try ContentReader(faults: ReadFaults(openError: { _ in EACCES }))
        guard case .failed(let code, let detail, _, _) = reader.read(RawPath(s.join("locked.pdf"))) else { Issue.record("read"); return }
        #expect(code == .permissionDenied)
        #expect(detail.contains("Permission denied"))
        let eio = try ContentReader(faults: ReadFaults(openError: { _ in EIO }))
        guard case .failed(.ioError, _, _, _) = eio.read(RawPath(s.join("locked.pdf"))) else { Issue.record("eio"); return }
    }

    @Test func aFileThatKeepsChangingIsFlaggedAfterRetries() throws {
        let s = Scratch("grow")
        let path = s.join("growing.log")
        try Tree.make(at: s.path, [.text("growing.log", "start\n")])
        let reader = try ContentReader(faults: ReadFaults(afterChunk: { _, _ in
            let h = FileHandle(forWritingAtPath: path)!
            h.seekToEndOfFile(); h.write(Data("more\n".utf8)); h.closeFile()
        }))
        guard case .failed(let code, let detail, _, _) = reader.read(RawPath(path)) else { Issue.record("was trusted"); return }
        #expect(code == .changedWhileReading)
        #expect(detail.contains("3 tries"))
    }

    @Test func aFileThatChangesOnceIsReadAgainAndTrusted() throws {
        let s = Scratch("once")
        let path = s.join("once.txt")
        try Tree.make(at: s.path, [.text("once.txt", "first version")])
        let done = Flag()
        let reader = try ContentReader(faults: ReadFaults(afterChunk: { _, _ in
            guard done.setOnce() else { return }
            try? Data("second version, longer".utf8).write(to: URL(fileURLWithPath: path))
        }))
        guard case .read(_, _, let stat, let bytes) = reader.read(RawPath(path)) else { Issue.record("not read"); return }
        #expect(bytes == Int64("first version".utf8.count + "second version, longer".utf8.count)) // both tries count
        #expect(stat.size == Int64("second version, longer".utf8.count))
    }

    @Test func aFifoInPlaceOfAFileDoesNotBlock() throws {
        let s = Scratch("fifo")
        try Tree.make(at: s.path, [.fifo("was-a-file")])
        let reader = try ContentReader()
        guard case .failed(let code, _, _, _) = reader.read(RawPath(s.join("was-a-file"))) else { Issue.record("read a fifo"); return }
        #expect(code == .vanished)
    }

    @Test func dosExecutableSanityCheck() {
        // "问题" in UTF-8 starts with 0xE9, a DOS COM near jump to libmagic.
        let text = Array("问题清单\n合同编号 123\n".utf8)
        text.withUnsafeBytes { #expect(MagicClassifier.sanityCheck("application/x-dosexec", $0) == "text/plain") }
        let mz: [UInt8] = [0x4D, 0x5A, 0x90, 0x00, 0x03]
        mz.withUnsafeBytes { #expect(MagicClassifier.sanityCheck("application/x-dosexec", $0) == "application/x-dosexec") }
        let binary: [UInt8] = [0xE9, 0xFF, 0xFE, 0x00, 0x80]
        binary.withUnsafeBytes { #expect(MagicClassifier.sanityCheck("application/x-dosexec", $0) == "application/octet-stream") }
    }
}

/// A thread-safe one-shot flag.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var set = false
    func setOnce() -> Bool { lock.lock(); defer { lock.unlock() }; if set { return false }; set = true; return true }
}
