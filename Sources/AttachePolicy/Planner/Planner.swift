import AttacheModel
import Dispatch
import Foundation

/// Turns the catalog's files and a storage policy (and the business's overrides) into a plan:
/// exactly one ``Decision`` per file, in file-id order, each naming the rule that made it and
/// why, plus the summary and warnings.
///
/// `plan` is a pure function: it reads no clock (`now` is passed in), no file system and no
/// environment, and it never iterates a `Dictionary` or `Set` where the order could reach the
/// output — the same inputs give the same plan, whatever order the files come in. Steps where
/// files are independent run in chunks on every core, each result in its file's place, so
/// the threads' timing cannot reach the plan either.
///
/// The steps, in order (Documentation/Policy.md describes them for users):
/// 1. **Rules**, first match wins; no match → the policy's default. Files that cannot be moved
///    (status `special`, `unreadable`, `gone`) are dropped with rule "unmovable" and listed in
///    the warnings — unless a rule explicitly drops them, which then names the decision.
/// 2. **Overrides** from the review replace the action (rule "override"); an override keep is
///    *must-keep*: duplicates and overflow never move it, only the target's size limit can.
/// 3. **Duplicates** (`keep_one`): among kept files with the same content one stays, the
///    others are dropped with rule "duplicates" and `duplicateOf` (their references are
///    re-pointed at the kept copy — the one case where a referenced file is dropped without a
///    drop rule or override, because the policy asked for it and nothing is lost).
/// 4. **Size limit**: a kept file over `maxFileSize` gets `limits.tooLarge` (rule "limits").
/// 5. **Overflow**: over `quota × highWatermark`, movable keeps leave in `overflow.order` until
///    kept bytes are at or below `quota × lowWatermark`.
/// 6. **Paths**: archives get their volume paths, kept files their sanitised, unique target paths.
///
/// A referenced file (a live record points at it) is never dropped by the default action,
/// the size limit or overflow: it is archived instead, with a note.
public enum Planner {
    /// - Parameter compression: how well each category compresses in the policy's archive
    ///   format (output / input, as the plan stage sampled it); a category not given counts
    ///   as 1.0 (no compression: the safe side). Ratios are clamped to
    ///   ``compressionRange``.
    public static func plan(files: [PlanFile], policy: Policy, overrides: [Override] = [], now: Timestamp,
                            compression: [Category: Double] = [:]) -> Plan {
        plan(files: files, policy: policy, overrides: overrides, now: now, compression: compression, minimumChunk: defaultMinimumChunk)
    }

    /// Steps whose files are independent (rules, reasons, kept paths) share the work among
    /// the cores in chunks of at least `minimumChunk` files; the result does not depend on it
    /// (tests compare a plan made in many chunks with one made in one).
    static func plan(files: [PlanFile], policy: Policy, overrides: [Override], now: Timestamp,
                     compression: [Category: Double] = [:], minimumChunk: Int) -> Plan {
        var run = Run(files: files, policy: policy, overrides: overrides, now: now, compression: compression)
        run.minimumChunk = minimumChunk
        return run.execute()
    }

    /// The plan without its decisions in memory: the totals and warnings, and the decisions
    /// as ``PlannedDecisions``, made chunk by chunk from the planner's compact per-file state
    /// when they are stored or exported. Equal to ``plan(files:policy:overrides:now:compression:)``,
    /// decision for decision (tests compare them).
    public static func draft(files: [PlanFile], policy: Policy, overrides: [Override] = [], now: Timestamp,
                             compression: [Category: Double] = [:]) -> Draft {
        draft(files: files, policy: policy, overrides: overrides, now: now, compression: compression, minimumChunk: defaultMinimumChunk)
    }

    static func draft(files: [PlanFile], policy: Policy, overrides: [Override], now: Timestamp, compression: [Category: Double],
                      minimumChunk: Int) -> Draft {
        var run = Run(files: files, policy: policy, overrides: overrides, now: now, compression: compression)
        run.minimumChunk = minimumChunk
        run.decide()
        let (summary, warnings) = run.settle()
        return Draft(summary: summary, warnings: warnings, decisions: PlannedDecisions(run: run))
    }

    /// A plan whose decisions are made when asked (``draft(files:policy:overrides:now:compression:)``).
    public struct Draft: Sendable {
        public var summary: PlanSummary
        public var warnings: [String]
        public var decisions: PlannedDecisions
    }

    /// How many decisions are made (and stored) at a time from ``PlannedDecisions``.
    static let decisionChunk = 32_768

    /// How many files a parallel chunk copies for itself at a time (rules, kept paths).
    static let copyWindow = 4_096

    /// How many kept files' paths are rendered (on every core) before they go into the
    /// run's book, in minimum chunks (120,000 files by default): the chunks' own books stay
    /// small, and tests with small chunks cross many rounds.
    static let chunksPerPathRound = 6

    static let defaultMinimumChunk = 20_000

    /// What one archive member costs besides its compressed content: its tar header and pax
    /// extended header (or zip local header and directory entry), and its manifest line.
    public static let archiveMemberOverhead: Int64 = 1_024

