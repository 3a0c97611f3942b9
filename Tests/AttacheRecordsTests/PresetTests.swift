import AttacheConfig
import Testing
@testable import AttacheRecords

@Suite struct PresetTests {
    func spec(_ preset: String) -> SourceSpec {
        SourceSpec(name: "crm", kind: .preset(name: preset), database: "/db.sqlite", root: "/mnt/crm")
    }

    @Test func vtigerPicksTheStorednameVariantWhenTheColumnExists() throws {
        let old = try Presets.plan(spec("vtiger"), preset: "vtiger", columnsOf: { $0 == "vtiger_attachments" ? ["attachmentsid", "name", "path"] : nil }).get()
        let new = try Presets.plan(spec("vtiger"), preset: "vtiger", columnsOf: { $0 == "vtiger_attachments" ? ["attachmentsid", "name", "path", "storedname"] : nil }).get()
        guard case .sqlite(_, _, let q1?) = old.input, case .sqlite(_, _, let q2?) = new.input else { Issue.record("not sqlite"); return }
        #expect(!q1.contains("storedname") && q2.contains("storedname"))
        #expect(old.base == "/mnt/crm" && old.template?.columns == ["file"])
    }

    @Test func aDatabaseOfAnotherProductIsAClearError() {
        guard case .failure(let e) = Presets.plan(spec("odoo"), preset: "odoo", columnsOf: { _ in nil }) else { Issue.record("accepted"); return }
        #expect(e.message.contains("ir_attachment"))
        guard case .failure(let u) = Presets.plan(spec("sap"), preset: "sap", columnsOf: { _ in nil }) else { Issue.record("accepted"); return }
        #expect(u.message.contains("vtiger, suitecrm, odoo, espocrm, salesforce"))
    }
}
