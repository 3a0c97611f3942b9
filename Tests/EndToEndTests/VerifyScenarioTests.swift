import AttacheCatalog
import AttacheTestSupport
import Foundation
import Testing

/// `attache verify` and `attache list mapping` on the five-CRM fixtures applied with the cloud
/// policy: a clean target verifies; each kind of damage is found, named and exits 5; apply
/// repairs what it wrote; the mapping accounts for every catalogued file exactly once.
@Suite(.timeLimit(.minutes(2))) struct VerifyScenarioTests {
    static func applied() throws -> (ReferencesScenarioTests.CRMs, String) {
        let m = try PlanScenarioTests.prepared()
        #expect(try m.run(["plan", "--policy", PlanScenarioTests.policies + "/cloud-50gib.yaml"]).exitCode == 0)
        let target = m.dir + "/target"
        let apply = try m.run(["apply", "--to", target])
        #expect(apply.exitCode == 3, "the fixtures hold unmovable files: \(apply)")
        return (m, target)
    }

    func differences(_ r: RunResult) throws -> [[String: Any]] {
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdoutBytes)) as? [String: Any])
        return try #require(o["differences"] as? [[String: Any]])
    }

    @Test func aCleanTargetVerifiesAndEveryKindOfDamageIsFound() throws {
        let (m, target) = try Self.applied()
        let clean = try m.run(["verify", "--to", target, "--format", "json"])
        #expect(clean.exitCode == 0, "\(clean)")
        #expect(try differences(clean).isEmpty)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(clean.stdoutBytes)) as? [String: Any])
        #expect((o["files"] as? Int ?? 0) > 0 && (o["archives"] as? Int ?? 0) > 0 && (o["members"] as? Int ?? 0) > 0)

        let fm = FileManager.default
        let kept = try #require(fm.enumerator(atPath: target)?.compactMap { $0 as? String }
            .filter { !$0.hasPrefix("_archive") && !$0.hasSuffix("/") }.sorted()
            .first { var d: ObjCBool = false; return fm.fileExists(atPath: target + "/" + $0, isDirectory: &d) && !d.boolValue })
        let archive = try #require(fm.enumerator(atPath: target + "/_archive")?.compactMap { $0 as? String }
            .first { $0.hasSuffix(".tar.zst") })
        // Same size, other bytes: only a re-hash finds it.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: target + "/" + kept))
        bytes[0] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: target + "/" + kept))
        // A damaged archive, and a file attache did not write.
        let archivePath = target + "/_archive/" + archive
        let whole = try Data(contentsOf: URL(fileURLWithPath: archivePath))
        try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: archivePath))
        try Data("mine".utf8).write(to: URL(fileURLWithPath: target + "/notes.txt"))

        let fast = try m.run(["verify", "--to", target, "--fast", "--format", "json"])
        #expect(fast.exitCode == 5)
        let fastKinds = try differences(fast).map { "\($0["kind"]!) \($0["path"]!)" }
        #expect(fastKinds.contains("changed _archive/\(archive)"), "a shorter archive is found by size: \(fastKinds)")
        #expect(!fastKinds.contains { $0.hasSuffix(kept) }, "--fast does not read: the same-size edit is not seen")

        let full = try m.run(["verify", "--to", target, "--format", "json"])
        #expect(full.exitCode == 5)
        let kinds = try differences(full).map { "\($0["kind"]!) \($0["path"]!)" }
        #expect(kinds.contains("changed \(kept)"), "\(kinds)")
        #expect(kinds.contains("unexpected notes.txt"), "\(kinds)")
        #expect(kinds.contains { $0.hasPrefix("changed _archive/\(archive)") || $0.hasPrefix("damaged _archive/\(archive)") }, "\(kinds)")
        let text = try m.run(["verify", "--to", target])
        #expect(text.exitCode == 5 && text.stdout.contains("Differences:") && text.stdout.contains("not written by attache"))

        // apply writes again the archive it wrote that was cut short; the user's file stays.
        _ = try m.run(["apply", "--to", target])
        let after = try differences(try m.run(["verify", "--to", target, "--format", "json"])).map { "\($0["kind"]!) \($0["path"]!)" }
        #expect(!after.contains { $0.contains(archive) }, "\(after)")
        #expect(after.contains("unexpected notes.txt"))
        #expect(try String(contentsOfFile: target + "/notes.txt", encoding: .utf8) == "mine")
    }

    @Test func theMappingAccountsForEveryFileOnce() throws {
        let (m, target) = try Self.applied()
        let files = try listItems(try m.run(["list", "files", "--format", "json"]))
        let mapping = try listItems(try m.run(["list", "mapping", "--format", "json"]))
        #expect(mapping.count == files.count)
        #expect(Set(mapping.map { "\($0["root"]!)/\($0["path"]!)" }).count == files.count)
        for row in mapping {
            switch row["placement"] as? String {
            case "placed":
                let p = try #require(row["target_path"] as? String)
                #expect(FileManager.default.fileExists(atPath: target + "/" + p), "\(p)")
            case "archived":
                #expect((row["archive_path"] as? String)?.hasSuffix(".tar.zst") == true && (row["member"] as? String)?.isEmpty == false)
            case "dropped", "duplicate":
                #expect((row["rule"] as? String)?.isEmpty == false)
            default:
                Issue.record("unexpected placement \(row)")
            }
        }
        // A referenced file lists how the records spell it.
        let acme = try #require(mapping.first { ($0["path"] as? String) == "Contracts/Acme Trading/Contract 2014.pdf" })
        #expect((acme["spellings"] as? String)?.isEmpty == false, "\(acme)")
        let csv = try m.run(["list", "mapping", "--format", "csv"])
        #expect(csv.stdout.hasPrefix("root,path,file_id,sha256,size,placement,target_path,archive_path,member,duplicate_of,rule"))
    }

    @Test func linkPlacesTheSourceFileItselfOnTheSameFileSystem() throws {
        let m = try PlanScenarioTests.prepared()
        #expect(try m.run(["plan", "--policy", PlanScenarioTests.policies + "/cloud-50gib.yaml"]).exitCode == 0)
        let target = m.dir + "/linked"
        let apply = try m.run(["apply", "--to", target, "--link", "--format", "json"])
        #expect(apply.exitCode == 3, "\(apply)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(apply.stdoutBytes)) as? [String: Any])
        let counts = try #require(o["counts"] as? [String: Any])
        let copied = try #require(counts["copy"] as? [String: Any])["files"] as? Int
        let linked = try #require(counts["linked"] as? [String: Any])["files"] as? Int
        #expect(copied != nil && copied == linked && (linked ?? 0) > 0, "every kept file linked: \(counts)")
        let mapping = try listItems(try m.run(["list", "mapping", "--format", "json"]))
        let placed = mapping.filter { $0["placement"] as? String == "placed" }
        #expect(!placed.isEmpty && placed.allSatisfy { $0["method"] as? String == "hardlink" || $0["method"] as? String == "reflink" })
        for row in placed {
            var a = stat(), b = stat()
            let source = "\(row["root"]!)/\(row["path"]!)", copy = target + "/" + (row["target_path"] as! String)
            #expect(stat(source, &a) == 0 && stat(copy, &b) == 0)
            if row["method"] as? String == "hardlink" { #expect(a.st_ino == b.st_ino, "\(copy) is the source's inode") }
        }
        #expect(try m.run(["verify", "--to", target]).exitCode == 0)
    }

    /// The importer's link table: every reference with where its file is now — a duplicate's
    /// references lead to the kept copy — and, once the manifest has a target address, the new
    /// location as records will spell it.
    @Test func theLinkTableLeadsEveryReferenceToItsFilesNewHome() throws {
        let (m, _) = try Self.applied()
        let manifest = m.dir + "/attache.yaml"
        // First without an address: the demo manifest's target line taken out.
        let withoutTarget = try String(contentsOfFile: manifest, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("target:") }.joined(separator: "\n")
        try withoutTarget.write(toFile: manifest, atomically: true, encoding: .utf8)
        let refs = try listItems(try m.run(["list", "refs", "--format", "json"]))
        let links = try listItems(try m.run(["list", "links", "--format", "json"]))
        #expect(links.count == refs.count && !links.isEmpty)
        let mapping = try listItems(try m.run(["list", "mapping", "--format", "json"]))
        var placedPath: [String: String] = [:]
        for row in mapping where row["placement"] as? String == "placed" {
            placedPath["\(row["root"]!)/\(row["path"]!)"] = row["target_path"] as? String
        }
        var checked = 0
        for l in links where l["placement"] as? String == "placed" {
            #expect(l["target_path"] as? String == placedPath["\(l["root"]!)/\(l["path"]!)"], "\(l)")
            #expect((l["new_address"] as? String) == nil, "no address in the manifest: nothing spelled")
            checked += 1
        }
        #expect(checked > 0)
        // With an address, each placed file's link is spelled below it, percent-encoded.
        let text = try String(contentsOfFile: manifest, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("target:") }.joined(separator: "\n")
        try (text + "\ntarget: { path: target, address: 'https://tenant.example.com/sites/crm/Shared Documents/' }\n")
            .write(toFile: manifest, atomically: true, encoding: .utf8)
        let spelled = try listItems(try m.run(["list", "links", "--format", "json"]))
        let acme = try #require(spelled.first { ($0["path"] as? String) == "Contracts/Acme Trading/Contract 2014.pdf" && $0["placement"] as? String == "placed" })
        let target = try #require(acme["target_path"] as? String)
        #expect(acme["new_address"] as? String
            == "https://tenant.example.com/sites/crm/Shared%20Documents/" + target.replacingOccurrences(of: " ", with: "%20"), "\(acme)")
    }
}
