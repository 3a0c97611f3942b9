import AttacheReport
import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarise the inventory: totals, categories, years, folders, duplicates, problems.",
        usage: "attache report [--format <format>] [--top <top>]\n  [--manifest <file>] [--catalog <file>]",
        discussion: """
            Reads the catalog only (run 'attache scan' first). --format json gives the
            same figures for machines, with a version field (Documentation/Listings.md).
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "text or json.")
    var format: ReportFormat = .text

    @Option(name: .long, help: "How many of the largest files and duplicate groups to show.")
    var top: Int = 10

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top takes a number ≥ 0") }
    }

    func run() throws {
        let catalog = try common.openExistingCatalog()
        let data: InventoryData
        do { data = try InventoryData.load(catalog, top: top) } catch { throw Failure(error) }
        var sink = FileSink()
        if format == .json { InventoryReport.json(data, to: &sink) } else { InventoryReport.text(data, to: &sink) }
        sink.flush()
    }
}
