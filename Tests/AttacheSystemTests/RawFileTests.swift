import AttacheModel
import AttacheSystem
import AttacheTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The read-only raw-byte layer the record readers use: regular files only, links refused
/// unless followed on purpose, a FIFO never waited on, names kept as bytes.
@Suite struct RawFileTests {
    @Test func readsAWholeFileAndItsPrefix() throws {
        let s = Scratch("rawfile")
        let content = Fixtures.bytes(600_000, seed: 7)   // more than one chunk
        try Tree.make(at: s.path, [.file("a.bin", content)])
        #expect(try RawFile.readAll(s.raw(RawPath("a.bin")), followLinks: false).get() == content)
        let fd = try RawFile.openRegular(s.raw(RawPath("a.bin")), followLinks: false).get()
        defer { close(fd) }
        #expect(try RawFile.readPrefix(fd, count: 100).get() == Array(content.prefix(100)))
        try Tree.make(at: s.path, [.text("short", "abc")])
        let short = try RawFile.openRegular(s.raw(RawPath("short")), followLinks: false).get()
        defer { close(short) }
        #expect(try RawFile.readPrefix(short, count: 100).get() == Array("abc".utf8))
    }

    @Test func refusesLinksFoldersAndSpecialFilesWithoutBlocking() throws {
        let s = Scratch("rawfile-kinds")
        try Tree.make(at: s.path, [.text("real.txt", "x"), .symlink("link.txt", to: "real.txt"), .dir("folder"), .fifo("pipe")])
        // A link is refused unless links are followed on purpose (the source's own path may be one).
        #expect(throws: PosixError(code: ELOOP)) { try RawFile.openRegular(s.raw(RawPath("link.txt")), followLinks: false).get() }
        let followed = try RawFile.openRegular(s.raw(RawPath("link.txt")), followLinks: true).get()
        close(followed)
        #expect(throws: PosixError(code: EISDIR)) { try RawFile.openRegular(s.raw(RawPath("folder")), followLinks: true).get() }
        // A FIFO with no writer: opened non-blocking, then refused (it would hang a blocking open).
        #expect(throws: PosixError(code: EINVAL)) { try RawFile.openRegular(s.raw(RawPath("pipe")), followLinks: false).get() }
        #expect(try RawFile.kind(of: s.raw(RawPath("link.txt")), followLinks: false).get() == .symlink)
        #expect(try RawFile.kind(of: s.raw(RawPath("link.txt")), followLinks: true).get() == .regular)
        #expect(throws: PosixError(code: ENOENT)) { try RawFile.kind(of: s.raw(RawPath("absent")), followLinks: true).get() }
    }

    @Test func listsAFolderOnRawBytesWithoutFollowingLinks() throws {
        let s = Scratch("rawfile-list")
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9]   // "café" in Latin-1: not UTF-8
        try Tree.make(at: s.path, [
            .text("notes/a.txt", "a"), .file(RawPath(Array("notes/".utf8) + latin1), [1]), .dir("notes/sub"),
            .symlink("notes/up", to: ".."), .text("notes/.hidden", "h"),
        ])
        let entries = try RawFile.list(s.raw(RawPath("notes"))).get().sorted { $0.name < $1.name }
        #expect(entries == [
            DirectoryEntry(name: RawPath(".hidden"), kind: .regular), DirectoryEntry(name: RawPath("a.txt"), kind: .regular),
            DirectoryEntry(name: RawPath(latin1), kind: .regular), DirectoryEntry(name: RawPath("sub"), kind: .directory),
            DirectoryEntry(name: RawPath("up"), kind: .symlink),
        ])
        #expect(throws: PosixError(code: ENOTDIR)) { try RawFile.list(s.raw(RawPath("notes/a.txt"))).get() }
    }
}
