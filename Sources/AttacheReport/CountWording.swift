import AttacheCatalog
import AttacheModel

/// How every output for people words the reference counts (``ReferenceCounts``), so that
/// `attache refs`, `attache report` and `attache explain` name each count the same way and
/// the numbers match the rows of `attache list missing` and `attache list orphans`.
public enum CountWording {
    /// What `list missing` lists: "not resolved".
    public static let notResolved = "not resolved"
    /// What `list orphans` lists: "orphans".
    public static let orphans = "orphans"

    /// "5 missing, 1 ambiguous, 1 special": the not-resolved references by status, in
    /// declaration order, statuses with none left out.
    public static func notResolvedBreakdown(_ c: ReferenceCounts) -> String {
        ReferenceStatus.unresolvedCases.compactMap { k in
            c.byStatus[k].flatMap { $0 > 0 ? "\(groupedDigits(Int64($0))) \(k.rawValue)" : nil }
        }.joined(separator: ", ")
    }

    /// "7 not resolved (5 missing, 1 ambiguous, 1 special)", or "0 not resolved".
    public static func notResolvedCount(_ c: ReferenceCounts) -> String {
        let breakdown = notResolvedBreakdown(c)
        return "\(groupedDigits(Int64(c.notResolved))) \(notResolved)" + (breakdown.isEmpty ? "" : " (\(breakdown))")
    }

    /// "24 unreferenced, 2 referenced only by deleted records": the orphans by reason, reasons
    /// with none left out.
    public static func orphanBreakdown(_ c: ReferenceCounts) -> String {
        OrphanReason.allCases.compactMap { why in
            let n = c.orphans(why).files
            return n > 0 ? "\(groupedDigits(Int64(n))) \(why.label)" : nil
        }.joined(separator: ", ")
    }

    /// "26 orphans (24 unreferenced, 2 referenced only by deleted records)", or "0 orphans".
    public static func orphanCount(_ c: ReferenceCounts) -> String {
        let breakdown = orphanBreakdown(c)
        return "\(groupedDigits(Int64(c.orphans.files))) \(orphans)" + (breakdown.isEmpty ? "" : " (\(breakdown))")
    }
}
