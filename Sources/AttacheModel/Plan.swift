// A plan as a value: what the planner returns, the catalog stores (`plans`, `decisions`)
// and AttacheReport renders. No I/O here.

/// Totals of a plan.
public struct PlanSummary: Sendable, Equatable {
    /// Files and their bytes.
    public struct Tally: Sendable, Equatable {
        public var files = 0
        public var bytes: Int64 = 0
        public init() {}
        public init(files: Int, bytes: Int64) { self.files = files; self.bytes = bytes }
    }
    public var byAction: [DecisionAction: Tally] = [:]
    /// By the rule that decided (a rule's name, or "default", "duplicates", …).
    public var byRule: [String: Tally] = [:]
    /// By category raw value.
    public var byCategory: [String: Tally] = [:]
    /// Bytes of every file considered, and bytes kept (what lands on the target as files).
    public var totalBytes: Int64 = 0
    public var keptBytes: Int64 = 0
    /// The archived files' size before compression (their input size).
    public var archivedBytes: Int64 = 0
    /// What the archives are estimated to take on the target: per volume, each content once
    /// at its size × its category's sampled compression ratio, plus a fixed cost per member
    /// (Documentation/Policy.md, "How big archives get"). An estimate: apply measures the real size.
    public var archiveEstimateBytes: Int64 = 0
    /// What lands on the target: kept bytes plus the archive estimate; the quota counts this.
    public var landingBytes: Int64 = 0
    public var quota: ByteCount?
    /// The bytes that must be kept (rules and overrides say keep, overflow may not move them).
    public var mustKeepBytes: Int64 = 0
    /// The estimated size of the archives no later step may undo (archived by a rule, the
    /// default, the size limit or a review; each member counted on its own: an upper bound).
    public var mustArchiveEstimateBytes: Int64 = 0
    /// false when what lands is estimated over the quota (exit 4): the files that must be kept
    /// and archived alone, or what is left after overflow moved everything it could.
    public var feasible: Bool = true
    /// The compression ratio (output / input) the estimate used, by category raw value.
    public var compression: [String: Double] = [:]
    public init() {}

    /// Whether the must-keep files and must-make archives alone exceed the quota (no
    /// overflow can help: a reviewed CSV that leads there is refused).
    public var pinnedOverQuota: Bool {
        guard let q = quota?.value else { return false }
        return mustKeepBytes + mustArchiveEstimateBytes > q
    }
}

extension PlanSummary {
    /// The summary as one JSON object, keys in a fixed order: the form the catalog stores
    /// (`plans.summary`). `attache plan --format json` writes the same object through
    /// ``write(to:key:)`` (Documentation/Policy.md).
    public var jsonText: String {
        JSONWriter.text { write(to: &$0) }
    }

    /// Writes the summary as one object (a field's value when `key` is given): totals first,
    /// then the tallies by action, rule and category, then the compression ratios by
    /// category, each group's keys sorted.
    public func write<S: TextSink>(to w: inout JSONWriter<S>, key: String? = nil) {
        w.beginObject(key)
        w.field("total_bytes", .integer(totalBytes))
        w.field("kept_bytes", .integer(keptBytes))
        w.field("archived_bytes", .integer(archivedBytes))
        w.field("archive_estimate_bytes", .integer(archiveEstimateBytes))
        w.field("landing_bytes", .integer(landingBytes))
        w.field("quota", .int(quota?.value))
        w.field("must_keep_bytes", .integer(mustKeepBytes))
        w.field("must_archive_estimate_bytes", .integer(mustArchiveEstimateBytes))
        w.field("feasible", .bool(feasible))
        var actions: [String: Tally] = [:]
        for (k, v) in byAction { actions[k.rawValue] = v }
        for (name, group) in [("by_action", actions), ("by_rule", byRule), ("by_category", byCategory)] {
            w.beginObject(name)
            for k in group.keys.sorted() {
                w.beginObject(k)
                w.field("files", .int(group[k]!.files))
                w.field("bytes", .integer(group[k]!.bytes))
                w.endObject()
            }
            w.endObject()
        }
        w.beginObject("compression")
        for k in compression.keys.sorted() { w.field(k, decimal: compression[k]!, digits: 3) }
        w.endObject()
        w.endObject()
    }
}

/// A plan: one decision per file, in file-id order, and its summary.
public struct Plan: Sendable, Equatable {
    public var decisions: [Decision]
    public var summary: PlanSummary
    /// Warnings for people (a rule that matched nothing, an override that was ignored).
    public var warnings: [String]
    public init(decisions: [Decision], summary: PlanSummary, warnings: [String]) {
        self.decisions = decisions; self.summary = summary; self.warnings = warnings
    }
}

/// What changed between two plans: the trial-then-cut-over view.
public struct PlanDiff: Sendable, Equatable {
    /// Files decided now that the previous plan did not have, by id.
    public var newFiles: [Int64] = []
    /// Files the previous plan decided that are no longer there, by id.
    public var vanishedFiles: [Int64] = []
    /// Files whose action, target or archive changed: (id, old, new).
    public var changed: [(Int64, DecisionRow, DecisionRow)] = []

    public init() {}

    public static func == (a: PlanDiff, b: PlanDiff) -> Bool {
        a.newFiles == b.newFiles && a.vanishedFiles == b.vanishedFiles && a.changed.map(\.0) == b.changed.map(\.0)
    }

    /// The diff of two plans held in memory (the plan stage compares through the catalog instead).
    public static func between(old: [Int64: DecisionRow], new: [Int64: DecisionRow]) -> PlanDiff {
        var d = PlanDiff()
        for id in new.keys.sorted() {
            guard let o = old[id] else { d.newFiles.append(id); continue }
            let n = new[id]!
            if n.movesDifferently(from: o) { d.changed.append((id, o, n)) }
        }
        d.vanishedFiles = old.keys.filter { new[$0] == nil }.sorted()
        return d
    }
}
