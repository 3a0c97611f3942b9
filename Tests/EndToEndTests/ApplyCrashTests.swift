import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 at random moments (seeded): while copying, while writing archives, while removing
/// what a changed plan no longer wants. After every kill no partial file is under a final name;
/// a final run finishes and the target verifies by our own walk.
@Suite(.timeLimit(.minutes(6))) struct ApplyCrashTests {
    static let seed: UInt64 = 0xA77A_C4E0
    static let recent = ApplyFullTests.recent, old2009 = ApplyFullTests.old2009, old2011 = ApplyFullTests.old2011

    /// 48 kept files in nested folders (one a duplicate), 12 old ones archived into two volumes.
    /// Returns the migration and every file's bytes by its path below the root.
    static func fixture(_ label: String) throws -> (Migration, [String: [UInt8]]) {
        var random = SplitMix64(seed: seed)
        var files: [String: [UInt8]] = [:]
        var nodes: [Node] = []
        for i in 0..<48 {
            let path = "dept-\(i % 4)/client-\(i % 7)/doc-\(i).bin"
            let bytes = i == 47 ? files["dept-1/client-1/doc-1.bin"]! : Fixtures.bytes(2_000 + random.int(30_000), seed: 100 + UInt64(i))
            files[path] = bytes
            nodes.append(.file(path, bytes, mtime: recent + i))
        }
        for i in 0..<12 {
            let path = "old/\(i % 3)/scan-\(i).bin"
            files[path] = Fixtures.bytes(150_000, seed: 500 + UInt64(i))
            nodes.append(.file(path, files[path]!, mtime: i < 6 ? old2009 : old2011))
        }
        return (try Migration(label, [("crm", nodes)]), files)
    }

    static func policy(extraRules: String = "") -> String {
        """
        version: 1
        layout: '{root}/{relpath}'
        rules:
        \(extraRules)  - name: archive-old
            when: { modified: { before: 2015-01-01 } }
            action: archive
        default: keep
        archive: { format: tar.zst, grouping: '{root}/{year}', naming: '_archive/{group}-{volume}' }
        """
    }

    /// What a kill may leave: temporary files, and complete files under final names — a kept
    /// file with exactly its source's bytes, an archive every member of which bsdtar reads.
    static func expectNoPartialFile(_ m: Migration, _ files: [String: [UInt8]], round: Int) throws {
        for (path, _) in m.targetFiles() where !path.display.contains(".attache-tmp-") {
            let p = path.display
            if p.hasPrefix("_archive/") {
                let r = try CLI.runTool(["/usr/bin/bsdtar", "-xOf", m.target + "/" + p])
                #expect(r.exitCode == 0, "round \(round): \(p) is under its final name but incomplete: \(r.stderr)")
            } else {
                let want = files[String(p.dropFirst("crm/".count))]
                #expect(want != nil && RawTree.contents(RawPath(m.target + "/" + p)) == want, "round \(round): \(p) is partial or foreign")
            }
        }
    }

    /// One round: start apply slowed down by the step seam, wait until `ready` holds (a phase
    /// was reached), then a random moment, then SIGKILL. Returns whether the kill landed.
    static func killRound(_ m: Migration, _ files: [String: [UInt8]], round: Int, random: inout SplitMix64,
                          maxWaitMs: Int, ready: (Migration) -> Bool = { _ in true }) throws -> Bool {
        let workers = 1 + random.int(2)
        let child = try m.startApply(["--workers", "\(workers)"], env: ["ATTACHE_FAULT_APPLY_STEP_DELAY_MS": "40"])
        let deadline = Date(timeIntervalSinceNow: 60)
        while child.isRunning && !ready(m) && Date() < deadline { usleep(1_000) }
        usleep(UInt32(random.int(maxWaitMs)) * 1_000)
        let killed = child.isRunning
        if killed { child.send(SIGKILL) }
        let r = child.wait(timeout: 60)
        if !killed { #expect(r.exitCode == 0, "round \(round) (seed \(seed)) finished before the kill: \(r)") }
        try expectNoPartialFile(m, files, round: round)
        return killed
    }

    @Test func killedAtRandomMomentsAFinalRunFinishesAndTheTargetVerifies() throws {
        let (m, files) = try Self.fixture("apply-crash")
        try m.scan()
        try m.plan(Self.policy())
        let before = SourceManifest(m.roots)
        var random = SplitMix64(seed: Self.seed)
        var killed = 0
        // The first apply: after a random number of files were written — staged under temporary
        // names, or named (a batch is named at once after one flush) — so the kill lands mid-run
        // however fast or slow the machine is; then while archives are written.
        let placed = { (m: Migration) in m.targetFiles().count }
        for round in 0..<4 {
            let goal = placed(m) + 1 + random.int(6)
            if try Self.killRound(m, files, round: round, random: &random, maxWaitMs: 40, ready: { placed($0) >= goal }) { killed += 1 }
        }
        let archiving: (Migration) -> Bool = { access($0.target + "/_archive", F_OK) == 0 }
        for round in 4..<7 {
            if try Self.killRound(m, files, round: round, random: &random, maxWaitMs: 150, ready: archiving) { killed += 1 }
        }
        let done = try m.apply()
        #expect(done.exitCode == 0, "seed \(Self.seed): \(done)")
        try expectTargetMatchesPlan(m)
        #expect(killed >= 4, "most rounds were killed mid-way (\(killed) of 7): the seam did not slow apply down")

        // The cut-over: dept-2 is dropped now and dept-3 archived; kill while the new volume is
        // written and while the old copies are removed.
        try m.plan(Self.policy(extraRules: """
              - name: drop-dept-2
                when: { path: 'dept-2/**' }
                action: drop
              - name: archive-dept-3
                when: { path: 'dept-3/**' }
                action: archive

            """))
        let newVolume: (Migration) -> Bool = { m in
            ((try? FileManager.default.contentsOfDirectory(atPath: m.target + "/_archive/crm")) ?? []).contains { $0.contains("2023") }
        }
        let removing: (Migration) -> Bool = { access($0.target + "/crm/dept-2/client-2/doc-2.bin", F_OK) != 0 }
        var deltaKills = 0
        for (round, ready) in [newVolume, removing, removing].enumerated() {
            if try Self.killRound(m, files, round: 7 + round, random: &random, maxWaitMs: 100, ready: ready) { deltaKills += 1 }
        }
        let final = try m.apply()
        #expect(final.exitCode == 0, "seed \(Self.seed): \(final)")
        try expectTargetMatchesPlan(m)
        #expect(deltaKills >= 1, "the delta run was killed at least once")
        #expect(access(m.target + "/crm/dept-2", F_OK) != 0 || m.targetFiles().keys.allSatisfy { !$0.display.hasPrefix("crm/dept-2/") },
                "the dropped files' copies are gone")
        let after = SourceManifest(m.roots)
        #expect(after == before, "sources changed: \(before.differences(after))")
        // The journal of every killed run is closed: nothing is left started.
        let runs = try m.run(["apply", "--to", m.target, "--dry-run", "--format", "json"])
        let j = try jsonObject(runs)
        for key in ["copy", "archives", "remove"] { #expect(tally(j, key).files == 0, "\(key): \(runs)") }
    }
}
