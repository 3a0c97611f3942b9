import AttacheCatalog
import AttacheModel

/// A plan for people (text) and machines (JSON): what `attache plan` prints.
///
/// The files a plan speaks of are looked up with a `file` function (the plan stage's index of
/// the catalogued files, then the vanished ones a diff names), so this formatter needs no
/// stage's types.
public enum PlanRendering {
    /// A file as a plan's output names it: its root and its path.
    public typealias FileName = (root: String, path: RawPath)

    /// The summary: totals by action, rule and category, the quota, the warnings.
    public static func summary(_ plan: Plan, policyFile: String) -> String {
        summary(plan.summary, files: plan.decisions.count, warnings: plan.warnings, policyFile: policyFile)
    }

    /// ``summary(_:policyFile:)`` of a plan whose decisions are not held: its totals, its
    /// number of files and its warnings.
    public static func summary(_ s: PlanSummary, files: Int, warnings: [String], policyFile: String) -> String {
        var out = "Plan for \(policyFile): \(groupedDigits(Int64(files))) files, \(ByteCount(s.totalBytes))\n"
        func line(_ label: String, _ t: PlanSummary.Tally) -> String {
            "  " + label.padding(toLength: 28, withPad: " ", startingAt: 0) + leftPad(groupedDigits(Int64(t.files)), 10)
                + leftPad(ByteCount(t.bytes).description, 12)
        }
        out += "\nBy action\n"
        for a in DecisionAction.allCases { if let t = s.byAction[a] { out += line(a.rawValue, t) + "\n" } }
        out += "\nBy rule (first match wins)\n"
        for r in s.byRule.keys.sorted() { out += line(r, s.byRule[r]!) + "\n" }
        out += "\nBy category\n"
        for c in s.byCategory.keys.sorted() { out += line(c, s.byCategory[c]!) + "\n" }
        out += "\nQuota\n" + quota(s)
        if !warnings.isEmpty {
            out += "\nWarnings\n"
            // Wrapped for a terminal (a warning names a file by its absolute path); JSON keeps them whole.
            for w in warnings {
                for l in TextWidth.wrap("  " + w, width: InventoryReport.width, indent: "    ") { out += l + "\n" }
            }
        }
        return out
    }

    /// The quota section: what is kept, what the archives are estimated to take (their
    /// compressed size at the sampled ratios), what lands in all, and whether it fits.
    static func quota(_ s: PlanSummary) -> String {
        let archives = s.archivedBytes > 0
            ? "archives ≈ \(ByteCount(s.archiveEstimateBytes)) (estimated: \(ByteCount(s.archivedBytes)) compressed at sampled ratios)"
            : "no archives"
        var out: String
        if let q = s.quota {
            let pct = q.value > 0 ? formatFixed(Double(s.landingBytes) * 100 / Double(q.value), digits: 1) : "-"
            out = "  quota \(q); everything would take \(ByteCount(s.totalBytes))\n"
                + "  kept files take \(ByteCount(s.keptBytes)); \(archives)\n"
            out += "  lands ≈ \(ByteCount(s.landingBytes)) (\(pct)% of the quota), headroom \(ByteCount(q.value - s.landingBytes)); "
                + "must-keep files alone take \(ByteCount(s.mustKeepBytes))\n"
        } else {
            out = "  no quota set; kept files take \(ByteCount(s.keptBytes)); \(archives)\n"
            if s.archivedBytes > 0 { out += "  lands ≈ \(ByteCount(s.landingBytes))\n" }
        }
        if !s.compression.isEmpty {
            let ratios = s.compression.keys.sorted().map { "\($0) \(formatFixed(s.compression[$0]!, digits: 3))" }
            for l in TextWidth.wrap("  compression (output/input, sampled): " + ratios.joined(separator: ", "),
                                    width: InventoryReport.width, indent: "    ") { out += l + "\n" }
        }
        if let q = s.quota?.value, !s.feasible {
            if s.mustKeepBytes > q {
                out += "  CANNOT FIT: the files that must be kept exceed the quota by \(ByteCount(s.mustKeepBytes - q))\n"
            } else if s.pinnedOverQuota {
                out += "  CANNOT FIT: the files that must be kept and the archives that must be made (estimated) exceed the quota by "
                    + "\(ByteCount(s.mustKeepBytes + s.mustArchiveEstimateBytes - q))\n"
            } else {
                out += "  CANNOT FIT: what lands is estimated \(ByteCount(s.landingBytes - q)) over the quota even after overflow\n"
            }
        }
        return out
    }

