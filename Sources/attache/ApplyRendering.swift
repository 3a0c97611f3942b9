import AttacheCatalog
import AttacheModel
import AttacheRelocation
import Foundation

/// `attache apply`'s summary, for people and for machines.
enum ApplyRendering {
    /// How many skipped, conflicting or unmovable files are listed by name (the mapping has all).
    static let listed = 20

    static func text(_ r: ApplyResult, seconds: Double) -> String {
        var lines: [String] = []
        let c = r.counts
        func row(_ label: String, _ t: FileTally, _ extra: String = "") -> String {
            pad(label)
                + "\(plural(t.files, "file")), \(ByteCount(t.bytes))" + extra
        }
        if r.dryRun {
            lines.append("Dry run: plan \(r.planID) into \(r.target) — nothing is changed.")
            lines.append(row("  copy", c.copy, c.copy.files > 0 ? "" : ""))
            lines.append(pad("  archive") + "\(plural(c.members.files, "file")), \(ByteCount(c.members.bytes)) into \(plural(c.archives.files, "archive"))")
            lines.append(row("  remove", c.remove, c.remove.files > 0 ? " (written by attache before; the plan no longer wants them)" : ""))
            lines.append(row("  in place", c.inPlace) + (c.archivesInPlace.files > 0 ? ", and \(plural(c.archivesInPlace.files, "archive"))" : ""))
            if !r.firstActions.isEmpty {
                lines.append("First actions:")
                for a in r.firstActions {
                    let from = a.from.isEmpty ? "" : "  ← \(a.from)"
                    lines.append("  \(a.verb.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)) \(a.path) (\(ByteCount(a.bytes)))\(from)")
                }
            }
            if let s = r.estimatedSeconds, let rate = r.sampledRate {
                lines.append("Time: about \(formatDuration(s)) at \(ByteCount(Int64(rate)))/s (read and hashed from a sample; writing may be slower).")
            }
        } else {
            let verb: String
            switch r.stop {
            case nil: verb = "Applied"
            case .interrupted: verb = "Interrupted applying"
            case .quota, .target: verb = "Stopped applying"
            }
            lines.append("\(verb) plan \(r.planID) to \(r.target)\(r.runID.map { " (apply run \($0))" } ?? "") in \(formatFixed(seconds, digits: 1)) s:")
            lines.append(row("  copied", c.copy, c.linked.files > 0 ? " (\(c.linked.files) linked instead of copied)" : ""))
            lines.append(pad("  archived") + "\(plural(c.members.files, "file")), \(ByteCount(c.members.bytes)) into \(plural(c.archives.files, "archive")) of \(ByteCount(c.archiveBytesWritten))")
            lines.append(row("  removed", c.remove))
            lines.append(row("  in place", c.inPlace) + (c.archivesInPlace.files > 0 ? ", and \(plural(c.archivesInPlace.files, "archive"))" : "") + " (nothing to do)")
            if c.recovered > 0 || c.temporariesRemoved > 0 {
                lines.append(pad("  resumed") + "\(plural(c.recovered, "step")) of a stopped run found finished; \(plural(c.temporariesRemoved, "temporary file")) removed")
            }
        }
        lines.append(quotaLine(r.quota, dryRun: r.dryRun))
        lines += listing("Not placed (changed since the scan, or refused)", r.skipped)
        lines += listing("Conflicts in the target (not written by attache: left as they are)", r.conflicts)
        lines += listing("Unmovable (links, FIFOs, unreadable: the plan dropped them; review them)", r.unmovable)
        if !r.dryRun {
            let m = r.mapping.byPlacement
            let parts = PlacementKind.allCases.compactMap { k in m[k].map { "\(groupedDigits(Int64($0))) \(k.rawValue)" } }
            lines.append("Mapping: \(parts.joined(separator: ", ")) — attache list mapping")
        }
        switch r.stop {
        case .quota(let q):
            lines.append("Stopped: the target would hold \(ByteCount(q.projectedBytes))\(q.estimated ? " (archives estimated)" : ""), over the \(ByteCount(q.quota ?? 0)) quota. Nothing more was written; re-plan with a smaller keep set or raise the quota.")
        case .target(let why): lines.append("Stopped: \(why)")
        case .interrupted: lines.append("Interrupted: what was done is journaled; run 'attache apply' again to finish.")
        case nil: break
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ label: String) -> String { label.padding(toLength: 13, withPad: " ", startingAt: 0) }

    static func quotaLine(_ q: QuotaProjection, dryRun: Bool) -> String {
        let after = "\(ByteCount(q.projectedBytes))\(q.estimated ? " (archives estimated)" : "")"
        if !dryRun && !q.estimated && q.ownedBytes == q.projectedBytes {
            let now = "Target: \(ByteCount(q.ownedBytes)) written by attache"
            guard let quota = q.quota else { return now + " (no quota)." }
            let pct = quota > 0 ? Double(q.ownedBytes) / Double(quota) * 100 : 0
            return now + ", \(formatFixed(pct, digits: 1)) % of the \(ByteCount(quota)) quota."
        }
        let now = dryRun ? "now" : "so far"
        guard let quota = q.quota else { return "Target: \(ByteCount(q.ownedBytes)) written by attache \(now), \(after) when the plan is done (no quota)." }
        let pct = quota > 0 ? Double(q.projectedBytes) / Double(quota) * 100 : 0
        return "Target: \(ByteCount(q.ownedBytes)) written by attache \(now), \(after) when the plan is done: \(formatFixed(pct, digits: 1)) % of the \(ByteCount(quota)) quota"
            + (q.exceeds ? " — OVER the quota" : "") + "."
    }

    static func listing(_ title: String, _ files: [SkippedFile]) -> [String] {
        guard !files.isEmpty else { return [] }
        var out = ["\(title): \(files.count)"]
        for f in files.prefix(listed) { out.append("  \(f.reason)") }
        if files.count > listed { out.append("  … and \(files.count - listed) more: attache list mapping") }
        return out
    }

    static func json(_ r: ApplyResult) -> String {
        JSONWriter.text { w in
            w.beginObject()
            w.field("plan", .integer(r.planID))
            w.field("run", .int(r.runID))
            w.field("target", .text(r.target))
            w.field("dry_run", .bool(r.dryRun))
            w.field("stopped", .optional(stopWord(r.stop)))
            r.counts.write(to: &w, key: "counts")
            w.beginObject("quota")
            w.field("quota", .int(r.quota.quota))
            w.field("owned_bytes", .integer(r.quota.ownedBytes))
            w.field("projected_bytes", .integer(r.quota.projectedBytes))
            w.field("estimated", .bool(r.quota.estimated))
            w.endObject()
            if r.dryRun {
                w.beginArray("first_actions")
                for a in r.firstActions {
                    w.beginObject()
                    w.field("action", .text(a.verb.rawValue)); w.field("path", .text(a.path))
                    w.field("from", .text(a.from)); w.field("bytes", .integer(a.bytes))
                    w.endObject()
                }
                w.endArray()
                w.field("estimated_seconds", .int(r.estimatedSeconds.map { Int64($0.rounded()) }))
            }
            for (key, list) in [("skipped", r.skipped), ("conflicts", r.conflicts), ("unmovable", r.unmovable)] {
                w.beginArray(key)
                for f in list {
                    w.beginObject()
                    w.field("file_id", .int(f.fileID)); w.field("path", .text(f.path)); w.field("reason", .text(f.reason))
                    w.endObject()
                }
                w.endArray()
            }
            w.endObject()
        }
    }

    static func stopWord(_ s: ApplyStop?) -> String? {
        switch s {
        case nil: return nil
        case .quota: return "quota"
        case .target: return "target"
        case .interrupted: return "interrupted"
        }
    }
}
