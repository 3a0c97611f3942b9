import AttacheTestSupport
import AttacheModel
import Testing
@testable import AttachePolicy

/// Files, policies and look-ups for the planner tests (prefixed: the loader's tests share this target).
enum PlannerFixture {
    /// 2026-01-01T00:00:00Z: every test plans "as of" this instant.
    static let now = date(2026)

    /// UTC midnight of a civil date.
    static func date(_ year: Int, _ month: Int = 1, _ day: Int = 1) -> Timestamp {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Timestamp(seconds: days * 86_400, nanoseconds: 0)
    }

    /// A distinct, valid content hash for `n`.
    static func hash(_ n: Int) -> ContentHash {
        var bytes = [UInt8](repeating: 0, count: 32)
        var v = UInt64(n) &* 0x9E37_79B9_7F4A_7C15 | 1
        for i in 0..<32 {
            bytes[i] = UInt8(truncatingIfNeeded: v)
            v = v >> 8 | v << 56
            if i % 8 == 7 { v = v &* 0xBF58_476D_1CE4_E5B9 &+ UInt64(n) }
        }
        return ContentHash(bytes: bytes)
    }

    static func file(_ id: Int64, _ path: String, size: Int64 = 1_000, mtime: Timestamp = date(2020, 6, 15),
                     category: Category? = .pdf, mime: String? = "application/pdf", sha256: ContentHash?? = nil,
                     status: FileStatus = .ok, problem: ProblemCode? = nil, mismatch: Bool = false,
                     live: Int = 0, deleted: Int = 0, activity: Timestamp? = nil, sources: [String] = [],
                     root: String = "/mnt/share", rootName: String = "share", raw: RawPath? = nil) -> PlanFile {
        let hash: ContentHash? = sha256 ?? (status == .ok ? hash(Int(id) + 1_000_000) : nil)
        return PlanFile(id: id, root: root, rootName: rootName, path: raw ?? RawPath(path), size: size, mtime: mtime,
                        category: category, mime: mime, sha256: hash, status: status, problem: problem,
                        extensionMismatch: mismatch, liveReferences: live, deletedReferences: deleted,
                        newestRecordActivity: activity, sources: sources)
    }

    static func rule(_ name: String, _ when: Condition?, _ action: DecisionAction, line: Int = 0) -> Rule {
        Rule(name: name, when: when, action: action, line: line)
    }

    static func plan(_ files: [PlanFile], _ policy: Policy, overrides: [Override] = [], now: Timestamp = now,
                     compression: [Category: Double] = [:]) -> Plan {
        Planner.plan(files: files, policy: policy, overrides: overrides, now: now, compression: compression)
    }

    /// The decision for file `id` (recording an issue when there is none).
    static func decision(_ plan: Plan, _ id: Int64, sourceLocation: SourceLocation = #_sourceLocation) -> Decision {
        guard let d = plan.decisions.first(where: { $0.fileID == id }) else {
            Issue.record("no decision for file \(id)", sourceLocation: sourceLocation)
            return Decision(fileID: id, action: .keep, rule: "", reason: "")
        }
        return d
    }

    /// Which file ids one condition matches among `files` (a one-rule policy that drops them).
    static func matching(_ when: Condition, _ files: [PlanFile], now: Timestamp = now) -> [Int64] {
        let policy = Policy(rules: [rule("probe", when, .drop)], defaultAction: .keep)
        return plan(files, policy, now: now).decisions.filter { $0.rule == "probe" }.map(\.fileID)
    }

    /// A policy with a single catch-all keep rule and the given target.
    static func keepAll(_ target: TargetLimits = TargetLimits(), layout: String = "{root}/{relpath}", rename: Bool = true) -> Policy {
        Policy(target: target, layout: layout, rules: [], defaultAction: .keep, limits: LimitHandling(rename: rename))
    }

    /// The target path of file `id`.
    static func target(_ plan: Plan, _ id: Int64, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        decision(plan, id, sourceLocation: sourceLocation).targetPath ?? "<none>"
    }
}

/// The shared seeded generator (AttacheTestSupport).
typealias PlannerRandom = SplitMix64
