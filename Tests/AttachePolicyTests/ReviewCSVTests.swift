import AttacheCatalog
import AttacheModel
import Foundation
import Testing
@testable import AttachePolicy

/// The review spreadsheet as business people's programs treat it: formulas, semicolons, Windows-1252.
@Suite struct ReviewCSVTests {
    func write(_ bytes: [UInt8]) throws -> String {
        let path = NSTemporaryDirectory() + "review-\(UUID().uuidString).csv"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func decision(_ id: Int64, _ action: String) -> DecisionRow {
        DecisionRow(fileID: id, action: DecisionAction(rawValue: action)!, rule: "r", reason: "", targetPath: nil, archivePath: nil, duplicateOf: nil, notes: "")
    }

    @Test func namesThatLookLikeFormulasStayText() {
        #expect(Review.inert("=HYPERLINK(\"http://x\",\"y\").pdf") == "'=HYPERLINK(\"http://x\",\"y\").pdf")
        for c in ["+1.pdf", "-x.pdf", "@sum.pdf", "\tx.pdf"] { #expect(Review.inert(c) == "'" + c) }
        #expect(Review.inert("Contracts/a=b.pdf") == "Contracts/a=b.pdf")
        #expect(Review.row(["1", Review.inert("=1+2"), "x,y"]) == "1,'=1+2,\"x,y\"\r\n")
    }

    @Test func aSheetSavedWithSemicolonsInWindows1252IsRead() throws {
        // German Excel: "CSV (Trennzeichen-getrennt)" — semicolons, Windows-1252, no BOM.
        var bytes = Array("file_id;root;path;action;note\r\n".utf8)
        bytes += Array("7;/mnt/share;a.pdf;Archive;".utf8) + [0x47, 0x65, 0x70, 0x72, 0xFC, 0x66, 0x74] + Array("\r\n".utf8)  // "Geprüft"
        bytes += Array("8;/mnt/share;b.pdf;keep;\r\n".utf8)
        let path = try write(bytes)
        let overrides = try Review.importOverrides(path: path, plan: [7: decision(7, "keep"), 8: decision(8, "keep")], known: [7, 8])
        #expect(overrides == [Override(fileID: 7, action: .archive, note: "Geprüft")])
    }

    @Test func aMistypedActionIsNamedWithItsRecordAndASuggestion() throws {
        let path = try write(Array("\u{FEFF}file_id,action\r\n7,keep\r\n8,kep\r\n".utf8))
        #expect(throws: Review.ImportError.self) {
            try Review.importOverrides(path: path, plan: [:], known: [7, 8])
        }
        do {
            _ = try Review.importOverrides(path: path, plan: [:], known: [7, 8])
        } catch {
            #expect(error.description == "\(path), record 2: file_id 8, column 'action': 'kep' is not one of keep, archive, drop; did you mean 'keep'?")
        }
        let far = try write(Array("file_id,action\r\n7,maybe\r\n".utf8))
        do {
            _ = try Review.importOverrides(path: far, plan: [:], known: [7])
            Issue.record("'maybe' was accepted")
        } catch {
            #expect(error.description.hasSuffix("'maybe' is not one of keep, archive, drop"))
        }
        let missing = try write(Array("id,decision\r\n7,keep\r\n".utf8))
        #expect(throws: Review.ImportError.self) { try Review.importOverrides(path: missing, plan: [:], known: [7]) }
    }
}
