import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The LD_PRELOAD shim `scripts/faults/faultshim.c` (built here with cc; not part of the
/// product): it makes the binary's own libc calls fail — read, open, write, rename, fsync — on
/// paths matching a pattern, or changes a file right after a read. Every test also asserts
/// that the shim did inject (its log is not empty), so a code path that stopped going through
/// libc would fail here, not pass silently. With `ATTACHE_FAULTS_TALLY=FILE` every injected
/// fault is also appended to FILE (scripts/proof/faults.sh counts them).
enum FaultShim {
    static let library: Result<String, HarnessError> = {
        let out = FileManager.default.temporaryDirectory.path + "/attache-faultshim-\(getpid()).so"
        let script = AttacheBinary.packageRoot + "/scripts/faults/build.sh"
        guard let r = try? CLI.runTool(["/bin/sh", script, out]), r.exitCode == 0 else {
            return .failure(HarnessError("cannot build the fault shim with cc (scripts/faults/build.sh)"))
        }
        return .success(out)
    }()

    /// The environment that injects `fault` (CALL:ERROR) on paths containing `path`.
    static func env(_ fault: String, path: String, log: String, after: Int = 0, times: Int? = nil) throws -> [String: String] {
        var e = ["LD_PRELOAD": try library.get(), "ATTACHE_SHIM_FAULT": fault, "ATTACHE_SHIM_PATH": path,
                 "ATTACHE_SHIM_LOG": log, "ATTACHE_SHIM_AFTER": "\(after)"]
        if let times { e["ATTACHE_SHIM_TIMES"] = "\(times)" }
        return e
    }

    /// The faults the shim injected (one line each), added to the proof's tally.
    static func injected(_ log: String) -> [String] {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        if let tally = ProcessInfo.processInfo.environment["ATTACHE_FAULTS_TALLY"], !text.isEmpty,
           let h = FileHandle(forWritingAtPath: tally) ?? (FileManager.default.createFile(atPath: tally, contents: nil) ? FileHandle(forWritingAtPath: tally) : nil) {
            h.seekToEndOfFile()
            h.write(Data(text.utf8))
            h.closeFile()
        }
        return text.split(separator: "\n").map(String.init)
    }
}

@Suite(.timeLimit(.minutes(3))) struct FaultInjectionTests {
    static let recent = ApplyFullTests.recent, old2009 = ApplyFullTests.old2009

    /// Six kept files of 100 kB and one old file archived (as in ApplyFaultTests).
    static func migration(_ label: String) throws -> Migration { try ApplyFaultTests.sixHundredKB(label) }

    static func problems(_ m: Migration) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in try listItems(try m.run(["list", "problems", "--format", "json"])) {
            out[item["path"] as? String ?? ""] = item["code"] as? String
        }
        return out
    }

    // MARK: scan

    /// read → EIO, open → EACCES, and a file growing or shrinking while it is hashed (at every
    /// try: the scan reads a changed file three times): the scan finishes with the file's
    /// finding, every other file hashed; the next scan reads it.
    @Test(arguments: [("read:EIO", "io-error"), ("open:EACCES", "permission-denied"),
                      ("read:grow", "changed-while-reading"), ("read:shrink", "changed-while-reading")])
    func aScanFaultIsAFindingAndTheNextScanReadsTheFile(_ fault: String, _ code: String) throws {
        let m = try Self.migration("fault-scan-" + fault.replacingOccurrences(of: ":", with: "-"))
        let victim = "docs/file-3.bin"
        let log = m.scratch.join("shim.log")
        let before = SourceManifest(m.roots)
        let once = fault.hasSuffix("EIO") || fault.hasSuffix("EACCES")
        let r = try m.run(["scan", m.root("crm")],
                          env: try FaultShim.env(fault, path: m.root("crm") + "/" + victim, log: log, times: once ? 1 : nil))
        #expect(!FaultShim.injected(log).isEmpty, "the scan's \(fault.split(separator: ":")[0]) goes through libc")
        #expect(r.exitCode == 3, "finished, with a finding: \(r)")
        let problems = try Self.problems(m)
        #expect(problems == [victim: code], "\(problems)")
        let files = try m.run(["list", "files", "--format", "json"])
        let hashed = try listItems(files).filter { ($0["sha256"] as? String)?.count == 64 }.map { $0["path"] as? String ?? "" }
        #expect(hashed.count == 6 && !hashed.contains(victim), "every other file is hashed: \(hashed)")
        if fault.hasPrefix("read:") && !fault.hasSuffix("EIO") {
            #expect(SourceManifest(m.roots) != before, "the shim changed the file")
        } else {
            #expect(SourceManifest(m.roots) == before, "sources untouched")
        }

        let again = try m.run(["scan", m.root("crm")])
        #expect(again.exitCode == 0, "\(again)")
        #expect(try Self.problems(m).isEmpty)
    }

    /// A file that changes once while it is hashed is read again: the catalog holds the hash
    /// of what the file holds now, and no finding.
    @Test func aFileChangingOnceWhileHashedIsReadAgain() throws {
        let m = try Self.migration("fault-scan-once")
        let victim = m.root("crm") + "/docs/file-3.bin"
        let log = m.scratch.join("shim.log")
        let r = try m.run(["scan", m.root("crm")], env: try FaultShim.env("read:grow", path: victim, log: log, times: 1))
        #expect(FaultShim.injected(log).count == 1)
        #expect(r.exitCode == 0, "\(r)")
        #expect(try Self.problems(m).isEmpty)
        let row = try listItems(try m.run(["list", "files", "--format", "json"])).first { $0["path"] as? String == "docs/file-3.bin" }
        #expect(row?["sha256"] as? String == (try sha256sum([victim]))[victim], "the hash of the file as it is now")
        #expect(int(row?["size"]) == 104_096, "\(String(describing: row))")
    }

    // MARK: apply

    /// write → ENOSPC / EDQUOT, fsync → EIO in the target: apply stops cleanly (74) with the
    /// reason, leaves no temporary file, its journal is closed; the next run places the rest
    /// and the target verifies.
    /// (fsync after 0 calls: the flush of a batch's staged bytes; after 1: the flush of its
    /// names, once the files are named — they must not stay under names the journal does not
    /// own; after 2 and 3: the archive volume's bytes, then its folder once it is named.)
    @Test(arguments: [("write:ENOSPC", 2), ("write:EDQUOT", 2), ("fsync:EIO", 0), ("fsync:EIO", 1), ("fsync:EIO", 2), ("fsync:EIO", 3)])
    func aTargetFaultStopsApplyAndTheNextRunResumes(_ fault: String, _ after: Int) throws {
        let m = try Self.migration("fault-apply-" + fault.replacingOccurrences(of: ":", with: "-") + "-\(after)")
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        let log = m.scratch.join("shim.log")
        let before = SourceManifest(m.roots)
        // A batch of staged copies is flushed with syncfs on the target's root, twice.
        let r = try m.apply(["--workers", "1"], env: try FaultShim.env(fault, path: m.target, log: log, after: after))
        #expect(!FaultShim.injected(log).isEmpty, "apply's \(fault.split(separator: ":")[0]) goes through libc")
        #expect(r.exitCode == 74, "\(r)")
        #expect(r.stderr.contains("target \(m.target): cannot write"), "the message names the target and the file: \(r)")
        if fault.hasPrefix("write") { #expect(r.stderr.contains("the target is full"), "\(r)") }
        #expect((try jsonObject(r))["stopped"] as? String == "target", "\(r)")
        #expect(m.temporaries().isEmpty, "\(m.temporaries())")
        let placed = m.targetFiles().count
        #expect(placed < 7, "stopped before the end (\(placed) placed)")
        let journal = try jsonObject(try m.run(["apply", "--to", m.target, "--dry-run", "--format", "json"]))
        #expect(tally(journal, "in_place").files == placed, "the journal holds what was placed: \(journal)")

        let resumed = try m.apply()
        #expect(resumed.exitCode == 0, "\(resumed)")
        #expect(tally(try jsonObject(resumed), "in_place").files == placed, "only what is missing is written")
        try expectTargetMatchesPlan(m)
        let verify = try m.run(["verify", "--to", m.target])
        #expect(verify.exitCode == 0, "\(verify)")
        #expect(SourceManifest(m.roots) == before)
    }

    /// Every write to the target returns half of what it was given: apply writes the rest
    /// itself; everything is placed whole and verifies.
    @Test func shortWritesToTheTargetAreCompleted() throws {
        let m = try Self.migration("fault-apply-short")
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        let log = m.scratch.join("shim.log")
        let r = try m.apply(env: try FaultShim.env("write:short", path: m.target + "/", log: log))
        #expect(FaultShim.injected(log).count >= 7, "every file's writes were cut short")
        #expect(r.exitCode == 0, "\(r)")
        try expectTargetMatchesPlan(m)
        #expect(try m.run(["verify", "--to", m.target]).exitCode == 0)
    }

    /// A source that grows or shrinks while apply copies it (after its first 1 MiB chunk): it
    /// is not placed (the reason says it changed), the rest is; no partial file; after a
    /// re-scan and re-plan it is placed.
    @Test(arguments: ["read:grow", "read:shrink"])
    func aSourceChangingWhileCopiedIsNotPlaced(_ fault: String) throws {
        let m = try Migration("fault-apply-" + fault.replacingOccurrences(of: ":", with: "-"), [("crm", [
            .file("docs/big.bin", Fixtures.bytes(3_000_000, seed: 77), mtime: Self.recent),
            .file("docs/small.bin", Fixtures.bytes(10_000, seed: 78), mtime: Self.recent),
        ])])
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        let log = m.scratch.join("shim.log")
        let victim = m.root("crm") + "/docs/big.bin"
        let r = try m.apply(env: try FaultShim.env(fault, path: victim, log: log, times: 1))
        #expect(!FaultShim.injected(log).isEmpty)
        #expect(r.exitCode == 3, "\(r)")
        let skipped = (try jsonObject(r)["skipped"] as? [[String: Any]] ?? []).map { $0["reason"] as? String ?? "" }
        #expect(skipped.count == 1 && skipped[0].contains("docs/big.bin") && skipped[0].contains("changed"), "\(skipped)")
        #expect(access(m.target + "/crm/docs/big.bin", F_OK) != 0, "never placed")
        #expect(access(m.target + "/crm/docs/small.bin", F_OK) == 0, "the rest is placed")
        #expect(m.temporaries().isEmpty)
        try m.scan()
        try m.plan(ApplyCrashTests.policy())
        #expect(try m.apply().exitCode == 0)
        try expectTargetMatchesPlan(m)
    }

    // MARK: atomic writes

    /// `report --out` replaces its file whole: with write → ENOSPC / EDQUOT, rename → EIO or
    /// fsync → EIO it exits 74, the old report stays byte for byte and nothing else is left in
    /// its folder; with short writes it completes.
    @Test(arguments: ["write:ENOSPC", "write:EDQUOT", "rename:EIO", "fsync:EIO", "write:short"])
    func anAtomicWriteKeepsTheOldFile(_ fault: String) throws {
        let m = try Self.migration("fault-atomic-" + fault.replacingOccurrences(of: ":", with: "-"))
        try m.scan()
        let folder = m.scratch.join("out")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let file = folder + "/report.json"
        try Data("the old report\n".utf8).write(to: URL(fileURLWithPath: file))
        let log = m.scratch.join("shim.log")
        let r = try m.run(["report", "--format", "json", "--out", file], env: try FaultShim.env(fault, path: folder + "/", log: log))
        #expect(!FaultShim.injected(log).isEmpty, "the report's \(fault.split(separator: ":")[0]) goes through libc")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"], "no temporary file is left")
        let now = try String(contentsOfFile: file, encoding: .utf8)
        if fault == "write:short" {
            #expect(r.exitCode == 0, "\(r)")
            #expect((try? JSONSerialization.jsonObject(with: Data(now.utf8))) != nil, "the whole report: \(now.prefix(200))")
        } else {
            #expect(r.exitCode == 74, "\(r)")
            #expect(r.stderr.contains(file), "the message names the file: \(r)")
            #expect(now == "the old report\n", "the old file is kept")
        }
    }
}
