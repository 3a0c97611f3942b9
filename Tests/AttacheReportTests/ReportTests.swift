import AttacheCatalog
import AttacheModel
import AttacheScan
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import AttacheReport

/// Scans a small tree and returns its catalog.
func scannedCatalog(_ nodes: [Node], in s: Scratch) throws -> Catalog {
    try Tree.make(at: s.join("share"), nodes)
    let c = try Catalog(path: s.join("attache.db"))
    _ = try Scanner.run(catalog: c, options: ScanOptions(roots: [ScanRoot(path: s.join("share"))], workers: 2))
    return c
}

@Suite(.timeLimit(.minutes(5))) struct ListingTests {
    let nodes: [Node] = [
        .file("b/invoice.pdf", Fixtures.pdf, mtime: 1_400_000_000),
        .file("a/copy, \"final\".pdf", Fixtures.pdf, mtime: 1_300_000_000),
        .file("a/logo.png", Fixtures.png, mtime: 1_200_000_000),
        .file(RawPath(bytes: [0x7A, 0xFF, 0x2E, 0x74, 0x78, 0x74]), Array("z".utf8)),
        .fifo("pipe"),
    ]

    @Test func filesAsCSVAreCompleteSortedAndQuoted() throws {
        let s = Scratch("list")
        let c = try scannedCatalog(nodes, in: s)
        var out = StringSink()
        try Listing.files(c, format: .csv, to: &out)
        let lines = out.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines[0] == Listing.fileFields.joined(separator: ","))
        #expect(lines.count == 6)
        let paths = lines.dropFirst().map { line -> String in
            let afterRoot = line.dropFirst(s.join("share").count + 1)
            return afterRoot.hasPrefix("\"") ? String(afterRoot.split(separator: ",", maxSplits: 2).prefix(2).joined(separator: ",")) : String(afterRoot.prefix { $0 != "," })
        }
        #expect(paths == ["\"a/copy, \"\"final\"\".pdf\"", "a/logo.png", "b/invoice.pdf", "pipe", "z\\xFF.txt"]) // byte order
        #expect(lines[2].contains(",regular,\(Fixtures.png.count),2008-01-10T21:20:00Z,"))
        #expect(lines[2].hasSuffix(",image/png,image,false,ok,,,,,\(getuid()),\(getgid())"), "without names, owner and group are empty")
        #expect(lines[4].contains(",fifo,0,") && lines[4].contains(",special,special-file,fifo"))
    }

    @Test func filesAsJSONHaveStableFieldsAndTypes() throws {
        let s = Scratch("json")
        let c = try scannedCatalog(nodes, in: s)
        var out = StringSink()
        try Listing.files(c, format: .json, to: &out)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        #expect(doc["listing"] as? String == "files")
        #expect(doc["version"] as? Int == 1)
        let items = try #require(doc["items"] as? [[String: Any]])
        #expect(items.count == 5)
        for item in items { #expect(Set(item.keys) == Set(Listing.fileFields)) }
        #expect(items[0]["size"] as? Int == Fixtures.pdf.count)
        #expect(items[0]["extension_mismatch"] as? Bool == false)
        #expect(items[3]["sha256"] is NSNull)
    }

    @Test func emptyListingsAreStillWellFormed() throws {
        let s = Scratch("empty")
        let c = try scannedCatalog([.text("only.txt", "unique")], in: s)
        var json = StringSink(), csv = StringSink(), table = StringSink()
        try Listing.duplicates(c, format: .json, to: &json)
        try Listing.duplicates(c, format: .csv, to: &csv)
        try Listing.problems(c, format: .table, to: &table)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        #expect((doc["items"] as? [Any])?.isEmpty == true)
        #expect(csv.text == Listing.duplicateFields.joined(separator: ",") + "\r\n")
        #expect(table.text.hasSuffix("0 problems\n"))
    }

    @Test func duplicatesAreGroupedLargestSavingFirst() throws {
        let big = Fixtures.bytes(5000, seed: 1), small = Fixtures.bytes(100, seed: 2)
        let s = Scratch("dups")
        let c = try scannedCatalog([.file("s1", small), .file("s2", small), .file("s3", small), .file("b1", big), .file("b2", big),
                                    .file("e1", []), .file("e2", [])], in: s)
        var out = StringSink()
        try Listing.duplicates(c, format: .csv, to: &out)
        let rows = out.text.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // Group 1 frees 5000 bytes, group 2 frees 200; empty files are not duplicates.
        #expect(rows.map { $0[0] } == ["1", "1", "2", "2", "2"])
        #expect(rows.map { $0[6] } == ["b1", "b2", "s1", "s2", "s3"])
        // The group's saving is on its first row only, so the column sums to the total.
        #expect(rows.map { $0[4] } == ["5000", "", "200", "", ""])
        var json = StringSink()
        try Listing.duplicates(c, format: .json, to: &json)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        #expect(doc["version"] as? Int == 2)
        let items = try #require(doc["items"] as? [[String: Any]])
        #expect(items.compactMap { $0["reclaimable"] as? Int } == [5000, 200])
        #expect(items[1]["reclaimable"] is NSNull)
    }

    @Test func tablesShowRootsOnceAndFitTheWidth() throws {
        let s = Scratch("wide")
        let deep = String(repeating: "Very Long Folder Name/", count: 8) + "Договор поставки №12 — финальная версия.pdf"
        let c = try scannedCatalog([.file(deep, Fixtures.pdf), .file("short.pdf", Fixtures.png)], in: s)
        var table = StringSink()
        try Listing.files(c, format: .table, to: &table)
        let lines = table.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "[1] " + s.join("share"), "the legend names the root once")
        #expect(table.text.components(separatedBy: s.join("share")).count == 2, "the root is not repeated on rows")
        for l in lines { #expect(TextWidth.of(l) <= 120, "\(TextWidth.of(l)) columns: \(l)") }
        let row = try #require(lines.first { $0.hasPrefix("[1]") && $0.contains("…") })
        #expect(row.contains("/Договор поставки №12 — финальная версия.pdf"), "the file name is kept: \(row)")
        var csv = StringSink()
        try Listing.files(c, format: .csv, to: &csv)
        #expect(csv.text.contains(s.join("share") + "," + deep + ","), "CSV keeps the complete path")
    }

    @Test func ownersAreNamedByTheGivenNaming() throws {
        struct Names: OwnerNaming {
            func user(_ uid: UInt32) -> String? { uid == getuid() ? "alice" : nil }
            func group(_ gid: UInt32) -> String? { nil }
        }
        let s = Scratch("owners")
        let c = try scannedCatalog([.text("a.txt", "a")], in: s)
        var out = StringSink()
        try Listing.files(c, format: .json, owners: Names(), to: &out)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        let item = try #require((doc["items"] as? [[String: Any]])?.first)
        #expect(item["owner"] as? String == "alice" && item["group"] as? String == "")
        #expect(item["uid"] as? Int == Int(getuid()) && item["gid"] as? Int == Int(getgid()))
    }
}

