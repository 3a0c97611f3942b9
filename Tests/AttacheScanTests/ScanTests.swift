import AttacheCatalog
import AttacheModel
import AttacheSystem
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheScan

/// A catalog in a scratch folder and a tree to scan.
struct Fixture {
    let scratch = Scratch("scan")
    var root: String { scratch.join("share") }
    let catalog: Catalog

    init(_ nodes: [Node]) throws {
        try Tree.make(at: scratch.join("share"), nodes)
        catalog = try Catalog(path: scratch.join("attache.db"))
    }

    func scan(workers: Int = 2, faults: ReadFaults = ReadFaults(), exclude: [PathGlob] = [],
              cancel: Cancellation = Cancellation()) throws -> ScanResult {
        try Scanner.run(catalog: catalog, options: ScanOptions(roots: [ScanRoot(path: root)], exclude: exclude, workers: workers,
                                                               faults: faults, batchSize: 3), cancel: cancel)
    }

    func files(includeGone: Bool = false) throws -> [String: FileRecord] {
        var out: [String: FileRecord] = [:]
        try catalog.forEachFile(includeGone ? .all : .present) { out[$0.path.display] = $0 }
        return out
    }
}

@Suite(.timeLimit(.minutes(2))) struct ScanTests {
    @Test func inventoriesEveryFileAndEveryProblem() throws {
        let cp1251 = RawPath(bytes: Array("scans/".utf8) + [0xD1, 0xF7, 0xE5, 0xF2] + Array(".pdf".utf8)) // "Счет.pdf"
        let f = try Fixture([
            .file("storage/2014/March/week2/1001_Invoice.pdf", Fixtures.pdf),
            .file("customers/Acme/2015/Invoice copy.pdf", Fixtures.pdf), // duplicate content
            .file("customers/Acme/logo.png", Fixtures.png),
            .file("notes/export.doc", Fixtures.html), // a .doc that is really HTML
            .file("mail/contract.eml", Fixtures.email),
            .text("abc.txt", "abc"),
            .file("empty.pdf", []),
            .file(cp1251, Fixtures.pdf),
            .fifo("spool/printer.fifo"),
            .symlink("latest.pdf", to: "storage/2014/March/week2/1001_Invoice.pdf"),
            .symlink("dangling.pdf", to: "gone/away.pdf"),
            .symlink("loop", to: "loop"),
        ])
        let r = try f.scan()
        #expect(r.status == .completed)
        #expect(r.counts.seen == 12)
        #expect(r.counts.new == 12)
        #expect(r.counts.read == 8)
        #expect(r.hasProblems)
        #expect(r.findings[.specialFile] == 1)
        #expect(r.findings[.symlink] == 1)
        #expect(r.findings[.brokenSymlink] == 1)
        #expect(r.findings[.symlinkLoop] == 1)
        #expect(r.findings[.nameNotUTF8] == 1)

        let files = try f.files()
        #expect(files.count == 12)
        #expect(files["abc.txt"]?.sha256?.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(files["abc.txt"]?.category == .text)
        #expect(files["customers/Acme/logo.png"]?.category == .image)
        #expect(files["mail/contract.eml"]?.category == .email)
        #expect(files["empty.pdf"]?.category == .empty)
        let doc = try #require(files["notes/export.doc"])
        #expect(doc.category == .html)
        #expect(doc.extensionMismatch)
        #expect(files["customers/Acme/logo.png"]?.extensionMismatch == false)
        // The name that is not UTF-8: kept as bytes, still hashed.
        let bad = try #require(files[cp1251.display])
        #expect(bad.path == cp1251)
        #expect(bad.status == .ok)
        #expect(bad.sha256 == files["customers/Acme/2015/Invoice copy.pdf"]?.sha256)
        #expect(bad.sha256 != nil)
        #expect(bad.problem == .nameNotUTF8)
        // Special entries: listed, never opened.
        #expect(files["spool/printer.fifo"]?.status == .special)
        #expect(files["spool/printer.fifo"]?.sha256 == nil)
        #expect(files["latest.pdf"]?.stat.kind == .symlink)
        // Duplicates: three copies of the PDF (one under a non-UTF-8 name).
        let groups = try f.catalog.duplicateGroups()
        #expect(groups.count == 1)
        #expect(groups[0].files.count == 3)
        #expect(groups[0].reclaimable == Int64(2 * Fixtures.pdf.count))
    }

    @Test func aRescanOfAnUnchangedTreeReadsNothing() throws {
        let f = try Fixture((0..<20).map { .file("d\($0 % 4)/f\($0).bin", Fixtures.bytes(10_000 + $0, seed: UInt64($0))) })
        let first = try f.scan()
        #expect(first.bytesHashed == (0..<20).reduce(Int64(0)) { $0 + Int64(10_000 + $1) })
        let again = try f.scan()
        #expect(again.bytesHashed == 0)
        #expect(again.counts.read == 0)
        #expect(again.counts.unchanged == 20)
        #expect(again.counts.new == 0 && again.counts.changed == 0 && again.counts.gone == 0)
        #expect(!again.hasProblems)
    }

    @Test func aRescanReadsOnlyWhatChangedAndKeepsHistory() throws {
        let f = try Fixture([.text("keep.txt", "keep"), .text("edit.txt", "v1"), .text("remove.txt", "bye"),
                             .text("touch.txt", "same")])
        _ = try f.scan()
        try Data("version two".utf8).write(to: URL(fileURLWithPath: f.root + "/edit.txt"))
        try FileManager.default.removeItem(atPath: f.root + "/remove.txt")
        try Data("brand new".utf8).write(to: URL(fileURLWithPath: f.root + "/new.txt"))
        Tree.setMtime(RawPath(f.root + "/touch.txt"), 1_000_000_000) // same size, other mtime
        let r = try f.scan()
        #expect(r.counts.changed == 2)
        #expect(r.counts.new == 1)
        #expect(r.counts.gone == 1)
        #expect(r.counts.unchanged == 1)
        #expect(r.bytesHashed == Int64("version two".utf8.count + "brand new".utf8.count + "same".utf8.count))
        let present = try f.files()
        #expect(present["remove.txt"] == nil)
        let all = try f.files(includeGone: true)
        #expect(all["remove.txt"]?.status == .gone) // history kept
        // It comes back: a new file again, read again.
        try Data("bye".utf8).write(to: URL(fileURLWithPath: f.root + "/remove.txt"))
        let back = try f.scan()
        #expect(back.counts.new == 1)
        #expect(try f.files()["remove.txt"]?.status == .ok)
    }

    @Test func unreadableFilesAreProblemsAndAreRetriedNextTime() throws {
        let f = try Fixture([.text("a.txt", "a"), .text("locked.pdf", "secret"), .text("z.txt", "z")])
        let denied = ReadFaults(openError: { $0.display.hasSuffix("/locked.pdf") ? EACCES : nil })
        let r = try f.scan(faults: denied)
        #expect(r.hasProblems)
        #expect(r.findings[.permissionDenied] == 1)
        var files = try f.files()
        #expect(files["locked.pdf"]?.status == .unreadable)
        #expect(files["locked.pdf"]?.problem == .permissionDenied)
        #expect(files["a.txt"]?.status == .ok && files["z.txt"]?.status == .ok) // the scan went on
        // Access fixed (the file itself unchanged): the next scan reads it and the problem is gone.
        let fixed = try f.scan()
        #expect(fixed.bytesHashed == Int64("secret".utf8.count))
        #expect(!fixed.hasProblems)
        files = try f.files()
        #expect(files["locked.pdf"]?.status == .ok)
        #expect(files["locked.pdf"]?.problem == nil)
        #expect(try f.catalog.findings().isEmpty)
    }

    @Test func aFileChangingDuringEveryReadIsFlagged() throws {
        let f = try Fixture([.text("busy.log", "line\n"), .text("calm.txt", "calm")])
        let path = f.root + "/busy.log"
        let growing = ReadFaults(afterChunk: { p, _ in
            guard p.display == path else { return }
            let h = FileHandle(forWritingAtPath: path)!
            h.seekToEndOfFile(); h.write(Data("more\n".utf8)); h.closeFile()
        })
        let r = try f.scan(faults: growing)
        #expect(r.findings[.changedWhileReading] == 1)
        let files = try f.files()
        #expect(files["busy.log"]?.status == .unreadable)
        #expect(files["busy.log"]?.sha256 == nil) // an untrustworthy hash is not stored
        #expect(files["calm.txt"]?.status == .ok)
    }

    @Test func aCancelledScanCommitsWhatItReadAndTheNextRunFinishes() throws {
        let f = try Fixture((0..<30).map { .file("f\($0).bin", Fixtures.bytes(5_000, seed: UInt64($0) + 100)) })
        let cancel = Cancellation()
        let counter = Counter()
        let stopAfterTen = ReadFaults(afterChunk: { _, _ in if counter.increment() == 10 { cancel.cancel() } })
        let r = try f.scan(workers: 1, faults: stopAfterTen, cancel: cancel)
        #expect(r.status == .interrupted)
        let partial = try f.files()
        #expect(partial.count >= 10 && partial.count < 30)
        #expect(partial.values.allSatisfy { $0.status == .ok && $0.sha256 != nil })
        #expect(try f.catalog.integrityCheck() == "ok")
        #expect(try f.catalog.scanRuns().first?.status == .interrupted)
        // The counts say what was done: new = rows written, the rest not read yet; the run's row agrees.
        #expect(r.counts.new == partial.count, "\(r.counts)")
        #expect(r.counts.read == partial.count, "\(r.counts)")
        #expect(r.counts.notReadYet == 30 - partial.count, "\(r.counts)")
        #expect(try f.catalog.scanRuns().first?.counts == r.counts)
        let rest = try f.scan()
        #expect(rest.status == .completed)
        #expect(rest.counts.new == 30 - partial.count)
        #expect(rest.counts.unchanged == partial.count)
        #expect(try f.files().count == 30)
    }

    @Test func aQuickLookKeepsTheAliasesAManifestRegistered() throws {
        let f = try Fixture([.text("x.txt", "x")])
        _ = try Scanner.run(catalog: f.catalog, options: ScanOptions(roots: [ScanRoot(path: f.root, aliases: ["K:\\"], caseInsensitive: true)]))
        _ = try Scanner.run(catalog: f.catalog, options: ScanOptions(roots: [ScanRoot(path: f.root)]))
        let root = try #require(try f.catalog.roots().first)
        #expect(root.aliases == ["K:\\"])
        #expect(root.caseInsensitive)
    }

    @Test func aScanStoppedBeforeItsWalkEndsMarksNothingGone() throws {
        let f = try Fixture((0..<10).map { .text("d\($0)/f.txt", "\($0)") })
        _ = try f.scan()
        let cancel = Cancellation()
        cancel.cancel()
        let r = try f.scan(cancel: cancel)
        #expect(r.status == .interrupted)
        #expect(r.counts.gone == 0)
        #expect(try f.files().count == 10)
        #expect(try f.catalog.scanRuns().first?.status == .interrupted)
    }

    @Test func excludedPathsAreNotCatalogued() throws {
        let f = try Fixture([.text("a/.snapshot/hourly/x.txt", "x"), .text("a/y.txt", "y")])
        let r = try f.scan(exclude: [try PathGlob("**/.snapshot/**")])
        #expect(r.counts.excluded == 1)
        #expect(try f.files().keys.sorted() == ["a/y.txt"])
    }

    @Test func aMissingRootIsAnErrorBeforeAnythingIsWritten() throws {
        let f = try Fixture([.text("x.txt", "x")])
        #expect(throws: ScanError.self) {
            _ = try Scanner.run(catalog: f.catalog, options: ScanOptions(roots: [ScanRoot(path: f.root), ScanRoot(path: f.root + "/nope")]))
        }
        #expect(try f.catalog.scanRuns().isEmpty)
        #expect(try f.catalog.roots().isEmpty)
    }

    @Test func twoScansOfTheSameTreeGiveTheSameCatalogRows() throws {
        let nodes: [Node] = (0..<15).map { .file("x/\(14 - $0).dat", Fixtures.bytes(100 + $0, seed: UInt64($0))) }
        let a = try Fixture(nodes), b = try Fixture(nodes)
        _ = try a.scan(workers: 1)
        _ = try b.scan(workers: 2)
        let ra = try a.files().values.sorted { $0.path < $1.path }.map { [$0.path.display, $0.sha256?.hex ?? "", $0.mime ?? ""] }
        let rb = try b.files().values.sorted { $0.path < $1.path }.map { [$0.path.display, $0.sha256?.hex ?? "", $0.mime ?? ""] }
        #expect(ra == rb)
    }
}

