import Foundation
import Testing

/// The layering DESIGN.md promises, checked on the sources themselves: the executable on top,
/// stages below it, shared layers below the stages, AttacheModel at the bottom — and no stage
/// importing another (stages meet in the catalog). A new `import` that breaks the graph fails here
/// with the file and line, before it becomes a habit.
@Suite struct ModuleGraphTests {
    /// Each module's layer; a module may import only modules of a strictly lower layer.
    static let layer: [String: Int] = [
        "AttacheModel": 0,
        "AttacheConfig": 1, "AttacheCatalog": 1, "AttacheSystem": 1,
        "AttacheRecords": 2,
        "AttacheScan": 3, "AttacheReferences": 3, "AttachePolicy": 3, "AttacheReport": 3,
        "AttacheRelocation": 3, "AttacheRewrite": 3,
        "attache": 4,
    ]

    /// (module, file, line, imported module) for every `import Attache…` in Sources/.
    static func imports() throws -> [(module: String, file: String, line: Int, imported: String)] {
        let sources = AttacheBinary.packageRoot + "/Sources"
        var found: [(String, String, Int, String)] = []
        let fm = FileManager.default
        for module in try fm.contentsOfDirectory(atPath: sources).sorted() {
            guard let files = fm.enumerator(atPath: sources + "/" + module) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let path = sources + "/" + module + "/" + file
                let text = try String(contentsOfFile: path, encoding: .utf8)
                for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let words = line.split(separator: " ").map(String.init)
                    // `import X`, `@testable import X`, `@_exported import X`, `public import X`.
                    guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                          words[..<at].allSatisfy({ $0.hasPrefix("@") || $0 == "public" || $0 == "internal" || $0 == "package" })
                    else { continue }
                    let imported = words[at + 1]
                    if imported.hasPrefix("Attache") { found.append((module, "Sources/\(module)/\(file)", i + 1, imported)) }
                }
            }
        }
        return found
    }

    @Test func everyModuleHasALayer() throws {
        let modules = try FileManager.default.contentsOfDirectory(atPath: AttacheBinary.packageRoot + "/Sources")
            .filter { $0.hasPrefix("Attache") || $0 == "attache" }
        #expect(!modules.isEmpty)
        for m in modules { #expect(Self.layer[m] != nil, "Sources/\(m) has no layer in ModuleGraphTests.layer: add it where it belongs") }
    }

    @Test func importsPointDownAndStagesNeverImportEachOther() throws {
        let all = try Self.imports()
        #expect(all.count > 20, "the import scan found too little to be checking anything")
        for i in all {
            guard let from = Self.layer[i.module], let to = Self.layer[i.imported] else {
                Issue.record("\(i.file):\(i.line): \(i.module) imports \(i.imported), which has no layer")
                continue
            }
            #expect(to < from, "\(i.file):\(i.line): \(i.module) (layer \(from)) imports \(i.imported) (layer \(to)): imports point down only; stages meet in the catalog")
        }
    }

    @Test func theCheckCatchesAStageImportingAStage() {
        // The rule itself, on a made-up import: a stage importing a stage is refused.
        let from = Self.layer["AttacheReport"]!, to = Self.layer["AttachePolicy"]!
        #expect(!(to < from))
        #expect(Self.layer["AttacheRecords"]! < Self.layer["AttacheReferences"]!)
    }
}
