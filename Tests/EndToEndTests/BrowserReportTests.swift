import AttacheTestSupport
import Foundation
import Testing

/// The demo's HTML report in a real browser: `attache run` on the demo migration (as
/// `make demo` builds it), then scripts/report/check_report.py opens report.html in headless
/// Chromium — no console error, no request for anything but the file, every chart drawn, every
/// table filled with scripts disabled — and prints it to PDF. Skipped without Chromium, except
/// under CI (where `make test` installs it).
@Suite(.timeLimit(.minutes(3))) struct BrowserReportTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test func theDemosReportOpensCleanInChromium() throws {
        guard Self.chromium != nil else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("chromium is not installed (make test-deps installs it)") }
            return
        }
        let scratch = Scratch("browser")
        let dir = try CountsAgreeTests.demo(scratch)
        try "policy: \(GoldenTests.repository)/demo/policy.yaml\n".appendLine(toFile: dir + "/attache.yaml")
        let run = try CLI.run(["run", "-q"], cwd: dir, timeout: 150)
        #expect([0, 3].contains(run.exitCode), "\(run)")
        let report = dir + "/report.html"
        #expect(FileManager.default.fileExists(atPath: report), "\(run)")
        let pdf = scratch.join("report.pdf")
        let check = try CLI.runTool(["/usr/bin/env", "python3", "-B", GoldenTests.repository + "/scripts/report/check_report.py", report,
                                     "--pdf", pdf], timeout: 150)
        #expect(check.exitCode == 0, "\(check)")
        #expect(check.stdout.contains("0 console errors, 0 network requests"), "\(check)")
        let pdfBytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
        #expect(pdfBytes.starts(with: Array("%PDF".utf8)), "the print version")

        // The same page with a broken chart must fail the check: the browser test can fail.
        var page = try String(contentsOfFile: report, encoding: .utf8)
        guard let chart = page.range(of: "<svg class=\"chart\"") else { Issue.record("no chart in the report"); return }
        let end = try #require(page.range(of: "</svg>", range: chart.upperBound..<page.endIndex))
        let open = try #require(page.range(of: ">", range: chart.upperBound..<end.lowerBound))
        page.replaceSubrange(open.upperBound..<end.lowerBound, with: "")
        let broken = scratch.join("broken.html")
        try page.write(toFile: broken, atomically: true, encoding: .utf8)
        let fails = try CLI.runTool(["/usr/bin/env", "python3", "-B", GoldenTests.repository + "/scripts/report/check_report.py", broken],
                                    timeout: 150)
        #expect(fails.exitCode == 1 && fails.stderr.contains("renders empty"), "\(fails)")
    }
}

extension String {
    /// Appends this text and a line break to the file at `path`.
    func appendLine(toFile path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((self.hasSuffix("\n") ? self : self + "\n").utf8))
    }
}
