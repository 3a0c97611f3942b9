import AttacheCatalog
import AttacheModel

/// Everything the inventory report shows, read from the catalog once.
public struct InventoryData: Sendable {
    public var catalogPath: String
    public var summary: InventorySummary
    public var largest: [FileRecord]
    public var topDuplicates: [DuplicateGroup]
    public var findings: [FindingRecord]
    /// The reference counts (``ReferenceCounts``: the figures `attache refs` prints); nil
    /// before any `attache refs`.
    public var references: ReferenceCounts?

    /// Reads the report's data. `top` bounds the largest-files and duplicate-group lists.
    public static func load(_ catalog: Catalog, top: Int = 10) throws(CatalogError) -> InventoryData {
        let counts = try catalog.referenceCounts()
        let figures = counts.sources == 0 ? nil : counts
        return InventoryData(catalogPath: catalog.path, summary: try catalog.inventorySummary(),
                             largest: try catalog.largestFiles(limit: top), topDuplicates: try catalog.duplicateGroups(limit: top),
                             findings: try catalog.findings(), references: figures)
    }
}

/// The inventory report ("what do we have?") as text for people or JSON for machines
/// (InventoryReport+JSON.swift). The text fits ``width`` columns: several roots are shown
/// once each with a short label (`[1]`), long paths are shortened in the middle and
/// sentences wrapped; the JSON is complete.
public enum InventoryReport {
    /// The JSON's `version`: 2 since `references.orphans` counts every orphan `attache list
    /// orphans` lists (in version 1 it counted only the unreferenced ones).
    public static let jsonVersion = 2
    /// Problems shown one by one in the text report before "… and N more".
    public static let textProblemLimit = 25
    /// The widest line of the text report.
    public static let width = 80

    // MARK: text

    public static func text<S: TextSink>(_ d: InventoryData, color: Bool = false, to out: inout S) {
        let v = TextView(d.summary)
        header(d, v, color: color, to: &out)
        out.write("\n" + heading("Totals", color) + "\n")
        let s = d.summary
        var t = Table(headers: ["", "files", "bytes"], rightAligned: [1, 2])
        t.add(["present", groupedDigits(Int64(s.presentFiles)), ByteCount(s.presentBytes).description])
        for st in s.byStatus { t.add(["  " + st.label, groupedDigits(Int64(st.files)), ByteCount(st.bytes).description]) }
        t.render(to: &out)
        section("By category", s.byCategory, total: s.presentBytes, color: color, to: &out)
        section("By year last modified", s.byYear, total: s.presentBytes, color: color, to: &out)
        section("By top folder", s.byTopFolder.map { Tally(label: v.folder($0.label), files: $0.files, bytes: $0.bytes) },
                total: s.presentBytes, shortening: .middle, color: color, to: &out)
        filesAndDuplicates(d, v, color: color, to: &out)
        if let r = d.references { references(r, color: color, to: &out) }
        problems(d, v, color: color, to: &out)
    }

    /// A section's title: bold on a terminal.
    static func heading(_ title: String, _ color: Bool) -> String { color ? "\u{1B}[1m" + title + "\u{1B}[0m" : title }

    /// A verdict: green (good) or red (bad) on a terminal.
    static func verdict(_ text: String, good: Bool, _ color: Bool) -> String {
        color ? (good ? "\u{1B}[32m" : "\u{1B}[31m") + text + "\u{1B}[0m" : text
    }

    /// How the text shows roots and paths: relative to the root when there is one, else with
    /// the root's label.
    struct TextView {
        let labels: [String: String]
        init(_ s: InventorySummary) {
            labels = s.roots.count == 1 ? [s.roots[0].display: ""]
                : Dictionary(s.roots.enumerated().map { ($1.display, "[\($0 + 1)]") }, uniquingKeysWith: { a, _ in a })
        }
        func path(root: String, _ path: RawPath) -> String {
            let p = path.isEmpty ? "." : path.display
            guard let l = labels[root] else { return root + "/" + p }
            return l.isEmpty ? p : l + " " + p
        }
        /// `ROOT ▸ FOLDER` as `FOLDER` (one root) or `[1] ▸ FOLDER`.
        func folder(_ label: String) -> String {
            for (root, l) in labels where label.hasPrefix(root + " ▸ ") {
                let rest = String(label.dropFirst(root.count + 3))
                return l.isEmpty ? rest : l + " ▸ " + rest
            }
            return label
        }
        func label(_ root: String) -> String { labels[root] ?? "" }
    }

