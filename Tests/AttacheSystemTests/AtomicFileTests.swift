import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

@Suite struct AtomicFileTests {
    /// The names in a folder (temporary files included: they start with a dot).
    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    static func mode(_ path: String) -> mode_t {
        var st = stat()
        return stat(path, &st) == 0 ? st.st_mode & 0o7777 : 0
    }

    /// A file's bytes, opened by its raw path.
    static func readAll(_ path: RawPath) -> [UInt8]? {
        var z = path.bytes
        z.append(0)
        let fd = z.withUnsafeBufferPointer { b in b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { open($0, O_RDONLY) } }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            out.append(contentsOf: buf[..<n])
        }
        return out
    }

    @Test func writesTheContentWithExactlyTheMode() throws {
        let s = Scratch("atomic")
        let old = umask(0o077)
        defer { umask(old) }
        try AtomicFile.write(Array("hello\n".utf8), to: s.join("a.txt"), mode: 0o640)
        #expect(FileManager.default.contents(atPath: s.join("a.txt")) == Data("hello\n".utf8))
        #expect(Self.mode(s.join("a.txt")) == 0o640, "the umask does not change the mode asked for")
        #expect(Self.names(s.path) == ["a.txt"], "no temporary file is left")
    }

    @Test func replacesAnExistingFileWhole() throws {
        let s = Scratch("atomic")
        try Array(repeating: UInt8(ascii: "x"), count: 10_000).write(to: s.join("m.yaml"))
        let inodeBefore = try #require(FileManager.default.attributesOfItem(atPath: s.join("m.yaml"))[.systemFileNumber] as? Int)
        try AtomicFile.write(Array("short".utf8), to: s.join("m.yaml"))
        #expect(FileManager.default.contents(atPath: s.join("m.yaml")) == Data("short".utf8))
        let inodeAfter = try #require(FileManager.default.attributesOfItem(atPath: s.join("m.yaml"))[.systemFileNumber] as? Int)
        #expect(inodeAfter != inodeBefore, "a new file was renamed over the old one (not rewritten in place)")
        #expect(Self.names(s.path) == ["m.yaml"])
    }

    @Test func aFailureBeforeTheRenameKeepsTheOldFileAndLeavesNoTemporaryFile() throws {
        let s = Scratch("atomic")
        try Array("old content".utf8).write(to: s.join("keep.csv"))
        let seen = Tally()
        let faults = AtomicFileFaults(beforeRename: { tmp in
            // The new content is complete in the temporary file, beside the destination.
            if FileManager.default.contents(atPath: tmp.display) == Data("new content".utf8) { seen.add() }
            return ENOSPC
        })
        #expect(throws: AtomicFileError.self) {
            try AtomicFile.write(Array("new content".utf8), to: s.join("keep.csv"), faults: faults)
        }
        #expect(seen.value == 1)
        #expect(FileManager.default.contents(atPath: s.join("keep.csv")) == Data("old content".utf8))
        #expect(Self.names(s.path) == ["keep.csv"])
    }

    @Test func theErrorSaysWhichFileAndWhy() throws {
        let s = Scratch("atomic")
        do {
            try AtomicFile.write([1, 2, 3], to: s.join("no/such/folder/x.bin"))
            Issue.record("writing into a missing folder succeeded")
        } catch {
            #expect(error.description.contains(s.join("no/such/folder/x.bin")), "\(error)")
            #expect(error.description.contains("No such file or directory"), "\(error)")
        }
    }

    @Test func streamingWritesCommitWhenTheBodyReturns() throws {
        let s = Scratch("atomic")
        let dest = s.raw(RawPath(bytes: Array("caf".utf8) + [0xE9] + Array(".bin".utf8)))  // not UTF-8
        let total = try AtomicFile.write(to: dest, mode: 0o600) { w in
            for i in 0..<64 {
                try w.write([UInt8](repeating: UInt8(i), count: 65_536))
            }
            #expect(Self.names(s.path).count == 1, "only the temporary file exists while writing")
            return w.bytesWritten
        }
        #expect(total == 64 * 65_536)
        let data = try #require(Self.readAll(dest))
        #expect(data.count == 64 * 65_536)
        #expect(data[65_536 * 63] == 63)
        #expect(Self.names(s.path).count == 1)
    }

    @Test func streamingWritesThatThrowLeaveNothing() throws {
        let s = Scratch("atomic")
        try Array("before".utf8).write(to: s.join("out.html"))
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try AtomicFile.write(to: RawPath(s.join("out.html"))) { w in
                try w.write(Array("<html>half".utf8))
                throw Stop()
            }
        }
        #expect(FileManager.default.contents(atPath: s.join("out.html")) == Data("before".utf8))
        #expect(Self.names(s.path) == ["out.html"])
    }

    @Test func aWriterDroppedWithoutCommitRemovesItsTemporaryFile() throws {
        let s = Scratch("atomic")
        var tmp: RawPath?
        do {
            let w = try AtomicWriter(path: RawPath(s.join("x")))
            try w.write([1])
            tmp = w.temporaryPath
            #expect(Self.names(s.path).count == 1)
        }
        #expect(tmp != nil)
        #expect(Self.names(s.path).isEmpty)
    }

    /// A writer killed mid-write (SIGKILL: no deinit) leaves its temporary file; the next atomic
    /// write into the folder removes it (and any other file's whose writer is gone: the folder is
    /// swept once per process), but not one whose process still runs.
    @Test func theNextWriteRemovesWhatAKilledWriterLeft() throws {
        let s = Scratch("atomic")
        let dead = try Self.pidOfAnEndedProcess()
        let killed = ".links.csv.attache-tmp-\(dead)-12345"
        let running = ".links.csv.attache-tmp-\(getppid())-1"
        let other = ".links.json.attache-tmp-\(dead)-7"
        for name in [killed, running, other] { try Array("partial".utf8).write(to: s.join(name)) }
        try AtomicFile.write(Array("whole\n".utf8), to: s.join("links.csv"))
        #expect(Self.names(s.path) == [running, "links.csv"].sorted(), "\(other) and \(killed) are gone")
    }

    static func pidOfAnEndedProcess() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }
}

