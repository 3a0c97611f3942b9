import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Trial, then cut-over: after changes in the legacy tree and the policy, a re-scan, a re-plan
/// and apply move exactly the delta. And apply owns only what it wrote: whatever else is in the
/// target is reported, never replaced, removed or written through.
@Suite(.timeLimit(.minutes(3))) struct ApplyDeltaTests {
    static let recent = ApplyFullTests.recent, old2009 = ApplyFullTests.old2009

    static func fixture(_ label: String) throws -> Migration {
        try Migration(label, [("crm", [
            .file("docs/a.txt", Fixtures.bytes(4_000, seed: 1), mtime: recent),
            .file("docs/b.txt", Fixtures.bytes(5_000, seed: 2), mtime: recent),
            .file("docs/c.txt", Fixtures.bytes(6_000, seed: 3), mtime: recent),
            .file("docs/d.txt", Fixtures.bytes(7_000, seed: 4), mtime: recent),
            .file("docs/deeper/e.txt", Fixtures.bytes(8_000, seed: 5), mtime: recent),
            .file("old/f.txt", Fixtures.bytes(9_000, seed: 6), mtime: old2009),
            .file("sub/x.txt", Fixtures.bytes(1_000, seed: 7), mtime: recent),
        ])])
    }

    static func policy(archiveD: Bool = false) -> String {
        ApplyCrashTests.policy(extraRules: archiveD ? """
              - name: archive-d
                when: { path: 'docs/d.txt' }
                action: archive

            """ : "")
    }

    @Test func theCutOverMovesExactlyTheDelta() throws {
        let m = try Self.fixture("apply-delta")
        try m.scan()
        try m.plan(Self.policy())
        let trial = try m.apply()
        #expect(trial.exitCode == 0, "\(trial)")
        let trialJSON = try jsonObject(trial)
        #expect(tally(trialJSON, "copy").files == 6 && tally(trialJSON, "archives").files == 1, "\(trial)")
        let before = RawTree.snapshot(m.target)

        // The legacy system moves on; the business archives d.
        try Tree.make(at: m.root("crm"), [.file("docs/new.txt", Fixtures.bytes(3_000, seed: 8), mtime: Self.recent + 100)])
        try Tree.make(at: m.root("crm"), [.file("docs/b.txt", Fixtures.bytes(5_500, seed: 9), mtime: Self.recent + 200)])
        #expect(unlink(m.root("crm") + "/docs/c.txt") == 0)
        try m.scan()
        try m.plan(Self.policy(archiveD: true))

        let r = try m.apply()
        #expect(r.exitCode == 0, "\(r)")
        let j = try jsonObject(r)
        #expect(tally(j, "copy").files == 2 && tally(j, "copy").bytes == 3_000 + 5_500, "new.txt and the changed b.txt: \(r)")
        #expect(tally(j, "remove").files == 2 && tally(j, "remove").bytes == 6_000 + 7_000, "c.txt's and d.txt's old copies: \(r)")
        #expect(tally(j, "archives").files == 1 && tally(j, "members").files == 1 && tally(j, "members").bytes == 7_000,
                "d.txt into a new volume: \(r)")
        #expect(tally(j, "archives_in_place").files == 1, "the 2009 volume is not rewritten: \(r)")
        #expect(tally(j, "in_place").files == 3 && tally(j, "skipped").files == 0, "a, e and x: \(r)")
        try expectTargetMatchesPlan(m)

        // Nothing else was rewritten: the untouched copies and the old volume are the same inodes, same times.
        #expect(before.keys.filter { $0.display.hasSuffix(".tar.zst") }.count == 1)
        let after = RawTree.snapshot(m.target)
        for path in ["crm/docs/a.txt", "crm/docs/deeper/e.txt", "crm/sub/x.txt"] + before.keys.map(\.display).filter({ $0.hasSuffix(".tar.zst") }) {
            let a = before[RawPath(path)], b = after[RawPath(path)]
            #expect(a != nil && a?.inode == b?.inode && a?.mtime == b?.mtime && a?.ctime == b?.ctime, "\(path) was rewritten")
        }
        #expect(after[RawPath("crm/docs/c.txt")] == nil && after[RawPath("crm/docs/d.txt")] == nil)

        // The mapping keeps history: b has the trial's row, superseded, and the cut-over's; c is gone.
        let history = try m.mapping(history: true).filter { $0.path == RawPath("docs/b.txt") }
        #expect(history.count == 2 && history.filter(\.current).count == 1, "\(history)")
        #expect(history.first { !$0.current }?.sha256 != history.first { $0.current }?.sha256, "\(history)")
        let c = try m.mapping().first { $0.path == RawPath("docs/c.txt") }
        #expect(c?.placement == .gone, "\(String(describing: c))")
        let d = try m.mapping().first { $0.path == RawPath("docs/d.txt") }
        #expect(d?.placement.kind == .archived, "\(String(describing: d))")
    }

    /// The check every apply test ends with can fail: a corrupt copy, a missing archive and a
    /// stray file are each caught.
    @Test func theTargetCheckCatchesACorruptCopyAMissingArchiveAndAStrayFile() throws {
        let m = try Self.fixture("apply-check")
        try m.scan()
        try m.plan(Self.policy())
        #expect(try m.apply().exitCode == 0)
        try expectTargetMatchesPlan(m)
        let copy = RawPath(m.target + "/crm/docs/b.txt")
        var bytes = try #require(RawTree.contents(copy))
        bytes[10] ^= 0xFF
        try Tree.make(at: m.target, [.file("crm/docs/b.txt", bytes)])
        withKnownIssue("a corrupt copy") { try expectTargetMatchesPlan(m) }
        try Tree.make(at: m.target, [.file("crm/docs/b.txt", Fixtures.bytes(5_000, seed: 2), mtime: Self.recent)])
        try expectTargetMatchesPlan(m)
        try Tree.make(at: m.target, [.file("crm/docs/stray.txt", Fixtures.text("stray\n"))])
        withKnownIssue("a stray file") { try expectTargetMatchesPlan(m) }
        #expect(unlink(m.target + "/crm/docs/stray.txt") == 0)
        let volume = try #require(m.targetFiles().keys.map(\.display).first { $0.hasSuffix(".tar.zst") })
        #expect(unlink(m.target + "/" + volume) == 0)
        withKnownIssue("a missing archive") { try expectTargetMatchesPlan(m) }
    }

    @Test func whatAttacheDidNotWriteIsReportedAndNeverTouched() throws {
        let m = try Self.fixture("apply-owner")
        try m.scan()
        try m.plan(Self.policy())
        // Before apply: a file where a.txt goes, a symlink where the folder sub/ goes (pointing
        // outside the target), and a file the plan does not name.
        let outside = m.scratch.join("outside")
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Tree.make(at: m.target, [
            .file("crm/docs/a.txt", Fixtures.text("someone else's a.txt\n"), mtime: 1_600_000_000),
            .symlink("crm/sub", to: outside),
            .file("crm/docs/not-ours.txt", Fixtures.text("hands off\n"), mtime: 1_600_000_000),
        ])
        let planted = ["crm/docs/a.txt", "crm/docs/not-ours.txt"].map { (path: $0, snapshot: RawTree.lstatOf(RawPath(m.target + "/" + $0))) }

        let r = try m.apply()
        #expect(r.exitCode == 3, "\(r)")
        let j = try jsonObject(r)
        let conflicts = (j["conflicts"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(conflicts.count == 2 && conflicts.contains { $0.hasSuffix("docs/a.txt") } && conflicts.contains { $0.hasSuffix("sub/x.txt") },
                "\(r)")
        #expect(tally(j, "copy").files == 4, "b, c, d and e are placed: \(r)")
        #expect(RawTree.contents(RawPath(m.target + "/crm/docs/a.txt")) == Fixtures.text("someone else's a.txt\n"))
        #expect(RawTree.snapshot(outside).isEmpty, "nothing is written through the planted symlink")
        let a = try m.mapping().first { $0.path == RawPath("docs/a.txt") }
        #expect(a?.placement.kind == .pending, "\(String(describing: a))")

        // A delta that removes what attache wrote (c.txt): the foreign files stay as they are.
        #expect(unlink(m.root("crm") + "/docs/c.txt") == 0)
        try m.scan()
        try m.plan(Self.policy())
        let delta = try m.apply()
        #expect(delta.exitCode == 3, "the conflicts are still there: \(delta)")
        #expect(tally(try jsonObject(delta), "remove").files == 1, "\(delta)")
        #expect(access(m.target + "/crm/docs/c.txt", F_OK) != 0)
        for p in planted {
            let now = RawTree.lstatOf(RawPath(m.target + "/" + p.path))
            #expect(now != nil && now?.inode == p.snapshot?.inode && now?.mtime == p.snapshot?.mtime && now?.ctime == p.snapshot?.ctime,
                    "\(p.path) was touched")
        }
        #expect(RawTree.contents(RawPath(m.target + "/crm/docs/not-ours.txt")) == Fixtures.text("hands off\n"))
        #expect(RawTree.lstatOf(RawPath(m.target + "/crm/sub"))?.linkTarget == Array(outside.utf8), "the planted link is left as it is")
        #expect(RawTree.snapshot(outside).isEmpty)
    }
}
