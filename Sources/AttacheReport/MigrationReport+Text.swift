import AttacheCatalog
import AttacheModel

extension InventoryReport {
    /// The whole migration report as text: the inventory, then the references by source,
    /// the paths that lead nowhere, the parents that lose links, the plan, the relocation and
    /// its verification, the rewrite. `color`: headings and verdicts in ANSI colour (a terminal only).
    public static func text<S: TextSink>(_ d: MigrationReportData, color: Bool = false, to out: inout S) {
        text(d.inventory, to: &out)
    }
}