@Suite struct TextWidthTests {
    @Test func widthsCountTerminalColumns() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("合同.pdf") == 8)
        #expect(TextWidth.of("Cafe\u{301}") == 4)
    }

    @Test func pathsAreShortenedInTheMiddleKeepingTheFileName() {
        let p = "customers/Acme Trading/2015/Old/Copy of Contract.docx"
        let short = TextWidth.trimMiddle(p, width: 30)
        #expect(TextWidth.of(short) <= 30)
        #expect(short.hasPrefix("cust") && short.hasSuffix("/Copy of Contract.docx") && short.contains("…"))
        #expect(TextWidth.trimMiddle("short.pdf", width: 30) == "short.pdf")
        let name = TextWidth.trimMiddle(String(repeating: "x", count: 50) + ".pdf", width: 20)
        #expect(TextWidth.of(name) == 20 && name.hasSuffix(".pdf"))
        #expect(TextWidth.trimEnd("a long reason text", width: 8) == "a long …")
    }

    @Test func aTableGivesWayOnItsWidestTextColumnAndKeepsNumbers() {
        var t = Table([.init("size", right: true, shortening: .never), .init("path", shortening: .middle, minWidth: 10),
                       .init("note", minWidth: 6)], maxWidth: 40)
        t.add(["123456789", String(repeating: "p/", count: 30) + "file.pdf", "a note that is far too long"])
        var out = StringSink()
        t.render(to: &out)
        let lines = out.text.split(separator: "\n")
        for l in lines { #expect(TextWidth.of(l) <= 40, "\(l)") }
        #expect(lines[2].hasPrefix("123456789  "))
        #expect(lines[2].contains("file.pdf"))
    }
}

@Suite(.timeLimit(.minutes(5))) struct InventoryReportTests {
    @Test func textReportShowsTheFiguresPeopleAskFor() throws {
        let s = Scratch("report")
        let c = try scannedCatalog([
            .file("2014/a.pdf", Fixtures.pdf, mtime: 1_400_000_000), .file("2015/b.pdf", Fixtures.pdf, mtime: 1_430_000_000),
            .file("notes/x.doc", Fixtures.html, mtime: 1_400_000_000), .symlink("dead", to: "nowhere"),
        ], in: s)
        var out = StringSink()
        InventoryReport.text(try InventoryData.load(c), to: &out)
        let t = out.text.replacingOccurrences(of: "\n    ", with: " ")  // sentences are wrapped at 80 columns
        #expect(t.contains("present        4"))
        #expect(t.contains("2 files in 1 group of identical content; keeping one copy of each would free \(Fixtures.pdf.count) B"))
        #expect(t.contains("Extension contradicts content: 1 file "))
        #expect(t.contains("broken-symlink  warning       1"))
        #expect(t.contains("WARNING dead — broken-symlink: → nowhere"))
        for section in ["Totals", "By category", "By year last modified", "By top folder", "Largest files", "Duplicates", "Problems"] {
            #expect(out.text.contains("\n\(section)\n"), "missing section \(section)")
        }
        #expect(t.contains("2014      2"))
    }

    @Test func jsonReportParsesWithTheSameFigures() throws {
        let s = Scratch("rjson")
        let c = try scannedCatalog([.file("a.pdf", Fixtures.pdf), .file("b.pdf", Fixtures.pdf), .file("c.png", Fixtures.png)], in: s)
        var out = StringSink()
        InventoryReport.json(try InventoryData.load(c), to: &out)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(out.text.utf8)) as? [String: Any])
        #expect(doc["report"] as? String == "inventory")
        #expect(doc["version"] as? Int == 2)
        let totals = try #require(doc["totals"] as? [String: Any])
        #expect(totals["files"] as? Int == 3)
        #expect(totals["bytes"] as? Int == 2 * Fixtures.pdf.count + Fixtures.png.count)
        let dups = try #require(doc["duplicates"] as? [String: Any])
        #expect(dups["groups"] as? Int == 1 && dups["reclaimable_bytes"] as? Int == Fixtures.pdf.count)
        let cats = try #require(doc["by_category"] as? [[String: Any]])
        #expect(cats.map { $0["label"] as? String } == ["pdf", "image"])
        #expect((doc["problems"] as? [String: Any])?["total"] as? Int == 0)
    }
}
