import AttacheCatalog
import AttacheModel
import AttacheRelocation
import ArgumentParser
import Foundation

struct ApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Carry out the latest plan: copy kept files, write archives, record the mapping.",
        usage: "attache apply [--to <dir>] [--dry-run] [--first <n>] [--link]\n  [--workers <n>] [--format <format>] [--quiet]\n  [--manifest <file>] [--catalog <file>]",
        discussion: """
            Sources are only read. Every kept file is copied to its planned path
            through a temporary name, hashed on the way and compared with the scan,
            fsynced and renamed; archived files go into tar.zst / tar.gz / zip
            volumes with a SHA-256 manifest. Every step is journaled in the catalog
            before and after it happens: killed at any moment, 'attache apply' again
            resumes and finishes.

            Trial, then cut-over: after a re-scan and a re-plan, apply moves only the
            delta (new and changed files, changed decisions) and removes what it
            wrote before that the plan no longer wants. Anything in the target that
            attache did not write is never replaced or removed: it is reported.

            The target: --to DIR, else the manifest's 'target:'. It is created when
            missing (its parent folder must exist); it may not overlap a root.

              attache apply --dry-run     what would happen, the quota after, how long
              attache apply               do it (progress on a terminal)
              attache list mapping        where every file went (csv, json)
              attache verify              re-hash the target against the mapping

            Exit: 0 done (--dry-run: the plan fits) · 3 some files were not placed
            (changed since the scan, refused by the target, unmovable: listed) · 4
            the target would exceed the quota (nothing more is written) · 65 the plan
            is older than the latest scan, or the target overlaps a root · 66 no
            catalog, plan or target folder · 74 the target cannot be written (full,
            read-only, permission denied): fix it and run again · 130 interrupted.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The target folder (default: the manifest's 'target').", valueName: "dir"))
    var to: String?

    @Flag(help: "Show what would be done (counts, bytes, the first actions, the quota after, the time it takes); change nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("How many actions --dry-run lists.", valueName: "n"))
    var first = 20

    @Flag(help: "Same file system: reflink (else hard link) instead of copying. A hard-linked file IS the source: editing one edits the other.")
    var link = false

    @Option(name: .long, help: ArgumentHelp("Files copied at the same time.", valueName: "n"))
    var workers = 4

    @Flag(name: .shortAndLong, help: "No progress and no summary; only errors.")
    var quiet = false

    @Option(name: .long, help: "text or json (the summary, for machines).")
    var format: SummaryFormat = .text

    func validate() throws {
        if workers < 1 || workers > 64 { throw ValidationError("--workers must be between 1 and 64") }
        if first < 0 { throw ValidationError("--first must be 0 or more") }
    }

    func run() throws {
        let manifest = try common.loadManifest(required: false)
        guard let targetPath = to ?? manifest?.target else {
            throw Failure("no target: pass --to DIR, or set 'target:' in the manifest", exit: .usage)
        }
        var request = ApplyRequest(catalogPath: common.catalogPath(manifest), target: targetPath)
        request.dryRun = dryRun
        request.firstActions = first
        request.link = link
        request.workers = workers
        request.version = attacheVersion
        let env = ProcessInfo.processInfo.environment
        request.stepDelayMilliseconds = env["ATTACHE_FAULT_APPLY_STEP_DELAY_MS"].flatMap(Int.init) ?? 0
        request.targetFullAfterBytes = env["ATTACHE_FAULT_TARGET_FULL_AFTER_BYTES"].flatMap(Int64.init)
        let line = ProgressLine(enabled: !quiet && format == .text)
        let started = Date()
        request.progress = { p in line.update(ApplyCommand.describe(p, since: started)) }
        let result: ApplyResult = try Interrupts.whileRunning("stopping after the current files; the journal keeps what was done") { cancel in
            request.cancel = cancel
            do throws(ApplyError) {
                let r = try ApplyEngine(request).run()
                line.clear()
                return r
            } catch {
                line.clear()
                throw ApplyCommand.failure(error)
            }
        }
        if !quiet {
            switch format {
            case .text: print(VisibleText.escapingControls(ApplyRendering.text(result, seconds: Date().timeIntervalSince(started))))
            case .json: print(ApplyRendering.json(result))
            }
        }
        if dryRun {
            if result.quota.exceeds { throw ExitStatus(.quotaExceeded) }
            return
        }
        switch result.stop {
        case .quota: throw ExitStatus(.quotaExceeded)
        case .target(let why):
            // The step's message names a path below the target; say which target it is.
            Terminal.error("target \(result.target): \(why)")
            throw ExitStatus(.targetFailed)
        case .interrupted: throw ExitStatus(.interrupted)
        case nil: break
        }
        // A dry run places nothing, so nothing was left unplaced: what it lists is information (exit 0).
        if !result.dryRun && (!result.skipped.isEmpty || !result.conflicts.isEmpty || !result.unmovable.isEmpty) {
            throw ExitStatus(.finishedWithProblems)
        }
    }

    static func failure(_ e: ApplyError) -> Failure {
        switch e {
        case .catalog(let c): return Failure(c)
        case .noPlan: return Failure(e.description, exit: .noInput)
        case .infeasiblePlan: return Failure(e.description, exit: .quotaExceeded)
        case .stalePlan, .staleReferences, .overlapsRoot: return Failure(e.description, exit: .badInput)
        case .target: return Failure(e.description, exit: .noInput)
        case .targetBusy: return Failure(e.description, exit: .failure)
        }
    }

    static func describe(_ p: ApplyProgress, since started: Date) -> String {
        var s = "apply: \(p.phase) \(groupedDigits(Int64(p.filesDone)))/\(groupedDigits(Int64(p.filesTotal))) files · "
            + "\(ByteCount(p.bytesDone))/\(ByteCount(p.bytesTotal))"
        let seconds = Date().timeIntervalSince(started)
        if seconds > 1, p.bytesDone > 0 {
            let rate = Double(p.bytesDone) / seconds
            s += " · \(ByteCount(Int64(rate)))/s"
            let left = Double(p.bytesTotal - p.bytesDone) / rate
            if left.isFinite && left >= 0 { s += " · ETA \(formatDuration(left))" }
        }
        return s
    }
}
