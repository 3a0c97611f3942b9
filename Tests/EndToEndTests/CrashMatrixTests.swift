import AttacheTestSupport
import Foundation
import Testing

/// The crash matrix's fast part (the heavy one is `scripts/proof/crash.sh`, 50 points a
/// stage): scan, refs, plan, apply, rewrite and rewrite --in-place are each SIGKILLed at a few
/// seeded points across their run (slowed down by their delay seams), run again, and must end
/// exactly as an uninterrupted run: catalog whole, the listings / mapping / rewritten copies
/// equal, `verify` and `verify --references` clean, sources unchanged, no temporary file
/// anywhere. The driver (`scripts/proof/crash_driver.py`) does the killing and the checks;
/// here it runs on the rewrite tests' migration. Documentation/Testing.md "Crash matrix".
@Suite(.timeLimit(.minutes(6))) struct CrashMatrixTests {
    static let driver = AttacheBinary.packageRoot + "/scripts/proof/crash_driver.py"

    @Test func everyStageKilledAtSeededPointsEndsAsAnUninterruptedRun() throws {
        let m = try RewriteMigration("crash-matrix")
        let r = try CLI.runTool(["/usr/bin/env", "python3", Self.driver, "all", "--points", "3", "--seed", "1717",
                                 "--binary", try AttacheBinary.path(), "--workspace", m.dir], timeout: 340)
        #expect(r.exitCode == 0, "\(r)")
        #expect(r.stdout.split(separator: "\n").last == "PROOF crash|crashes survived|18|pass", "\(r)")
    }
}
