import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

// Golden tests: what users see, compared byte for byte with committed files in
// Tests/EndToEndTests/Golden/. When an output changes on purpose, regenerate and review:
//
//     ATTACHE_UPDATE_GOLDEN=1 swift test --skip-build --filter Golden
//     git diff Tests/EndToEndTests/Golden
//
// Add a golden with `assertGolden("name.txt", text)` (mask what varies between runs first:
// `GoldenMask`).

/// The folder of the expected files.
let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path

/// Compares `actual` with the committed file `Golden/<name>`; with `ATTACHE_UPDATE_GOLDEN=1`
/// writes it instead. A difference fails the test naming the first differing line.
func assertGolden(_ name: String, _ actual: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let path = goldenDirectory + "/" + name
    if ProcessInfo.processInfo.environment["ATTACHE_UPDATE_GOLDEN"] == "1" {
        do {
            try FileManager.default.createDirectory(atPath: goldenDirectory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            Issue.record("cannot write \(path): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let data = FileManager.default.contents(atPath: path) else {
        Issue.record("no golden file \(path): create it with ATTACHE_UPDATE_GOLDEN=1 swift test --skip-build --filter Golden, then review it",
                     sourceLocation: sourceLocation)
        return
    }
    let expected = String(decoding: data, as: UTF8.self)
    guard expected != actual else { return }
    Issue.record(Comment(rawValue: goldenDifference(name, expected: expected, actual: actual)), sourceLocation: sourceLocation)
}

/// "Golden/x.txt differs at line 12:\n  expected: …\n  actual:   …" (line ends shown, so a
/// CRLF difference is visible).
func goldenDifference(_ name: String, expected: String, actual: String) -> String {
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let i = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
    func show(_ lines: [Substring]) -> String {
        i < lines.count ? String(reflecting: String(lines[i])) : "(end of output)"
    }
    return """
        Golden/\(name) differs at line \(i + 1) (expected \(e.count) lines, got \(a.count)):
          expected: \(show(e))
          actual:   \(show(a))
        If the change is intended: ATTACHE_UPDATE_GOLDEN=1 swift test --skip-build --filter Golden, and review the diff.
        """
}

/// What varies between runs of the same fixture, replaced by fixed text.
struct GoldenMask {
    /// The scratch folder (shown as `<scratch>`).
    var scratch: String
    /// When the run started: ISO 8601 times from then on are the run's own (`YYYY-MM-DDTHH:MM:SSZ`).
    var since: Date

    func apply(_ text: String) -> String {
        var t = text.replacingOccurrences(of: scratch, with: "<scratch>")
        t = maskRunTimes(t)
        return maskOwner(t)
    }

    /// Times of the run itself (scan and refs start/finish) → a placeholder of the same width,
    /// so aligned columns stay aligned; fixture mtimes (years ago) stay.
    private func maskRunTimes(_ text: String) -> String {
        guard let re = try? NSRegularExpression(pattern: "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z") else { return text }
        let f = ISO8601DateFormatter()
        var out = text
        for m in re.matches(in: text, range: NSRange(text.startIndex..., in: text)).reversed() {
            guard let r = Range(m.range, in: out), let d = f.date(from: String(out[r])),
                  d.timeIntervalSince(since) > -120 else { continue }
            out.replaceSubrange(r, with: "YYYY-MM-DDTHH:MM:SSZ")
        }
        return out
    }

    /// The fixture files belong to whoever runs the tests; the expected files were made as
    /// root. For another user, their name and ids are written as root's.
    private func maskOwner(_ text: String) -> String {
        let uid = getuid(), gid = getgid()
        guard uid != 0 || gid != 0 else { return text }
        let user = getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? ""
        let group = getgrgid(gid).map { String(cString: $0.pointee.gr_name) } ?? ""
        var t = text
        t = t.replacingOccurrences(of: "\"owner\":\"\(user)\",\"group\":\"\(group)\",\"uid\":\(uid),\"gid\":\(gid)}",
                                   with: "\"owner\":\"root\",\"group\":\"root\",\"uid\":0,\"gid\":0}")
        t = t.replacingOccurrences(of: ",\(user),\(group),\(uid),\(gid)\r\n", with: ",root,root,0,0\r\n")
        // Tables: the owner cell, padded to the column (names up to 5 characters keep the layout).
        if user.count <= 5 {
            let pattern = "  " + NSRegularExpression.escapedPattern(for: user) + "( *)  "
            if let re = try? NSRegularExpression(pattern: pattern) {
                t = re.stringByReplacingMatches(in: t, range: NSRange(t.startIndex..., in: t),
                                                withTemplate: "  root" + String(repeating: " ", count: max(0, user.count - 4)) + "$1  ")
            }
        }
        return t
    }
}

/// The demo migration (five CRMs' records and files plus the demo file share, as `make demo`
/// builds it), scanned and resolved; every output users read is compared with its golden.
@Suite(.timeLimit(.minutes(3))) struct GoldenTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func inventoryReportAndListingsMatchTheirGoldens() throws {
        let scratch = Scratch("golden")
        let dir = scratch.join("demo")
        let started = Date()
        for script in [["demo/make_crm_fixtures.py", dir], ["demo/make_demo_tree.py", dir + "/legacy/fileserver/Archive"]] {
            let r = try CLI.runTool(["/usr/bin/env", "python3", Self.repository + "/" + script[0], script[1]])
            guard r.exitCode == 0 else { throw HarnessError("fixture \(script[0]): \(r)") }
        }
        // The scripts fix every file's mtime; a link's and a FIFO's are the time they were made.
        let fixed = try CLI.runTool(["/usr/bin/env", "find", dir + "/legacy", "(", "-type", "l", "-o", "-type", "p", ")",
                                     "-exec", "touch", "-h", "-d", "@1400000000", "{}", "+"])
        guard fixed.exitCode == 0 else { throw HarnessError("touch: \(fixed)") }
        let mask = GoldenMask(scratch: scratch.path, since: started)
        // One reader: file ids (the review sheet's file_id) follow the walk, so they are the same every run.
        let scan = try CLI.run(["scan", "--workers", "1"], cwd: dir)
        #expect(scan.exitCode == 3, "the demo has problems on purpose: \(scan)")
        let refs = try CLI.run(["refs"], cwd: dir)
        #expect(refs.exitCode == 3, "the demo has missing references on purpose: \(refs)")
        expectFits(scan.stdout + scan.stderr, "scan")
        expectFits(refs.stdout, "refs")
        assertGolden("refs.txt", mask.apply(refs.stdout))

        let report = try CLI.run(["report"], cwd: dir)
        #expect(report.exitCode == 0, "\(report)")
        assertGolden("report.txt", mask.apply(report.stdout))
        expectFits(report.stdout, "report")
        let json = try CLI.run(["report", "--format", "json"], cwd: dir)
        assertGolden("report.json", mask.apply(json.stdout))
        for kind in ["files", "duplicates", "problems", "refs", "missing", "orphans"] {
            for (format, ext) in [("table", "txt"), ("csv", "csv"), ("json", "json")] {
                let r = try CLI.run(["list", kind, "--format", format], cwd: dir)
                #expect(r.exitCode == 0, "\(r)")
                assertGolden("list-\(kind).\(ext)", mask.apply(r.stdout))
                if format == "table" { expectFits(r.stdout, "list \(kind)") }
            }
        }
        // The plan on the same migration: its summary, its JSON, every decision, a re-plan's
        // diff (after the review sheet is read back unchanged) and one file explained.
        // The policy is copied into the scratch folder: its path is printed, and masked there.
        let policy = dir + "/cloud-50gib.yaml"
        try FileManager.default.copyItem(atPath: Self.repository + "/policies/cloud-50gib.yaml", toPath: policy)
        let plan = try CLI.run(["plan", "--policy", policy, "--export", "review.csv"], cwd: dir)
        #expect(plan.exitCode == 0, "\(plan)")
        assertGolden("plan.txt", mask.apply(plan.stdout))
        expectFits(plan.stdout, "plan")
        assertGolden("plan-review.csv", mask.apply(try String(contentsOfFile: dir + "/review.csv", encoding: .utf8)))
        let planJSON = try CLI.run(["plan", "--policy", policy, "--format", "json"], cwd: dir)
        assertGolden("plan.json", mask.apply(planJSON.stdout))
        for (format, ext) in [("table", "txt"), ("csv", "csv"), ("json", "json")] {
            let r = try CLI.run(["list", "decisions", "--format", format], cwd: dir)
            #expect(r.exitCode == 0, "\(r)")
            assertGolden("list-decisions.\(ext)", mask.apply(r.stdout))
            if format == "table" { expectFits(r.stdout, "list decisions") }
        }
        let replan = try CLI.run(["plan", "--overrides", "review.csv", "--diff"], cwd: dir)
        #expect(replan.exitCode == 0, "\(replan)")
        assertGolden("plan-replan-diff.txt", mask.apply(replan.stdout))
        let explain = try CLI.run(["explain", "Scans/Scan 1.pdf"], cwd: dir)
        #expect(explain.exitCode == 0, "\(explain)")
        assertGolden("explain.txt", mask.apply(explain.stdout))
        expectFits(explain.stdout, "explain")

        // Tables shorten; CSV and JSON keep the complete root and path.
        let deep = "Archive/storage/2019/November/week1/2210_Счет на оплату №5 от 01.11.2019.pdf"
        let csv = parseCSV(try CLI.run(["list", "files", "--format", "csv"], cwd: dir).stdout)
        #expect(csv.contains { $0.count > 1 && $0[0] == dir + "/legacy/fileserver" && $0[1] == deep })
        let items = try listItems(try CLI.run(["list", "files", "--format", "json"], cwd: dir))
        #expect(items.contains { $0["root"] as? String == dir + "/legacy/fileserver" && $0["path"] as? String == deep })
    }

    /// Every line at most 120 terminal columns (CJK characters count two, combining marks none).
    func expectFits(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for line in text.split(separator: "\n") {
            let width = line.unicodeScalars.reduce(0) { n, u in
                switch u.properties.generalCategory {
                case .nonspacingMark, .enclosingMark, .format: return n
                default: return n + ((0x1100...0x115F).contains(u.value) || (0x2E80...0xA4CF).contains(u.value)
                    || (0xAC00...0xD7A3).contains(u.value) || (0xF900...0xFAFF).contains(u.value) || (0xFF00...0xFF60).contains(u.value) ? 2 : 1)
                }
            }
            #expect(width <= 120, "\(what): a line of \(width) columns: \(line)", sourceLocation: sourceLocation)
        }
    }

    /// `--help` of every command, as a user reads it at an 80-column terminal.
    @Test func helpOfEveryCommandMatchesItsGolden() throws {
        let s = Scratch("golden-help")
        let commands = ["", "init", "scan", "refs", "plan", "apply", "verify", "rewrite", "run", "report", "list", "explain"]
        for command in commands {
            let args = command.isEmpty ? ["--help"] : [command, "--help"]
            let r = try CLI.run(args, cwd: s.path, env: ["COLUMNS": "80"])
            #expect(r.exitCode == 0, "\(r)")
            assertGolden("help-\(command.isEmpty ? "attache" : command).txt", r.stdout)
            for line in r.stdout.split(separator: "\n") {
                #expect(line.count <= 80, "attache \(command) --help: a line of \(line.count) columns: \(line)")
            }
        }
    }

    @Test func aChangedByteFailsWithTheFirstDifferingLine() {
        let message = goldenDifference("x.txt", expected: "a\nb\nc\n", actual: "a\nB\nc\n")
        #expect(message.contains("differs at line 2"))
        #expect(message.contains("expected: \"b\"") && message.contains("actual:   \"B\""))
        #expect(goldenDifference("x.txt", expected: "a\n", actual: "a\nmore\n").contains("line 2"))
    }
}