    /// The compression ratios the estimate accepts: nothing shrinks to nothing, and
    /// incompressible content grows a little (container framing).
    public static let compressionRange: ClosedRange<Double> = 0.01...1.05
}

extension Planner {
    /// Who decided a file's action.
    enum Stage: Equatable {
        case rule(Int), defaultAction, unmovable, override, duplicates, limits, overflow

        /// The stage in 32 bits, as a slot holds it: a rule's index, or a negative code.
        var code: Int32 {
            switch self {
            case .rule(let i): return Int32(i)
            case .defaultAction: return -1
            case .unmovable: return -2
            case .override: return -3
            case .duplicates: return -4
            case .limits: return -5
            case .overflow: return -6
            }
        }

        init(code: Int32) {
            switch code {
            case -1: self = .defaultAction
            case -2: self = .unmovable
            case -3: self = .override
            case -4: self = .duplicates
            case -5: self = .limits
            case -6: self = .overflow
            default: self = .rule(Int(code))
            }
        }
    }

    /// One file's decision while the plan is being made (one per file: its rare parts, the
    /// notes and a review's note, live in a shared box that a write copies first).
    struct Slot: Sendable {
        /// The target path and the archive volume path, as numbers of texts in the run's
        /// ``PathBook`` (-1: none).
        var target: Int32 = -1
        var archive: Int32 = -1
        private var extra: SlotExtra?
        /// `duplicateOf` (-1: none) and the stages, in 32 bits each (a plan has fewer than 2³¹
        /// files and rules).
        private var duplicate: Int32 = -1
        private var stageCode: Int32
        private var ruleStageCode: Int32
        var action: DecisionAction
        var ruleAction: DecisionAction
        /// An override keep: overflow and duplicates never move it.
        var mustKeep = false
        /// A drop turned into an archive because live records reference the file.
        var protected = false

        init(action: DecisionAction, stage: Stage, ruleStage: Stage, ruleAction: DecisionAction) {
            self.action = action; self.stageCode = stage.code; self.ruleStageCode = ruleStage.code; self.ruleAction = ruleAction
        }

        /// Who decided the file's action.
        var stage: Stage {
            get { Stage(code: stageCode) }
            set { stageCode = newValue.code }
        }

        /// What the rules (or the default) said, before any later step.
        var ruleStage: Stage {
            get { Stage(code: ruleStageCode) }
            set { ruleStageCode = newValue.code }
        }

        /// drop by duplicates: the index of the file kept instead.
        var duplicateOf: Int? {
            get { duplicate < 0 ? nil : Int(duplicate) }
            set { duplicate = newValue.map { Int32($0) } ?? -1 }
        }

        var overrideNote: String? {
            get { extra?.overrideNote }
            set { changeExtra { $0.overrideNote = newValue } }
        }

        var notes: [String] {
            get { extra?.notes ?? [] }
            set { changeExtra { $0.notes = newValue } }
        }

        private mutating func changeExtra(_ change: (SlotExtra) -> Void) {
            if extra == nil {
                extra = SlotExtra()
            } else if !isKnownUniquelyReferenced(&extra!) {
                extra = SlotExtra(copying: extra!)
            }
            change(extra!)
        }
    }

    /// A kept file numbered because its path was taken: its path before (text `base` of the
    /// run's book), who holds that path (a file index, ``archive`` or ``folder``) and the number.
    /// The note that says so is made with the decision.
    struct Rename: Sendable {
        static let archive: Int32 = -1
        static let folder: Int32 = -2
        var base: Int32
        var holder: Int32
        var number: Int32
    }

    /// A slot's notes and review note (most files have neither). Written only through
    /// `Slot`, on the planner's own thread, and copied first when shared.
    final class SlotExtra: @unchecked Sendable {
        var notes: [String] = []
        var overrideNote: String?
        init() {}
        init(copying other: SlotExtra) { notes = other.notes; overrideNote = other.overrideNote }
    }

    struct CompiledRule: Sendable {
        let rule: Rule
        let test: Test?
    }

    struct Run: Sendable {
        /// The files in decision order: by id (then root and path, should an id repeat).
        let files: [PlanFile]
        let policy: Policy
        let overrides: [Override]
        let now: Timestamp
        let rules: [CompiledRule]
        /// File indices in path order (root bytes, path bytes, id), and each file's place in it.
        var byPath: [Int]
        var pathRank: [Int32]
        /// Per file: its content group (files with the same hash, non-empty files only), or -1;
        /// and per group, how many files it holds.
        var contentGroup: [Int32] = []
        var groupSize: [Int32] = []
        var slots: [Slot] = []
        /// The kept files' target paths and the archive volumes' paths (``Slot/target``,
        /// ``Slot/archive``).
        var paths = PathBook()
        /// Kept files that lost their path to another and were numbered, by file index.
        var renames: [Int32: Rename] = [:]
        var ruleMatches: [Int]
        /// See `Planner.plan(…minimumChunk:)`.
        var minimumChunk = Planner.defaultMinimumChunk
        /// The compression ratio of every category (clamped; 1.0 where none was given).
        let ratios: [Category: Double]

