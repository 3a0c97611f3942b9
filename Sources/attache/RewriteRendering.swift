import AttacheModel
import AttacheRewrite

/// `attache rewrite`'s summary, for people and for machines.
enum RewriteRendering {
    /// The columns of the text summary, in order.
    static let shown: [RewriteOutcome] = [.rewritten, .tombstoned, .unchanged, .linked, .kept, .flagged, .unresolved, .refused, .failed]

    static func text(_ r: RewriteResult, seconds: Double) -> String {
        var lines: [String] = []
        let what: String
        switch r.mode {
        case .copy: what = "Rewrote copies in \(r.output)"
        case .inPlace: what = "Rewrote the sources in place (backups in \(r.output)/backups)"
        case .sql: what = "Wrote SQL scripts: \(r.output)"
        case .revert: what = "Reverted"
        }
        lines.append((r.dryRun ? "Dry run — nothing written. " : "") + what
                     + (r.runID.map { " (rewrite run \($0))" } ?? "") + " in \(formatFixed(seconds, digits: 1)) s:")
        let used = shown.filter { o in r.sources.contains { $0[o] > 0 } }
        let nameWidth = max(8, r.sources.map(\.name.count).max() ?? 0)
        var header = "  " + "source".padding(toLength: nameWidth, withPad: " ", startingAt: 0)
        for o in used { header += "  " + o.rawValue }
        header += "  records"
        lines.append(header)
        for s in r.sources {
            var line = "  " + s.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            for o in used { line += "  " + String(repeating: " ", count: max(0, o.rawValue.count - digits(s[o]).count)) + digits(s[o]) }
            line += "  " + String(repeating: " ", count: max(0, 7 - digits(s.recordsChanged).count)) + digits(s.recordsChanged)
            lines.append(line)
            if let w = s.written, r.mode != .sql { lines.append("    → \(w)") }
            if let n = s.note { lines.append("    \(n)") }
        }
        for w in r.warnings { lines.append("Warning: \(w)") }
        for l in r.linkTables { lines.append("Link table: \(l)") }
        if r.needsAttention {
            lines.append("References to look at (flagged, unresolved, refused, failed): attache list rewrites --attention")
        }
        return lines.joined(separator: "\n")
    }

    private static func digits(_ n: Int) -> String { groupedDigits(Int64(n)) }

    static func json(_ r: RewriteResult) -> String {
        JSONWriter.text { w in
            w.beginObject()
            w.field("kind", .text("rewrite"))
            w.field("run", r.runID.map { .integer($0) } ?? .null)
            w.field("mode", .text(r.mode.rawValue))
            w.field("dry_run", .bool(r.dryRun))
            w.field("target", .text(r.target))
            w.field("output", .text(r.output))
            w.beginArray("sources")
            for s in r.sources {
                w.beginObject()
                w.field("name", .text(s.name))
                w.field("written", .optional(s.written))
                w.field("records_changed", .int(s.recordsChanged))
                for o in RewriteOutcome.allCases { w.field(o.rawValue, .int(s[o])) }
                w.field("note", .optional(s.note))
                w.endObject()
            }
            w.endArray()
            w.beginObject("totals")
            for o in RewriteOutcome.allCases { w.field(o.rawValue, .int(r.total(o))) }
            w.endObject()
            w.field("link_tables", array: r.linkTables.map { .text($0) })
            w.field("warnings", array: r.warnings.map { .text($0) })
            w.endObject()
        }
    }
}
