import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The fast part of `make proof` (issue 17): the read-only proof and the containment proof,
/// on small inputs. The heavy parts (every live database, 2,000 random names, every policy
/// variant) run in scripts/proof/readonly.sh and containment.sh; both sides use the same
/// scripts (scripts/proof/source_manifest.py, containment.py), so what CI checks is what the
/// proof measures. Documentation/Testing.md.
@Suite(.timeLimit(.minutes(3))) struct PromiseProofTests {
    static let proofScripts = GoldenTests.repository + "/scripts/proof/"

    /// The manifest of the demo's sources (legacy trees and records): raw path bytes, type,
    /// size, mtime (ns), mode, SHA-256, link targets, every SQLite table's rows.
    static func sourceManifest(_ demo: String) throws -> String {
        let r = try CLI.runTool(["/usr/bin/env", "python3", "-B", proofScripts + "source_manifest.py", "legacy", "records"], cwd: demo)
        guard r.exitCode == 0 else { throw HarnessError("source_manifest.py: \(r)") }
        return r.stdout
    }

    /// Promise 1 end to end: `attache run` on the demo migration (as `make demo` builds it),
    /// `attache rewrite --revert` and `attache run` again leave every source byte-identical.
    @Test func theDemoMigrationChangesNoSourceByte() throws {
        let scratch = Scratch("proof-readonly")
        let dir = try CountsAgreeTests.demo(scratch)
        try "policy: \(GoldenTests.repository)/demo/policy.yaml\n".appendLine(toFile: dir + "/attache.yaml")
        let before = try Self.sourceManifest(dir)
        let lines = before.split(separator: "\n")
        #expect(lines.count > 100 && lines.contains { $0.contains("\ttable vtiger_attachments\t") }
                && lines.contains { $0.contains("\tlink\t") } && lines.contains { $0.contains("\tfifo\t") },
                "the manifest covers files, links, FIFOs and SQLite tables:\n\(before)")

        for args in [["run", "-q"], ["rewrite", "--revert"], ["run", "-q"]] {
            let r = try CLI.run(args, cwd: dir, timeout: 150)
            #expect([0, 3].contains(r.exitCode), "\(r)")
        }
        #expect(FileManager.default.fileExists(atPath: dir + "/target") && FileManager.default.fileExists(atPath: dir + "/report.html"),
                "attache run placed files and wrote its report (else the proof proves little)")
        let after = try Self.sourceManifest(dir)
        let identical = after == before  // (not in the #expect: it would print both manifests whole)
        #expect(identical, "a source changed:\n\(Self.difference(before, after))")

        // The proof can fail: a source whose mtime moves by one nanosecond is seen.
        let touched = dir + "/records/notes"
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: touched).sorted().first)
        var st = stat()
        #expect(lstat(touched + "/" + file, &st) == 0)
        var times = [st.st_atim, timespec(tv_sec: st.st_mtim.tv_sec, tv_nsec: (st.st_mtim.tv_nsec + 1) % 1_000_000_000)]
        #expect(utimensat(AT_FDCWD, touched + "/" + file, &times, AT_SYMLINK_NOFOLLOW) == 0)
        #expect(try Self.sourceManifest(dir) != before, "the manifest must see a changed mtime")
    }

    static func difference(_ a: String, _ b: String) -> String {
        let x = Set(a.split(separator: "\n")), y = Set(b.split(separator: "\n"))
        return (x.subtracting(y).sorted().map { "- " + $0 } + y.subtracting(x).sorted().map { "+ " + $0 }).prefix(20).joined(separator: "\n")
    }

    /// Promise 4 end to end, on a fixed small set (scripts/proof/containment.py: names of dots
    /// and spaces, `/` look-alikes, byte soup, climbing record values and layouts, archive
    /// members named `../../…`, links planted in the target between plan and apply and in the
    /// rewrite's output folder): nothing outside the target and the output changes, no crash,
    /// and the listing that says so sees an escape planted on purpose.
    @Test func adversarialInputsNeverWriteOutsideTheTarget() throws {
        let r = try CLI.runTool(["/usr/bin/env", "python3", "-B", Self.proofScripts + "containment.py", "--seed", "17",
                                 "--random", "24", "--variants", "1", "--attache", try AttacheBinary.path()], timeout: 170)
        #expect(r.exitCode == 0, "\(r)")
        #expect(r.stdout.hasSuffix("PROOF containment|escapes|0|pass\n"), "\(r)")
        #expect(r.stderr.contains("self-check: an escape planted on purpose is seen"), "\(r)")
        #expect(r.stderr.contains("8/8 climbing policies refused"), "\(r)")
        #expect(r.stderr.contains("0 crashes, 0 unexpected exit statuses"), "\(r)")
    }
}

/// The scale proof's fast part: `scripts/proof/make_scale_catalog.py` (what
/// `scripts/proof/scale.sh` times at a million files and more) on 2,000 files makes a catalog
/// and a source that refs resolves, plan plans and list lists — so the heavy proof cannot rot.
@Suite(.timeLimit(.minutes(5))) struct ScaleProofTests {
    @Test func theSyntheticCatalogGoesThroughRefsPlanAndList() throws {
        let s = Scratch("scale")
        let dir = s.join("m")
        let made = try CLI.runTool(["/usr/bin/env", "python3", "-B", PromiseProofTests.proofScripts + "make_scale_catalog.py", dir,
                                    "--files", "2000", "--attache", try AttacheBinary.path()], timeout: 120)
        #expect(made.exitCode == 0, "\(made)")
        let refs = try CLI.run(["refs"], cwd: dir, timeout: 120)
        #expect(refs.exitCode == 3, "\(refs)")  // done, with the 1 % of references that lead nowhere
        #expect(refs.stdout.contains("References: 4,000 — "), "2 references a file: \(refs.stdout)")
        let plan = try CLI.run(["plan", "--policy", "policy.yaml"], cwd: dir, timeout: 120)
        #expect([0, 3].contains(plan.exitCode), "\(plan)")
        let list = try CLI.run(["list", "files", "--format", "csv"], cwd: dir, timeout: 120)
        #expect(list.exitCode == 0 && list.stdoutBytes.filter { $0 == 0x0A }.count == 2001, "\(list.stdout.prefix(300))")
    }
}
