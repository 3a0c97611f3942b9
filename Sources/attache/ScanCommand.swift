import AttacheCatalog
import AttacheConfig
import AttacheModel
import AttacheScan
import AttacheSystem
import ArgumentParser
import Foundation

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Inventory every file under the legacy roots into the catalog.",
        usage: "attache scan [<root> ...] [--exclude <glob> ...] [--workers <workers>]\n  [--quiet] [--manifest <file>] [--catalog <file>]",
        discussion: """
            Walks each root without following symlinks, reads every file once to compute
            its SHA-256 and its content type (libmagic), and records problems: unreadable
            files and folders, FIFOs and devices (never opened), broken or looping
            symlinks, names that are not UTF-8, look-alike names, files that change while
            read.

            The scan is incremental: a re-run reads only files whose size, mtime, ctime or
            inode changed (and files that could not be read before); files that
            disappeared are marked gone. Ctrl-C stops it cleanly: what was read is kept,
            the next run resumes. Legacy files are only ever opened read-only (access
            times untouched where the system allows).

            With ROOT arguments, no manifest is needed: attache scan /mnt/share writes
            ./attache.db (or --catalog FILE). Without them, the manifest's roots are
            scanned.

            Exit: 0 clean · 3 finished with problems (attache list problems) · 66 a root
            is missing · 65 bad manifest · 130 interrupted.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: ArgumentHelp("Folders to scan instead of the manifest's roots.", valueName: "root"))
    var roots: [String] = []

    @Option(name: .long, help: ArgumentHelp("Skip paths matching this glob (repeatable), e.g. '**/.snapshot/**'.", valueName: "glob"))
    var exclude: [String] = []

    @Option(name: .long, help: "Reader threads (default: the number of cores).")
    var workers: Int?

    @Flag(name: .shortAndLong, help: "No progress and no summary; only errors.")
    var quiet = false

    func validate() throws {
        if let w = workers, w < 1 || w > 256 { throw ValidationError("--workers takes a number from 1 to 256") }
    }

    func run() throws {
        // Quick look: roots on the command line, no manifest unless one is named.
        let manifest: Manifest? = roots.isEmpty || common.manifest != nil ? try common.loadManifest(required: roots.isEmpty) : nil
        var scanRoots: [ScanRoot]
        if roots.isEmpty {
            scanRoots = manifest!.roots.map { ScanRoot(path: $0.path, aliases: $0.aliases, caseInsensitive: $0.caseInsensitive) }
        } else {
            scanRoots = roots.map { ScanRoot(path: $0) }
        }
        if scanRoots.isEmpty { throw Failure("the manifest names no roots: add one under 'roots:'", exit: .badInput) }
        var globs = manifest?.exclude ?? []
        for e in exclude {
            do { globs.append(try PathGlob(e)) } catch let err as PathGlob.Invalid {
                throw Failure("--exclude '\(e)': \(err.reason)", exit: .usage)
            }
        }
        // A missing root is reported before the catalog is created: a typo leaves nothing behind.
        do { try Scanner.checkRoots(scanRoots) } catch { throw Failure(error) }
        let catalog: Catalog
        do { catalog = try Catalog(path: common.catalogPath(manifest)) } catch { throw Failure(error) }

        let line = ProgressLine(enabled: !quiet)
        let started = Date()
        let options = ScanOptions(roots: scanRoots, exclude: globs, workers: workers ?? ProcessInfo.processInfo.activeProcessorCount,
                                  faults: ScanCommand.faultsFromEnvironment(), version: attacheVersion)
        let result: ScanResult = try Interrupts.whileRunning("stopping after the current files") { cancel in
            do throws(ScanError) {
                let r = try Scanner.run(catalog: catalog, options: options, cancel: cancel) { p in
                    line.update(ScanCommand.describe(p))
                }
                line.clear()
                return r
            } catch {
                line.clear()
                throw Failure(error)
            }
        }
        if !quiet { print(ScanCommand.summary(result, seconds: Date().timeIntervalSince(started), catalog: catalog.path)) }
        if result.status == .interrupted { throw ExitStatus(.interrupted) }
        if result.hasProblems { throw ExitStatus(.finishedWithProblems) }
    }

    /// Test seam (Documentation/Architecture.md): `ATTACHE_FAULT_READ_DELAY_MS=N` sleeps N ms
    /// after each chunk read, so an end-to-end test can interrupt or kill a scan mid-way.
    static func faultsFromEnvironment() -> ReadFaults {
        guard let v = ProcessInfo.processInfo.environment["ATTACHE_FAULT_READ_DELAY_MS"], let ms = UInt32(v), ms > 0 else {
            return ReadFaults()
        }
        return ReadFaults(afterChunk: { _, _ in usleep(ms * 1000) })
    }

    static func describe(_ p: ScanProgress) -> String {
        switch p.phase {
        case .walking:
            return "scan: listing… \(groupedDigits(Int64(p.entriesFound))) entries"
        case .reading, .finishing:
            var s = "scan: \(groupedDigits(Int64(p.filesRead)))/\(groupedDigits(Int64(p.filesToRead))) files · "
                + "\(ByteCount(p.bytesRead))/\(ByteCount(p.bytesToRead))"
            if p.readingSeconds > 1, p.bytesRead > 0 {
                let rate = Double(p.bytesRead) / p.readingSeconds
                s += " · \(ByteCount(Int64(rate)))/s"
                let left = Double(p.bytesToRead - p.bytesRead) / rate
                if left.isFinite { s += " · ETA \(formatDuration(left))" }
            }
            return s
        }
    }

    static func summary(_ r: ScanResult, seconds: Double, catalog: String) -> String {
        let c = r.counts
        var lines: [String] = []
        let verb = r.status == .interrupted ? "Interrupted" : "Scanned"
        lines.append("\(verb): \(groupedDigits(Int64(c.seen))) entries — \(groupedDigits(Int64(c.new))) new, "
            + "\(groupedDigits(Int64(c.changed))) changed, \(groupedDigits(Int64(c.unchanged))) unchanged, "
            + "\(groupedDigits(Int64(c.gone))) gone" + (c.excluded > 0 ? ", \(groupedDigits(Int64(c.excluded))) excluded" : "")
            + (c.notReadYet > 0 ? ", \(groupedDigits(Int64(c.notReadYet))) not read yet" : ""))
        let rate = seconds > 0 ? " (\(ByteCount(Int64(Double(c.bytesRead) / seconds)))/s)" : ""
        lines.append("Read \(plural(c.read, "file")), \(ByteCount(c.bytesRead)) in \(formatFixed(seconds, digits: 1)) s\(rate) → \(catalog)")
        let errors = r.findings.filter { $0.key.severity == .error }.values.reduce(0, +)
        let warnings = r.findings.filter { $0.key.severity == .warning }.values.reduce(0, +)
        let infos = r.findings.filter { $0.key.severity == .info }.values.reduce(0, +)
        if errors + warnings + infos == 0 {
            lines.append("No problems.")
        } else {
            let codes = r.findings.keys.sorted().map { "\($0.rawValue) \(r.findings[$0]!)" }.joined(separator: ", ")
            lines.append("Problems: \(plural(errors, "error")), \(plural(warnings, "warning")), \(plural(infos, "note")) (\(codes)) — see: attache list problems")
        }
        if r.status == .interrupted { lines.append("The catalog keeps what was read; run the scan again to finish.") }
        return lines.joined(separator: "\n")
    }
}

/// "1 file", "2,345 files".
func plural(_ n: Int, _ noun: String) -> String { "\(groupedDigits(Int64(n))) \(noun)\(n == 1 ? "" : "s")" }
