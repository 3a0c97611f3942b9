import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// Seeded random catalogs and policies: the planner's promises hold for every one of them.
/// A failure names its seed; `PlannerRandomTests.check(seed:)` replays one.
@Suite struct PlannerRandomTests {
    @Test(arguments: 0..<12)
    func invariantsHoldOnRandomCatalogs(batch: Int) {
        for k in 0..<40 {
            let seed = UInt64(batch * 40 + k) &* 0x2545_F491_4F6C_DD1D &+ 17
            let failures = Self.check(seed: seed)
            for f in failures.prefix(5) { Issue.record("seed \(seed): \(f)") }
            if !failures.isEmpty { break }
        }
    }

    /// Plans one random catalog under one random policy and returns every broken promise.
    static func check(seed: UInt64) -> [String] {
        let (files, policy, overrides, compression) = RandomCatalog.draw(seed: seed)
        let plan = F.plan(files, policy, overrides: overrides, compression: compression)
        var failures: [String] = []
        func expect(_ ok: Bool, _ message: @autoclosure () -> String) { if !ok { failures.append(message()) } }

        // Exactly one decision per file, in id order.
        let ids = files.map(\.id).sorted()
        expect(plan.decisions.map(\.fileID) == ids, "decisions are not one per file in id order")
        // Deterministic: again, and in another order.
        expect(F.plan(files, policy, overrides: overrides, compression: compression) == plan, "a second plan differs")
        var shuffler = PlannerRandom(seed: seed ^ 0xABCD)
        expect(F.plan(files.shuffled(using: &shuffler), policy, overrides: overrides, compression: compression) == plan,
               "shuffled input gives another plan")
        // The same when the independent steps run in chunks of 5 files on every core.
        expect(Planner.plan(files: files, policy: policy, overrides: overrides, now: F.now, compression: compression, minimumChunk: 5) == plan,
               "a plan made in parallel chunks differs")

        let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id, $0) })
        let overrideOf = Dictionary(overrides.map { ($0.fileID, $0.action) }, uniquingKeysWith: { _, last in last })
        let dropRules = Set(policy.rules.filter { $0.action == .drop }.map(\.name))
        let limits = policy.target
        let rename = policy.limits.rename
        func key(_ p: String) -> String { limits.caseInsensitive ? p.lowercased() : p }

        var keptBytes: Int64 = 0, archivedBytes: Int64 = 0, mustKeep: Int64 = 0, total: Int64 = 0
        // The archive estimate worked out again: per volume each content once, 1 KiB per member.
        func ratio(_ f: PlanFile) -> Double { Swift.min(Swift.max(compression[f.category ?? .unknown] ?? 1, 0.01), 1.05) }
        func compressed(_ f: PlanFile) -> Int64 { Int64((Double(f.size) * ratio(f)).rounded(.up)) }
        var estimate: Int64 = 0
        var contentIn: [String: Set<String>] = [:]
        var ratiosUsed: [String: Double] = [:]
        // Kept files overflow could still move, and whether moving one would free room.
        var freeable = 0
        var targetKeys: [String: Int64] = [:]
        var archiveKeys = Set<String>()
        var folders = Set<String>()
        for d in plan.decisions {
            guard let f = byID[d.fileID] else { continue }
            total += f.size
            let verb = ["keep": "kept: ", "archive": "archived: ", "drop": "dropped: "][d.action.rawValue]!
            expect(d.reason.hasPrefix(verb), "file \(f.id): reason '\(d.reason)' does not start with '\(verb)'")
            if f.status != .ok { expect(d.action == .drop, "file \(f.id) cannot be moved but is \(d.action)") }
            // A referenced file is dropped only by a drop rule, as a duplicate, by the review, or when it cannot be moved.
            if d.action == .drop && f.liveReferences > 0 {
                let allowed = dropRules.contains(d.rule) || d.rule == "duplicates" || d.rule == "unmovable"
                    || (d.rule == "override" && overrideOf[f.id] == .drop)
                expect(allowed, "referenced file \(f.id) dropped by '\(d.rule)'")
            }
            if d.rule == "override" { expect(overrideOf[f.id] == d.action, "file \(f.id): override rule without that override") }
            if d.rule == "duplicates" {
                let other = d.duplicateOf.flatMap { byID[$0] }
                expect(other != nil && other?.sha256 == f.sha256 && other?.id != f.id, "file \(f.id): duplicateOf is not a copy")
            } else {
                expect(d.duplicateOf == nil, "file \(f.id): duplicateOf without rule duplicates")
            }
            switch d.action {
            case .keep:
                keptBytes += f.size
                if d.rule == "override" { mustKeep += f.size }
                let drops = policy.overflow.action == .drop && f.liveReferences == 0
                if d.rule != "override" && (drops ? f.size : f.size - compressed(f) - 1_024) > 0 { freeable += 1 }
                expect(d.archivePath == nil, "kept file \(f.id) has an archive path")
                guard let t = d.targetPath else { expect(false, "kept file \(f.id) has no target path"); continue }
                if let previous = targetKeys[key(t)] { expect(false, "files \(previous) and \(f.id) share the target path '\(t)'") }
                targetKeys[key(t)] = f.id
                failures += Self.pathProblems(t, limits: limits, rename: rename).map { "file \(f.id): target '\(t)': \($0)" }
                if let max = limits.maxFileSize?.value { expect(f.size <= max, "kept file \(f.id) is over the max file size") }
                let segments = t.split(separator: "/")
                for k in 1..<Swift.max(1, segments.count) { folders.insert(key(segments[0..<k].joined(separator: "/"))) }
            case .archive:
                archivedBytes += f.size
                estimate += 1_024
                if f.size == 0 || f.sha256 == nil || contentIn[d.archivePath ?? "", default: []].insert(f.sha256!.hex).inserted {
                    estimate += compressed(f)
                }
                ratiosUsed[(f.category ?? .unknown).rawValue] = ratio(f)
                expect(d.targetPath == nil, "archived file \(f.id) has a target path")
                guard let a = d.archivePath else { expect(false, "archived file \(f.id) has no archive path"); continue }
                expect(a.hasSuffix("." + policy.archive.format.rawValue), "archive '\(a)' lacks its extension")
                archiveKeys.insert(key(a))
                failures += Self.pathProblems(a, limits: limits, rename: rename).map { "file \(f.id): archive '\(a)': \($0)" }
                let segments = a.split(separator: "/")
                for k in 1..<Swift.max(1, segments.count) { folders.insert(key(segments[0..<k].joined(separator: "/"))) }
            case .drop:
                expect(d.targetPath == nil && d.archivePath == nil, "dropped file \(f.id) has a path")
            }
        }
        for (k, id) in targetKeys {
            expect(!archiveKeys.contains(k), "file \(id) takes an archive's path '\(k)'")
            expect(!folders.contains(k), "file \(id) takes the name of a folder other paths need: '\(k)'")
        }
        for a in archiveKeys { expect(!folders.contains(a), "archive '\(a)' is also a folder") }

        // Duplicates: one kept copy per content (override keeps aside).
        if policy.duplicates.keepOne {
            var keptPerContent: [String: (rules: Int, overrides: Int)] = [:]
            for d in plan.decisions where d.action == .keep {
                guard let f = byID[d.fileID], f.size > 0, let h = f.sha256 else { continue }
                var c = keptPerContent[h.hex] ?? (0, 0)
                if d.rule == "override" { c.overrides += 1 } else { c.rules += 1 }
                keptPerContent[h.hex] = c
            }
            for (h, c) in keptPerContent {
                expect(c.rules <= 1 && (c.overrides == 0 || c.rules == 0), "content \(h.prefix(8)) kept \(c.rules) + \(c.overrides) times")
            }
        }

        // Totals, and the quota.
        let s = plan.summary
        expect(s.keptBytes == keptBytes && s.archivedBytes == archivedBytes && s.totalBytes == total, "summary bytes are off")
        expect(s.mustKeepBytes == mustKeep, "must-keep bytes \(s.mustKeepBytes) ≠ \(mustKeep)")
        expect(s.byAction.values.reduce(0) { $0 + $1.files } == files.count, "byAction does not count every file")
        expect(s.byRule.values.reduce(0) { $0 + $1.files } == files.count, "byRule does not count every file")
        expect(s.byCategory.values.reduce(0) { $0 + $1.files } == files.count, "byCategory does not count every file")
        expect(s.archiveEstimateBytes == estimate, "archive estimate \(s.archiveEstimateBytes) ≠ \(estimate)")
        let landing = keptBytes + estimate
        expect(s.landingBytes == landing, "landing bytes \(s.landingBytes) ≠ \(landing)")
        expect(s.compression == ratiosUsed, "compression \(s.compression) ≠ the ratios of the archived categories \(ratiosUsed)")
        if let quota = limits.quota?.value {
            expect(s.feasible == (landing <= quota), "feasible is \(s.feasible) with \(landing) bytes landing and quota \(quota)")
            if s.mustKeepBytes + s.mustArchiveEstimateBytes > quota { expect(!s.feasible, "feasible though the pinned files exceed the quota") }
            let high = Int64((Double(quota) * Swift.min(1, policy.overflow.highWatermark)).rounded(.down))
            if plan.decisions.contains(where: { $0.rule == "overflow" }) {
                let low = Int64((Double(quota) * Swift.min(policy.overflow.lowWatermark, policy.overflow.highWatermark, 1)).rounded(.down))
                expect(landing <= low || freeable == 0, "overflow stopped at \(landing), above the low watermark \(low), with \(freeable) files to move")
            } else {
                expect(landing <= high || freeable == 0, "\(landing) bytes land, above the high watermark \(high), without overflow")
            }
        } else {
            expect(s.feasible, "infeasible without a quota")
        }
        return failures
    }

    /// What is wrong with a path on this target (empty when nothing).
    static func pathProblems(_ path: String, limits: TargetLimits, rename: Bool) -> [String] {
        var problems: [String] = []
        if path.hasPrefix("/") { problems.append("absolute") }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for s in segments {
            if s.isEmpty { problems.append("empty segment") }
            if s == "." || s == ".." { problems.append("segment '\(s)'") }
        }
        guard rename else { return problems }
        if let max = limits.maxPathLength, path.utf16.count > max { problems.append("\(path.utf16.count) > \(max) characters") }
        let forbidden = Set(limits.forbiddenCharacters.flatMap { $0.unicodeScalars })
        let reserved = Set(limits.reservedNames.map { $0.uppercased() })
        let patterns = limits.forbiddenNamePatterns.map { Planner.Glob($0) }
        for s in segments {
            if let max = limits.maxNameLength, s.utf16.count > max { problems.append("'\(s)' is over \(max) characters") }
            if s.unicodeScalars.contains(where: { forbidden.contains($0) }) { problems.append("'\(s)' has a forbidden character") }
            if s.hasSuffix(".") || s.hasSuffix(" ") { problems.append("'\(s)' ends in a dot or space") }
            var base = Substring(s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
            while base.last == " " { base = base.dropLast() }
            if reserved.contains(base.uppercased()) { problems.append("'\(s)' is a reserved name") }
            let folded = Planner.folded(s)
            if let p = patterns.first(where: { $0.matches(folded) }) { problems.append("'\(s)' matches '\(p.pattern)'") }
        }
        return problems
    }
}

