import Foundation
import Testing

/// The house rule on sizes, checked on the sources: no file in Sources/ over 400 lines and no
/// function over 80, so code is split where it has seams before it grows into a catch-all.
/// Functions are found by their indentation: a line declaring `func`/`init` that ends with `{`,
/// up to the first `}` at the same indentation (the style the code is written in).
@Suite struct SourceSizeTests {
    static let fileLimit = 400
    static let functionLimit = 80

    static func swiftFiles() throws -> [String] {
        let sources = AttacheBinary.packageRoot + "/Sources"
        guard let all = FileManager.default.enumerator(atPath: sources) else { return [] }
        return all.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { sources + "/" + $0 }
    }

    /// (first line, length) of every function in `lines` longer than `limit`.
    static func longFunctions(_ lines: [Substring], limit: Int) -> [(line: Int, length: Int, text: String)] {
        var found: [(Int, Int, String)] = []
        let declaration = try! NSRegularExpression(
            pattern: #"^(\s*)(@\w+(\([^)]*\))?\s+)*((public|private|internal|fileprivate|package|static|class|mutating|override|final|nonisolated|convenience|required)\s+)*(func|init)\b"#)
        for (i, line) in lines.enumerated() where line.hasSuffix("{") {
            let s = String(line)
            guard let m = declaration.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)),
                  let r = Range(m.range(at: 1), in: s) else { continue }
            let indent = String(s[r])
            if let end = lines[(i + 1)...].firstIndex(where: { $0.hasPrefix(indent + "}") }), end - i > limit {
                found.append((i + 1, end - i, s.trimmingCharacters(in: .whitespaces)))
            }
        }
        return found
    }

    @Test func noSourceFileOrFunctionIsTooLong() throws {
        let files = try Self.swiftFiles()
        #expect(files.count > 50, "found too few sources to be checking anything")
        for path in files {
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            let name = path.replacingOccurrences(of: AttacheBinary.packageRoot + "/", with: "")
            #expect(lines.count <= Self.fileLimit + 1, "\(name) has \(lines.count) lines: split it where the code has seams")
            for f in Self.longFunctions(lines, limit: Self.functionLimit) {
                Issue.record("\(name):\(f.line): a function of \(f.length) lines (at most \(Self.functionLimit)): \(f.text)")
            }
        }
    }

    @Test func theFunctionCheckFindsALongFunction() {
        let body = Array(repeating: Substring("        x += 1"), count: 90)
        let lines: [Substring] = ["struct S {", "    public static func long() {"] + body + ["    }", "    func short() {", "    }", "}"]
        let found = Self.longFunctions(lines, limit: 80)
        #expect(found.count == 1)
        #expect(found.first?.line == 2 && found.first?.length == 91)
    }
}