        var ruleWarnings: [String] = []
        var overrideWarnings: [String] = []
        var unmovableWarnings: [String] = []
        var pathWarnings: [String] = []
        var quotaWarnings: [String] = []

        init(files: [PlanFile], policy: Policy, overrides: [Override], now: Timestamp, compression: [Category: Double] = [:]) {
            var ratios: [Category: Double] = [:]
            for c in Category.allCases {
                let r = compression[c] ?? 1
                ratios[c] = r.isFinite ? Swift.min(Swift.max(r, Planner.compressionRange.lowerBound), Planner.compressionRange.upperBound) : 1
            }
            self.ratios = ratios
            var sortedFiles = files
            if !Planner.isSorted(sortedFiles) { sortedFiles.sort(by: Planner.decisionOrder) }
            self.files = sortedFiles
            self.byPath = Planner.pathOrder(of: sortedFiles)
            var rank = [Int32](repeating: 0, count: sortedFiles.count)
            for (r, i) in byPath.enumerated() { rank[i] = Int32(r) }
            self.pathRank = rank
            self.policy = policy
            self.overrides = overrides
            self.now = now
            var problems: [String] = []
            var compiled: [CompiledRule] = []
            var ruleWarnings: [String] = []
            for r in policy.rules {
                problems.removeAll()
                let t = r.when.map { Test.compile($0, now: now, problems: &problems) }
                for p in problems { ruleWarnings.append("rule '\(r.name)'\(Planner.lineSuffix(r)): \(p) — it never matches") }
                compiled.append(CompiledRule(rule: r, test: t))
            }
            self.rules = compiled
            self.ruleWarnings = ruleWarnings
            self.ruleMatches = [Int](repeating: 0, count: compiled.count)
        }

        /// The steps in order; each lives in the file named after it (PlannerRules,
        /// PlannerFitting, PlannerPaths, PlannerFinish).
        mutating func execute() -> Plan {
            decide()
            return finish()
        }

        /// Every step but the last: each file's slot is settled.
        mutating func decide() {
            countCopies()
            decideByRules()
            applyOverrides()
            if policy.duplicates.keepOne { keepOneCopy() }
            applySizeLimit()
            applyOverflow()
            assignPaths()
            // The path order is only needed until the paths are assigned.
            byPath = []
            pathRank = []
        }

        /// The compression ratio for file `i`'s category.
        func ratio(_ i: Int) -> Double { ratios[files[i].category ?? .unknown] ?? 1 }

        /// The estimated compressed size of file `i`'s content in an archive (no member overhead).
        func compressedSize(_ i: Int) -> Int64 { Int64((Double(files[i].size) * ratio(i)).rounded(.up)) }

        /// What archiving file `i` adds on the target, counted on its own (an upper bound:
        /// a copy of content already in its volume is stored once).
        func archiveCost(_ i: Int) -> Int64 { compressedSize(i) + Planner.archiveMemberOverhead }

        func isDuplicate(_ i: Int) -> Bool {
            let g = contentGroup[i]
            return g >= 0 && groupSize[Int(g)] > 1
        }

        /// Whether file `a` comes before file `b` in path order.
        func pathOrder(_ a: Int, _ b: Int) -> Bool { pathRank[a] < pathRank[b] }

        mutating func countCopies() {
            // Keyed by the hash's first 64 bits (cheap to hash); the full hash is compared, and a
            // rare prefix shared by different contents falls back to a full-hash table.
            var groupOf: [UInt64: Int32] = [:]
            groupOf.reserveCapacity(files.count)
            var fallback: [Digest256: Int32] = [:]
            var group = [Int32](repeating: -1, count: files.count)
            var sizes: [Int32] = []
            var firstOf: [Int] = []
            for i in files.indices where files[i].size > 0 {
                guard let h = files[i].digest else { continue }
                let key = h.a
                var g: Int32
                if let existing = groupOf[key] {
                    if files[firstOf[Int(existing)]].digest == h {
                        g = existing
                    } else if let other = fallback[h] {
                        g = other
                    } else {
                        g = Int32(sizes.count)
                        fallback[h] = g
                        sizes.append(0)
                        firstOf.append(i)
                    }
                } else {
                    g = Int32(sizes.count)
                    groupOf[key] = g
                    sizes.append(0)
                    firstOf.append(i)
                }
                group[i] = g
                sizes[Int(g)] += 1
            }
            contentGroup = group
            groupSize = sizes
        }
    }


    /// `{record.COLUMN}` without a `:text` when no referencing record has a value.
    public static let noRecordValue = "none"

    /// The record columns a policy's layout and archive grouping name (`{record.COLUMN}`): the
    /// catalog must provide them as `PlanFile.record`.
    public static func recordFields(of policy: Policy) -> [String] {
        var out = Template(policy.layout).recordFields
        for f in Template(policy.archive.grouping).recordFields where !out.contains(f) { out.append(f) }
        return out
    }
}
