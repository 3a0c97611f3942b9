import AttacheCatalog
import AttacheModel
import AttacheReport
import AttacheRewrite
import AttacheSystem
import ArgumentParser

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Complete, sorted listings for spreadsheets and scripts.",
        usage: "attache list <kind> [--format <format>] [--all]\n  [--manifest <file>] [--catalog <file>]",
        discussion: """
            KIND is one of:
              files       every file present (--all: gone ones too): root, path,
                          kind, size, mtime, sha256, mime, category,
                          extension_mismatch, status, problem, problem_detail,
                          owner, group, uid, gid
              duplicates  every file that shares its content with another, grouped
              problems    every recorded problem: root, path, code, severity, detail
              refs        every path the records hold: source, key, column, raw,
                          status, match, file
              missing     references that name no readable file (missing,
                          ambiguous, special, unreadable)
              orphans     readable files no live record points at (unreferenced,
                          or referenced by deleted records only)
              decisions   the latest plan: action, rule, reason, new path or
                          archive, for every file
              mapping     where every file is after apply: placed (new path),
                          archived (archive and member), dropped (rule),
                          duplicate (of which file), pending (why), gone; its
                          sha256 and every spelling of its path in the records
                          (--all: superseded rows of earlier runs too)
              links       every reference with where its file is now (a
                          duplicate's: the kept copy's), and, with the
                          manifest's target.address, the new location as
                          records will spell it: the importer's link table
              rewrites    the audit of the latest rewrite run (--run N: another):
                          source, record, column, outcome, before, after, why
                          (--attention: only flagged, unresolved, refused and
                          failed references — the records people must fix)

            Field names are stable (Documentation/Listings.md). Paths are relative to
            their root; bytes that are not valid UTF-8 are written as \\xNN. The table
            shows the main fields, fitted to 120 columns (roots as [1], [2]…, long paths
            shortened in the middle); csv and json hold every field, complete. In csv, text
            that a spreadsheet would run as a formula (=, +, -, @) starts with '.

            Examples:
              attache list files --format csv > files.csv
              attache list problems --format json |
                jq '.items[] | select(.severity == "error")'
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable { case files, duplicates, problems, refs, orphans, missing, decisions, mapping, links, rewrites }

    @OptionGroup var common: CommonOptions

    @Argument(help: "What to list (above).")
    var kind: Kind

    @Option(name: .long, help: "table, csv or json.")
    var format: ListFormat = .table

    @Flag(name: .long, help: "With 'files': include files that are gone; with 'mapping': superseded rows (history).")
    var all = false

    @Flag(name: .long, help: "With 'rewrites': only the references people must look at.")
    var attention = false

    @Option(name: .customLong("run"), help: ArgumentHelp("With 'rewrites': the rewrite run (default: the latest).", valueName: "n"))
    var runID: Int64?

    func validate() throws {
        if all && kind != .files && kind != .mapping { throw ValidationError("--all goes with 'list files' or 'list mapping'") }
        if (attention || runID != nil) && kind != .rewrites { throw ValidationError("--attention and --run go with 'list rewrites'") }
    }

    func run() throws {
        let catalog = try common.openExistingCatalog()
        // The link table spells new locations with the manifest's target.address, when it has one.
        let spelling = kind == .links ? try common.loadManifest(required: false).flatMap { LocationSpelling(manifest: $0) } : nil
        var sink = FileSink()
        do {
            switch kind {
            case .files: try Listing.files(catalog, format: format.output, includeGone: all, owners: OwnerNames(), to: &sink)
            case .duplicates: try Listing.duplicates(catalog, format: format.output, to: &sink)
            case .problems: try Listing.problems(catalog, format: format.output, to: &sink)
            case .refs: try Listing.references(catalog, format: format.output, to: &sink)
            case .missing: try Listing.references(catalog, format: format.output, onlyUnresolved: true, to: &sink)
            case .orphans: try Listing.orphans(catalog, format: format.output, to: &sink)
            case .decisions: try Listing.decisions(catalog, format: format.output, to: &sink)
            case .mapping: try Listing.mapping(catalog, format: format.output, history: all, to: &sink)
            case .links:
                try Listing.links(catalog, format: format.output, address: { r, l in ListCommand.address(r, l, spelling) }, to: &sink)
            case .rewrites:
                guard let run = try runID ?? catalog.rewriteRuns(limit: 1).first?.id else {
                    throw Failure("no rewrite run yet: run attache rewrite", exit: .noInput)
                }
                try Listing.rewrites(catalog, run: run, attentionOnly: attention, format: format.output, to: &sink)
            }
        } catch let f as Failure { throw f } catch let e as CatalogError { throw Failure(e) } catch { throw Failure("\(error)", exit: .failure) }
        sink.flush()
    }

    /// The new location of a reference's file as the records will spell it (plain text), or
    /// nil without an address, for a file not placed, or when the policy keeps the old text.
    static func address(_ r: ReferenceRecord, _ l: ReferenceLink, _ spelling: LocationSpelling?) -> String? {
        guard let spelling, let placement = l.placement else { return nil }
        let location: NewLocation
        switch placement {
        case .placed, .duplicate:
            guard let p = l.targetPath else { return nil }
            location = .file(path: p)
        case .archived:
            guard let a = l.archivePath, let m = l.member else { return nil }
            location = .archiveMember(archivePath: a, member: m.display)
        case .dropped:
            let name = r.filePath.map { String(decoding: $0.bytes.split(separator: UInt8(ascii: "/")).last ?? [], as: UTF8.self) } ?? ""
            location = .dropped(DroppedFile(name: name, oldText: r.raw, rule: l.rule ?? ""))
        case .pending, .gone:
            return nil
        }
        guard case .success(.replace(let text)) = spelling.spell(location, in: .plain, original: r.style) else { return nil }
        return text
    }
}
