import AttacheModel
import Testing
@testable import AttachePolicy

private typealias F = PlannerFixture

/// The planner's compact representation (issue 17): a `PlanFile` keeps every fact it is given
/// (shared roots, the SHA-256 as 32 bytes, shared source lists), and decisions made chunk by
/// chunk from the planner's state (`Planner.draft`, what the plan stage stores) are the
/// decisions `Planner.plan` returns, to the byte.
@Suite struct PlannerCompactTests {
    /// Random hashes, some upper-case, some sharing their first 16 or 63 hex digits.
    static func hashes(_ rng: inout PlannerRandom, count: Int) -> [ContentHash] {
        let digits = Array("0123456789abcdef")
        var out: [ContentHash] = []
        for k in 0..<count {
            var hex = String((0..<64).map { _ in digits[rng.int(16)] })
            if let previous = out.last, k % 3 == 1 { hex = String(previous.hex.prefix(16)) + hex.dropFirst(16) }
            if let previous = out.last, k % 7 == 2 { hex = String(previous.hex.prefix(63)) + String(digits[rng.int(16)]) }
            if k % 5 == 0 { hex = hex.uppercased() }
            out.append(ContentHash(hex: hex)!)
        }
        return out
    }

    @Test func aCompactFileReadsBackEveryFactItWasGiven() {
        var rng = PlannerRandom(seed: 17)
        let roots = ["/mnt/a", "/srv/Ünï share", "", "/mnt/trailing/", "/x/y/z"]
        let sources = [[], ["crm"], ["crm", "mail"], ["x/y", "zz"], ["a very long source name that is not inline"]]
        let mimes: [String?] = [nil, "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
        let hashes = Self.hashes(&rng, count: 300)
        for i in 0..<300 {
            let root = roots[rng.int(roots.count)], name = "name-\(rng.int(4))"
            let sha: ContentHash? = rng.chance(10) ? nil : hashes[i]
            let src = sources[rng.int(sources.count)]
            let mime = mimes[rng.int(mimes.count)]
            let record: [String: String] = rng.chance(50) ? ["account": "A-\(i)", "owner": "Ö"] : [:]
            let activity: Timestamp? = rng.chance(30) ? nil : Timestamp(nanoseconds: Int64(rng.int(1 << 40)) * 1_000)
            var f = PlanFile(id: Int64(i), root: root, rootName: name, path: RawPath(bytes: [0x61, 0xFF, UInt8(i % 200 + 1)]),
                             size: Int64(i) << 33, mtime: Timestamp(nanoseconds: -Int64(i)), category: .spreadsheet, mime: mime,
                             sha256: sha, status: .unreadable, problem: .permissionDenied, extensionMismatch: i % 2 == 0,
                             liveReferences: i * 1_000_003, deletedReferences: i, newestRecordActivity: activity, sources: src,
                             record: record)
            #expect(f.root == root && f.rootName == name && f.sha256 == sha && f.sources == src && f.mime == mime)
            #expect(f.sha256?.hex == sha?.hex.lowercased(), "the hash reads back as the catalog's lower-case digits")
            #expect(f.path.bytes == [0x61, 0xFF, UInt8(i % 200 + 1)] && f.size == Int64(i) << 33 && f.record == record)
            #expect(f.liveReferences == i * 1_000_003 && f.deletedReferences == i && f.newestRecordActivity == activity)
            #expect(f.mtime == Timestamp(nanoseconds: -Int64(i)) && f.extensionMismatch == (i % 2 == 0))
            #expect(f.category == .spreadsheet && f.status == .unreadable && f.problem == .permissionDenied)
            let before = f
            f.rootName = "other"
            #expect(f.root == root && f.rootName == "other" && f != before)
            f.root = "/elsewhere"
            #expect(f.root == "/elsewhere" && f.rootName == "other")
            f.sha256 = hashes[(i + 1) % hashes.count]
            #expect(f.sha256 == hashes[(i + 1) % hashes.count])
        }
    }

    /// What the planner holds per file stays small (ten million files: each byte here is 10 MB).
    @Test func thePerFileStateStaysCompact() {
        #expect(MemoryLayout<PlanFile>.stride <= 104)
        #expect(MemoryLayout<Planner.Slot>.stride <= 32)
    }

    /// Files with the same root, MIME type and sources share one facets object and one store
    /// of paths; changing one file's facets or path changes that file only.
    @Test func filesShareTheirFacetsAndChangeThemAlone() {
        let store = PlanPathStore()
        let shared = PlanFacets(root: "/mnt/a", name: "a", mime: "application/pdf", sources: ["crm"], store: store)
        func file(_ id: Int64, _ path: [UInt8]) -> PlanFile {
            PlanFile(id: id, facets: shared, pathID: store.append(RawPath(bytes: path)), size: 1, mtime: Timestamp(nanoseconds: 0),
                     category: nil, digest: nil, status: .ok, problem: nil, extensionMismatch: false, liveReferences: 0,
                     deletedReferences: 0, newestRecordActivity: nil, record: [:])
        }
        var a = file(1, [0x61])
        var b = file(2, [0x62, 0xFF, 0x2F, 0x63])
        let c = file(3, [])
        #expect(a.path.bytes == [0x61] && b.path.bytes == [0x62, 0xFF, 0x2F, 0x63] && c.path.bytes.isEmpty)
        #expect(a.facets === b.facets)
        b.mime = "text/plain"
        b.sources = ["crm", "mail"]
        #expect(a.mime == "application/pdf" && a.sources == ["crm"] && b.mime == "text/plain" && b.sources == ["crm", "mail"])
        #expect(b.root == "/mnt/a" && b.rootName == "a" && a.facets === shared)
        #expect(b.path.bytes == [0x62, 0xFF, 0x2F, 0x63], "a changed facet keeps the path")
        a.mime = nil
        #expect(a.mime == nil && shared.mime == "application/pdf")
        a.path = RawPath(bytes: [0x7A, 0x80])
        #expect(a.path.bytes == [0x7A, 0x80] && a.mime == nil && c.path.bytes.isEmpty)
        #expect(file(4, [0x61]).path == RawPath(bytes: [0x61]) && b.path != a.path)
        #expect(PlanFacets(root: "/mnt/a", name: "a", mime: "application/pdf", sources: ["crm"], store: PlanPathStore()) == shared)
    }

    @Test func aSlotKeepsItsStagesAndItsDuplicate() {
        let stages: [Planner.Stage] = [.rule(0), .rule(7), .rule(Int(Int32.max)), .defaultAction, .unmovable, .override, .duplicates,
                                       .limits, .overflow]
        for (k, st) in stages.enumerated() {
            var slot = Planner.Slot(action: .keep, stage: st, ruleStage: stages[(k + 1) % stages.count], ruleAction: .drop)
            #expect(slot.stage == st && slot.ruleStage == stages[(k + 1) % stages.count] && slot.duplicateOf == nil)
            slot.duplicateOf = k * 1_000_003
            #expect(slot.duplicateOf == k * 1_000_003)
            slot.duplicateOf = nil
            #expect(slot.duplicateOf == nil && Planner.Stage(code: st.code) == st)
        }
    }

    @Test func theDigestOrdersAndComparesAsTheHexDigits() {
        var rng = PlannerRandom(seed: 99)
        let hashes = Self.hashes(&rng, count: 400)
        for (a, b) in zip(hashes, hashes.dropFirst(1) + hashes.prefix(1)) {
            let da = Digest256(a), db = Digest256(b)
            #expect((da < db) == (a < b) && (da == db) == (a == b))
            #expect(da.contentHash == a && da.a == UInt64(a.hex.prefix(16), radix: 16))
        }
    }

    /// Contents whose hashes share their first 64 bits are not duplicates of each other; the
    /// same content is, wherever it sits.
    @Test func hashesSharingTheirFirstBitsAreToldApart() {
        let a = ContentHash(hex: String(repeating: "ab", count: 32))!
        let b = ContentHash(hex: String(repeating: "ab", count: 8) + String(repeating: "cd", count: 24))!
        let c = ContentHash(hex: String(repeating: "ab", count: 31) + "ac")!
        let files = [F.file(1, "a.pdf", sha256: a), F.file(2, "b.pdf", sha256: b), F.file(3, "c.pdf", sha256: c),
                     F.file(4, "d.pdf", sha256: b), F.file(5, "e.pdf", sha256: a)]
        let policy = Policy(rules: [], defaultAction: .keep, duplicates: DuplicatePolicy(keepOne: true))
        let plan = F.plan(files, policy)
        #expect(plan.decisions.map(\.action) == [.keep, .keep, .keep, .drop, .drop])
        #expect(plan.decisions.map(\.duplicateOf) == [nil, nil, nil, 2, 1])
    }

    /// The files as the plan stage makes them — one store of source paths for all, so that kept
    /// paths ending with their source path are held as a prefix and the path's number — plan
    /// exactly as files made one by one, on the random catalogs and policies (their layouts
    /// include `{root}/{relpath}`), in one chunk and in many.
    @Test(arguments: 0..<4)
    func filesReadTogetherPlanAsFilesMadeOneByOne(batch: Int) {
        for k in 0..<25 {
            let seed = UInt64(batch * 25 + k) &* 0x9E37_79B9_7F4A_7C15 &+ 11
            let (files, policy, overrides, compression) = RandomCatalog.draw(seed: seed)
            let store = PlanPathStore()
            let together = files.map { f -> PlanFile in
                var g = f
                g.pathID = store.append(f.path)
                g.facets = f.facets.with(store: store) { _ in }
                return g
            }
            #expect(together.map(\.path) == files.map(\.path))
            let alone = F.plan(files, policy, overrides: overrides, compression: compression)
            #expect(F.plan(together, policy, overrides: overrides, compression: compression) == alone, "seed \(seed)")
            let chunked = Planner.plan(files: together, policy: policy, overrides: overrides, now: F.now, compression: compression,
                                       minimumChunk: 3)
            #expect(chunked == alone, "seed \(seed)")
        }
    }

    /// The stage's path (`Planner.draft`, decisions made a chunk at a time) gives the plan
    /// `Planner.plan` gives, on the random catalogs and policies of `PlannerRandomTests`.
    @Test(arguments: 0..<4)
    func decisionsMadeChunkByChunkAreThePlansDecisions(batch: Int) {
        for k in 0..<25 {
            let seed = UInt64(batch * 25 + k) &* 0x9E37_79B9_7F4A_7C15 &+ 3
            let (files, policy, overrides, compression) = RandomCatalog.draw(seed: seed)
            let plan = F.plan(files, policy, overrides: overrides, compression: compression)
            let draft = Planner.draft(files: files, policy: policy, overrides: overrides, now: F.now, compression: compression,
                                      minimumChunk: 3)
            #expect(draft.summary == plan.summary && draft.warnings == plan.warnings, "seed \(seed)")
            let d = draft.decisions
            #expect(d.count == files.count && d.all == plan.decisions, "seed \(seed)")
            let cut = d.count / 3
            #expect(d.decisions(0..<cut) + d.decisions(cut..<d.count) == plan.decisions, "seed \(seed)")
            var chunks: [Decision] = []
            d.forEachChunk { chunks += $0 }
            #expect(chunks == plan.decisions, "seed \(seed)")
            for i in 0..<d.count {
                var moved = plan.decisions[i]
                moved.reason = ""
                if d.decision(i, reason: false) != moved { Issue.record("seed \(seed): decision \(i) without its reason differs") }
            }
            #expect(d.files.map(\.id) == files.map(\.id).sorted())
        }
    }
}
