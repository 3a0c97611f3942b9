import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// What goes wrong in a real migration: a full or unwritable target, sources that changed or
/// vanished since the scan, a name the target's file system cannot hold, a stale or missing
/// plan, a quota the archives would break. Each is a clear message and its exit code.
@Suite(.timeLimit(.minutes(3))) struct ApplyFaultTests {
    static let recent = ApplyFullTests.recent, old2009 = ApplyFullTests.old2009

    /// Six kept files of 100 kB (600 kB) and one old file archived.
    static func sixHundredKB(_ label: String) throws -> Migration {
        try Migration(label, [("crm", (0..<6).map { .file("docs/file-\($0).bin", Fixtures.bytes(100_000, seed: 10 + UInt64($0)), mtime: recent) }
            + [.file("old/scan.bin", Fixtures.bytes(50_000, seed: 9), mtime: old2009)])])
    }

    @Test func aFullTargetStopsCleanlyAndResumesOnceThereIsSpace() throws {
        let m = try Self.sixHundredKB("apply-full-disk")
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        try FileManager.default.createDirectory(atPath: m.target, withIntermediateDirectories: false)
        // A real small file system when this test may mount one (root in most CI containers);
        // else the seam that fails target writes with ENOSPC after a byte budget.
        let mounted = (try? CLI.runTool(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", m.target]))?.exitCode == 0
        defer { if mounted { _ = try? CLI.runTool(["/usr/bin/umount", m.target]) } }
        let seam = mounted ? [:] : ["ATTACHE_FAULT_TARGET_FULL_AFTER_BYTES": "256000"]
        // (The seam gives each copy the budget left when it starts: one worker makes it exact.)
        let full = try m.apply(mounted ? [] : ["--workers", "1"], env: seam)
        #expect(full.exitCode == 74, "mounted tmpfs: \(mounted): \(full)")
        #expect(full.stderr.contains("full") && full.stderr.contains("free space"), "\(full)")
        #expect(full.stderr.contains("target \(m.target): cannot write crm/docs/file-"), "the message names the target and the file: \(full)")
        #expect((try jsonObject(full))["stopped"] as? String == "target", "\(full)")
        #expect(m.temporaries().isEmpty, "no temporary file is left on a full target: \(m.temporaries())")
        let placed = m.targetFiles().count
        #expect(placed >= 1 && placed < 6, "some files were placed before the target filled up (\(placed))")

        if mounted { #expect(try CLI.runTool(["/usr/bin/mount", "-o", "remount,size=4m", m.target]).exitCode == 0) }
        let resumed = try m.apply()
        #expect(resumed.exitCode == 0, "\(resumed)")
        let j = try jsonObject(resumed)
        #expect(tally(j, "copy").files == 6 - placed && tally(j, "in_place").files == placed, "only what is missing is copied: \(resumed)")
        try expectTargetMatchesPlan(m)
    }

    @Test(.enabled(if: CLI.canRunAsNobody, "needs root and setpriv to run attache as nobody"))
    func aTargetTheUserCannotWriteExits74WithPermissionDenied() throws {
        let m = try Self.sixHundredKB("apply-eacces")
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        // nobody may write the catalog, not the target (root's, mode 755).
        try FileManager.default.createDirectory(atPath: m.target, withIntermediateDirectories: false)
        chmod(m.scratch.path, 0o777)
        for suffix in ["", "-wal", "-shm"] { chmod(m.catalog + suffix, 0o666) }
        let bin = try PermissionTests.binaryForNobody(m.scratch)
        let r = try m.apply(asNobody: true, binary: bin)
        #expect(r.exitCode == 74, "\(r)")
        #expect(r.stderr.contains("permission denied"), "\(r)")
        #expect(m.targetFiles().isEmpty && m.temporaries().isEmpty)
    }

    @Test func sourcesThatChangedOrVanishedSinceTheScanAreSkippedWithTheReason() throws {
        let m = try Self.sixHundredKB("apply-changed")
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        let docs = m.root("crm") + "/docs/"
        // Same size, mtime put back: only the content says it changed. The archived one too.
        for (path, seed) in [(docs + "file-1.bin", UInt64(99)), (m.root("crm") + "/old/scan.bin", UInt64(98))] {
            let size = RawTree.lstatOf(RawPath(path))!.size
            try Tree.make(at: "/", [.file(RawPath(String(path.dropFirst())), Fixtures.bytes(size, seed: seed))])
            Tree.setMtime(RawPath(path), path.hasSuffix("scan.bin") ? Self.old2009 : Self.recent)
        }
        #expect(unlink(docs + "file-2.bin") == 0)

        let r = try m.apply()
        #expect(r.exitCode == 3, "\(r)")
        let j = try jsonObject(r)
        let skipped = (j["skipped"] as? [[String: Any]] ?? []).map { ($0["path"] as? String ?? "", $0["reason"] as? String ?? "") }
        #expect(skipped.count == 3, "\(r)")
        for name in ["docs/file-1.bin", "docs/file-2.bin", "old/scan.bin"] {
            let why = skipped.first { $0.0.hasSuffix(name) }?.1 ?? ""
            #expect(why.contains(name), "\(name): \(why)")
        }
        #expect(skipped.filter { $0.0.hasSuffix("file-1.bin") || $0.0.hasSuffix("scan.bin") }.allSatisfy { $0.1.contains("re-scan and re-plan") },
                "\(skipped)")
        #expect(tally(j, "copy").files == 4, "the rest is applied: \(r)")
        #expect(access(m.target + "/crm/docs/file-1.bin", F_OK) != 0, "a changed source is never placed")
        let mapping = try m.mapping()
        for name in ["docs/file-1.bin", "docs/file-2.bin", "old/scan.bin"] {
            let row = mapping.first { $0.path == RawPath(name) }
            guard case .pending(let why)? = row?.placement else { Issue.record("\(name): \(String(describing: row))"); continue }
            #expect(!why.isEmpty && why != "not placed yet", "\(name): the mapping says why: \(why)")
        }
        #expect(m.temporaries().isEmpty)
        // The old volume is written without the changed member.
        let volumes = m.targetFiles().keys.map(\.display).filter { $0.hasPrefix("_archive/") }
        for v in volumes {
            let listing = try ArchiveTools.bsdtarList(m.target + "/" + v)
            #expect(!listing.stdout.contains("scan.bin"), "the changed member is left out: \(listing)")
        }

        // After a re-scan and re-plan everything is placed.
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        let again = try m.apply()
        #expect(again.exitCode == 0, "\(again)")
        try expectTargetMatchesPlan(m)
    }

    @Test func aNameTooLongForTheTargetIsSkippedAndTheRestApplied() throws {
        let long = String(repeating: "Kundenkorrespondenz-", count: 5) + ".txt"  // 104 bytes: three stems are 300
        let m = try Migration("apply-longname", [("crm", [
            .file("docs/" + long, Fixtures.text("long\n"), mtime: Self.recent),
            .file("docs/short.txt", Fixtures.text("short\n"), mtime: Self.recent),
        ])])
        try m.scan()
        try m.plan("version: 1\nlayout: '{root}/{stem}{stem}{stem}.{ext}'\nrules: []\ndefault: keep\n")
        let r = try m.apply()
        #expect(r.exitCode == 3, "\(r)")
        let j = try jsonObject(r)
        let skipped = (j["skipped"] as? [[String: Any]] ?? []).compactMap { $0["reason"] as? String }
        #expect(skipped.count == 1 && skipped[0].contains("too long"), "\(r)")
        #expect(tally(j, "copy").files == 1 && access(m.target + "/crm/shortshortshort.txt", F_OK) == 0, "\(r)")
        #expect(m.temporaries().isEmpty)
    }

    @Test func aStaleOrMissingPlanIsRefused() throws {
        let m = try Self.sixHundredKB("apply-stale")
        let noCatalog = try m.apply()
        #expect(noCatalog.exitCode == 66, "\(noCatalog)")
        try m.scan()
        let noPlan = try m.apply()
        #expect(noPlan.exitCode == 66 && noPlan.stderr.contains("attache plan"), "\(noPlan)")
        try m.plan(ApplyCrashTests.policy())
        try m.scan()
        let stale = try m.apply()
        #expect(stale.exitCode == 65 && stale.stderr.contains("before the latest scan"), "\(stale)")
        try m.plan(ApplyCrashTests.policy())
        try Data("x".utf8).write(to: URL(fileURLWithPath: m.target))
        let notAFolder = try m.apply()
        #expect(notAFolder.exitCode == 66 && notAFolder.stderr.contains("it is not a folder"), "\(notAFolder)")
        try FileManager.default.removeItem(atPath: m.target)
        #expect(m.targetFiles().isEmpty)
    }

    /// The plan counts archives at ratios sampled from a few files per category; when the
    /// sample compresses far better than the rest, the real volumes outgrow the estimate.
    /// Apply measures each volume it writes and stops (exit 4) before the next one.
    @Test func archivesLargerThanTheEstimateStopApplyBeforeTheNextVolume() throws {
        // PNG-looking files (one category): 12 that compress to nothing are the ones the plan
        // samples (the first by SHA-256), 24 of random bytes are the rest.
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        let candidates = try Scratch("quota-candidates")
        var zeros: [(String, [UInt8])] = []
        for k in 0..<600 { zeros.append(("z\(k)", png + Array("flat \(k)".utf8) + [UInt8](repeating: 0, count: 60_000))) }
        let hashes = try Self.sha256s(zeros.map(\.1), in: candidates)
        let sample = zeros.indices.sorted { hashes[$0] < hashes[$1] }.prefix(12)
        let limit = hashes[sample.last!]
        var noise: [[UInt8]] = []
        var seed: UInt64 = 1_000
        while noise.count < 24 {
            let bytes = png + Fixtures.bytes(60_000, seed: seed)
            seed += 1
            if try Self.sha256s([bytes], in: candidates)[0] > limit { noise.append(bytes) }
        }
        let years = [ApplyFullTests.old2009, ApplyFullTests.old2011, ApplyFullTests.old2009 - 3 * 31_536_000]
        var nodes: [Node] = sample.enumerated().map { n, k in .file("flat/\(n).png", zeros[k].1, mtime: years[n % 3]) }
        nodes += noise.enumerated().map { n, bytes in .file("scans/\(n).png", bytes, mtime: years[n % 3]) }
        let m = try Migration("apply-quota", [("crm", nodes)])
        try m.scan()
        try m.plan(ApplyCrashTests.policy().replacingOccurrences(of: "version: 1\n", with: "version: 1\ntarget: { quota: 900 kB }\n"))
        let r = try m.apply(["--format", "json"])
        #expect(r.exitCode == 4, "\(r)")
        let j = try jsonObject(r)
        #expect(j["stopped"] as? String == "quota", "\(r)")
        let written = m.targetFiles().keys.filter { $0.display.hasSuffix(".tar.zst") }
        #expect(written.count == 1, "the first volume (~480 kB real) is written; the next would pass 900 kB: \(written)")
        #expect(m.temporaries().isEmpty)
        // Again: the volume written tells how far off the estimate is, so nothing more is written.
        let again = try m.run(["apply", "--to", m.target])
        #expect(again.exitCode == 4 && again.stdout.contains("over the") && again.stdout.contains("quota"), "\(again)")
        #expect(m.targetFiles().keys.filter { $0.display.hasSuffix(".tar.zst") }.count == 1)
    }

    /// A plan whose kept files and estimated archives do not fit is stored as infeasible; apply
    /// refuses it before writing anything.
    @Test func anInfeasiblePlanIsRefusedBeforeAnythingIsWritten() throws {
        let m = try Self.sixHundredKB("apply-infeasible")
        try m.scan()
        // 600 kB of random bytes kept under a 100 kB quota: archiving would not shrink them.
        try ApplyCrashTests.policy().replacingOccurrences(of: "version: 1\n", with: "version: 1\ntarget: { quota: 100 kB }\n")
            .write(toFile: m.policy, atomically: true, encoding: .utf8)
        let plan = try m.run(["plan", "--policy", m.policy])
        #expect(plan.exitCode == 4, "\(plan)")
        let a = try m.apply()
        #expect(a.exitCode == 4 && a.stderr.contains("does not fit"), "\(a)")
        #expect(m.targetFiles().isEmpty)
    }

    /// Two applies into one target at once: the second is refused (exit 1) and changes nothing;
    /// the first finishes undisturbed.
    @Test func aSecondApplyIntoTheSameTargetIsRefusedWhileOneRuns() throws {
        let m = try Self.sixHundredKB("apply-busy")
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        let first = try m.startApply(["--workers", "1"], env: ["ATTACHE_FAULT_APPLY_STEP_DELAY_MS": "300"])
        let deadline = Date(timeIntervalSinceNow: 30)
        while first.isRunning && m.temporaries().isEmpty && Date() < deadline { usleep(2_000) }
        let second = try m.apply()
        #expect(second.exitCode == 1 && second.stderr.contains("another 'attache apply'"), "\(second)")
        let r = first.wait(timeout: 60)
        #expect(r.exitCode == 0, "\(r)")
        try expectTargetMatchesPlan(m)
    }

    /// A volume size smaller than a file: the file fills a volume of its own (the plan's note
    /// says so), apply writes it whole, and the target verifies; a volume size under 1 MiB is
    /// a located policy error before anything is planned.
    @Test func aFileLargerThanTheVolumeSizeFillsAVolumeOfItsOwn() throws {
        let nodes: [Node] = (0..<3).map { .file("big/\($0).bin", Fixtures.bytes(1_500_000, seed: 70 + UInt64($0)), mtime: ApplyFullTests.old2009) }
        let m = try Migration("apply-volume-size", [("crm", nodes)])
        try m.scan()
        let tiny = ApplyCrashTests.policy().replacingOccurrences(of: "archive: { format: tar.zst,", with: "archive: { format: tar.zst, volume_size: 1 KB,")
        try tiny.write(toFile: m.policy, atomically: true, encoding: .utf8)
        let refused = try m.run(["plan", "--policy", m.policy])
        #expect(refused.exitCode == 65 && refused.stderr.contains("volume_size"), "\(refused)")
        try m.plan(ApplyCrashTests.policy().replacingOccurrences(of: "archive: { format: tar.zst,", with: "archive: { format: tar.zst, volume_size: 1 MiB,"))
        let notes = try m.decisions().compactMap { $0["notes"] as? String }
        #expect(notes.count == 3 && notes.allSatisfy { $0.contains("fills a volume of its own") }, "\(notes)")
        let r = try m.apply()
        #expect(r.exitCode == 0, "\(r)")
        #expect(tally(try jsonObject(r), "archives").files == 3)
        let verify = try m.run(["verify", "--to", m.target])
        #expect(verify.exitCode == 0, "\(verify)")
    }

    /// SHA-256 of each buffer (coreutils, one process for all).
    static func sha256s(_ buffers: [[UInt8]], in scratch: Scratch) throws -> [String] {
        var paths: [String] = []
        for (i, b) in buffers.enumerated() {
            let p = scratch.join("c\(i).bin")
            try Data(b).write(to: URL(fileURLWithPath: p))
            paths.append(p)
        }
        let r = try CLI.runTool(["/usr/bin/sha256sum"] + paths)
        return r.stdout.split(separator: "\n").map { String($0.prefix(64)) }
    }
}
