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

    @Test func aRowWhosePathIsAnotherFilesIsRefusedWithItsRecord() throws {
        let paths: [Int64: String] = [7: "a.pdf", 8: "b.pdf"]
        let sheet = try write(Array("file_id,root,path,action\r\n7,/mnt/share,a.pdf,keep\r\n8,/mnt/share,a.pdf,drop\r\n".utf8))
        let error = #expect(throws: Review.ImportError.self) {
            try Review.importOverrides(path: sheet, plan: [:], known: [7, 8], pathOf: { paths[$0] })
        }
        #expect(error?.record == 2)
        #expect(error?.message.contains("file_id 8 is 'b.pdf' in the catalog, but the sheet's path is 'a.pdf'") == true, "\(String(describing: error))")
        // The same sheet with the right paths goes through; without a path column nothing is compared.
        let right = try write(Array("file_id,path,action\r\n7,a.pdf,keep\r\n8,b.pdf,drop\r\n".utf8))
        #expect(try Review.importOverrides(path: right, plan: [:], known: [7, 8], pathOf: { paths[$0] }).count == 2)
        let bare = try write(Array("file_id,action\r\n8,drop\r\n".utf8))
        #expect(try Review.importOverrides(path: bare, plan: [:], known: [7, 8], pathOf: { paths[$0] }).count == 1)
    }

    @Test func pathsAreComparedAsSpreadsheetProgramsLeaveThem() {
        #expect(Review.samePath(sheet: "'=1+1.pdf", catalog: "=1+1.pdf"))        // the guard kept
        #expect(Review.samePath(sheet: "=1+1.pdf", catalog: "=1+1.pdf"))         // the guard dropped on re-save
        #expect(Review.samePath(sheet: "Cafe\u{301}/x.pdf", catalog: "Caf\u{E9}/x.pdf"))  // NFD vs NFC
        #expect(Review.samePath(sheet: "??????/?????.pdf", catalog: "Москва/Отчёт.pdf"))  // Windows-1252 lost the letters
        #expect(!Review.samePath(sheet: "??????/x.pdf", catalog: "Москва/Отчёт.pdf"))
        #expect(!Review.samePath(sheet: "b.pdf", catalog: "a.pdf"))
        #expect(Review.samePath(sheet: "'x.pdf", catalog: "x.pdf"))   // a stray leading quote is tolerated
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
