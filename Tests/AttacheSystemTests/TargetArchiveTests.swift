import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// Archives written inside a target: contained, atomic, never replacing what attache did not
/// write, and read back by ArchiveReader.
@Suite struct TargetArchiveTests {
    /// A scratch folder with the archive samples' sources, an empty `outside/` and `target/`.
    static func setUp() throws -> (Scratch, TargetFolder, [RawPath]) {
        let s = Scratch("tarch")
        let sources = try ArchiveWriterTests.sources(s)
        try Tree.make(at: s.path, [.dir("target"), .dir("outside")])
        return (s, try TargetFolder(root: RawPath(s.join("target"))), sources)
    }

    /// Adds every sample, then the second sample again under another name (a duplicate).
    static func fill(_ writer: ArchiveWriter, _ sources: [RawPath]) throws {
        for (source, sample) in zip(sources, ArchiveWriterTests.samples) { try writer.add(source, as: sample.name) }
        try writer.add(sources[1], as: RawPath("copies/data-again.bin"))
    }

    @Test(arguments: ArchiveFormat.allCases)
    func writesInsideTheTargetAndReadsBack(format: ArchiveFormat) throws {
        let (s, target, sources) = try Self.setUp()
        let path = RawPath("archives/2024/a.\(format.fileExtension)")
        let writer = try target.archiveWriter(at: path, format: format)
        try Self.fill(writer, sources)
        let result = try writer.finish()
        #expect(result.path == path)
        #expect(TargetHelpers.tree(s.join("target")) == ["archives", "archives/2024", "archives/2024/" + path.lastComponent.display])
        #expect((TargetHelpers.lstatOf(s.raw(RawPath("target")).appending(path))?.st_mode ?? 0) & 0o7777 == 0o644)

        for listing in [try target.readArchive(at: path), try ArchiveReader.read(s.raw(RawPath("target")).appending(path))] {
            let samples = ArchiveWriterTests.samples
            #expect(listing.entries.map(\.name) == samples.map(\.name) + [ArchiveWriter.manifestName])
            #expect(listing.entries.allSatisfy { $0.kind == .regular })
            for (entry, sample) in zip(listing.entries, samples) {
                #expect(entry.sha256 == TargetHelpers.sha256(sample.content), "\(entry.name)")
                #expect(entry.size == Int64(sample.content.count), "\(entry.name)")
            }
            #expect(listing.entries[1].mtime == Timestamp(seconds: 1_600_000_001, nanoseconds: 0))
            let manifest = try #require(listing.manifest)
            #expect(manifest.stored == Dictionary(uniqueKeysWithValues: samples.map { ($0.name, TargetHelpers.sha256($0.content)) }))
            #expect(manifest.stored[RawPath(bytes: Array("legacy/".utf8) + ArchiveWriterTests.cp1251.bytes)] != nil)
            #expect(manifest.duplicates == [RawPath("copies/data-again.bin"):
                .init(sha256: TargetHelpers.sha256(samples[1].content), sameAs: samples[1].name)])
        }
        let fast = try target.readArchive(at: path, hashing: false)
        #expect(fast.entries.allSatisfy { $0.sha256 == nil })
        #expect(fast.entries.map(\.size) == ArchiveWriterTests.samples.map { Int64($0.content.count) } + [fast.entries.last!.size])
        #expect(fast.manifest?.stored.count == ArchiveWriterTests.samples.count)
    }

    @Test func aLinkPlantedBeforeTheFolderIsOpenedIsRefused() throws {
        let (s, target, _) = try Self.setUp()
        try Tree.make(at: s.path, [.symlink("target/a", to: s.join("outside"))])
        let error = #expect(throws: TargetError.self) {
            _ = try target.archiveWriter(at: RawPath("a/b/x.tar.zst"), format: .tarZstd)
        }
        #expect(error?.reason == .notContained(component: RawPath("a")))
        #expect(TargetHelpers.tree(s.join("outside")).isEmpty)
    }

    @Test func aLinkPlantedBetweenAddAndFinishIsRefused() throws {
        let (s, target, sources) = try Self.setUp()
        let writer = try target.archiveWriter(at: RawPath("a/b/x.zip"), format: .zip)
        try writer.add(sources[0], as: RawPath("readme.txt"))
        #expect(TargetHelpers.temporaries(s.join("target")).count == 1)
        // The folder moves away and a link to the outside takes its name.
        #expect(rename(s.join("target/a"), s.join("target/moved")) == 0)
        #expect(symlink(s.join("outside"), s.join("target/a")) == 0)
        let error = #expect(throws: ArchiveWriterError.self) { _ = try writer.finish() }
        guard case .target(let reason) = error else { Issue.record("not a target error: \(String(describing: error))"); return }
        #expect(reason.reason == .notContained(component: RawPath("a/b")) || reason.reason == .notContained(component: RawPath("a")))
        #expect(error?.description.contains("outside the target") == true)
        #expect(TargetHelpers.tree(s.join("outside")).isEmpty)
        #expect(TargetHelpers.tree(s.join("target/moved")) == ["b"])  // neither the archive nor its temporary
    }

    @Test func somethingAtTheNameIsRefusedUnlessOverwriting() throws {
        let (s, target, sources) = try Self.setUp()
        try Tree.make(at: s.path, [.text("target/a/x.tar.gz", "theirs")])
        let early = #expect(throws: TargetError.self) { _ = try target.archiveWriter(at: RawPath("a/x.tar.gz"), format: .tarGzip) }
        #expect(early?.reason == .alreadyExists)

        // Appearing while the archive is written: the final name is still not taken over.
        let writer = try target.archiveWriter(at: RawPath("a/y.tar.gz"), format: .tarGzip)
        try writer.add(sources[0], as: RawPath("readme.txt"))
        try Tree.make(at: s.path, [.text("target/a/y.tar.gz", "theirs too")])
        let late = #expect(throws: ArchiveWriterError.self) { _ = try writer.finish() }
        #expect(late == .target(TargetError(path: RawPath("a/y.tar.gz"), reason: .alreadyExists)))
        #expect(TargetHelpers.read(s.raw(RawPath("target/a/y.tar.gz"))) == Array("theirs too".utf8))
        #expect(TargetHelpers.temporaries(s.join("target")).isEmpty)

        // The caller's journal says attache wrote it: replaced.
        let again = try target.archiveWriter(at: RawPath("a/x.tar.gz"), format: .tarGzip, existing: .overwrite)
        try again.add(sources[0], as: RawPath("readme.txt"))
        _ = try again.finish()
        #expect(try target.readArchive(at: RawPath("a/x.tar.gz")).entries.map(\.name) == [RawPath("readme.txt"), ArchiveWriter.manifestName])
        #expect(TargetHelpers.tree(s.join("target")) == ["a", "a/x.tar.gz", "a/y.tar.gz"])
    }

    @Test func aCrashLeavesATemporaryThatRemoveStaleTemporariesRemoves() async throws {
        let (s, target, _) = try Self.setUp()
        defer { withExtendedLifetime(s) {} }
        let root = s.join("target")
        let source = s.join("src/1")
        await #expect(processExitsWith: .signal(SIGKILL)) { [root = root as String, source = source as String] in
            let target = try TargetFolder(root: RawPath(root))
            let writer = try target.archiveWriter(at: RawPath("vol/a.tar.zst"), format: .tarZstd)
            try writer.add(RawPath(source), as: RawPath("data.bin"))
            kill(getpid(), SIGKILL)
        }
        let left = TargetHelpers.temporaries(root)
        #expect(left.count == 1 && left.first?.hasPrefix("vol/.attache-tmp-") == true, "\(left)")
        #expect(try target.removeStaleTemporaries() == left.map { RawPath($0) })
        #expect(TargetHelpers.tree(root) == ["vol"])
    }
}
