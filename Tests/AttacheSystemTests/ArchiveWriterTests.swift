import AttacheModel
import AttacheTestSupport
import CArchive
import Foundation
import Testing
@testable import AttacheSystem

/// The archive writer: every format read back by libarchive and by bsdtar, GNU tar and unzip;
/// unsafe names refused; identical content stored once; nothing left behind on failure.
@Suite struct ArchiveWriterTests {
    static let cp1251: RawPath = RawPath(bytes: [0xC4, 0xEE, 0xEA] + Array(".txt".utf8))  // "Док" in cp1251: not UTF-8

    /// Member names and the source contents: plain, nested, Cyrillic, CJK, and not UTF-8.
    static let samples: [(name: RawPath, content: [UInt8])] = [
        (RawPath("readme.txt"), Fixtures.text("hello\n")),
        (RawPath("sub/deeper/data.bin"), Fixtures.bytes(300_000, seed: 7)),
        (RawPath("Документы/отчёт.txt"), Fixtures.text("отчёт\n")),
        (RawPath("資料/報告.pdf"), Fixtures.pdf),
        (RawPath(bytes: Array("legacy/".utf8) + cp1251.bytes), Fixtures.text("cp1251 name\n")),
        (RawPath("empty.txt"), []),
    ]

    /// Writes the samples' sources (`src/0`… and one with a non-UTF-8 source name) and returns their paths.
    static func sources(_ scratch: Scratch) throws -> [RawPath] {
        try Tree.make(at: scratch.join("src"), samples.enumerated().map { i, s in
            .file(i == 4 ? cp1251 : RawPath("\(i)"), s.content, mtime: 1_600_000_000 + i)
        })
        return samples.indices.map { i in scratch.raw(RawPath("src")).appending(i == 4 ? cp1251 : RawPath("\(i)")) }
    }

