import AttacheModel
import Testing
@testable import AttachePolicy

/// The planner's compact path state (issue 17): the kept and archive paths live as bytes in a
/// ``PathBook``, and the ``Planner/Reservation`` that settles who gets a contested path is an
/// open-addressing table over the book's numbers. Both are checked against the plain Swift
/// collections they replaced.
@Suite struct PathBookTests {
    @Test func everyTextReadsBackByteForByte() {
        var rng = PlannerRandom(seed: 5)
        let pieces = ["a", "Ü", "e\u{301}", "\u{E9}", "/", " (2)", "名前", "😀", "K", "\u{212A}", ""]
        var texts: [String] = ["", "x"]
        for _ in 0..<20_000 {
            var t = ""
            for _ in 0..<rng.int(40) { t += pieces[rng.int(pieces.count)] }
            texts.append(t)
        }
        // A text longer than a page, one exactly a page long, and small ones around them.
        texts.append(String(repeating: "ab/", count: PathBook.pageSize / 2))
        texts.append(String(repeating: "z", count: PathBook.pageSize))
        texts.append(String(repeating: "y", count: PathBook.pageSize - 1))
        texts.append("after")
        var book = PathBook()
        for (k, t) in texts.enumerated() { #expect(book.append(t) == Int32(k)) }
        #expect(book.count == texts.count)
        var wrong = 0
        for (k, t) in texts.enumerated() where book.string(Int32(k)).utf8.elementsEqual(t.utf8) == false || book.text(Int32(k)) != t {
            wrong += 1
        }
        #expect(wrong == 0)
        #expect(book.text(-1) == nil)
    }

    /// A derived text reads back as its prefix followed by the source path, byte for byte; a
    /// book without source paths, or past its prefixes, derives nothing.
    @Test func aDerivedTextIsItsPrefixAndItsSourcePath() {
        let store = PlanPathStore()
        let sources: [[UInt8]] = [Array("2005/Contracts/a.pdf".utf8), [0x61, 0xFF, 0x2F, 0xC3, 0xA9], Array("x".utf8)]
        let ids = sources.map { store.append(RawPath(bytes: $0)) }
        var plain = PathBook()
        #expect(Array("p/".utf8).withUnsafeBufferPointer { plain.appendDerived(prefix: $0, path: ids[0]) } == nil)
        var book = PathBook()
        book.tails = store
        book.append("before")
        var expected: [Int32: [UInt8]] = [:]
        for (k, prefix) in ["share/", "", "a/b/"].enumerated() {
            for (j, id) in ids.enumerated() {
                let got = Array(prefix.utf8).withUnsafeBufferPointer { book.appendDerived(prefix: $0, path: id) }
                #expect(got != nil, "prefix \(k), path \(j)")
                if let got { expected[got] = Array(prefix.utf8) + sources[j] }
            }
        }
        let after = book.append("after")
        for (id, bytes) in expected { #expect(book.withBytes(id) { Array($0) } == bytes) }
        #expect(book.string(0) == "before" && book.string(after) == "after")
        for n in 3..<PathBook.maximumPrefixes {
            _ = Array("p\(n)/".utf8).withUnsafeBufferPointer { book.appendDerived(prefix: $0, path: ids[0]) }
        }
        #expect(Array("one too many/".utf8).withUnsafeBufferPointer { book.appendDerived(prefix: $0, path: ids[0]) } == nil)
        #expect(Array("share/".utf8).withUnsafeBufferPointer { book.appendDerived(prefix: $0, path: ids[1]) } != nil, "a known prefix still derives")
    }

    /// What the reservation answered when it was a `[String: Int]` and a `Set<String>`.
    struct Reference {
        let fold: Bool
        var owners: [String: Int] = [:]
        var folders: Set<String> = []
        func key(_ p: String) -> String { fold ? p.lowercased() : p }
        mutating func claim(_ p: String, owner: Int) -> Bool {
            let k = key(p)
            if folders.contains(k) || owners[k] != nil { return false }
            owners[k] = owner
            return true
        }
        func holder(_ p: String) -> Int? { owners[key(p)] }
    }

    /// Random paths built to collide — by case, by composed and decomposed accents, by the
    /// Kelvin sign — claimed, looked up and made folders in random order: every answer is the
    /// reference's, with a table that starts tiny and grows many times.
    @Test(arguments: [false, true])
    func aReservationAnswersAsTheDictionaryDid(fold: Bool) {
        var rng = PlannerRandom(seed: fold ? 11 : 12)
        let names = ["a", "A", "k", "K", "\u{212A}", "e\u{301}", "\u{E9}", "\u{C9}", "x", "x (2)"]
        func path() -> String { (0..<(1 + rng.int(3))).map { _ in names[rng.int(names.count)] }.joined(separator: "/") }
        var book = PathBook()
        var table = Planner.Reservation(fold: fold, capacity: 1)
        var ref = Reference(fold: fold)
        var mismatches: [String] = []
        for step in 0..<6_000 {
            let p = path()
            switch rng.int(4) {
            case 0:
                let id = book.append(p)
                let got = table.claim(id: id, owner: step, book: book)
                if got != ref.claim(p, owner: step) { mismatches.append("claim of book text \(p.debugDescription)") }
            case 1:
                let got = table.claim(p, owner: step, book: &book)
                let want = ref.claim(p, owner: step)
                if (got != nil) != want { mismatches.append("claim of \(p.debugDescription)") }
                if let got, book.string(got) != p { mismatches.append("the claimed text of \(p.debugDescription) reads back otherwise") }
            case 2:
                if table.holder(p, book: book) != ref.holder(p) { mismatches.append("holder of \(p.debugDescription)") }
            default:
                table.addFolders(ofPath: p)
                var end = p.utf8.endIndex
                while let slash = p.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
                    if !ref.folders.insert(ref.key(String(p[..<slash]))).inserted { break }
                    end = slash
                }
            }
        }
        let wrong = mismatches.count, first = Array(mismatches.prefix(5))
        #expect(wrong == 0, "first: \(first)")
        #expect(ref.owners.count > 50, "the random paths claimed enough to mean something")
    }
}
