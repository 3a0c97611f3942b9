import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttachePolicy
import AttacheRecords
import AttacheReport
import AttacheSystem
import AttacheRewrite
import ArgumentParser
import Foundation

struct RewriteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rewrite",
        abstract: "Point every reference in the records at the file's new home (copies, in place, or SQL).",
        usage: "attache rewrite [--out <dir>] [--in-place] [--sql <file> --dialect <d>]\n  [--revert [--run <n>]] [--source <name> ...] [--dry-run]\n  [--format <format>] [--quiet] [--manifest <file>] [--catalog <file>]",
        discussion: """
            Reads every source again and replaces exactly the span of each reference
            with where its file is now (the mapping 'attache apply' wrote), spelled
            below the manifest's target.address as the record needs it: percent-
            encoded and HTML-escaped in an href, HTML-escaped in HTML text, plain in
            a column; archived files as archive#member; dropped files as the
            policy's 'rewrite:' says (flag, keep or a tombstone). Every other byte
            stays. A span that no longer holds what 'attache refs' read is refused,
            never rewritten blindly. Every change is in the audit.

              attache rewrite --dry-run       what would change, by source
              attache rewrite                 rewritten copies in --out (default:
                                              'rewritten' beside the catalog), and
                                              links.csv / links.json: the composed
                                              references, for the new CRM's importer
              attache rewrite --in-place      the sources themselves, after a backup
                                              (a live MySQL/PostgreSQL table: its
                                              scripts run in one checked transaction;
                                              without --in-place, only the scripts)
              attache rewrite --sql f.sql --dialect mysql
                                              UPDATE scripts (and f.revert.sql)
              attache rewrite --revert        undo the latest run, byte for byte
              attache verify --references     every rewritten link opens its file
              attache list rewrites           the audit (--attention: to fix)

            Exit: 0 done · 1 another rewrite runs on this catalog · 3 some
            references were refused (the record changed) or failed (too long for
            the column, not in the encoding) · 64 no target.address · 65 a source
            cannot be read · 66 no catalog, nothing applied, nothing to revert · 74
            the output cannot be written · 69/77 a preset's live database does not
            answer / refuses the user (another source that cannot be read is noted,
            and the exit is 3).
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("Where copies, backups and link tables go (default: 'rewritten' beside the catalog).", valueName: "dir"))
    var out: String?

    @Flag(help: "Rewrite the sources themselves, each after a backup in --out, each in one transaction.")
    var inPlace = false

    @Option(name: .long, help: ArgumentHelp("Write UPDATE statements for a DBA to FILE (and the revert script beside it); change nothing else.", valueName: "file"))
    var sql: String?

    @Option(name: .long, help: ArgumentHelp("The SQL dialect of --sql: sqlite, mysql or postgresql.", valueName: "d"))
    var dialect: String = "sqlite"

    @Flag(help: "Undo the latest rewrite run (or --run N) from its audit, in the copies or in place.")
    var revert = false

    @Option(name: .customLong("run"), help: ArgumentHelp("With --revert: the run to undo.", valueName: "n"))
    var runID: Int64?

    @Option(name: .long, help: ArgumentHelp("Only this source (repeatable).", valueName: "name"))
    var source: [String] = []

    @Flag(help: "Count and check everything; write nothing.")
    var dryRun = false

    @Flag(name: .shortAndLong, help: "No progress and no summary; only errors.")
    var quiet = false

    @Option(name: .long, help: "text or json (the summary, for machines).")
    var format: SummaryFormat = .text

    func validate() throws {
        if inPlace && sql != nil { throw ValidationError("--in-place and --sql exclude each other: pick one") }
        if revert && (sql != nil || inPlace || !source.isEmpty) {
            throw ValidationError("--revert undoes a whole run; it takes only --run, --dry-run and --out")
        }
        if runID != nil && !revert { throw ValidationError("--run goes with --revert") }
        if SQLDialect(rawValue: dialect) == nil { throw ValidationError("--dialect must be sqlite, mysql or postgresql") }
    }

    func run() throws {
        let manifest = try common.loadManifest(required: true)!
        let catalog: Catalog
        do { catalog = try Catalog(path: common.catalogPath(manifest), mustExist: true) } catch { throw Failure(error) }
        // One rewrite (or revert) at a time on a catalog: a second would take the first's run for dead.
        let lock: FileLock?
        do { lock = try FileLock(path: common.catalogPath(manifest) + ".rewrite-lock") } catch {
            throw Failure("cannot create the lock file beside the catalog: \(error)", exit: .failure)
        }
        guard let lock else {
            throw Failure("another 'attache rewrite' is running on this catalog (\(common.catalogPath(manifest))); "
                + "wait for it to finish", exit: .failure)
        }
        defer { withExtendedLifetime(lock) {} }
        let started = Date()
        let result: RewriteResult
        if revert {
            let reverter = RewriteRevert(catalog: catalog, version: attacheVersion, dryRun: dryRun)
            do { result = try reverter.revert(try reverter.runToRevert(runID)) } catch let e as RewriteError { throw Self.failure(e) }
        } else {
            result = try rewrite(manifest, catalog: catalog)
        }
        if !quiet {
            switch format {
            case .text: print(RewriteRendering.text(result, seconds: Date().timeIntervalSince(started)))
            case .json: print(RewriteRendering.json(result))
            }
        }
        if result.total(.refused) > 0 || result.total(.failed) > 0 || result.sources.contains(where: { $0.note?.hasPrefix("not ") ?? false }) {
            throw ExitStatus(.finishedWithProblems)
        }
    }

    private func rewrite(_ manifest: Manifest, catalog: Catalog) throws -> RewriteResult {
        guard manifest.targetAddress != nil else {
            throw Failure("the manifest's target has no address: say how the new storage is reached, e.g. "
                + "target: { path: /mnt/new, address: '\\\\NEWSRV\\crm\\' } (Documentation/Manifest.md#target)", exit: .usage)
        }
        guard let target = try Self.target(manifest, catalog: catalog) else {
            throw Failure("nothing was applied yet: run attache apply first (the rewrite points records at where apply put the files)",
                          exit: .noInput)
        }
        let spelling = try Self.spelling(manifest, catalog: catalog)
        var inputs: [RewriteEngine.SourceInput] = []
        for spec in manifest.sources {
            do { inputs.append(.init(plan: try SourcePlan(spec), designatedColumn: spec.rewriteColumn)) } catch {
                throw Failure(error.source?.description ?? "source '\(spec.name)': \(error.message)",
                              exit: error.source.map { Exit.of($0.kind) } ?? .badInput)
            }
        }
        let output = out ?? (URL(fileURLWithPath: common.catalogPath(manifest)).deletingLastPathComponent().path + "/rewritten")
        let mode: RewriteOptions.Mode
        if let sql { mode = .sql(file: Self.absolute(sql), dialect: SQLDialect(rawValue: dialect)!) }
        else { mode = inPlace ? .inPlace : .copy }
        let engine = RewriteEngine(catalog: catalog, target: target, spelling: spelling, sources: inputs,
                                   options: RewriteOptions(mode: mode, output: Self.absolute(output), sources: source, dryRun: dryRun),
                                   version: attacheVersion)
        engine.afterEachRecord = Self.recordFault()
        var result: RewriteResult
        do { result = try engine.run() } catch let e as RewriteError { throw Self.failure(e) }
        if !dryRun { result.linkTables = try Self.writeLinkTables(catalog, folder: mode == .copy || mode == .inPlace ? Self.absolute(output) : URL(fileURLWithPath: Self.absolute(sql!)).deletingLastPathComponent().path, spelling: spelling) }
        return result
    }

    /// The importer's link table of the composed references (the paths built from columns,
    /// which no record text carries), as `attache list links` writes it, in the output folder:
    /// both formats in one pass, each file whole or absent; a file's new address is spelled once.
    static func writeLinkTables(_ catalog: Catalog, folder: String, spelling: LocationSpelling) throws -> [String] {
        let paths = [folder + "/links.csv", folder + "/links.json"]
        var cache: [String: String?] = [:]
        func address(_ r: ReferenceRecord, _ l: ReferenceLink) -> String? {
            // Dropped files' tombstones name the reference's own text: not cached.
            guard l.placement != .dropped else { return ListCommand.address(r, l, spelling) }
            let key = (r.style?.rawValue ?? "-") + "\u{0}" + (l.targetPath ?? "") + "\u{0}" + (l.archivePath ?? "") + "\u{0}"
                + (l.member?.display ?? "") + "\u{0}" + (l.placement?.rawValue ?? "")
            if let hit = cache[key] { return hit }
            let spelled = ListCommand.address(r, l, spelling)
            cache[key] = spelled
            return spelled
        }
        do {
            var csv = try AtomicTextSink(path: paths[0])
            var json = try AtomicTextSink(path: paths[1])
            do {
                try Listing.linkTables(catalog, kind: .composed, address: address, csv: &csv, json: &json)
                try csv.close()
                try json.close()
            } catch {
                csv.discard(); json.discard()
                throw error
            }
        } catch let e as RewriteError { throw failure(e) } catch let e as CatalogError { throw Failure(e) }
        return paths
    }

    /// The target whose mapping the records are rewritten through: the manifest's (as apply
    /// keys it: symbolic links resolved), else the latest apply's that wrote anything.
    static func target(_ manifest: Manifest, catalog: Catalog) throws -> String? {
        let runs = try catalog.applyRuns(limit: 1000).filter { $0.status != .failed }
        if let given = manifest.target {
            let canonical = (try? FileManager.default.destinationOfSymbolicLink(atPath: given)).map { _ in
                URL(fileURLWithPath: given).resolvingSymlinksInPath().path } ?? URL(fileURLWithPath: given).resolvingSymlinksInPath().path
            if let run = runs.first(where: { $0.target == canonical || $0.target == given }) { return run.target }
        }
        return runs.first?.target
    }

    /// The spelling: the manifest's address, with the `rewrite:` section of the policy the
    /// latest plan was made with (else the manifest's policy; else the defaults).
    static func spelling(_ manifest: Manifest, catalog: Catalog) throws -> LocationSpelling {
        var settings = RewriteSettings()
        let remembered = try? catalog.plans(limit: 1).first?.policyPath
        if let path = remembered ?? manifest.policy, FileManager.default.fileExists(atPath: path) {
            do { settings = try PolicyLoader.load(path: path).rewrite } catch { throw Failure(error) }
        }
        return try spelling(manifest, settings)
    }

    static func spelling(_ manifest: Manifest, _ settings: RewriteSettings) throws -> LocationSpelling {
        do {
            let archive = try settings.archiveLink.map { text throws(SpellingError) in try ArchiveMemberTemplate(text) } ?? .standard
            let dropped: DroppedFilePolicy
            switch settings.dropped {
            case .keep: dropped = .keep
            case .flag: dropped = .flag
            case .tombstone:
                dropped = .tombstone(try Tombstone(text: settings.tombstone ?? Tombstone.standardText,
                                                   link: settings.tombstoneLink ?? Tombstone.standardLink))
            }
            return LocationSpelling(manifest: manifest, archiveMember: archive, dropped: dropped)!
        } catch {
            throw Failure("the policy's rewrite: section: \(error.message)", exit: .badInput)
        }
    }

    /// Test seam (Documentation/Architecture.md): `ATTACHE_FAULT_REWRITE_RECORD_DELAY_MS=N`
    /// sleeps N ms after each record a source rewrite reads, and says on stderr when the first
    /// one is read, so a test can SIGKILL `attache rewrite` mid-way. Not for users.
    static func recordFault() -> (@Sendable () -> Void)? {
        guard let v = ProcessInfo.processInfo.environment["ATTACHE_FAULT_REWRITE_RECORD_DELAY_MS"], let ms = UInt32(v), ms > 0 else {
            return nil
        }
        let first = Cancellation()  // a once-flag: set after the first record
        return {
            if !first.isCancelled {
                first.cancel()
                FileHandle.standardError.write(Data("fault seam: rewriting records\n".utf8))
            }
            usleep(ms * 1000)
        }
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func failure(_ e: RewriteError) -> Failure {
        switch e.kind {
        case .missingInput, .nothingToRevert: return Failure(e.message, exit: .noInput)
        case .configuration: return Failure(e.message, exit: .usage)
        case .output: return Failure(e.message, exit: .targetFailed)
        case .source: return Failure(e.message, exit: .badInput)
        }
    }
}
