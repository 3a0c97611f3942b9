import AttacheCatalog
import AttacheModel
import AttacheRelocation
import ArgumentParser
import Foundation

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-read the target: did everything arrive, exactly?",
        usage: "attache verify [--to <dir>] [--references] [--fast] [--format <format>]\n  [--quiet] [--manifest <file>] [--catalog <file>]",
        discussion: """
            Every file attache wrote in the target is hashed again (SHA-256) and compared
            with what was written; every archive is read through and each member compared,
            with the archive's own manifest; everything else in the target is listed as
            unexpected (never touched); files the mapping says are not placed yet are
            listed; the target's total is checked against the plan's quota.

            --fast compares sizes and counts only (no reading).

            --references checks the records instead, after 'attache rewrite': every
            reference the latest rewrite wrote still holds the text written, that
            text names a place below the target's address (read back on its own,
            not by respelling), and the file there (or the archive member) has the
            content the mapping says.

            The target: --to DIR, else the manifest's 'target:', else the target of the
            latest apply.

            Exit: 0 the target is exactly what attache wrote · 5 something differs
            (listed) · 66 no catalog, no apply yet, or no target · 130 interrupted.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: ArgumentHelp("The target folder (default: the manifest's 'target', else the latest apply's).", valueName: "dir"))
    var to: String?

    @Flag(help: "Sizes and counts only; no hashing.")
    var fast = false

    @Flag(help: "Check the rewritten records: every rewritten reference opens the right bytes in the target.")
    var references = false

    @Flag(name: .shortAndLong, help: "No progress and no summary; only the exit code and errors.")
    var quiet = false

    @Option(name: .long, help: "text or json (for machines).")
    var format: SummaryFormat = .text

    func run() throws {
        if references { return try verifyReferences() }
        let manifest = try common.loadManifest(required: false)
        let line = ProgressLine(enabled: !quiet && format == .text)
        let catalogPath = common.catalogPath(manifest)
        let target = to ?? manifest?.target
        // Before any apply the target may not exist yet: say what is missing, not that the folder is.
        if let catalog = try? Catalog(path: catalogPath, mustExist: true), (try? catalog.applyRuns(limit: 1))?.isEmpty == true {
            throw Failure("nothing to verify: the catalog \(catalogPath) records no apply yet: run 'attache apply' first", exit: .noInput)
        }
        let result: VerifyResult = try Interrupts.whileRunning("stopping") { cancel in
            do throws(ApplyError) {
                let r = try Verifier.run(catalogPath: catalogPath, target: target, fast: fast, cancel: cancel) { files, bytes in
                    line.update("verify: \(groupedDigits(Int64(files))) files and archives · \(ByteCount(bytes)) hashed")
                }
                line.clear()
                return r
            } catch {
                line.clear()
                if case .noPlan = error { throw Failure("nothing to verify: the catalog \(catalogPath) records no apply yet", exit: .noInput) }
                throw ApplyCommand.failure(error)
            }
        }
        try Self.record(result, catalogPath: catalogPath)
        if !quiet {
            switch format {
            case .text: print(VerifyCommand.text(result))
            case .json: print(VerifyCommand.json(result))
            }
        }
        if !result.ok { throw ExitStatus(.verifyFailed) }
    }

    /// Keeps what was found in the catalog (`verify_runs`), for the report.
    static func record(_ r: VerifyResult, catalogPath: String) throws {
        var byKind: [String: Int] = [:]
        for d in r.differences { byKind[d.kind.rawValue, default: 0] += 1 }
        do {
            try Catalog(path: catalogPath, mustExist: true).recordVerification(
                VerificationRecord(kind: .target, target: r.target, fast: r.fast, checked: r.files + r.archives + r.members,
                                   bytes: r.bytesHashed, differences: byKind))
        } catch { throw Failure(error) }
    }

    static func text(_ r: VerifyResult) -> String {
        var lines = ["Verified \(r.target)\(r.fast ? " (fast: sizes only)" : ""): \(plural(r.files, "file")), "
                     + "\(plural(r.archives, "archive")) (\(plural(r.members, "member"))), \(ByteCount(r.bytesHashed)) hashed."]
        if let q = r.quota {
            let pct = q > 0 ? Double(r.targetBytes) / Double(q) * 100 : 0
            lines.append("Target holds \(ByteCount(r.targetBytes)): \(formatFixed(pct, digits: 1)) % of the \(ByteCount(q)) quota.")
        } else {
            lines.append("Target holds \(ByteCount(r.targetBytes)) (no quota).")
        }
        if r.ok {
            lines.append("Everything is exactly as attache wrote it.")
        } else {
            var byKind: [VerifyDifference.Kind: Int] = [:]
            for d in r.differences { byKind[d.kind, default: 0] += 1 }
            let counts = VerifyDifference.Kind.allCases.compactMap { k in byKind[k].map { "\($0) \(k.rawValue)" } }
            lines.append("Differences: \(r.differences.count) (\(counts.joined(separator: ", "))):")
            for d in r.differences.prefix(200) {
                lines.append("  \(d.kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)) \(d.path.isEmpty ? "" : d.path + ": ")\(d.detail)")
            }
            if r.differences.count > 200 { lines.append("  … and \(r.differences.count - 200) more: --format json lists them all") }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ r: VerifyResult) -> String {
        JSONWriter.text { w in
            w.beginObject()
            w.field("target", .text(r.target))
            w.field("fast", .bool(r.fast))
            w.field("ok", .bool(r.ok))
            w.field("files", .int(r.files))
            w.field("archives", .int(r.archives))
            w.field("members", .int(r.members))
            w.field("bytes_hashed", .integer(r.bytesHashed))
            w.field("target_bytes", .integer(r.targetBytes))
            w.field("quota", .int(r.quota))
            w.beginArray("differences")
            for d in r.differences {
                w.beginObject()
                w.field("kind", .text(d.kind.rawValue)); w.field("path", .text(d.path)); w.field("detail", .text(d.detail))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
    }
}
