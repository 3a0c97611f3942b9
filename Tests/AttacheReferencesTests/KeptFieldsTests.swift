import AttacheRecords
import Foundation
import Testing
@testable import AttacheReferences

/// `refs.fields`: the record's kept columns as the catalog stores them, now written by
/// JSONWriter with the bytes JSONSerialization (`.sortedKeys`) stored before.
@Suite struct KeptFieldsTests {
    /// Keys whose order differs between a plain sort and Foundation's (numbers, case, width,
    /// accents, punctuation).
    static let keys = ["b", "B", "a", "f10", "f2", "_x", "Z", "é", "e", "ab", "aB", "Ab", "a-b", "a_b", "1", "10", "2",
                       "ü", "z", "A", "AB", "a.b", "ｆ", "f", "F", "Счёт", "счёт2", "счёт10", "x/y", "😀"]
    static let values = ["/mnt/a b/", "\\\\srv\\share", "é/ü😀", "tab\there", "\u{1}\u{8}\u{C}\u{1F}\u{7F}", "q\"uote", "nl\nx\r"]

    func record(_ fields: [String: String]) -> SourceRecord { SourceRecord(key: ["1"], fields: fields, position: "row 1") }

    @Test func theBytesAreWhatJSONSerializationWrote() throws {
        var fields: [String: String] = [:]
        for (i, k) in Self.keys.enumerated() { fields[k] = Self.values[i % Self.values.count] }
        let kept = try #require(ReferencesEngine.keptFields(record(fields), Self.keys))
        let legacy = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        #expect(kept == String(decoding: legacy, as: UTF8.self))
        #expect(try JSONSerialization.jsonObject(with: Data(kept.utf8)) as? [String: String] == fields)
    }

    @Test func emptyAndUnkeptColumnsAreLeftOut() throws {
        let r = record(["name": "Invoice 5/2024", "empty": "", "other": "not kept"])
        #expect(ReferencesEngine.keptFields(r, ["name", "empty", "missing"]) == "{\"name\":\"Invoice 5\\/2024\"}")
        #expect(ReferencesEngine.keptFields(r, ["empty", "missing"]) == nil)
    }
}
