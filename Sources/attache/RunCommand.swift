import AttacheConfig
import ArgumentParser
import Foundation

/// `attache run`: every stage in order, each doing only what is not done yet.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the whole migration: every stage in order, each doing only what is not done yet.",
        usage: "attache run [--until <stage>] [--dry-run] [--quiet]\n  [--manifest <file>] [--catalog <file>]",
        discussion: """
            The stages, in order, each as its own command would run it (and skipping
            what is already done, as each does):

              scan → refs → plan → apply → verify → rewrite → verify-references → report

            rewrite and verify-references run only when the manifest's target has an
            address (how the records will link to the new storage). The report runs
            at the end of every run, also after --until or a failed stage: it writes
            report.html beside the manifest (--report FILE elsewhere), one page to
            open in a browser and show the people who approve the migration.

              attache run --until plan     the trial a business reviews: inventory,
                                           references, the plan and its report;
                                           nothing written outside the catalog and
                                           the report
              attache run --dry-run        scan, refs and plan, then what apply and
                                           rewrite would do (nothing else written)
              attache run                  the migration, then the report

            A stage that fails (anything but 0, or 3 "finished with problems") stops the
            run: a plan over the quota is not applied, a target that does not verify is
            not linked to. At the end, one line per stage. On a terminal one progress
            line follows the whole run (stage, files, bytes, rate, time left).

            Exit: the worst stage's code — 0 · 3 some stage found problems (listed by
            it) · 4 over the quota · 5 verify found differences · 64/65/66/69/74/77 as
            the failing stage says (Documentation/ExitCodes.md) · 130 interrupted.
            """)

    /// The stages of a run, in order.
    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case scan, refs, plan, apply, verify, rewrite
        case verifyReferences = "verify-references"
        case report
    }

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Stop after this stage: scan, refs, plan, apply, verify, rewrite, verify-references.",
                                            valueName: "stage"))
    var until: Stage?

    @Flag(help: "Scan, refs and plan (the catalog only), then show what apply and rewrite would do; change nothing else.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("Where the HTML report goes (default: report.html beside the manifest).", valueName: "file"))
    var report: String?

    @Flag(name: .shortAndLong, help: "No progress and no stage summaries; only the final table and errors.")
    var quiet = false

    func run() throws {
        let manifest = try common.loadManifest(required: true)!
        var outcomes: [(stage: Stage, code: Int32, note: String)] = []
        let display = RunDisplay(enabled: !quiet)
        display.start()
        defer { display.stop() }
        var stopped = false
        for (index, stage) in Stage.allCases.enumerated() {
            // The report runs at the end of every run (it reads the catalog only), also after
            // --until or a failed stage: it shows where the migration stands.
            if stage != .report, stopped {
                continue
            }
            if let skip = skipped(stage, manifest: manifest) {
                outcomes.append((stage, -1, skip))
                continue
            }
            display.stage(stage.rawValue, index: index + 1, count: Stage.allCases.count)
            if !quiet { Swift.print("\n== attache \(Self.arguments(stage, dryRun: dryRun, report: reportPath).joined(separator: " "))") }
            let code = invoke(stage)
            if dryRun && stage == .rewrite && code == Exit.noInput.rawValue {
                // A dry run applies nothing: before the first real apply there is nothing to rewrite yet.
                outcomes.append((stage, -1, "not run: nothing is applied yet (a dry run applies nothing)"))
                continue
            }
            if stage == .report && code == 0 {
                outcomes.append((stage, 0, "written to \(reportPath) (open it in a browser; attache report for text)"))
                continue
            }
            outcomes.append((stage, code, Self.meaning(code)))
            if ![0, 3].contains(code) { stopped = true }
        }
        display.stop()
        Swift.print("\n" + Self.summary(outcomes))
        let worst = outcomes.map(\.code).filter { $0 > 0 }.max { Self.rank($0) < Self.rank($1) } ?? 0
        if worst != 0 { var status = ExitStatus(.failure); status.code = worst; throw status }
    }

    /// Where the HTML report goes: --report, else report.html beside the manifest.
    var reportPath: String {
        if let report { return report }
        let dir = URL(fileURLWithPath: common.manifest ?? CommonOptions.defaultManifest).deletingLastPathComponent().relativePath
        return dir == "." ? "report.html" : dir + "/report.html"
    }

    /// Why a stage does not run (nil when it does).
    private func skipped(_ stage: Stage, manifest: Manifest) -> String? {
        if stage == .report && !FileManager.default.fileExists(atPath: common.catalogPath(manifest)) {
            return "not run: there is no catalog yet (the scan did not start)"
        }
        if let until, stage != .report, Stage.allCases.firstIndex(of: stage)! > Stage.allCases.firstIndex(of: until)! {
            return "not asked (--until \(until.rawValue))"
        }
        if dryRun && (stage == .verify || stage == .verifyReferences) { return "not run (--dry-run)" }
        if manifest.targetAddress == nil && (stage == .rewrite || stage == .verifyReferences) {
            return "not run: the manifest's target has no address (records are not rewritten)"
        }
        return nil
    }

    /// The stage's command line (without the common options).
    static func arguments(_ stage: Stage, dryRun: Bool, report: String) -> [String] {
        switch stage {
        case .report: return ["report", "--format", "html", "--out", report]
        case .verifyReferences: return ["verify", "--references"]
        case .apply, .rewrite: return [stage.rawValue] + (dryRun ? ["--dry-run"] : [])
        default: return [stage.rawValue]
        }
    }

    /// Runs one stage's command in this process; its exit code.
    private func invoke(_ stage: Stage) -> Int32 {
        var args = Self.arguments(stage, dryRun: dryRun, report: reportPath)
        let command = args.removeFirst()
        if let m = common.manifest { args += ["--manifest", m] }
        if let c = common.catalog { args += ["--catalog", c] }
        if quiet && stage != .report { args.append("--quiet") }
        do {
            var parsed: ParsableCommand
            switch command {
            case "scan": parsed = try ScanCommand.parse(args)
            case "refs": parsed = try RefsCommand.parse(args)
            case "plan": parsed = try PlanCommand.parse(args)
            case "apply": parsed = try ApplyCommand.parse(args)
            case "verify": parsed = try VerifyCommand.parse(args)
            case "rewrite": parsed = try RewriteCommand.parse(args)
            default: parsed = try ReportCommand.parse(args)
            }
            try parsed.run()
            return 0
        } catch let exit as ExitStatus {
            return exit.code
        } catch let failure as Failure {
            if failure.located { Terminal.write(failure.message + "\n") } else { Terminal.error(failure.message) }
            return failure.exit.rawValue
        } catch {
            Terminal.error("\(command): \(error)")
            return Exit.failure.rawValue
        }
    }

    /// How bad an exit code is, to pick the run's: 0, then 3, 5, 4, then any failure.
    static func rank(_ code: Int32) -> Int {
        switch code {
        case 0: return 0
        case 3: return 1
        case 5: return 2
        case 4: return 3
        default: return 4
        }
    }

    static func meaning(_ code: Int32) -> String {
        switch code {
        case 0: return "done"
        case 3: return "done, with problems (the stage lists them)"
        case 4: return "over the quota: stopped"
        case 5: return "differences found: stopped"
        case 130: return "interrupted"
        default: return "failed (exit \(code)): stopped"
        }
    }

    /// One line per stage: what it did, or why it did not run.
    static func summary(_ outcomes: [(stage: Stage, code: Int32, note: String)]) -> String {
        var lines = ["attache run:"]
        for stage in Stage.allCases {
            let outcome = outcomes.first { $0.stage == stage }
            let text = outcome.map { $0.code >= 0 ? "\($0.note) (exit \($0.code))" : $0.note } ?? "not run (an earlier stage stopped the run)"
            lines.append("  " + stage.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + text)
        }
        return lines.joined(separator: "\n")
    }
}
