import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Unreadable input, as an ordinary user sees it. root reads mode-000 files, so these tests run
/// attache as `nobody` through setpriv; they need root (to switch user) and setpriv (util-linux).
@Suite(.timeLimit(.minutes(2)), .enabled(if: CLI.canRunAsNobody, "needs root and setpriv to run attache as nobody"))
struct PermissionTests {
    /// A share nobody can traverse, with a catalog folder nobody can write (the share itself is
    /// not writable by nobody, and does not need to be).
    static func workspace(_ label: String, _ nodes: [Node]) throws -> (Workspace, binary: String) {
        var w = try Workspace(label, nodes)
        let catalogDir = w.scratch.join("catalog")
        try FileManager.default.createDirectory(atPath: catalogDir, withIntermediateDirectories: true)
        chmod(catalogDir, 0o777)
        w = w.withCatalog(catalogDir + "/catalog.db")
        return (w, try binaryForNobody(w.scratch))
    }

    /// The binary under test, or a copy in the scratch folder when nobody cannot reach it
    /// (a checkout under a private home folder).
    static func binaryForNobody(_ scratch: Scratch) throws -> String {
        let bin = try AttacheBinary.path()
        let check = try CLI.runTool([CLI.setpriv!, "--reuid=\(CLI.nobody)", "--regid=\(CLI.nobody)", "--clear-groups",
                                     "/usr/bin/test", "-x", bin])
        if check.exitCode == 0 { return bin }
        let copy = scratch.join("attache")
        try FileManager.default.copyItem(atPath: bin, toPath: copy)
        chmod(copy, 0o755)
        return copy
    }

    @Test func unreadableFileAndFolderAreProblemsAndNothingReadableIsLost() throws {
        let (w, bin) = try Self.workspace("perm", [
            .text("top.txt", "top"),
            .file("ok/contract.pdf", Fixtures.pdf),
            .file("ok/logo.png", Fixtures.png),
            .text("locked/one.txt", "one"),
            .text("locked/two.txt", "two"),
            .file("secret.txt", Array("secret".utf8), mode: 0o000),
            .dir("locked", mode: 0o000),
        ])
        let r = try w.scan(asNobody: true, binary: bin)
        #expect(r.exitCode == 3, "finished, with problems: \(r)")

        let problems = try w.problems(asNobody: true, binary: bin)
        #expect(problems.contains { $0.path == "secret.txt" && $0.code == "permission-denied" }, "\(problems)")
        #expect(problems.contains { $0.path == "locked" && $0.code == "permission-denied" }, "\(problems)")

        let files = try w.list("files", asNobody: true, binary: bin)
        let hashed = Set(files.filter { ($0.value["sha256"] as? String)?.count == 64 }.keys)
        #expect(hashed == ["top.txt", "ok/contract.pdf", "ok/logo.png"], "every readable file is read: \(files)")
        #expect(files["secret.txt"]?["status"] as? String == "unreadable", "\(files)")
        #expect(files["secret.txt"]?["sha256"] is NSNull, "\(files)")
    }

    /// Designed behaviour: a folder that can no longer be listed does not make what the catalog
    /// knew inside it "gone"; those files become unreadable.
    @Test func filesInAFolderThatBecameUnreadableAreNotGone() throws {
        let (w, bin) = try Self.workspace("permgone", [
            .text("top.txt", "top"),
            .text("locked/one.txt", "one"),
            .text("locked/deeper/two.txt", "two"),
        ])
        let first = try w.scan(asNobody: true, binary: bin)
        #expect(first.exitCode == 0, "\(first)")
        let before = try w.list("files", asNobody: true, binary: bin)
        #expect((before["locked/one.txt"]?["sha256"] as? String)?.count == 64, "\(before)")

        #expect(chmod(w.share + "/locked", 0o000) == 0)
        let second = try w.scan(asNobody: true, binary: bin)
        #expect(second.exitCode == 3, "\(second)")
        #expect(count(of: "gone", in: second.stdout) == 0, "nothing is reported gone: \(second)")

        let after = try w.list("files", asNobody: true, binary: bin)
        for path in ["locked/one.txt", "locked/deeper/two.txt"] {
            #expect(after[path] != nil, "\(path) is still listed as present: \(after.keys)")
            #expect(after[path]?["status"] as? String == "unreadable", "\(path): \(after[path] ?? [:])")
        }
        #expect(after["top.txt"]?["status"] as? String == "ok")
        let problems = try w.problems(asNobody: true, binary: bin)
        #expect(problems.contains { $0.path == "locked" && $0.code == "permission-denied" }, "\(problems)")
    }
}
