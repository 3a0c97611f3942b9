import AttacheTestSupport
import Foundation
import Testing

/// `attache run`: every stage in order, `--until`, `--dry-run`, a failing stage stopping the
/// run, the worst stage's exit code, and a second run doing nothing new.
@Suite(.timeLimit(.minutes(3))) struct RunCommandTests {
    /// The stage lines of the final table: stage → what it says.
    func stages(_ r: RunResult) -> [String: String] {
        var out: [String: String] = [:]
        guard let table = r.stdout.range(of: "attache run:\n") else { return out }
        for line in r.stdout[table.upperBound...].split(separator: "\n") {
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return out
    }

    @Test func untilPlanIsTheTrialAndWritesNothingOutsideTheCatalog() throws {
        let m = try RewriteMigration("run-until")
        let r = try m.run(["run", "--until", "plan", "-q"])
        #expect(r.exitCode == 3, "\(r)")    // a record points at a missing file, on purpose
        let s = stages(r)
        #expect(s["plan"] == "done (exit 0)", "\(s)")
        #expect(s["apply"] == "not asked (--until plan)", "\(s)")
        #expect(!FileManager.default.fileExists(atPath: m.target))
        #expect(!FileManager.default.fileExists(atPath: m.output))
    }

    @Test func dryRunShowsApplyAndChangesNothing() throws {
        let m = try RewriteMigration("run-dry")
        let r = try m.run(["run", "--dry-run"])
        #expect(r.exitCode == 3, "\(r)")
        let s = stages(r)
        #expect(s["apply"] == "done (exit 0)" && s["verify"] == "not run (--dry-run)", "\(s)")
        #expect(s["rewrite"]?.hasPrefix("not run: nothing is applied yet") == true, "\(s)")
        #expect(r.stdout.contains("== attache apply --dry-run"), "\(r)")
        #expect(!FileManager.default.fileExists(atPath: m.target) && !FileManager.default.fileExists(atPath: m.output))
    }

    @Test func theWholeMigrationThenAgainWithNothingNew() throws {
        let m = try RewriteMigration("run-all")
        let r = try m.run(["run", "-q"])
        #expect(r.exitCode == 3, "\(r)")    // the missing file, and a link too long for its column
        let s = stages(r)
        for stage in ["scan", "refs", "plan", "apply", "verify", "rewrite", "verify-references"] {
            #expect(s[stage]?.hasPrefix("done") == true, "\(stage): \(s)")
        }
        #expect(s["report"]?.hasPrefix("written to ") == true, "\(s)")
        #expect(FileManager.default.fileExists(atPath: m.copy), "the rewritten copy")
        let page = try String(contentsOfFile: m.dir + "/report.html", encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>"), "the HTML report beside the manifest")
        let rows = try RewriteMigration.rows(m.copy)
        #expect(rows[1]?["body"]??.contains("\\\\NEWSRV\\crm\\") == true, "\(rows[1] ?? [:])")

        let before = try sha256sum([m.target + "/share/Scans/scan 1.pdf"])
        let again = try m.run(["run", "-q"])
        #expect(again.exitCode == 3, "\(again)")
        #expect(stages(again)["verify"] == "done (exit 0)")
        #expect(try sha256sum([m.target + "/share/Scans/scan 1.pdf"]) == before)
    }

    @Test func aFailingStageStopsTheRunWithItsCode() throws {
        let m = try RewriteMigration("run-fail")
        let path = m.scratch.join("attache.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "policy: policy.yaml\n", with: "")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try m.run(["run", "-q"])
        #expect(r.exitCode == 64, "\(r)")   // no policy anywhere: plan cannot run
        let s = stages(r)
        #expect(s["plan"] == "failed (exit 64): stopped (exit 64)", "\(s)")
        #expect(s["apply"] == "not run (an earlier stage stopped the run)", "\(s)")
        #expect(s["report"]?.hasPrefix("written to ") == true, "the report shows where the run stopped: \(s)")
        #expect(!FileManager.default.fileExists(atPath: m.target))

        // A root that does not exist: the scan stops before there is a catalog, and the report has nothing to read.
        let lost = try RewriteMigration("run-noroot")
        try lost.editManifest("path: legacy/share", "path: legacy/nowhere")
        let none = try lost.run(["run", "-q"])
        #expect(none.exitCode == 66, "\(none)")
        #expect(stages(none)["report"] == "not run: there is no catalog yet (the scan did not start)", "\(stages(none))")
        #expect(!none.stderr.contains("no catalog at"), "\(none)")
    }

    /// On a pipe: no progress at all; on a terminal (a pseudo-terminal made by util-linux's
    /// `script`): one line, prefixed with the run's stage, erased before anything is printed.
    @Test func oneProgressLineOnATerminalNoneOnAPipe() throws {
        let m = try RewriteMigration("run-progress")
        let piped = try m.run(["run"])
        #expect(!piped.stdout.contains("\u{1B}[") && !piped.stderr.contains("\u{1B}["), "\(piped)")
        let candidates: [String] = ["/usr/bin/script", "/bin/script"]
        guard let script = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            Issue.record("script (util-linux) is needed to test the terminal display")
            return
        }
        let command = "cd '\(m.dir)' && '\(try AttacheBinary.path())' run"
        let tty = try CLI.runTool([script, "-qfec", command, "/dev/null"], timeout: 120)
        let out = tty.stdout
        #expect(out.contains("\r\u{1B}[Krun 1/8 · scan"), "the scan's progress, with the run's stage: \(out.debugDescription as String)")
        // Whatever follows a drawn line is either a redraw or an erase: text never lands on its end.
        let lines = out.components(separatedBy: "\r\u{1B}[K")
        for piece in lines.dropFirst() where piece.hasPrefix("run ") {
            #expect(!piece.contains("\n"), "a summary printed on the end of a progress line: \(piece.debugDescription as String)")
        }
        #expect(out.contains("attache run:"), "\(out.debugDescription as String)")
    }
}
