import AttacheCatalog
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C and kill -9 in the middle of a scan: the catalog stays consistent and the next run
/// finishes the job. The test seam ATTACHE_FAULT_READ_DELAY_MS slows each chunk read down, so
/// the signal lands while files are being read.
@Suite(.timeLimit(.minutes(2))) struct InterruptTests {
    static let fileCount = 40

    /// 40 files of 100 KB, each with distinct content.
    static func workspace(_ label: String) throws -> Workspace {
        let base = Fixtures.bytes(100_000, seed: 42)
        return try Workspace(label, (0..<fileCount).map { i in
            var content = base
            withUnsafeBytes(of: UInt32(i).bigEndian) { content.replaceSubrange(0..<4, with: $0) }
            return .file("batch/file-\(i < 10 ? "0" : "")\(i).bin", content)
        })
    }

    /// Starts a slow scan and returns once it is reading files: it has opened the third file of
    /// the share (so, with one worker, two are read). No sleeps: /proc shows what it has open.
    static func startSlowScanAndWaitForReading(_ w: Workspace) throws -> ChildProcess {
        let child = try CLI.start(["scan", w.share, "--catalog", w.catalog, "--workers", "1"], cwd: w.scratch.path,
                                  env: ["ATTACHE_FAULT_READ_DELAY_MS": "100"])
        var opened = Set<String>()
        let deadline = Date(timeIntervalSinceNow: 30)
        while opened.count < 3 {
            guard child.isRunning else {
                throw HarnessError("the scan ended before it was seen reading; opened so far: \(opened.sorted())")
            }
            guard Date() < deadline else { throw HarnessError("the scan was not seen reading within 30 s") }
            for f in child.openFiles() where f.hasPrefix(w.share + "/") && f.hasSuffix(".bin") { opened.insert(f) }
            usleep(2_000)
        }
        return child
    }

    /// Every file present, with the hash sha256sum computes for it.
    static func expectAllFilesHashedCorrectly(_ w: Workspace, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = try w.list("files", sourceLocation: sourceLocation)
        #expect(files.count == fileCount, "\(files.keys.sorted())", sourceLocation: sourceLocation)
        let paths = files.keys.sorted()
        let expected = try sha256sum(paths.map { w.share + "/" + $0 })
        for p in paths {
            let got = files[p]?["sha256"] as? String
            #expect(got != nil && got == expected[w.share + "/" + p], "sha256 of \(p)", sourceLocation: sourceLocation)
            #expect(files[p]?["status"] as? String == "ok", "status of \(p)", sourceLocation: sourceLocation)
        }
    }

    @Test func sigintStopsCleanlyAndTheNextRunResumes() throws {
        let w = try Self.workspace("sigint")
        let child = try Self.startSlowScanAndWaitForReading(w)
        child.send(SIGINT)
        let r = child.wait(timeout: 30)
        #expect(r.signal == nil, "attache handles SIGINT itself: \(r)")
        #expect(r.exitCode == 130, "\(r)")
        #expect(r.stdout.contains("Interrupted"), "the summary says the scan was interrupted: \(r)")
        #expect(r.stderr.contains("stopping"), "\(r)")

        // The catalog is consistent and says what happened; what was read is kept.
        let report = try CLI.run(["report", "--format", "json", "--catalog", w.catalog], cwd: w.scratch.path)
        #expect(report.exitCode == 0, "\(report)")
        let json = try jsonObject(report)
        #expect(value(json, "last_scan.status") as? String == "interrupted", "\(report)")
        let kept = try w.list("files").values.filter { ($0["sha256"] as? String)?.count == 64 }.count
        #expect(kept >= 2, "the files read before Ctrl-C are in the catalog (\(kept))")
        #expect(kept < Self.fileCount, "the scan was stopped before the end (\(kept))")

        // Again, at full speed: only what is missing is read.
        let again = try w.scan()
        #expect(again.exitCode == 0, "\(again)")
        let unchanged = count(of: "unchanged", in: again.stdout) ?? 0
        #expect(unchanged > 0 && unchanged == kept, "the resumed run keeps what was read: \(again)")
        #expect(count(of: "new", in: again.stdout) == Self.fileCount - kept, "\(again)")
        #expect(again.stdout.contains("Read \(Self.fileCount - kept) file"), "\(again)")
        try Self.expectAllFilesHashedCorrectly(w)
        let final = try jsonObject(try CLI.run(["report", "--format", "json", "--catalog", w.catalog], cwd: w.scratch.path))
        #expect(value(final, "last_scan.status") as? String == "completed")
    }

    /// "An interrupted scan reports '3,000 new' after reading 1,163 files": the summary and the
    /// run's row count what was written, and say how many files are not read yet.
    @Test func anInterruptedScanCountsWhatItWroteAndWhatIsLeft() throws {
        let w = try Self.workspace("counts")
        let child = try Self.startSlowScanAndWaitForReading(w)
        child.send(SIGINT)
        let r = child.wait(timeout: 30)
        #expect(r.exitCode == 130, "\(r)")

        let written = try w.list("files").values.filter { ($0["sha256"] as? String)?.count == 64 }.count
        #expect(written >= 2 && written < Self.fileCount, "\(written)")
        #expect(count(of: "entries", in: r.stdout) == Self.fileCount, "\(r)")
        #expect(count(of: "new", in: r.stdout) == written, "new counts only files written to the catalog: \(r)")
        #expect(count(of: "not read yet", in: r.stdout) == Self.fileCount - written, "\(r)")
        #expect(r.stdout.contains("Read \(written) file"), "\(r)")

        // The run's row says the same.
        let json = try jsonObject(try CLI.run(["report", "--format", "json", "--catalog", w.catalog], cwd: w.scratch.path))
        #expect(value(json, "last_scan.status") as? String == "interrupted")
        #expect(int(value(json, "last_scan.seen")) == Self.fileCount, "\(json)")
        #expect(int(value(json, "last_scan.new")) == written, "\(json)")
        #expect(int(value(json, "last_scan.read")) == written, "\(json)")
        #expect(int(value(json, "last_scan.changed")) == 0 && int(value(json, "last_scan.unchanged")) == 0, "\(json)")

        // A finished scan has nothing left and says nothing about it.
        let again = try w.scan()
        #expect(again.exitCode == 0, "\(again)")
        #expect(count(of: "new", in: again.stdout) == Self.fileCount - written, "\(again)")
        #expect(!again.stdout.contains("not read yet"), "\(again)")
    }

    @Test func sigkillLeavesACatalogTheNextRunCompletes() throws {
        let w = try Self.workspace("sigkill")
        let child = try Self.startSlowScanAndWaitForReading(w)
        child.send(SIGKILL)
        let r = child.wait(timeout: 30)
        #expect(r.signal == SIGKILL, "\(r)")

        // Not corrupt: the reading commands work on it.
        let report = try CLI.run(["report", "--format", "json", "--catalog", w.catalog], cwd: w.scratch.path)
        #expect(report.exitCode == 0, "\(report)")
        _ = try jsonObject(report)
        let list = try CLI.run(["list", "files", "--format", "json", "--catalog", w.catalog], cwd: w.scratch.path)
        #expect(list.exitCode == 0, "\(list)")

        let again = try w.scan()
        #expect(again.exitCode == 0, "\(again)")
        #expect(count(of: "gone", in: again.stdout) == 0, "\(again)")
        try Self.expectAllFilesHashedCorrectly(w)
        let final = try jsonObject(try CLI.run(["report", "--format", "json", "--catalog", w.catalog], cwd: w.scratch.path))
        #expect(value(final, "last_scan.status") as? String == "completed")
        #expect(int(value(final, "totals.files")) == Self.fileCount)
    }
}