    /// The changes since the previous plan, for people: at most `limit` lines of each kind.
    public static func changes(_ diff: PlanDiff?, file: (Int64) -> FileName?, limit: Int = 100) -> String {
        guard let d = diff else { return "\nNo previous plan to compare with.\n" }
        func name(_ id: Int64) -> String { file(id).map { $0.root + "/" + $0.path.display } ?? "file \(id)" }
        func more(_ n: Int) -> String { n > limit ? "  … and \(n - limit) more (attache plan --diff --format json lists them all)\n" : "" }
        var out = "\nSince the previous plan: \(d.newFiles.count) new, \(d.vanishedFiles.count) vanished, "
            + "\(d.changed.count) changed decisions\n"
        for id in d.newFiles.prefix(limit) { out += "  new       \(name(id))\n" }
        out += more(d.newFiles.count)
        for id in d.vanishedFiles.prefix(limit) { out += "  vanished  \(name(id))\n" }
        out += more(d.vanishedFiles.count)
        for (id, o, n) in d.changed.prefix(limit) {
            out += "  changed   \(name(id)): \(o.action.rawValue) (\(o.rule)) → \(n.action.rawValue) (\(n.rule))"
            if o.targetPath != n.targetPath, let t = n.targetPath { out += ", now at \(t)" }
            if o.archivePath != n.archivePath, let a = n.archivePath { out += ", now in \(a)" }
            out += "\n"
        }
        out += more(d.changed.count)
        return out
    }

    /// `{"version":1,"plan":id,"policy":…,"files":n,"summary":{…},"warnings":[…],"diff":{…}}`;
    /// `diff` is present only when `withDiff` (null for the first plan). Documentation/Policy.md.
    public static func json(planID: Int64, plan: Plan, policyFile: String, withDiff: Bool, diff: PlanDiff?,
                            file: (Int64) -> FileName?) -> String {
        json(planID: planID, summary: plan.summary, files: plan.decisions.count, warnings: plan.warnings, policyFile: policyFile,
             withDiff: withDiff, diff: diff, file: file)
    }

    /// ``json(planID:plan:policyFile:withDiff:diff:file:)`` of a plan whose decisions are not held.
    public static func json(planID: Int64, summary: PlanSummary, files: Int, warnings: [String], policyFile: String, withDiff: Bool,
                            diff: PlanDiff?, file: (Int64) -> FileName?) -> String {
        JSONWriter.text { w in
            w.beginObject()
            w.field("version", 1)
            w.field("plan", .integer(planID))
            w.field("policy", .text(policyFile))
            w.field("files", .int(files))
            summary.write(to: &w, key: "summary")
            w.field("warnings", array: warnings.map(FieldValue.text))
            if withDiff {
                if let d = diff { write(d, to: &w, file: file) } else { w.field("diff", .null) }
            }
            w.endObject()
        }
    }

    /// The `diff` field: new and vanished files, and the changed ones with both decisions.
    static func write<S: TextSink>(_ d: PlanDiff, to w: inout JSONWriter<S>, file: (Int64) -> FileName?) {
        w.beginObject("diff")
        for (key, ids) in [("new", d.newFiles), ("vanished", d.vanishedFiles)] {
            w.beginArray(key)
            for id in ids {
                w.beginObject()
                writeFile(id, file, to: &w)
                w.endObject()
            }
            w.endArray()
        }
        w.beginArray("changed")
        for (id, old, new) in d.changed {
            w.beginObject()
            writeFile(id, file, to: &w)
            writeDecision(old, key: "old", to: &w)
            writeDecision(new, key: "new", to: &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    /// A file's fields in the open object: its id, and its root and path when it is known.
    static func writeFile<S: TextSink>(_ id: Int64, _ file: (Int64) -> FileName?, to w: inout JSONWriter<S>) {
        w.field("file_id", .integer(id))
        guard let f = file(id) else { return }
        w.field("root", .text(f.root))
        w.field("path", .text(f.path.display))
    }

    static func writeDecision<S: TextSink>(_ d: DecisionRow, key: String, to w: inout JSONWriter<S>) {
        w.beginObject(key)
        w.field("action", .text(d.action.rawValue))
        w.field("rule", .text(d.rule))
        w.field("target_path", .optional(d.targetPath))
        w.field("archive_path", .optional(d.archivePath))
        w.endObject()
    }

    static func leftPad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
}