    /// Writes `text` wrapped to the report's width (continuation lines indented by `indent`).
    static func line<S: TextSink>(_ text: String, indent: String = "    ", to out: inout S) {
        for l in TextWidth.wrap(text, width: width, indent: indent) { out.write(l + "\n") }
    }

    private static func header<S: TextSink>(_ d: InventoryData, _ v: TextView, color: Bool, to out: inout S) {
        let s = d.summary
        out.write(heading(TextWidth.trimMiddle("attache report — catalog \(d.catalogPath)", width: width), color) + "\n")
        if let run = s.lastRun {
            let c = run.counts
            line("Last scan: run \(run.id), \(run.status.rawValue) \(run.finishedAt ?? run.startedAt) — \(groupedDigits(Int64(c.seen))) entries seen: \(c.new) new, \(c.changed) changed, \(c.unchanged) unchanged, \(c.gone) gone"
                 + (c.notReadYet > 0 ? ", \(groupedDigits(Int64(c.notReadYet))) not read yet" : "") + "; \(ByteCount(c.bytesRead)) read",
                 indent: "  ", to: &out)
        } else {
            out.write("No scan yet: run 'attache scan'.\n")
        }
        out.write("\n" + heading("Roots", color) + "\n")
        for r in s.roots {
            var extra: [String] = []
            if !r.aliases.isEmpty { extra.append("aliases: " + r.aliases.joined(separator: ", ")) }
            if r.caseInsensitive { extra.append("case-insensitive") }
            let label = v.label(r.display)
            line("  " + (label.isEmpty ? "" : label + " ") + r.display + (extra.isEmpty ? "" : "  (" + extra.joined(separator: "; ") + ")"),
                 to: &out)
        }
    }

    private static func filesAndDuplicates<S: TextSink>(_ d: InventoryData, _ v: TextView, color: Bool, to out: inout S) {
        let s = d.summary
        if !d.largest.isEmpty {
            out.write("\n" + heading("Largest files", color) + "\n")
            var lt = Table([.init("size", right: true, shortening: .never), .init("category", shortening: .never),
                            .init("path", shortening: .middle, minWidth: 24)], maxWidth: width)
            for f in d.largest { lt.add([ByteCount(f.stat.size).description, f.category?.rawValue ?? "-", v.path(root: f.rootPath, f.path)]) }
            lt.render(to: &out)
        }
        out.write("\n" + heading("Duplicates", color) + "\n")
        if s.duplicateGroups == 0 {
            out.write("  none: every non-empty readable file has unique content\n")
        } else {
            line("  \(count(s.duplicateFiles, "file")) in \(count(s.duplicateGroups, "group")) of identical content; keeping one copy of each would free \(ByteCount(s.reclaimableBytes))", to: &out)
            var dt = Table([.init("copies", right: true, shortening: .never), .init("size", right: true, shortening: .never),
                            .init("reclaimable", right: true, shortening: .never), .init("sha256", shortening: .never),
                            .init("first copy", shortening: .middle, minWidth: 24)], maxWidth: width)
            for g in d.topDuplicates {
                let first = g.files.first.map { v.path(root: $0.rootPath, $0.path) } ?? ""
                dt.add([String(g.files.count), ByteCount(g.size).description, ByteCount(g.reclaimable).description,
                        String(g.sha256.hex.prefix(12)), first])
            }
            dt.render(to: &out)
            out.write("  complete list: attache list duplicates\n")
        }
        out.write("\n")
        line("Extension contradicts content: \(count(s.extensionMismatches, "file"))"
             + (s.extensionMismatches > 0 ? " (attache list files --format csv, column extension_mismatch)" : ""), to: &out)
    }

