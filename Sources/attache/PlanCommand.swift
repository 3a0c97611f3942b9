import AttacheModel
import AttachePolicy
import AttacheReport
import AttacheSystem
import ArgumentParser
import Foundation

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Decide, file by file, keep / archive / drop under a storage policy — before anything moves.",
        usage: "attache plan [--policy <file>] [--export <file>] [--overrides <file>]\n  [--forget-overrides] [--diff] [--format <format>] [--quiet]\n  [--manifest <file>] [--catalog <file>]",
        discussion: """
            The plan is a pure function of the catalog and the policy (policies/*.yaml,
            Documentation/Policy.md): the same inputs give the same plan. Every file gets
            one decision, its rule and a reason.

            The policy: --policy FILE, else the manifest's 'policy:', else the policy of
            the latest plan (its path is stored with the plan; stderr says which one).

            Review loop:
              attache plan --export review.csv    one row per file, with its records
              (the business edits the 'action' column: keep, archive or drop)
              attache plan --overrides review.csv  validated, kept for every re-plan
              attache plan --diff                 what changed since the last plan
              attache plan --forget-overrides     the policy decides every file again

            Exit: 0 the plan fits · 4 the files that must be kept exceed the quota · 64 no
            policy named and no earlier plan · 65 a policy or review CSV error
            (file:line:column) · 66 no catalog, policy or review CSV (or the earlier
            plan's policy file is gone) · 130 interrupted (Ctrl-C: nothing is stored, the
            previous plan stays).
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The storage policy (default: the manifest's 'policy', else the latest plan's).", valueName: "file"))
    var policy: String?

    @Option(name: .long, help: ArgumentHelp("Write the plan as a review spreadsheet (CSV).", valueName: "file"))
    var export: String?

    @Option(name: .long, help: ArgumentHelp("Apply the decisions of a reviewed CSV (and keep them for later plans).", valueName: "file"))
    var overrides: String?

    @Flag(help: "Show what changed since the previous plan.")
    var diff = false

    @Flag(help: "Forget every reviewed decision imported before: the policy decides every file again.")
    var forgetOverrides = false

    @Flag(name: .shortAndLong, help: "No summary; only errors.")
    var quiet = false

    @Option(name: .long, help: "text or json (the summary, warnings and, with --diff, the changes, for machines).")
    var format: SummaryFormat = .text

    func validate() throws {
        if forgetOverrides && overrides != nil {
            throw ValidationError("--forget-overrides and --overrides together: the reviewed CSV already replaces every earlier decision")
        }
    }

    func run() throws {
        let manifest = try common.loadManifest(required: false)
        var request = PlanRequest(policy: policy, manifestPolicy: manifest?.policy, catalogPath: common.catalogPath(manifest),
                                  now: Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9)))
        request.reviewedCSV = overrides
        request.forgetOverrides = forgetOverrides
        request.exportReview = export != nil
        request.diff = diff
        request.say = { Terminal.write($0 + "\n") }
        request.afterEachStoredDecision = PlanCommand.storeFault()
        let result: PlanResult = try Interrupts.whileRunning("stopping; nothing of the new plan is stored") { cancel in
            request.cancel = cancel
            do throws(PlanError) { return try PlanWorkflow.run(request) } catch { throw Failure(error) }
        }
        if let export, let csv = result.reviewCSV {
            do { try AtomicFile.write(Data(csv.utf8), to: export) } catch { throw Failure("\(error)", exit: .failure) }
        }
        let o = result.outcome
        if format == .json {
            print(PlanRendering.json(planID: o.planID, summary: o.summary, files: o.decisions.count, warnings: o.warnings,
                                     policyFile: result.policyFile, withDiff: diff, diff: o.diff,
                                     file: result.file))
        } else if !quiet {
            print(PlanRendering.summary(o.summary, files: o.decisions.count, warnings: o.warnings, policyFile: result.policyFile),
                  terminator: "")
            if let n = result.appliedOverrides, let overrides { print("\nApplied \(plural(n, "reviewed decision")) from \(overrides).") }
            if let export { print("\nReview spreadsheet: \(export) (change the 'action' column, then: attache plan --overrides \(export))") }
            if diff { print(PlanRendering.changes(o.diff, file: result.file), terminator: "") }
        }
        KeptUntilExit.keep(result)
        if !o.summary.feasible { throw ExitStatus(.quotaExceeded) }
    }

    /// Test seam (Documentation/Architecture.md): `ATTACHE_FAULT_PLAN_STORE_DELAY_MS=N` sleeps
    /// N ms after each decision is written, and says on stderr when the first one is, so an
    /// end-to-end test can kill a plan while it is being stored. Not for users.
    static func storeFault() -> (() -> Void)? {
        guard let v = ProcessInfo.processInfo.environment["ATTACHE_FAULT_PLAN_STORE_DELAY_MS"], let ms = UInt32(v), ms > 0 else {
            return nil
        }
        var first = true
        return {
            if first {
                first = false
                FileHandle.standardError.write(Data("fault seam: storing decisions\n".utf8))
            }
            usleep(ms * 1000)
        }
    }
}

/// Large results a command is done with, left for the process's exit to reclaim: freeing a
/// million decisions object by object took 0.85 s of a 1M-file plan; the kernel takes the
/// whole heap back at once.
enum KeptUntilExit {
    nonisolated(unsafe) private static var kept: [Any] = []
    static func keep(_ value: Any) { kept.append(value) }
}

/// What a summary can be printed as: for people or for machines.
enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