/// Random catalogs with the names that break targets: forbidden characters, reserved and
/// refused names, long names, Unicode in both normal forms, bytes that are not UTF-8, names
/// that differ only in case; duplicates, references, unreadable files.
enum RandomCatalog {
    /// One random planning case: files, a policy for them, the business's overrides and
    /// compression ratios, all drawn from `seed`.
    static func draw(seed: UInt64) -> (files: [PlanFile], policy: Policy, overrides: [Override], compression: [Category: Double]) {
        var rng = PlannerRandom(seed: seed)
        let files = files(&rng)
        let policy = policy(&rng, files: files)
        return (files, policy, overrides(&rng, files: files), compression(&rng))
    }

    static let folders = ["Clients", "clients", "Acme & Co", "Q3: review?", "CON", "aux", "old.", "trailing ", "Счета", "报告",
                          "e\u{301}cole", "\u{e9}cole", "Backup", "_vti_cnf", "a", "b", "..", "📁 files",
                          String(repeating: "Very long folder name ", count: 5), "Projects", "2014"]
    static let stems = ["report", "Report", "REPORT", "~$draft", "contract", "notes", "CON", "nul", "photo", "x",
                        "Offer <final>|v2", "trailing. ", "Straße", "e\u{301}te\u{301}", "\u{e9}t\u{e9}", "😀", "desktop",
                        "Thumbs", "report (2)", "a:b", "lpt9"]
    static let extensions = ["pdf", "PDF", "docx", "tmp", "lock", "", "tar.gz", "verylongextension123", "ini", "db"]
    static let categories: [Category?] = [.pdf, .document, .image, .spreadsheet, .text, .video, nil, .unknown, .email]

