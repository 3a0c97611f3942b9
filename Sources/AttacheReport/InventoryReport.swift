import AttacheCatalog
import AttacheModel

/// Everything the inventory report shows, read from the catalog once.
public struct InventoryData: Sendable {
    public var catalogPath: String
    public var summary: InventorySummary
    public var largest: [FileRecord]
    public var topDuplicates: [DuplicateGroup]
    public var findings: [FindingRecord]
    /// References by status, orphans; nil before any `attache refs`.
    public var references: ReferenceFigures?

    public struct ReferenceFigures: Sendable {
        public var sources: Int
        public var byStatus: [ReferenceStatus: Int]
        public var orphans: Int
        public var orphanBytes: Int64
        public var deletedOnly: Int
        public var sourceProblems: Int
    }

    /// Reads the report's data. `top` bounds the largest-files and duplicate-group lists.
    public static func load(_ catalog: Catalog, top: Int = 10) throws(CatalogError) -> InventoryData {
        let r = try catalog.referenceSummary()
        let figures = r.sources == 0 ? nil : ReferenceFigures(
            sources: r.sources, byStatus: r.byStatus, orphans: r.orphans, orphanBytes: r.orphanBytes,
            deletedOnly: r.deletedOnly, sourceProblems: try catalog.sourceProblems().count)
        return InventoryData(catalogPath: catalog.path, summary: try catalog.inventorySummary(),
                             largest: try catalog.largestFiles(limit: top), topDuplicates: try catalog.duplicateGroups(limit: top),
                             findings: try catalog.findings(), references: figures)
    }
}

/// The inventory report ("what do we have?") as text for people or JSON for machines.
public enum InventoryReport {
    public static let jsonVersion = 1
    /// Problems shown one by one in the text report before "… and N more".
    public static let textProblemLimit = 25

    // MARK: text

