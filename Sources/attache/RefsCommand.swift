import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheReferences
import AttacheReport
import ArgumentParser
import Foundation

struct RefsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refs",
        abstract: "Find every path the legacy records hold and resolve it to a scanned file.",
        discussion: """
            Reads each source of the manifest (SQLite tables or queries, live
            MySQL/MariaDB and PostgreSQL databases, CSV exports, folders of text or HTML
            files), builds the paths its records name (a 'file' template from columns) and
            finds the paths inside free text ('text' columns: UNC paths, drive letters,
            file:// links, HTML href/src). Each is resolved through the roots' aliases
            (exact, then case-folded on case-insensitive roots, then Unicode-equivalent)
            to one status: resolved, missing, ambiguous, special or unreadable. The
            summary counts as every command does: 'not resolved' is every status but
            resolved (attache list missing lists them), 'orphans' are readable files no
            live record points at — unreferenced, or referenced only by deleted records
            (attache list orphans lists them).

            Sources are opened read-only (a live database: a read-only session, one
            snapshot, the query checked before it is sent). A source whose files and
            definition did not change (a live one: its row count and latest 'modified'
            value) is not read again; only its references that a re-scan may have changed
            are resolved again (--force reads everything).

            Then: attache list missing · attache list orphans · attache explain PATH

            Exit: 0 every reference resolved · 3 some are not, or records had problems ·
            65 a source is wrong (unknown table or column, a query that writes) · 66 a
            source or the catalog is missing · 69 a live database does not answer or the
            connection was lost · 77 wrong password or a missing privilege · 130
            interrupted (Ctrl-C: the source being read keeps its previous references; run
            it again to finish).
            """)

    @OptionGroup var common: CommonOptions

    @Flag(help: "Read every source again, even unchanged ones.")
    var force = false

    @Flag(name: .shortAndLong, help: "No summary; only errors.")
    var quiet = false

    func run() throws {
        guard let manifest = try common.loadManifest(required: true) else { return }
        if manifest.sources.isEmpty {
            throw Failure("the manifest declares no sources: add the records that point at files under 'sources:' (Documentation/Manifest.md)", exit: .badInput)
        }
        let catalog: Catalog
        do { catalog = try Catalog(path: common.catalogPath(manifest), mustExist: true) } catch { throw Failure(error) }
        let result: ReferencesResult = try Interrupts.whileRunning("stopping; the source being read keeps its previous references") {
            cancel in
            do throws(ReferencesError) {
                return try ReferencesEngine.run(catalog: catalog, manifest: manifest, version: attacheVersion, force: force,
                                                cancel: cancel, afterEachRecord: RefsCommand.recordFault())
            } catch {
                throw Failure(error)
            }
        }
        if result.interrupted != nil {
            // The summary is printed even with --quiet: it says what the catalog kept.
            print(RefsCommand.summary(result))
            throw ExitStatus(.interrupted)
        }
        let problems = result.sources.filter(\.extracted).map(\.problems).reduce(0, +)
        if !quiet {
            print(RefsCommand.summary(result))
            if let all = try? catalog.sourceProblems(), !all.isEmpty { print(RefsCommand.problemLines(all)) }
        }
        if result.counts.notResolved > 0 || problems > 0 { throw ExitStatus(.finishedWithProblems) }
    }

    /// The summary: each count worded as `attache report` words it (``CountWording``), and
    /// equal to the rows of the listing it points at.
    static func summary(_ r: ReferencesResult) -> String {
        var lines: [String] = []
        for s in r.sources {
            let what = s.extracted
                ? "\(plural(s.records, "record")), \(plural(s.references, "reference"))" + (s.problems > 0 ? ", \(plural(s.problems, "problem"))" : "")
                : "unchanged, not read again"
            lines.append("  \(s.name): \(what)" + (s.note.map { " (\($0))" } ?? ""))
        }
        if !r.droppedSources.isEmpty { lines.append("  forgotten (no longer in the manifest): " + r.droppedSources.joined(separator: ", ")) }
        let c = r.counts
        lines.insert("References: \(groupedDigits(Int64(c.total))) — \(groupedDigits(Int64(c.resolved))) resolved, "
                     + CountWording.notResolvedCount(c), at: 0)
        if r.resolvedAgain > 0 { lines.append("Resolved again after the re-scan: \(plural(r.resolvedAgain, "reference"))") }
        lines.append("\(CountWording.orphanCount(c)) — see: attache list orphans")
        if c.notResolved > 0 { lines.append("Not resolved: \(plural(c.notResolved, "reference")) — see: attache list missing") }
        if let stop = r.interrupted {
            lines.insert("Interrupted while reading '\(stop.source)': it keeps the references it had before this run.", at: 0)
            if !stop.notRead.isEmpty { lines.append("Not read (they keep their previous references): " + stop.notRead.joined(separator: ", ")) }
            lines.append("The counts above are what the catalog holds now. Run 'attache refs' again to finish.")
        }
        return lines.joined(separator: "\n")
    }

    /// The records that could not be read (the catalog's `source_problems`), the first
    /// `limit` of them: source, file, where, what.
    static func problemLines(_ all: [(source: String, kind: String, file: String, position: String?, message: String)],
                             limit: Int = 50) -> String {
        var lines = ["Records that could not be read (\(groupedDigits(Int64(all.count)))):"]
        for p in all.prefix(limit) {
            lines.append("  \(p.source): \(p.file)" + (p.position.map { ", \($0)" } ?? "") + ": \(p.message)")
        }
        if all.count > limit { lines.append("  … and \(groupedDigits(Int64(all.count - limit))) more (attache report --format json counts them)") }
        return lines.joined(separator: "\n")
    }

    /// Test seam (Documentation/Architecture.md): `ATTACHE_FAULT_REFS_RECORD_DELAY_MS=N` sleeps
    /// N ms after each record a source yields, and says on stderr when the first one is read,
    /// so an end-to-end test can interrupt `attache refs` while a source is being read. Not for users.
    static func recordFault() -> (@Sendable () -> Void)? {
        guard let v = ProcessInfo.processInfo.environment["ATTACHE_FAULT_REFS_RECORD_DELAY_MS"], let ms = UInt32(v), ms > 0 else {
            return nil
        }
        let first = Cancellation()  // used as a once-flag: set after the first record
        return {
            if !first.isCancelled {
                first.cancel()
                FileHandle.standardError.write(Data("fault seam: reading records\n".utf8))
            }
            usleep(ms * 1000)
        }
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Everything attache knows about one file: its type, problems, the records that point at it, its duplicates, its decision.",
        discussion: "PATH is the file's path relative to its root (as 'attache list files' shows it), or its absolute path.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The file.")
    var path: String

    func run() throws {
        let catalog = try common.openExistingCatalog()
        var sink = FileSink()
        let found: Bool
        do { found = try Explanation.text(catalog, path: path, to: &sink) } catch { throw Failure(error) }
        sink.flush()
        if !found { throw Failure("no catalogued file at \(path) (give the path relative to its root, or the absolute path)", exit: .noInput) }
    }
}