/// Ctrl-C during `attache refs` and `attache plan`: the catalog stays whole, nothing is half
/// stored (a source's references and a plan are each one transaction), the previous
/// references and plan stay exactly as they were, and the next run completes. The test seams
/// ATTACHE_FAULT_REFS_RECORD_DELAY_MS and ATTACHE_FAULT_PLAN_STORE_DELAY_MS slow the work
/// down and say on stderr when it has started, so the signal lands in the middle.
@Suite(.timeLimit(.minutes(3))) struct InterruptRefsAndPlanTests {
    /// Starts `args` with `env` and waits until its stderr says `marker` (the seam is running).
    static func startAndWaitFor(_ marker: String, _ args: [String], cwd: String, env: [String: String]) throws -> ChildProcess {
        let child = try CLI.start(args, cwd: cwd, env: env)
        let deadline = Date(timeIntervalSinceNow: 30)
        while !child.stderrSoFar().contains(marker) {
            guard child.isRunning else { throw HarnessError("ended before '\(marker)': \(child.stderrSoFar())") }
            guard Date() < deadline else { throw HarnessError("'\(marker)' not seen within 30 s: \(child.stderrSoFar())") }
            usleep(2_000)
        }
        return child
    }

    @Test func sigintDuringRefsKeepsThePreviousReferencesAndTheNextRunCompletes() throws {
        let m = try ReferencesScenarioTests.CRMs()
        _ = try m.run(["scan"])
        let first = try m.run(["refs"])
        #expect(first.exitCode == 3, "\(first)")
        let before = try m.run(["list", "refs", "--format", "csv"]).stdout
        #expect(before.utf8.filter { $0 == 10 }.count > 10, "the fixtures have references to keep")

        // Every source read again (--force), slowly; Ctrl-C while the first one is read.
        let child = try Self.startAndWaitFor("fault seam: reading records", ["refs", "--force"], cwd: m.dir,
                                             env: ["ATTACHE_FAULT_REFS_RECORD_DELAY_MS": "50"])
        child.send(SIGINT)
        let r = child.wait(timeout: 30)
        #expect(r.signal == nil, "attache handles SIGINT itself: \(r)")
        #expect(r.exitCode == 130, "\(r)")
        #expect(r.stderr.contains("stopping"), "\(r)")
        #expect(r.stdout.contains("Interrupted while reading '"), "the summary says which source stopped: \(r)")
        #expect(r.stdout.contains("keeps the references it had before this run"), "\(r)")
        #expect(r.stdout.contains("Run 'attache refs' again"), "\(r)")

        // Whole, and holding exactly the references of the completed run.
        let catalog = try Catalog(path: m.dir + "/attache.db", mustExist: true)
        #expect(try catalog.integrityCheck() == "ok")
        #expect(try catalog.latestRefsRunStatus() == .interrupted, "the run is recorded as interrupted, not failed")
        #expect(try m.run(["list", "refs", "--format", "csv"]).stdout == before, "no source is half stored")

        // The next run completes, with the same references.
        let again = try m.run(["refs"])
        #expect(again.exitCode == 3, "\(again)")
        #expect(!again.stdout.contains("Interrupted"), "\(again)")
        #expect(try m.run(["list", "refs", "--format", "csv"]).stdout == before)
    }

    @Test func sigintWhileAPlanIsStoredKeepsThePreviousPlanAndTheNextRunCompletes() throws {
        let m = try PlanScenarioTests.prepared()
        let policy = PlanScenarioTests.policies + "/cloud-50gib.yaml"
        #expect(try m.run(["plan", "--policy", policy]).exitCode == 0)
        let before = try m.run(["list", "decisions", "--format", "csv"]).stdout

        let child = try Self.startAndWaitFor("fault seam: storing decisions", ["plan", "--policy", policy], cwd: m.dir,
                                             env: ["ATTACHE_FAULT_PLAN_STORE_DELAY_MS": "100"])
        child.send(SIGINT)
        let r = child.wait(timeout: 30)
        #expect(r.signal == nil, "attache handles SIGINT itself: \(r)")
        #expect(r.exitCode == 130, "\(r)")
        #expect(r.stderr.contains("stopping"), "\(r)")
        #expect(r.stderr.contains("no new plan was stored, the previous plan stays"), "\(r)")

        // Nothing of the new plan is stored: the first plan, every decision of it.
        let catalog = try Catalog(path: m.dir + "/attache.db", mustExist: true)
        #expect(try catalog.integrityCheck() == "ok")
        #expect(try catalog.plans(limit: 10).map(\.id) == [1])
        #expect(try m.run(["list", "decisions", "--format", "csv"]).stdout == before)

        // The next plan goes through.
        #expect(try m.run(["plan", "--policy", policy]).exitCode == 0)
        #expect(try catalog.plans(limit: 10).count == 2)
    }
}