    private static func references<S: TextSink>(_ r: ReferenceCounts, color: Bool, to out: inout S) {
        out.write("\n" + heading("References (\(count(r.sources, "source")))", color) + "\n")
        var rt = Table(headers: ["status", "references"], rightAligned: [1])
        rt.add([ReferenceStatus.resolved.rawValue, groupedDigits(Int64(r.resolved))])
        rt.add([CountWording.notResolved, groupedDigits(Int64(r.notResolved))])
        for k in ReferenceStatus.unresolvedCases where (r.byStatus[k] ?? 0) > 0 {
            rt.add(["  " + k.rawValue, groupedDigits(Int64(r.byStatus[k]!))])
        }
        rt.render(to: &out)
        let o = r.orphans
        line("  \(CountWording.orphans): \(count(o.files, "file")), \(ByteCount(o.bytes))"
             + (o.files > 0 ? " (\(CountWording.orphanBreakdown(r))) — attache list orphans" : ", no file without a live record"),
             to: &out)
        if r.sourceProblems > 0 { out.write("  records that could not be read: \(r.sourceProblems) (attache refs lists them)\n") }
        if r.notResolved > 0 { out.write("  \(CountWording.notResolved): \(count(r.notResolved, "reference")) — attache list missing\n") }
    }

    private static func problems<S: TextSink>(_ d: InventoryData, _ v: TextView, color: Bool, to out: inout S) {
        let s = d.summary
        let total = s.problems.values.reduce(0, +)
        out.write("\n" + heading("Problems", color) + "\n")
        guard total > 0 else { out.write("  none\n"); return }
        var pt = Table([.init("code", shortening: .never), .init("severity", shortening: .never),
                        .init("count", right: true, shortening: .never), .init("meaning", minWidth: 20)], maxWidth: width)
        for code in s.problems.keys.sorted(by: { ($0.severity, $1.rawValue) > ($1.severity, $0.rawValue) }) {
            pt.add([code.rawValue, code.severity.rawValue, groupedDigits(Int64(s.problems[code]!)), code.summary])
        }
        pt.render(to: &out)
        out.write("\n")
        for p in d.findings.prefix(textProblemLimit) {
            let lead = "  \(p.code.severity.rawValue.uppercased()) "
            let rest = " — \(p.code.rawValue): \(p.detail)"
            // The path gets what the line has left (at least 30 columns), shortened in the middle.
            let room = max(30, width - TextWidth.of(lead) - TextWidth.of(rest))
            out.write(TextWidth.trimEnd(lead + TextWidth.trimMiddle(v.path(root: p.rootPath, p.path), width: room) + rest, width: width) + "\n")
        }
        if d.findings.count > textProblemLimit {
            out.write("  … and \(d.findings.count - textProblemLimit) more: attache list problems\n")
        }
    }

    /// "1 file", "2,345 files".
    static func count(_ n: Int, _ noun: String) -> String { "\(groupedDigits(Int64(n))) \(noun)\(n == 1 ? "" : "s")" }

    private static func section<S: TextSink>(_ title: String, _ rows: [Tally], total: Int64, shortening: Table.Shortening = .end,
                                             color: Bool, to out: inout S) {
        guard !rows.isEmpty else { return }
        out.write("\n" + heading(title, color) + "\n")
        var t = Table([.init("", shortening: shortening, minWidth: 24), .init("files", right: true, shortening: .never),
                       .init("bytes", right: true, shortening: .never), .init("share", right: true, shortening: .never)], maxWidth: width)
        for r in rows {
            let share = total > 0 ? formatFixed(Double(r.bytes) * 100 / Double(total), digits: 1) + "%" : "-"
            t.add([r.label, groupedDigits(Int64(r.files)), ByteCount(r.bytes).description, share])
        }
        t.render(to: &out)
    }
}
