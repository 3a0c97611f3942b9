import AttacheTestSupport
import Foundation
import Testing

/// What a new user trips over first: a mistyped command, a format one message offers and the
/// next refuses, and getting `attache` onto PATH with its man pages and completions.
@Suite(.timeLimit(.minutes(3))) struct FirstUseTests {
    @Test func aMistypedCommandGetsASuggestion() throws {
        let s = Scratch("typo")
        for (typed, meant) in [("lst", "list"), ("scna", "scan"), ("explian", "explain"), ("Plan", "plan"), ("repot", "report")] {
            let r = try CLI.run([typed, "files"], cwd: s.path)
            #expect(r.exitCode == 64, "\(r)")
            #expect(r.stderr.contains("unknown command '\(typed)'; did you mean '\(meant)'?"), "\(r)")
            #expect(!r.stderr.contains("unexpected argument"), "\(r)")
        }
        let far = try CLI.run(["frobnicate"], cwd: s.path)
        #expect(far.exitCode == 64, "\(far)")
        #expect(far.stderr.contains("unknown command 'frobnicate'; the commands are init, run, scan"), "\(far)")
        // Real commands and options still reach ArgumentParser.
        #expect(try CLI.run(["help", "list"], cwd: s.path).exitCode == 0)
        #expect(try CLI.run(["--version"], cwd: s.path).exitCode == 0)
    }

    @Test func aFormatIsOfferedOnlyWhereItIsAccepted() throws {
        let s = Scratch("formats")
        // `list` offers table, csv, json — and `text` is neither offered nor taken.
        let list = try CLI.run(["list", "files", "--format", "xml"], cwd: s.path)
        #expect(list.exitCode == 64, "\(list)")
        #expect(list.stderr.contains("table") && list.stderr.contains("csv") && list.stderr.contains("json"), "\(list)")
        #expect(!list.stderr.contains("text"), "list must not offer a format it refuses: \(list)")
        #expect(try CLI.run(["list", "files", "--format", "text"], cwd: s.path).exitCode == 64)
        // `report` offers text and json only.
        let report = try CLI.run(["report", "--format", "csv"], cwd: s.path)
        #expect(report.exitCode == 64, "\(report)")
        #expect(report.stderr.contains("text") && report.stderr.contains("json"), "\(report)")
        #expect(!report.stderr.contains("table"), "\(report)")
    }

    @Test func makeInstallFilesPutsTheBinaryCompletionsAndManPagesUnderPrefix() throws {
        let s = Scratch("install")
        let bin = try AttacheBinary.path()
        let man = s.join("man")
        try FileManager.default.createDirectory(atPath: man, withIntermediateDirectories: true)
        // A man page as `make man` writes it; the generator itself is swift-argument-parser's plugin.
        try Data(".TH ATTACHE 1\n".utf8).write(to: URL(fileURLWithPath: man + "/attache.1"))
        let prefix = s.join("prefix")
        let make = try CLI.runTool(
            ["/usr/bin/make", "--no-print-directory", "-C", AttacheBinary.packageRoot, "install-files",
             "PREFIX=\(prefix)", "INSTALL_BIN=\(bin)", "MAN_DIR=\(man)"], cwd: s.path)
        #expect(make.exitCode == 0, "\(make)")
        let installed = prefix + "/bin/attache"
        #expect(FileManager.default.isExecutableFile(atPath: installed))
        let version = try CLI.run(["--version"], cwd: s.path, binary: installed)
        #expect(version.exitCode == 0 && !version.stdout.isEmpty, "\(version)")
        #expect(FileManager.default.fileExists(atPath: prefix + "/share/man/man1/attache.1"))
        let bash = try String(contentsOfFile: prefix + "/share/bash-completion/completions/attache", encoding: .utf8)
        #expect(bash.contains("_attache") && bash.contains("plan"), "bash completion: \(bash.prefix(200))")
        let zsh = try String(contentsOfFile: prefix + "/share/zsh/site-functions/_attache", encoding: .utf8)
        #expect(zsh.contains("#compdef attache"))
        let fish = try String(contentsOfFile: prefix + "/share/fish/vendor_completions.d/attache.fish", encoding: .utf8)
        #expect(fish.contains("complete -c 'attache'"), "fish completion: \(fish.prefix(200))")
    }
}
