import AttacheTestSupport
import AttacheModel
import Testing
@testable import AttachePolicy

/// Planner invariants over seeded random catalogs: whatever the files and the policy, every
/// file gets exactly one decision, the plan is deterministic, a feasible plan fits the quota,
/// referenced files are dropped only when something explicit says so, and every new path is
/// unique, contained and within the target's rules.
@Suite struct PlanInvariantTests {

    static let names = ["Invoice.pdf", "CON.txt", "a:b*c?.doc", "Счёт №5.pdf", "合同.pdf", "report .pdf", "x.", "~$lock.docx",
                        String(repeating: "Very long name ", count: 25) + ".pdf", "scan.PDF", "SCAN.pdf", "Résumé.pdf"]

    static func files(seed: UInt64, count: Int) -> [PlanFile] {
        var r = SplitMix64(seed: seed)
        let hashes = (0..<max(1, count / 3)).map { i in ContentHash(hex: String(repeating: String(i % 16, radix: 16), count: 64))! }
        return (0..<count).map { i in
            let live = r.int(4) == 0 ? 0 : r.int(3)
            let deleted = r.int(5) == 0 ? 1 : 0
            let dir = r.pick(["Contracts", "scans/2014", "Mail/old", "a/b/c/d/e/f/g", ""])
            let name = r.pick(names)
            return PlanFile(
                id: Int64(i + 1), root: "/mnt/share", rootName: "share", path: RawPath(dir.isEmpty ? name : dir + "/" + name),
                size: Int64(r.int(5_000_000)), mtime: Timestamp(seconds: 1_000_000_000 + r.int(700_000_000), nanoseconds: 0),
                category: r.pick([Category.pdf, .document, .image, .email, .text]), mime: "application/pdf",
                sha256: r.int(3) == 0 ? hashes[r.int(hashes.count)] : ContentHash(hex: String(format64(seed, i))),
                status: r.int(20) == 0 ? .unreadable : .ok, problem: nil, extensionMismatch: r.int(10) == 0,
                liveReferences: live, deletedReferences: deleted,
                newestRecordActivity: live + deleted > 0 ? Timestamp(seconds: 1_100_000_000 + r.int(600_000_000), nanoseconds: 0) : nil,
                sources: live + deleted > 0 ? ["crm"] : [])
        }
    }

    static func format64(_ seed: UInt64, _ i: Int) -> String {
        let h = String(seed &* 31 &+ UInt64(i) &* 0x9E37_79B9, radix: 16)
        return String(repeating: "f", count: 64 - h.count) + h
    }

    static func policy(seed: UInt64, quota: Int64?) -> Policy {
        var p = Policy(target: .sharePointOnline, layout: "{category}/{year}/{name}")
        p.target.quota = quota.map { ByteCount($0) }
        p.target.maxPathLength = 120
        p.rules = [
            Rule(name: "drop-locks", when: .name(["~$*"]), action: .drop),
            Rule(name: "archive-old", when: .all([.referenced(false), .modifiedBefore(.years(10))]), action: .archive),
            Rule(name: "keep-referenced", when: .referenced(true), action: .keep),
        ]
        p.duplicates.keepOne = seed % 2 == 0
        p.overflow = OverflowSettings(action: .archive, highWatermark: 0.9, lowWatermark: 0.8)
        return p
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 1234, 99_991])
    func invariantsHold(seed: UInt64) {
        let files = Self.files(seed: seed, count: 400)
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        let quota = Int64(Double(total) * 0.3)
        let policy = Self.policy(seed: seed, quota: quota)
        let now = Timestamp(seconds: 1_800_000_000, nanoseconds: 0)
        let plan = Planner.plan(files: files, policy: policy, now: now)

        // One decision per file, in id order.
        #expect(plan.decisions.map(\.fileID) == files.map(\.id), "seed \(seed)")
        // Deterministic, whatever the input order.
        var r = SplitMix64(seed: seed)
        var shuffled = files
        for i in stride(from: shuffled.count - 1, to: 0, by: -1) { shuffled.swapAt(i, r.int(i + 1)) }
        #expect(Planner.plan(files: shuffled, policy: policy, now: now) == plan, "seed \(seed)")
        // A feasible plan fits the quota.
        let kept = zip(files, plan.decisions).filter { $0.1.action == .keep }.reduce(Int64(0)) { $0 + $1.0.size }
        #expect(plan.summary.keptBytes == kept, "seed \(seed)")
        if plan.summary.feasible { #expect(kept <= quota, "seed \(seed): kept \(kept) > quota \(quota)") }
        // Referenced files are dropped only by an explicit rule, duplicates, or as unmovable.
        for (f, d) in zip(files, plan.decisions) where f.liveReferences > 0 && d.action == .drop {
            #expect(["drop-locks", "duplicates", "unmovable", "override"].contains(d.rule), "seed \(seed): \(f.path) dropped by \(d.rule)")
            if d.rule == "duplicates" { #expect(d.duplicateOf != nil) }
        }
        // New paths: unique (case-insensitively), contained, within the target's rules.
        var seen = Set<String>()
        for d in plan.decisions where d.action == .keep {
            guard let t = d.targetPath else { Issue.record("seed \(seed): keep without a target path"); continue }
            #expect(seen.insert(t.lowercased()).inserted, "seed \(seed): two files at \(t)")
            #expect(!t.hasPrefix("/") && !t.split(separator: "/").contains(".."), "seed \(seed): \(t) escapes")
            #expect(t.utf16.count <= 120, "seed \(seed): \(t) longer than the limit")
            for segment in t.split(separator: "/") {
                #expect(segment.utf16.count <= 255)
                #expect(!segment.contains(where: { "\"*:<>?\\|".contains($0) }), "seed \(seed): forbidden character in \(t)")
                let stem = segment.split(separator: ".").first.map { String($0).uppercased() } ?? ""
                #expect(!["CON", "PRN", "AUX", "NUL"].contains(stem), "seed \(seed): reserved name \(t)")
            }
        }
        // Every decision explains itself.
        #expect(plan.decisions.allSatisfy { !$0.rule.isEmpty && !$0.reason.isEmpty })
    }

    @Test func anArchiveGoesToAnArchivePathAndUnmovableFilesAreWarnedAbout() {
        let files = Self.files(seed: 7, count: 200)
        let plan = Planner.plan(files: files, policy: Self.policy(seed: 7, quota: nil), now: Timestamp(seconds: 1_800_000_000, nanoseconds: 0))
        for d in plan.decisions where d.action == .archive { #expect(d.archivePath?.hasSuffix(".tar.zst") == true) }
        let unmovable = zip(files, plan.decisions).filter { $0.0.status != .ok }
        #expect(!unmovable.isEmpty)
        for (f, d) in unmovable {
            // An explicit drop rule may decide them; otherwise they are flagged for review.
            #expect(d.action == .drop)
            if d.rule != "drop-locks" {
                #expect(d.rule == "unmovable")
                #expect(plan.warnings.contains { $0.contains("file \(f.id)") })
            }
        }
    }
}
