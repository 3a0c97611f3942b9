import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// ArchiveReader's errors and the manifest's spelling read back (round trips are in TargetArchiveTests).
@Suite struct ArchiveReaderTests {
    @Test(arguments: ArchiveFormat.allCases)
    func aTruncatedArchiveIsAClearError(format: ArchiveFormat) throws {
        let s = Scratch("rarch")
        defer { withExtendedLifetime(s) {} }
        try Tree.make(at: s.join("src"), [.file("big", Fixtures.bytes(400_000, seed: 9)), .text("small", "x")])
        let path = RawPath(s.join("a.\(format.fileExtension)"))
        let writer = try ArchiveWriter(path: path, format: format)
        try writer.add(RawPath(s.join("src/big")), as: RawPath("big.bin"))
        try writer.add(RawPath(s.join("src/small")), as: RawPath("small.txt"))
        _ = try writer.finish()
        let size = try #require(TargetHelpers.lstatOf(path)).st_size
        _ = try ArchiveReader.read(path)  // whole: fine
        #expect(truncate(path.display, size / 2) == 0)
        let error = #expect(throws: ArchiveReaderError.self) { _ = try ArchiveReader.read(path) }
        guard case .corrupt(let archive, let detail) = error else { Issue.record("not corrupt: \(String(describing: error))"); return }
        #expect(archive == path.display && !detail.isEmpty)
        #expect(error?.description.hasPrefix("the archive \(path.display) is damaged or truncated: ") == true)
    }

    @Test func anEmptyMissingOrLinkedFileIsAClearError() throws {
        let s = Scratch("rarch")
        defer { withExtendedLifetime(s) {} }
        try Tree.make(at: s.path, [.text("empty.zip", ""), .symlink("link.zip", to: "empty.zip")])
        #expect(throws: ArchiveReaderError.corrupt(archive: s.join("empty.zip"), detail: "the file is empty")) {
            _ = try ArchiveReader.read(RawPath(s.join("empty.zip")))
        }
        for name in ["missing.zip", "link.zip"] {
            let error = #expect(throws: ArchiveReaderError.self) { _ = try ArchiveReader.read(RawPath(s.join(name))) }
            guard case .unreadable = error else { Issue.record("\(name): \(String(describing: error))"); continue }
        }
        let target = try TargetFolder(root: RawPath(s.path))
        let linked = #expect(throws: ArchiveReaderError.self) { _ = try target.readArchive(at: RawPath("link.zip")) }
        #expect(linked == .target(TargetError(path: RawPath("link.zip"), reason: .notAFile(.symlink), action: "read")))
    }

    @Test func manifestSpellingsReadBackToTheRawBytes() {
        let names: [RawPath] = [
            RawPath("plain/name.txt"), RawPath("a%b\nc\td\re"), RawPath("отчёт/報告.pdf"), RawPath("back\\slash"),
            RawPath(bytes: [0x61, 0xFF, 0x5C, 0x62]),  // "a\xFF\b": not UTF-8, holding a backslash
            RawPath(bytes: [0xC4, 0xEE, 0xEA, 0x25, 0x0A]),
        ]
        for name in names {
            #expect(ManifestParser.decode(ArchiveMemberName.manifestSpelling(name)) == name, "\(name.display)")
        }
        #expect(ManifestParser.decode("bad%2") == nil)
    }

    @Test func aManifestLineTheWriterDoesNotWriteNamesItsLine() {
        let h = String(repeating: "ab", count: 32)
        let cases: [(String, Int)] = [
            ("\(h)  a\nnot a line\n", 2),
            ("\(h)  a\n\(h)  a\n", 2),
            ("\(h)  b\tsame as a\n", 1),
            ("\(h)  a\n\n\(h)  b\n", 2),
        ]
        for (text, line) in cases {
            #expect {
                _ = try ManifestParser.parse(Array(text.utf8), archive: "x.zip")
            } throws: { error in
                guard case .badManifest("x.zip", let at, _) = error as? ArchiveReaderError else { return false }
                return at == line
            }
        }
        let good = try? ManifestParser.parse(Array("\(h)  a\n\(h)  b\tsame as a\n".utf8), archive: "x.zip")
        #expect(good == ArchiveManifest(stored: [RawPath("a"): ContentHash(hex: h)!],
                                        duplicates: [RawPath("b"): .init(sha256: ContentHash(hex: h)!, sameAs: RawPath("a"))]))
    }
}
