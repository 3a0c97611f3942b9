import AttacheTestSupport
import Foundation
import Testing

/// The scan decides PDF, PNG, JPEG and GIF from their signatures without libmagic: on the demo
/// file share (demo/make_demo_tree.py: real file types, names in several scripts) the types
/// of every file are the same as when libmagic is asked about all of them (`ATTACHE_MAGIC_ONLY=1`).
/// bench/magic_agreement.sh does the same over the shared benchmark corpus.
@Suite(.timeLimit(.minutes(2))) struct SignatureAgreementTests {
    @Test func theDemoShareGetsTheSameTypesWithAndWithoutTheFastPath() throws {
        let s = Scratch("signatures")
        let tree = s.join("share")
        let r = try CLI.runTool(["/usr/bin/env", "python3", GoldenTests.repository + "/demo/make_demo_tree.py", tree])
        #expect(r.exitCode == 0, "\(r)")
        func types(_ catalog: String, env: [String: String]) throws -> [String] {
            let scan = try CLI.run(["scan", tree, "--catalog", catalog, "-q"], cwd: s.path, env: env)
            #expect([0, 3].contains(scan.exitCode), "\(scan)")
            let files = try CLI.run(["list", "files", "--format", "csv", "--catalog", catalog], cwd: s.path)
            return files.stdout.split(whereSeparator: \.isNewline).map(String.init).sorted()
        }
        let fast = try types(s.join("fast.db"), env: [:])
        let libmagic = try types(s.join("libmagic.db"), env: ["ATTACHE_MAGIC_ONLY": "1"])
        #expect(fast.count > 20)
        #expect(fast == libmagic, "the listings differ")
        let claimed = fast.filter { l in ["application/pdf", "image/png", "image/jpeg", "image/gif"].contains { l.contains($0) } }
        #expect(claimed.count >= 5, "the demo has files of the formats the fast path decides")
    }
}