    public static func text<S: TextSink>(_ d: InventoryData, to out: inout S) {
        let s = d.summary
        // With one root, paths and folders are shown relative to it (the root is listed above).
        let singleRoot = s.roots.count == 1 ? s.roots[0].display : nil
        func shown(_ f: FileRecord) -> String { singleRoot == nil ? f.rootPath + "/" + f.path.display : f.path.display }
        out.write("attache inventory — catalog \(d.catalogPath)\n")
        if let run = s.lastRun {
            let c = run.counts
            out.write("Last scan: run \(run.id), \(run.status) \(run.finishedAt ?? run.startedAt) — \(groupedDigits(Int64(c.seen))) entries seen: \(c.new) new, \(c.changed) changed, \(c.unchanged) unchanged, \(c.gone) gone; \(ByteCount(c.bytesRead)) read\n")
        } else {
            out.write("No scan yet: run 'attache scan'.\n")
        }
        out.write("\nRoots\n")
        for r in s.roots {
            var extra: [String] = []
            if !r.aliases.isEmpty { extra.append("aliases: " + r.aliases.joined(separator: ", ")) }
            if r.caseInsensitive { extra.append("case-insensitive") }
            out.write("  \(r.display)" + (extra.isEmpty ? "" : "  (" + extra.joined(separator: "; ") + ")") + "\n")
        }

        out.write("\nTotals\n")
        var t = Table(headers: ["", "files", "bytes"], rightAligned: [1, 2])
        t.add(["present", groupedDigits(Int64(s.presentFiles)), ByteCount(s.presentBytes).description])
        for st in s.byStatus { t.add(["  " + st.label, groupedDigits(Int64(st.files)), ByteCount(st.bytes).description]) }
        t.render(to: &out)

        section("By category", s.byCategory, total: s.presentBytes, to: &out)
        section("By year last modified", s.byYear, total: s.presentBytes, to: &out)
        let folders = s.byTopFolder.map { t -> Tally in
            guard let root = singleRoot, t.label.hasPrefix(root + " ▸ ") else { return t }
            return Tally(label: String(t.label.dropFirst(root.count + 3)), files: t.files, bytes: t.bytes)
        }
        section("By top folder", folders, total: s.presentBytes, to: &out)

        if !d.largest.isEmpty {
            out.write("\nLargest files\n")
            var lt = Table(headers: ["size", "category", "path"], rightAligned: [0])
            for f in d.largest { lt.add([ByteCount(f.stat.size).description, f.category?.rawValue ?? "-", shown(f)]) }
            lt.render(to: &out)
        }

        out.write("\nDuplicates\n")
        if s.duplicateGroups == 0 {
            out.write("  none: every non-empty readable file has unique content\n")
        } else {
            out.write("  \(count(s.duplicateFiles, "file")) in \(count(s.duplicateGroups, "group")) of identical content; keeping one copy of each would free \(ByteCount(s.reclaimableBytes))\n")
            var dt = Table(headers: ["copies", "size", "reclaimable", "sha256", "first copy"], rightAligned: [0, 1, 2])
            for g in d.topDuplicates {
                let first = g.files.first.map(shown) ?? ""
                dt.add([String(g.files.count), ByteCount(g.size).description, ByteCount(g.reclaimable).description,
                        String(g.sha256.hex.prefix(12)), first])
            }
            dt.render(to: &out)
            out.write("  complete list: attache list duplicates\n")
        }

        out.write("\nExtension contradicts content: \(count(s.extensionMismatches, "file"))")
        out.write(s.extensionMismatches > 0 ? " (attache list files --format csv, column extension_mismatch)\n" : "\n")

        if let r = d.references {
            out.write("\nReferences (\(count(r.sources, "source")))\n")
            var rt = Table(headers: ["status", "references"], rightAligned: [1])
            for k in ReferenceStatus.allCases where (r.byStatus[k] ?? 0) > 0 {
                rt.add([k.rawValue, groupedDigits(Int64(r.byStatus[k]!))])
            }
            rt.render(to: &out)
            out.write("  orphans: \(count(r.orphans, "file")) (\(ByteCount(r.orphanBytes))) no record points at — attache list orphans\n")
            out.write("  referenced only by deleted records: \(count(r.deletedOnly, "file"))\n")
            if r.sourceProblems > 0 { out.write("  records that could not be read: \(r.sourceProblems) (attache refs shows them)\n") }
            if r.byStatus.contains(where: { $0.key.isUnresolved && $0.value > 0 }) { out.write("  not resolved: attache list missing\n") }
        }

        let total = s.problems.values.reduce(0, +)
        out.write("\nProblems\n")
        if total == 0 {
            out.write("  none\n")
        } else {
            var pt = Table(headers: ["code", "severity", "count", "meaning"], rightAligned: [2])
            for code in s.problems.keys.sorted(by: { ($0.severity, $1.rawValue) > ($1.severity, $0.rawValue) }) {
                pt.add([code.rawValue, code.severity.rawValue, groupedDigits(Int64(s.problems[code]!)), code.summary])
            }
            pt.render(to: &out)
            out.write("\n")
            for p in d.findings.prefix(textProblemLimit) {
                let path = singleRoot == nil ? p.rootPath + "/" + p.path.display : (p.path.isEmpty ? "." : p.path.display)
                out.write("  \(p.code.severity.rawValue.uppercased()) \(path) — \(p.code.rawValue): \(p.detail)\n")
            }
            if d.findings.count > textProblemLimit {
                out.write("  … and \(d.findings.count - textProblemLimit) more: attache list problems\n")
            }
        }
    }

    /// "1 file", "2,345 files".
    static func count(_ n: Int, _ noun: String) -> String { "\(groupedDigits(Int64(n))) \(noun)\(n == 1 ? "" : "s")" }

    private static func section<S: TextSink>(_ title: String, _ rows: [Tally], total: Int64, to out: inout S) {
        guard !rows.isEmpty else { return }
        out.write("\n\(title)\n")
        var t = Table(headers: ["", "files", "bytes", "share"], rightAligned: [1, 2, 3])
        for r in rows {
            let share = total > 0 ? formatFixed(Double(r.bytes) * 100 / Double(total), digits: 1) + "%" : "-"
            t.add([r.label, groupedDigits(Int64(r.files)), ByteCount(r.bytes).description, share])
        }
        t.render(to: &out)
    }

    // MARK: JSON

