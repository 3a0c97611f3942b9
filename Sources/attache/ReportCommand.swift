import AttacheCatalog
import AttacheModel
import AttacheReport
import AttacheSystem
import ArgumentParser
import Foundation

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report the migration: inventory, references, plan, relocation, rewrite — as text, JSON or one HTML page.",
        usage: "attache report [--format <format>] [--out <file>] [--top <top>]\n  [--manifest <file>] [--catalog <file>]",
        discussion: """
            Reads the catalog only: each section shows what its stage last did, and
            names the command to run for a stage not run yet.

              attache report                        the text report (80 columns)
              attache report --format html --out report.html
                                                    one self-contained page with charts
                                                    (no network, works without scripts,
                                                    printable) to show the people who
                                                    approve the migration
              attache report --format json          every figure, for machines

            The HTML shows exactly the JSON's numbers (each carries the JSON pointer it
            comes from). Schema: Documentation/Report.md.

            Exit: 0 · 66 no catalog · 74 the --out file cannot be written.
            """)

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "text, json or html.")
    var format: ReportFormat = .text

    @Option(name: .long, help: ArgumentHelp("Write the report to this file (replaced whole, never half-written) instead of standard output.",
                                            valueName: "file"))
    var out: String?

    @Option(name: .long, help: "How many items each top list shows (largest files, duplicate groups, missing paths, parents).")
    var top: Int = 10

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top takes a number ≥ 0") }
    }

    func run() throws {
        let catalog = try common.openExistingCatalog()
        let data: MigrationReportData
        do { data = try MigrationReportData.load(catalog, top: top) } catch { throw Failure(error) }
        var text = StringSink()
        switch format {
        case .text: InventoryReport.text(data, color: out == nil && Terminal.stdoutIsTerminal, to: &text)
        case .json: MigrationReport.json(data, to: &text)
        case .html: HTMLReport.page(data, to: &text)
        }
        guard let out else {
            let sink = FileSink()
            sink.write(text.text)
            sink.flush()
            return
        }
        do { try AtomicFile.write(Array(text.text.utf8), to: out) } catch {
            throw Failure("cannot write the report to \(out): \(error)", exit: .targetFailed)
        }
    }
}
