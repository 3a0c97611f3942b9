import AttacheModel
import Foundation
import AttacheRecords
import Testing
@testable import AttacheReferences

/// The resolver keeps only hashes of names for its case and Unicode steps and checks each
/// candidate again; this compares it, on random names built to collide in every way (case,
/// NFC/NFD, the Kelvin sign, names that are not UTF-8), with the rules written out plainly:
/// every file compared with the spelling, one by one.
@Suite struct ResolverOracleTests {
    static let pieces = ["a", "A", "é", "e\u{301}", "É", "E\u{301}", "k", "K", "\u{212A}", "ß", "ss", "SS", "ö", "o\u{308}", "Ö", "/", "1"]

    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    static func name(_ g: inout Generator) -> String {
        var s = ""
        for _ in 0..<Int.random(in: 1...4, using: &g) { s += pieces.randomElement(using: &g)! }
        return s.hasPrefix("/") || s.hasSuffix("/") || s.contains("//") ? "x" + s.replacingOccurrences(of: "//", with: "/") + "y" : s
    }

    /// A name like `other` in another form: NFC or NFD, upper- or lower-cased, or as it is.
    static func variant(of other: String, _ g: inout Generator) -> String {
        switch Int.random(in: 0..<5, using: &g) {
        case 0: return other.precomposedStringWithCanonicalMapping
        case 1: return other.decomposedStringWithCanonicalMapping
        case 2: return other.uppercased()
        case 3: return other.lowercased().decomposedStringWithCanonicalMapping
        default: return other
        }
    }

    /// The resolver's rules for a name below a root, file by file.
    static func oracle(_ query: String, files: [IndexedFile], caseInsensitive: Bool) -> (ReferenceStatus, MatchKind?, Int64?, Int) {
        let texts = files.map { String(validating: $0.path.bytes, as: UTF8.self) }
        if let f = files.first(where: { $0.path.bytes == Array(query.utf8) }) { return (.resolved, .exact, f.id, 1) }
        let fold = { (s: String) in s.lowercased() }
        var folded: [IndexedFile] = []
        if caseInsensitive {
            folded = files.indices.filter { texts[$0].map(fold) == fold(query) }.map { files[$0] }
            let caseOnly = folded.filter { Array(fold(String(decoding: $0.path.bytes, as: UTF8.self)).utf8) == Array(fold(query).utf8) }
            if caseOnly.count == 1 { return (.resolved, .caseFolded, caseOnly[0].id, 1) }
            if caseOnly.count > 1 { return (.ambiguous, nil, nil, caseOnly.count) }
        }
        let unicode = files.indices.filter { texts[$0] == query }.map { files[$0] }
        if unicode.count == 1 { return (.resolved, .unicode, unicode[0].id, 1) }
        if unicode.count > 1 { return (.ambiguous, nil, nil, unicode.count) }
        if folded.count == 1 { return (.resolved, .caseAndUnicode, folded[0].id, 1) }
        if folded.count > 1 { return (.ambiguous, nil, nil, folded.count) }
        return (.missing, nil, nil, 0)
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func hashedTablesAnswerAsComparingEveryFile(caseInsensitive: Bool, everyNameCollides: Bool) {
        var g = Generator(state: caseInsensitive ? 7 : 11)
        var outcomes = Set<String>()
        for round in 0..<60 {
            var seen = Set<[UInt8]>()
            var files: [IndexedFile] = []
            for k in 0..<Int.random(in: 1...24, using: &g) {
                let text = files.isEmpty || Bool.random(using: &g) ? Self.name(&g)
                    : Self.variant(of: String(decoding: files.randomElement(using: &g)!.path.bytes, as: UTF8.self), &g)
                let bytes = Array(text.utf8)
                guard seen.insert(bytes).inserted else { continue }
                files.append(IndexedFile(id: Int64(k + 1), rootID: 1, path: RawPath(bytes: bytes), status: .ok))
            }
            // A name that is not UTF-8 matches only itself.
            files.append(IndexedFile(id: 999, rootID: 1, path: RawPath(bytes: [0x61, 0xFF]), status: .ok))
            let root = ResolverRoot(id: 1, path: "/srv/share", aliases: [], caseInsensitive: caseInsensitive)
            // Every name under one key: only the check of each candidate tells them apart.
            let r = everyNameCollides ? Resolver(roots: [root], files: files, parse: PathGrammar.parse, key: { _ in 0 })
                                      : Resolver(roots: [root], files: files, parse: PathGrammar.parse)
            for _ in 0..<40 {
                let query = Bool.random(using: &g) ? Self.name(&g)
                    : Self.variant(of: String(decoding: files.randomElement(using: &g)!.path.bytes, as: UTF8.self), &g)
                guard let spelling = PathGrammar.parse("/srv/share/" + query) else { continue }
                let got = r.resolve(spelling, base: nil)
                let relative = spelling.components.dropFirst(2).joined(separator: "/")
                let want = Self.oracle(relative, files: files, caseInsensitive: caseInsensitive)
                outcomes.insert(want.1?.rawValue ?? want.0.rawValue)
                #expect(got.status == want.0 && got.match == want.1 && got.fileID == want.2 && got.candidates == want.3,
                        "round \(round): \(query.unicodeScalars.map { String($0.value, radix: 16) }) → \(got), want \(want)")
            }
        }
        // The names were built to reach every step (or the test would prove little).
        let steps: Set<String> = caseInsensitive ? ["exact", "case", "unicode", "case+unicode", "ambiguous", "missing"]
                                                 : ["exact", "unicode", "ambiguous", "missing"]
        #expect(outcomes.isSuperset(of: steps), "\(outcomes)")
    }
}
