import AttacheModel

/// A plan's decisions, not yet made into ``Decision`` values: the planner's per-file state
/// (each file's slot: action, rule, paths, notes) from which each decision — its reason, its
/// rule's name — is made when it is asked for. The plan stage stores and exports decisions
/// chunk by chunk from here, so a million-file plan never holds a million decisions with
/// their texts at once. Immutable and safe to read from several threads.
public struct PlannedDecisions: Sendable {
    let run: Planner.Run

    init(run: Planner.Run) { self.run = run }

    /// How many decisions (one per file).
    public var count: Int { run.files.count }

    /// The files, in decision order (by id).
    public var files: [PlanFile] { run.files }

    /// Decision `i` (in file-id order); `reason` false leaves its reason empty (cheaper, for
    /// comparing where files go).
    public func decision(_ i: Int, reason: Bool = true) -> Decision { run.decision(i, reason: reason) }

    /// The decisions of `range`, in order (reasons made on every core).
    public func decisions(_ range: Range<Int>) -> [Decision] { run.decisions(range) }

    /// Every decision, in order, a chunk at a time.
    public func forEachChunk(_ body: ([Decision]) throws -> Void) rethrows {
        var lo = 0
        while lo < count {
            let hi = Swift.min(count, lo + Planner.decisionChunk)
            try body(decisions(lo..<hi))
            lo = hi
        }
    }

    /// Every decision in one array (what ``Planner/plan(files:policy:overrides:now:compression:)`` returns).
    public var all: [Decision] { decisions(0..<count) }
}