extension Array where Element == UInt8 {
    func write(to path: String) throws { try Data(self).write(to: URL(fileURLWithPath: path)) }
}

/// `--out /dev/null`, `--out /dev/stdout` and a FIFO: a destination that is not a regular
/// file is written to, never replaced (as root, a rename over /dev/null destroys the device).
@Suite struct AtomicStreamTests {
    static func kind(_ path: String) -> mode_t {
        var st = stat()
        return lstat(path, &st) == 0 ? st.st_mode & S_IFMT : 0
    }

    @Test(.enabled(if: getuid() == 0, "needs root to make a device node"))
    func aCharacterDeviceIsWrittenToNotReplaced() throws {
        let s = Scratch("atomic-dev")
        let dev = s.join("null")
        #expect(mknod(dev, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)  // makedev(1, 3): the null device
        let w = try AtomicWriter(path: RawPath(dev))
        try w.write(Array("report".utf8))
        try w.commit()
        #expect(Self.kind(dev) == S_IFCHR)
        let dropped = try AtomicWriter(path: RawPath(dev))
        try dropped.write(Array("half".utf8))
        dropped.discard()
        #expect(Self.kind(dev) == S_IFCHR, "a discarded write must not remove the device")
        #expect(AtomicFileTests.names(s.path) == ["null"])
    }

    @Test func aFIFOIsWrittenToNotReplaced() throws {
        let s = Scratch("atomic-fifo")
        let fifo = s.join("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let reader = Thread { _ = AtomicFileTests.readAll(RawPath(fifo)) }
        reader.start()
        let w = try AtomicWriter(path: RawPath(fifo))
        try w.write(Array("streamed".utf8))
        try w.commit()
        #expect(Self.kind(fifo) == S_IFIFO)
        #expect(AtomicFileTests.names(s.path) == ["pipe"])
    }

    @Test func aFolderIsRefused() throws {
        let s = Scratch("atomic-dir")
        let error = #expect(throws: AtomicFileError.self) { _ = try AtomicWriter(path: RawPath(s.path)) }
        #expect(error?.error.code == EISDIR)
        #expect(AtomicFileTests.names(s.path).isEmpty)
    }
}