    static func names(_ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    // MARK: - Round trips

    @Test(arguments: ArchiveFormat.allCases)
    func roundTripsThroughLibarchive(format: ArchiveFormat) throws {
        let scratch = Scratch("arch")
        let paths = try Self.sources(scratch)
        _ = mkdir(scratch.join("out"), 0o755)
        let target = RawPath(scratch.join("out/a.\(format.fileExtension)"))
        let writer = try ArchiveWriter(path: target, format: format)
        for (path, sample) in zip(paths, Self.samples) { try writer.add(path, as: sample.name) }
        let result = try writer.finish()

        #expect(Self.names(scratch.join("out")) == ["a.\(format.fileExtension)"])
        let bytes = try #require(AtomicFileTests.readAll(target))
        #expect(result.size == Int64(bytes.count))
        #expect(result.sha256 == ContentHash(bytes: SHA256Digest.of(bytes)))
        #expect(result.members.map(\.name) == Self.samples.map(\.name))
        #expect(result.members.map(\.sha256) == Self.samples.map { ContentHash(bytes: SHA256Digest.of($0.content)) })

        let read = try ArchiveReading.entries(target)
        #expect(read.map(\.name) == Self.samples.map(\.name) + [ArchiveWriter.manifestName])
        for (entry, sample) in zip(read, Self.samples) {
            #expect(entry.data.count == sample.content.count && entry.data == sample.content, "\(entry.name): \(entry.data.count) bytes")
            #expect(entry.mode == 0o100644, "\(entry.name)")
        }
        #expect(read[1].mtime == 1_600_000_001)
        let manifest = String(decoding: try #require(read.last).data, as: UTF8.self)
        #expect(manifest.contains("  legacy/\\xC4\\xEE\\xEA.txt\n"))
        #expect(manifest.split(separator: "\n").count == Self.samples.count)
    }

    @Test(arguments: ArchiveFormat.allCases)
    func externalToolsListAndExtractEveryName(format: ArchiveFormat) throws {
        let scratch = Scratch("arch")
        let paths = try Self.sources(scratch)
        let target = RawPath(scratch.join("a.\(format.fileExtension)"))
        let writer = try ArchiveWriter(path: target, format: format)
        for (path, sample) in zip(paths, Self.samples) { try writer.add(path, as: sample.name) }
        _ = try writer.finish()

        let expected = Set(Self.samples.map(\.name) + [ArchiveWriter.manifestName])
        let tools: [(list: [String], extract: (String) -> [String])]
        switch format {
        case .tarZstd:
            tools = [(["bsdtar", "-tf", target.display], { ["bsdtar", "-xf", target.display, "-C", $0] }),
                     (["tar", "--zstd", "--quoting-style=literal", "-tf", target.display],
                      { ["tar", "--zstd", "-xf", target.display, "-C", $0] })]
        case .tarGzip:
            tools = [(["bsdtar", "-tf", target.display], { ["bsdtar", "-xf", target.display, "-C", $0] }),
                     (["tar", "-z", "--quoting-style=literal", "-tf", target.display], { ["tar", "-zxf", target.display, "-C", $0] })]
        case .zip:
            tools = [(["bsdtar", "-tf", target.display], { ["bsdtar", "-xf", target.display, "-C", $0] }),
                     (["unzip", "-Z1", target.display], { ["unzip", "-q", target.display, "-d", $0] })]
        }
        for (i, tool) in tools.enumerated() {
            let listed = Set(try Tools.run(tool.list).split(separator: UInt8(ascii: "\n")).map { RawPath(bytes: Array($0)) })
            // bsdtar shows the bytes that are not text in the locale as octal escapes; the others list them as they are.
            let shown = tool.list[0] == "bsdtar"
                ? Set(expected.map { $0.isValidUTF8 ? $0 : RawPath("legacy/\\304\\356\\352.txt") }) : expected
            #expect(listed == shown, "\(tool.list)")
            let into = scratch.join("x\(i)")
            _ = mkdir(into, 0o755)
            _ = try Tools.run(tool.extract(into))
            for sample in Self.samples {
                #expect(AtomicFileTests.readAll(RawPath(into).appending(sample.name)) == sample.content, "\(tool.list[0]): \(sample.name)")
            }
        }
    }

    @Test func streamsA20MegabyteMember() throws {
        let scratch = Scratch("arch")
        let content = Fixtures.bytes(20 << 20, seed: 20)
        try Tree.make(at: scratch.join("src"), [.file("big", content)])
        let target = RawPath(scratch.join("big.tar.zst"))
        let writer = try ArchiveWriter(path: target)
        let member = try writer.add(RawPath(scratch.join("src/big")), as: RawPath("big.bin"))
        _ = try writer.finish()
        #expect(member.size == Int64(content.count))
        #expect(member.sha256 == ContentHash(bytes: SHA256Digest.of(content)))
        #expect(try ArchiveReading.entries(target).first?.data.elementsEqual(content) == true)
    }

    // MARK: - Names

    @Test(arguments: ["../x", "/etc/x", "a/../../x", "a//b", "./a", "a/", ""])
    func refusesANameThatCouldEscape(name: String) throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("f", "x")])
        let writer = try ArchiveWriter(path: RawPath(scratch.join("a.tar.zst")))
        #expect {
            try writer.add(RawPath(scratch.join("src/f")), as: RawPath(name))
        } throws: { error in
            guard case .unsafeName(let shown, _) = error as? ArchiveWriterError else { return false }
            return shown == name
        }
        // The refusal wrote nothing: the archive is still good, and holds only its manifest.
        let result = try writer.finish()
        #expect(result.members.isEmpty)
        #expect(try ArchiveReading.entries(result.path).map(\.name) == [ArchiveWriter.manifestName])
    }

    @Test func refusesTheManifestsNameAndANameTwice() throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("f", "x")])
        let writer = try ArchiveWriter(path: RawPath(scratch.join("a.zip")), format: .zip)
        let source = RawPath(scratch.join("src/f"))
        #expect(throws: ArchiveWriterError.reservedName("manifest-sha256.txt")) { try writer.add(source, as: ArchiveWriter.manifestName) }
        try writer.add(source, as: RawPath("f"))
        #expect(throws: ArchiveWriterError.duplicateName("f")) { try writer.add(source, as: RawPath("f")) }
        #expect(ArchiveWriterError.unsafeName("../x", reason: "r").description == "refusing archive member name '../x': r")
    }

    @Test func manifestLinesKeepOneNamePerLine() {
        #expect(ArchiveMemberName.manifestSpelling(RawPath("a%b\nc\td\re")) == "a%25b%0Ac%09d%0De")
        #expect(ArchiveMemberName.manifestSpelling(RawPath(bytes: [0x61, 0xFF])) == "a\\xFF")
        #expect(ArchiveMemberName.manifestSpelling(RawPath("отчёт/報告")) == "отчёт/報告")
    }

    // MARK: - Identical content

    @Test(arguments: [ArchiveFormat.tarZstd, .zip])
    func storesIdenticalContentOnce(format: ArchiveFormat) throws {
        let scratch = Scratch("arch")
        let same = Fixtures.bytes(50_000, seed: 3)
        try Tree.make(at: scratch.join("src"), [.file("a", same), .file("b", same), .file("c", same), .text("d", "other")])
        let src = { (n: String) in RawPath(scratch.join("src/\(n)")) }
        let writer = try ArchiveWriter(path: RawPath(scratch.join("a.\(format.fileExtension)")), format: format)
        let first = try writer.add(src("a"), as: RawPath("one/a.bin"))
        let second = try writer.add(src("b"), as: RawPath("two/b.bin"))
        let third = try writer.add(src("c"), as: RawPath("three/c.bin"), knownHash: first.sha256)
        try writer.add(src("d"), as: RawPath("d.txt"))
        let result = try writer.finish()

        #expect(!first.isDuplicate)
        #expect(second.storedAs == RawPath("one/a.bin") && second.sha256 == first.sha256 && second.size == 50_000)
        #expect(third.storedAs == RawPath("one/a.bin"))
        let entries = try ArchiveReading.entries(result.path)
        #expect(entries.map(\.name) == [RawPath("one/a.bin"), RawPath("d.txt"), ArchiveWriter.manifestName])
        let manifest = String(decoding: entries[2].data, as: UTF8.self)
        let h = first.sha256.hex
        #expect(manifest == "\(h)  one/a.bin\n\(result.members[3].sha256.hex)  d.txt\n"
            + "\(h)  two/b.bin\tsame as one/a.bin\n\(h)  three/c.bin\tsame as one/a.bin\n")
    }

    @Test func aWrongKnownHashStillStoresTheRealContent() throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("a", "first"), .text("b", "changed since the scan")])
        let writer = try ArchiveWriter(path: RawPath(scratch.join("a.tar.gz")), format: .tarGzip)
        let first = try writer.add(RawPath(scratch.join("src/a")), as: RawPath("a"))
        let second = try writer.add(RawPath(scratch.join("src/b")), as: RawPath("b"), knownHash: first.sha256)
        #expect(!second.isDuplicate && second.sha256 != first.sha256)
        #expect(try ArchiveReading.entries(try writer.finish().path).map(\.name).count == 3)
    }

    // MARK: - Nothing left behind

    @Test func aReadErrorMidwayLeavesNothing() throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("a", "fine"), .file("b", Fixtures.bytes(3 << 20, seed: 1))])
        _ = mkdir(scratch.join("out"), 0o755)
        let faults = ArchiveWriterFaults(afterChunk: { path, bytes in path.lastComponent == RawPath("b") && bytes > 1 << 20 ? EIO : nil })
        let writer = try ArchiveWriter(path: RawPath(scratch.join("out/a.tar.zst")), faults: faults)
        try writer.add(RawPath(scratch.join("src/a")), as: RawPath("a"))
        #expect(throws: ArchiveWriterError.unreadableSource(path: scratch.join("src/b"), PosixError(code: EIO))) {
            try writer.add(RawPath(scratch.join("src/b")), as: RawPath("b"))
        }
        #expect(Self.names(scratch.join("out")).isEmpty)
        #expect(throws: ArchiveWriterError.closed) { try writer.finish() }
    }

    @Test(arguments: ["fifo", "missing"])
    func anUnreadableSourceLeavesNothing(kind: String) throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("a", "fine"), .fifo("fifo")])
        _ = mkdir(scratch.join("out"), 0o755)
        let writer = try ArchiveWriter(path: RawPath(scratch.join("out/a.zip")), format: .zip)
        try writer.add(RawPath(scratch.join("src/a")), as: RawPath("a"))
        #expect(throws: ArchiveWriterError.self) { try writer.add(RawPath(scratch.join("src/\(kind)")), as: RawPath("b")) }
        #expect(Self.names(scratch.join("out")).isEmpty)
    }

    @Test func cancellingBetweenMembersLeavesNothing() throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("a", "one"), .text("b", "two")])
        _ = mkdir(scratch.join("out"), 0o755)
        let cancellation = Cancellation()
        let writer = try ArchiveWriter(path: RawPath(scratch.join("out/a.tar.zst")), cancellation: cancellation)
        try writer.add(RawPath(scratch.join("src/a")), as: RawPath("a"))
        #expect(Self.names(scratch.join("out")).count == 1)  // the temporary file, while it is written
        cancellation.cancel()
        #expect(throws: ArchiveWriterError.cancelled) { try writer.add(RawPath(scratch.join("src/b")), as: RawPath("b")) }
        #expect(Self.names(scratch.join("out")).isEmpty)
    }

    @Test func aDroppedWriterLeavesNothing() throws {
        let scratch = Scratch("arch")
        try Tree.make(at: scratch.join("src"), [.text("a", "one")])
        _ = mkdir(scratch.join("out"), 0o755)
        do {
            let writer = try ArchiveWriter(path: RawPath(scratch.join("out/a.tar.gz")), format: .tarGzip)
            try writer.add(RawPath(scratch.join("src/a")), as: RawPath("a"))
        }
        #expect(Self.names(scratch.join("out")).isEmpty)
    }
}