    static func files(_ rng: inout PlannerRandom) -> [PlanFile] {
        let count = 1 + rng.int(160)
        let roots = [("/mnt/a", "a"), ("/mnt/b", "CON"), ("/srv/Ünï", "Ünï"), ("/mnt/trailing", "share. ")]
        let rootCount = 1 + rng.int(roots.count)
        var contents: [(ContentHash, Int64)] = []
        for k in 0..<(1 + rng.int(12)) {
            contents.append((F.hash(k + Int(rng.int(1_000_000))), rng.chance(10) ? 0 : Int64(1 + rng.int(5_000))))
        }
        var files: [PlanFile] = []
        for i in 0..<count {
            var bytes: [UInt8] = []
            for _ in 0..<rng.int(5) {
                bytes += Array(rng.pick(folders).utf8)
                if rng.chance(3) { bytes += [0xE4, 0xFC] }
                bytes.append(UInt8(ascii: "/"))
            }
            var stem = rng.pick(stems)
            if rng.chance(8) { stem = String(repeating: rng.pick(["Protokoll ", "議事録 ", "Minutes of the meeting "]), count: 5 + rng.int(20)) }
            bytes += Array(stem.utf8)
            if rng.chance(4) { bytes += [0xFF] }
            let ext = rng.pick(extensions)
            if !ext.isEmpty { bytes += Array(("." + ext).utf8) }
            let root = roots[rng.int(rootCount)]
            var status = FileStatus.ok
            var problem: ProblemCode? = nil
            if rng.chance(3) { status = .unreadable; problem = .permissionDenied } else if rng.chance(3) { status = .special; problem = .symlink }
            var sha: ContentHash? = nil
            var size = Int64(rng.int(8_000))
            if rng.chance(5) { size = Int64(50_000 + rng.int(50_000)) }
            if status == .ok {
                if rng.chance(35) {
                    let c = rng.pick(contents)
                    sha = c.0; size = c.1
                } else {
                    sha = F.hash(10_000_000 + i)
                }
            }
            let live = rng.chance(50) ? 0 : rng.int(4)
            let deleted = rng.chance(80) ? 0 : 1 + rng.int(2)
            let activity: Timestamp? = (live + deleted > 0 && rng.chance(80)) ? F.date(2000 + rng.int(26), 1 + rng.int(12), 1 + rng.int(28)) : nil
            files.append(PlanFile(
                id: Int64(1 + i * 3 + rng.int(3)), root: root.0, rootName: root.1, path: RawPath(bytes: bytes), size: size,
                mtime: F.date(1998 + rng.int(28), 1 + rng.int(12), 1 + rng.int(28)), category: rng.pick(categories),
                mime: rng.chance(20) ? nil : rng.pick(["application/pdf", "image/png", "text/plain", "video/mp4"]), sha256: sha,
                status: status, problem: problem, extensionMismatch: rng.chance(5), liveReferences: live, deletedReferences: deleted,
                newestRecordActivity: activity, sources: live + deleted > 0 ? Array(["crm", "mail", "x/y"].prefix(1 + rng.int(3))) : []))
        }
        return files
    }