    public static func json<S: TextSink>(_ d: InventoryData, to out: inout S) {
        let s = d.summary
        func tallies(_ rows: [Tally]) -> String {
            "[" + rows.map { JSON.object([("label", JSON.string($0.label)), ("files", String($0.files)), ("bytes", String($0.bytes))]) }
                .joined(separator: ",") + "]"
        }
        func file(_ f: FileRecord) -> String {
            JSON.object([("root", JSON.string(f.rootPath)), ("path", JSON.string(f.path.display)), ("size", String(f.stat.size)),
                         ("category", JSON.optional(f.category?.rawValue)), ("sha256", JSON.optional(f.sha256?.hex))])
        }
        var pairs: [(String, String)] = [
            ("report", JSON.string("inventory")), ("version", String(jsonVersion)), ("catalog", JSON.string(d.catalogPath)),
        ]
        if let run = s.lastRun {
            let c = run.counts
            pairs.append(("last_scan", JSON.object([
                ("run", String(run.id)), ("status", JSON.string(run.status)), ("started_at", JSON.string(run.startedAt)),
                ("finished_at", JSON.optional(run.finishedAt)), ("seen", String(c.seen)), ("new", String(c.new)),
                ("changed", String(c.changed)), ("unchanged", String(c.unchanged)), ("gone", String(c.gone)),
                ("read", String(c.read)), ("bytes_read", String(c.bytesRead)), ("excluded", String(c.excluded)),
            ])))
        } else {
            pairs.append(("last_scan", "null"))
        }
        pairs.append(("roots", "[" + s.roots.map {
            JSON.object([("path", JSON.string($0.display)), ("aliases", "[" + $0.aliases.map(JSON.string).joined(separator: ",") + "]"),
                         ("case_insensitive", $0.caseInsensitive ? "true" : "false")])
        }.joined(separator: ",") + "]"))
        pairs.append(("totals", JSON.object([("files", String(s.presentFiles)), ("bytes", String(s.presentBytes)),
                                             ("by_status", tallies(s.byStatus))])))
        pairs.append(("by_category", tallies(s.byCategory)))
        pairs.append(("by_year", tallies(s.byYear)))
        pairs.append(("by_top_folder", tallies(s.byTopFolder)))
        pairs.append(("largest", "[" + d.largest.map(file).joined(separator: ",") + "]"))
        pairs.append(("duplicates", JSON.object([
            ("groups", String(s.duplicateGroups)), ("files", String(s.duplicateFiles)),
            ("reclaimable_bytes", String(s.reclaimableBytes)),
            ("top", "[" + d.topDuplicates.map { g in
                JSON.object([("sha256", JSON.string(g.sha256.hex)), ("size", String(g.size)), ("copies", String(g.files.count)),
                             ("reclaimable", String(g.reclaimable)), ("files", "[" + g.files.map(file).joined(separator: ",") + "]")])
            }.joined(separator: ",") + "]"),
        ])))
        pairs.append(("extension_mismatches", String(s.extensionMismatches)))
        if let r = d.references {
            pairs.append(("references", JSON.object([
                ("sources", String(r.sources)),
                ("by_status", JSON.object(r.byStatus.keys.sorted { $0.rawValue < $1.rawValue }.map { ($0.rawValue, String(r.byStatus[$0]!)) })),
                ("orphans", String(r.orphans)), ("orphan_bytes", String(r.orphanBytes)),
                ("referenced_only_by_deleted_records", String(r.deletedOnly)), ("source_problems", String(r.sourceProblems)),
            ])))
        } else {
            pairs.append(("references", "null"))
        }
        let byCode = s.problems.keys.sorted().map { ($0.rawValue, String(s.problems[$0]!)) }
        pairs.append(("problems", JSON.object([
            ("total", String(s.problems.values.reduce(0, +))), ("by_code", JSON.object(byCode)),
            ("items", "[" + d.findings.map { p in
                JSON.object([("root", JSON.string(p.rootPath)), ("path", JSON.string(p.path.display)), ("code", JSON.string(p.code.rawValue)),
                             ("severity", JSON.string(p.code.severity.rawValue)), ("detail", JSON.string(p.detail))])
            }.joined(separator: ",") + "]"),
        ])))
        out.write(JSON.object(pairs) + "\n")
    }
}