@Suite struct ScheduleTests {
    @Test func veryLargeFilesGoFirstTheRestInWalkOrder() {
        func item(_ name: String, _ size: Int64) -> WorkItem {
            WorkItem(rootID: 1, path: RawPath(name), root: RawPath("/r"),
                     stat: FileStat(kind: .regular, size: size, mtime: Timestamp(nanoseconds: 0), ctime: Timestamp(nanoseconds: 0),
                                    key: FileKey(device: 1, inode: 1), mode: 0o100644), nameProblem: nil)
        }
        let work = [item("a", 100), item("huge", 200 << 20), item("b", 5), item("big", 50 << 20), item("c", 7)]
        #expect(ReadPhase.schedule(work).map(\.path.display) == ["huge", "big", "a", "b", "c"])
        #expect(ReadPhase.schedule([item("x", 1), item("y", 2)]).map(\.path.display) == ["x", "y"])
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
}

@Suite struct PairingTests {
    static func stat(_ n: Int64) -> FileStat {
        FileStat(kind: .regular, size: n, mtime: Timestamp(nanoseconds: 0), ctime: Timestamp(nanoseconds: 0),
                 key: FileKey(device: 1, inode: UInt64(n)), mode: 0o100644)
    }

    /// The merge of the walk with the catalog's rows finds the same pairs as a table would,
    /// in walk order and out of it (the fallback), with rows missing on either side.
    @Test func theMergeFindsWhatATableFinds() {
        let walkPaths = ["a/x", "a/y/z", "a b/x", "a-b", "a.txt", "ab", "b/\u{444}.pdf", "c"]
        let priorPaths = ["c", "a.txt", "gone/old", "a/x", "a b/x", "zz", "a/y/z"]
        let entries = walkPaths.enumerated().map { WalkEntry(path: RawPath($1), stat: Self.stat(Int64($0)), linkTarget: nil) }
        var prior = priorPaths.enumerated().map {
            PriorFile(id: Int64($0), path: RawPath($1), stat: Self.stat(Int64($0)), status: .ok, hasHash: true)
        }
        prior.sort { Walker.walkOrderPrecedes($0.path.bytes, $1.path.bytes) }
        let merged = Differ.pair(entries, prior)
        #expect(merged == Differ.pairByTable(entries, prior))
        #expect(merged.compactMap { $0 }.count == 5)
        let shuffled = [entries[3], entries[0], entries[7], entries[1]]
        #expect(Differ.pair(shuffled, prior) == Differ.pairByTable(shuffled, prior))
        #expect(Differ.pair(shuffled, prior).compactMap { $0 }.count == 3)
    }
}