    static let conditions: [Condition] = [
        .name(["~$*", "*.tmp", "Thumbs.db"]), .name(["*.PDF"]), .path(["**/Backup/**"]), .path(["Clients/*"]),
        .fileExtension(["pdf", "docx"]), .category([.image, .video]), .mime(["image/*"]), .size(min: ByteCount(4_000), max: nil),
        .modifiedBefore(.years(10)), .modifiedAfter(.date(F.date(2020))), .referenced(true), .referenced(false),
        .onlyDeletedReferences(true), .recordsNotEditedSince(.years(8)), .duplicate(true), .extensionMismatch(true),
        .status([.unreadable, .special]), .problem([]),
        .all([.referenced(false), .modifiedBefore(.years(5))]), .any([.category([.pdf]), .duplicate(false)]), .not(.referenced(true)),
    ]

    static func policy(_ rng: inout PlannerRandom, files: [PlanFile]) -> Policy {
        var target: TargetLimits
        switch rng.int(3) {
        case 0: target = TargetLimits()
        case 1: target = .sharePointOnline
        default:
            target = TargetLimits(maxPathLength: 60 + rng.int(340), maxNameLength: 24 + rng.int(232),
                                  forbiddenCharacters: Array("\"*:<>?\\|#%").filter { _ in rng.chance(60) },
                                  reservedNames: ["CON", "AUX", "NUL", "LPT9"], forbiddenNamePatterns: rng.chance(50) ? ["~$*", "*.lock", "desktop.ini"] : [],
                                  caseInsensitive: rng.chance(50))
        }
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        if rng.chance(70) { target.quota = ByteCount(Int64(Double(total) * (0.05 + Double(rng.int(150)) / 100))) }
        if rng.chance(30) { target.maxFileSize = ByteCount(Int64(2_000 + rng.int(60_000))) }
        var rules: [Rule] = []
        for k in 0..<rng.int(7) {
            rules.append(Rule(name: "rule-\(k)", when: rng.chance(10) ? nil : rng.pick(conditions),
                              action: rng.pick(DecisionAction.allCases), line: 10 + k))
        }
        let layouts = ["{root}/{relpath}", "{category}/{year}/{name}", "{category}/{year}/{month}/{stem}.{ext}", "{source}/{sha256:2}/{name}",
                       "{root}/{dir}/{name}", "{name}", "x/{year}", "{root}/{dir}/{stem} - {source}.{ext}"]
        let preferences = DuplicatePolicy.Preference.allCases.filter { _ in rng.chance(60) }
        var order: [OverflowSettings.Order] = []
        for key in OverflowSettings.Key.allCases where rng.chance(40) { order.append(.init(key: key, descending: rng.chance(50))) }
        let high = 0.5 + Double(rng.int(51)) / 100
        let low = high * Double(50 + rng.int(51)) / 100
        return Policy(
            target: target, layout: rng.pick(layouts), rules: rules, defaultAction: rng.pick(DecisionAction.allCases),
            duplicates: DuplicatePolicy(keepOne: rng.chance(50), preference: preferences.shuffled(using: &rng)),
            archive: ArchiveSettings(format: rng.pick(ArchiveSettings.Format.allCases),
                                     volumeSize: rng.chance(50) ? ByteCount(Int64(1_000 + rng.int(20_000))) : nil,
                                     grouping: rng.pick(["{root}/{year}", "{category}", "{source}", "{root}/{dir}", "{year}-{month}"]),
                                     naming: rng.pick(["_archive/{group}-{volume}", "_archive/{group}", "arch/{volume}", "{group}"])),
            overflow: OverflowSettings(order: order, action: rng.chance(70) ? .archive : .drop, highWatermark: high, lowWatermark: low),
            limits: LimitHandling(tooLarge: rng.chance(70) ? .archive : .drop, rename: rng.chance(85)))
    }

    /// Sampled ratios for some categories (the others count as 1.0), now and then out of range (clamped).
    static func compression(_ rng: inout PlannerRandom) -> [Category: Double] {
        var out: [Category: Double] = [:]
        for c in Category.allCases where rng.chance(60) { out[c] = Double(rng.int(120)) / 100 }
        return out
    }

    static func overrides(_ rng: inout PlannerRandom, files: [PlanFile]) -> [Override] {
        var out: [Override] = []
        for f in files where rng.chance(6) { out.append(Override(fileID: f.id, action: rng.pick(DecisionAction.allCases))) }
        if rng.chance(10) { out.append(Override(fileID: 9_999_999, action: .keep)) }
        return out
    }
}
