import AttacheCatalog
import AttacheConfig
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
        discussion: """
            The plan is a pure function of the catalog and the policy (policies/*.yaml,
            Documentation/Policy.md): the same inputs give the same plan. Every file gets
            one decision, its rule and a reason.

            Review loop:
              attache plan --export review.csv    one row per file, with its records
              (the business edits the 'action' column: keep, archive or drop)
              attache plan --overrides review.csv  validated, kept for every re-plan
              attache plan --diff                 what changed since the last plan
              attache plan --forget-overrides     the policy decides every file again

            Exit: 0 the plan fits · 4 the files that must be kept exceed the quota · 65 a
            policy or review CSV error (file:line:column) · 66 no catalog, policy or
            review CSV.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The storage policy (default: the manifest's 'policy').", valueName: "file"))
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
        guard let policyPath = policy ?? manifest?.policy else {
            throw Failure("no policy: pass --policy FILE or set 'policy:' in the manifest (examples in policies/)", exit: .usage)
        }
        let loaded: Policy
        do {
            let (policy, warnings) = try PolicyLoader.loadWithWarnings(path: policyPath)
            loaded = policy
            for w in warnings { Terminal.write(w.description + "\n") }
        } catch {
            throw Failure(error.description, exit: error.kind == .notFound || error.kind == .unreadable ? .noInput : .badInput, located: true)
        }
        let catalog = try common.openExistingCatalog()
        let now = Timestamp(nanoseconds: Int64(Date().timeIntervalSince1970 * 1e9))
        do {
            if let unkept = try PlanStage.unkeptRecordFields(catalog: catalog, policy: loaded).first {
                throw Failure(PlanCommand.describe(unkept, policyFile: policyPath), exit: .badInput, located: true)
            }
            if forgetOverrides { try catalog.replaceOverrides([], from: "") }
            var newOverrides: [Override]? = nil
            if let overrides {
                guard FileManager.default.fileExists(atPath: overrides) else {
                    throw Failure("\(overrides): no such file (the review spreadsheet 'attache plan --export' wrote)", exit: .noInput)
                }
                let latest = try catalog.plans(limit: 1).first
                let current = try latest.map { try catalog.decisions(plan: $0.id) } ?? [:]
                let known = try catalog.presentFileIDs()
                do {
                    newOverrides = try Review.importOverrides(path: overrides, plan: current, known: known)
                } catch {
                    throw Failure(error.description, exit: .badInput)
                }
                // Reviewed decisions that would break the quota are refused, not stored.
                let trial = try PlanStage.run(catalog: catalog, policy: loaded, policyFile: policyPath, now: now,
                                              overrides: newOverrides, store: false)
                if !trial.plan.summary.feasible {
                    throw Failure("the reviewed decisions in \(overrides) keep \(ByteCount(trial.plan.summary.mustKeepBytes)), more than the quota \(trial.plan.summary.quota.map { "\($0)" } ?? "") allows: change some 'keep' to 'archive' or 'drop'", exit: .quotaExceeded)
                }
                try catalog.replaceOverrides(newOverrides!.map { ($0.fileID, $0.action.rawValue, $0.note) }, from: overrides)
            }
            let outcome = try PlanStage.run(catalog: catalog, policy: loaded, policyFile: policyPath, now: now, overrides: newOverrides,
                                            compare: diff, afterEachStoredDecision: PlanCommand.storeFault())
            if let export {
                let csv = Review.export(outcome, records: try catalog.referencingRecords())
                do { try AtomicFile.write(Data(csv.utf8), to: export) } catch { throw Failure("cannot write \(export): \(error)", exit: .failure) }
            }
            var vanished: [Int64: FileRecord] = [:]
            if diff, let d = outcome.diff { vanished = try catalog.files(ids: d.vanishedFiles) }
            if format == .json {
                print(PlanCommand.json(outcome, policyFile: policyPath, diff: diff, vanished: vanished))
            } else if !quiet {
                print(PlanText.summary(outcome.plan, policyFile: policyPath), terminator: "")
                if let newOverrides { print("\nApplied \(plural(newOverrides.count, "reviewed decision")) from \(overrides!).") }
                if let export { print("\nReview spreadsheet: \(export) (change the 'action' column, then: attache plan --overrides \(export))") }
                if diff { print(PlanCommand.describe(outcome.diff, files: outcome.files, vanished: vanished), terminator: "") }
            }
            KeptUntilExit.keep(outcome)
            if !outcome.plan.summary.feasible { throw ExitStatus(.quotaExceeded) }
        } catch let e as CatalogError {
            throw Failure(e)
        }
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

    /// `policy.yaml:3:9: error: 'layout' uses {record.account}, but …` with what the sources keep.
    static func describe(_ u: PlanStage.UnkeptField, policyFile: String) -> String {
        let keeping = u.kept.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
        let kept = keeping.isEmpty ? "no source keeps any column yet"
            : "the sources keep: " + keeping.map { "\($0.key): \($0.value.joined(separator: ", "))" }.joined(separator: "; ")
        let place = u.use.line > 0 ? "\(policyFile):\(u.use.line):\(u.use.column)" : policyFile
        return "\(place): error: '\(u.use.key)' uses {record.\(u.use.field)}, but no source of the catalog keeps a column "
            + "'\(u.use.field)' (\(kept)). Add it to the 'fields' of the source whose records have it in the manifest, then run "
            + "'attache refs'."
    }

    /// The changes since the previous plan, for people: at most `limit` lines of each kind.
    static func describe(_ diff: PlanDiff?, files: FileIndex, vanished: [Int64: FileRecord], limit: Int = 100) -> String {
        guard let d = diff else { return "\nNo previous plan to compare with.\n" }
        func name(_ id: Int64) -> String {
            (files[id] ?? vanished[id]).map { $0.rootPath + "/" + $0.path.display } ?? "file \(id)"
        }
        func more(_ n: Int) -> String { n > limit ? "  … and \(n - limit) more (attache plan --diff --format json lists them all)\n" : "" }
        var out = "\nSince the previous plan: \(d.newFiles.count) new, \(d.vanishedFiles.count) vanished, "
            + "\(d.changed.count) changed decisions\n"
        for id in d.newFiles.prefix(limit) { out += "  new       \(name(id))\n" }
        out += more(d.newFiles.count)
        for id in d.vanishedFiles.prefix(limit) { out += "  vanished  \(name(id))\n" }
        out += more(d.vanishedFiles.count)
        for (id, o, n) in d.changed.prefix(limit) {
            out += "  changed   \(name(id)): \(o.action) (\(o.rule)) → \(n.action) (\(n.rule))"
            if o.targetPath != n.targetPath, let t = n.targetPath { out += ", now at \(t)" }
            if o.archivePath != n.archivePath, let a = n.archivePath { out += ", now in \(a)" }
            out += "\n"
        }
        out += more(d.changed.count)
        return out
    }

    /// `{"plan": id, "policy": …, "summary": {…}, "warnings": […], "diff": {…}}`.
    static func json(_ o: PlanStage.Outcome, policyFile: String, diff: Bool, vanished: [Int64: FileRecord]) -> String {
        func str(_ s: String?) -> String { s.map(PlanText.jsonString) ?? "null" }
        func file(_ id: Int64) -> String {
            guard let f = o.files[id] ?? vanished[id] else { return "{\"file_id\":\(id)}" }
            return "{\"file_id\":\(id),\"root\":\(str(f.rootPath)),\"path\":\(str(f.path.display))}"
        }
        var out = "{\"version\":1,\"plan\":\(o.planID),\"policy\":\(str(policyFile)),\"files\":\(o.plan.decisions.count),"
            + "\"summary\":\(PlanText.summaryJSON(o.plan.summary)),\"warnings\":\(PlanText.jsonList(o.plan.warnings))"
        if diff {
            if let d = o.diff {
                let changed = d.changed.map { id, old, new in
                    String(file(id).dropLast()) + ",\"old\":{\"action\":\(str(old.action)),\"rule\":\(str(old.rule)),"
                        + "\"target_path\":\(str(old.targetPath)),\"archive_path\":\(str(old.archivePath))},"
                        + "\"new\":{\"action\":\(str(new.action)),\"rule\":\(str(new.rule)),"
                        + "\"target_path\":\(str(new.targetPath)),\"archive_path\":\(str(new.archivePath))}}"
                }
                out += ",\"diff\":{\"new\":[\(d.newFiles.map(file).joined(separator: ","))],"
                    + "\"vanished\":[\(d.vanishedFiles.map(file).joined(separator: ","))],"
                    + "\"changed\":[\(changed.joined(separator: ","))]}"
            } else {
                out += ",\"diff\":null"
            }
        }
        return out + "}"
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
