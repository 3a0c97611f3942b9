import AttacheModel
import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheSystem

/// The parallel walk (``WalkScouts``) must report exactly what the walk on one thread
/// reports, in the same order, on trees with every kind of entry and problem.
@Suite(.timeLimit(.minutes(5))) struct WalkScoutTests {
    /// What a walk reported, as comparable text lines in the order the visitor got them.
    static func transcript(_ root: String, scouts: Int, exclude: [PathGlob] = [], stopAfter: Int = .max) throws -> [String] {
        var r = Recorder()
        r.stopAfter = stopAfter
        var lines: [String] = []
        try Walker(root: RawPath(root), exclude: exclude, scouts: scouts).walk(&r)
        for e in r.entries {
            lines.append("entry \(e.path.display) \(e.stat.kind.rawValue) \(e.stat.size) \(e.stat.key.inode) \(e.linkTarget?.display ?? "-")")
        }
        for f in r.findings { lines.append("finding \(f.0.display) \(f.1.rawValue) \(f.2)") }
        for x in r.excluded { lines.append("excluded \(x.display)") }
        return lines
    }

    /// A tree of many folders, with files, links (to folders, broken, looping), FIFOs,
    /// names that are not UTF-8, NFC/NFD twins and excluded folders.
    static func varied(_ s: Scratch) throws {
        var rng = SplitMix64(seed: 7)
        var nodes: [Node] = []
        for a in 0..<8 {
            for b in 0..<Int(rng.next() % 6) {
                for c in 0..<Int(rng.next() % 4) {
                    let dir = "d\(a)/s\(b)/t\(c)"
                    for f in 0..<Int(rng.next() % 5) { nodes.append(.text("\(dir)/f\(f).txt", String(repeating: "x", count: f))) }
                }
                nodes.append(.text("d\(a)/s\(b)/Caf\u{E9}.pdf", "nfc"))
                if b % 2 == 0 { nodes.append(.text("d\(a)/s\(b)/Cafe\u{301}.pdf", "nfd")) }
                nodes.append(.symlink(RawPath("d\(a)/s\(b)/up"), to: ".."))
            }
            nodes.append(.dir(RawPath("d\(a)/empty")))
            nodes.append(.fifo(RawPath("d\(a)/pipe")))
            nodes.append(.symlink(RawPath("d\(a)/dangling"), to: "nowhere"))
            nodes.append(.symlink(RawPath("d\(a)/loop"), to: "loop"))
            nodes.append(.file(RawPath(bytes: Array("d\(a)/".utf8) + [0xC4, 0xEE, 0xE3, 0x2E, 0x64, 0x6F, 0x63]), Array("cp1251".utf8)))
            nodes.append(.text("d\(a)/.snapshot/old/x.txt", "old"))
            nodes.append(.text("d\(a)/Проекты/№ 5/акт.pdf", "ru"))
        }
        try Tree.make(at: s.path, nodes)
    }

    @Test func scoutsReportWhatOneThreadReports() throws {
        let s = Scratch("scouts")
        try Self.varied(s)
        let exclude = [try PathGlob("**/.snapshot/**")]
        let alone = try Self.transcript(s.path, scouts: 0, exclude: exclude)
        #expect(alone.count > 150)
        #expect(alone.contains { $0.contains("name-lookalike") })
        #expect(alone.contains { $0.hasPrefix("excluded ") })
        for scouts in [1, 2, 4] {
            for _ in 0..<3 {
                #expect(try Self.transcript(s.path, scouts: scouts, exclude: exclude) == alone, "scouts: \(scouts)")
            }
        }
    }

    /// The scan pairs the walk with the catalog's rows sorted by `walkOrderPrecedes`: the
    /// walk's own order must be exactly that order.
    @Test func theWalkOrderIsByteOrderWithTheSlashFirst() throws {
        let s = Scratch("walk-order")
        try Self.varied(s)
        try Tree.make(at: s.path, [.text("a b/x", "1"), .text("a/x", "2"), .text("a.txt", "3"), .text("a-/y", "4"), .text("ab", "5")])
        var r = Recorder()
        try Walker(root: RawPath(s.path)).walk(&r)
        let walked = r.entries.map(\.path.bytes)
        #expect(walked.count > 100)
        #expect(walked.sorted(by: Walker.walkOrderPrecedes) == walked)
        #expect(Walker.walkOrderPrecedes(Array("a/x".utf8), Array("a b/x".utf8)))
        #expect(!Walker.walkOrderPrecedes(Array("a.txt".utf8), Array("a/x".utf8)))
    }

    /// The word-at-a-time comparisons agree with the plain definitions on random names.
    @Test func fastComparisonsAgreeWithTheirDefinitions() {
        var rng = SplitMix64(seed: 11)
        func name() -> [UInt8] {
            let alphabet: [UInt8] = [0x20, 0x2D, 0x2E, 0x2F, 0x41, 0x61, 0x7A, 0xD0, 0xFF]
            return (0..<Int(rng.next() % 24)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        }
        func slashFirst(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            a.map { $0 == 0x2F ? 0 : $0 }.lexicographicallyPrecedes(b.map { $0 == 0x2F ? 0 : $0 })
        }
        for _ in 0..<20000 {
            let a = name()
            var b = a
            if rng.next() % 2 == 0 { b = name() } else if !b.isEmpty { b[Int(rng.next() % UInt64(b.count))] = name().first ?? 0x41 }
            #expect(Walker.bytesPrecede(a, b) == a.lexicographicallyPrecedes(b), "\(a) \(b)")
            #expect(Walker.walkOrderPrecedes(a, b) == slashFirst(a, b), "\(a) \(b)")
            #expect(Walker.isASCII(a) == a.allSatisfy { $0 < 0x80 })
        }
    }

    @Test func aStoppedWalkWithScoutsReportsTheSamePrefix() throws {
        let s = Scratch("scout-stop")
        try Self.varied(s)
        for stop in [1, 17, 60] {
            let alone = try Self.transcript(s.path, scouts: 0, stopAfter: stop)
            #expect(try Self.transcript(s.path, scouts: 3, stopAfter: stop) == alone, "stop after \(stop)")
        }
    }

    /// A folder mounted inside itself (`mount --bind`) is a loop the walk reports and does not
    /// enter; the scouts, which may have listed below it already, drop what they found.
    @Test(.enabled(if: getuid() == 0, "needs root to bind-mount"))
    func aBindMountLoopIsReportedOnceWithScouts() throws {
        let s = Scratch("scout-loop")
        try Tree.make(at: s.path, [.text("a/f.txt", "f"), .dir(RawPath("a/inner")), .text("z.txt", "z")])
        guard Self.run(["/bin/mount", "--bind", s.join("a"), s.join("a/inner")]) == 0 else { return }  // no capability here
        defer { _ = Self.run(["/bin/umount", s.join("a/inner")]) }
        let alone = try Self.transcript(s.path, scouts: 0)
        #expect(alone.contains("finding a/inner directory-loop the folder is one of its own ancestors"))
        #expect(try Self.transcript(s.path, scouts: 2) == alone)
    }

    static func run(_ argv: [String]) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: argv[0])
        p.arguments = Array(argv.dropFirst())
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return -1 }
        p.waitUntilExit()
        return p.terminationStatus
    }

    @Test func namesOfCharactersThatAreNFCAloneAreCertainlyNFC() {
        #expect(Walker.isCertainlyNFC(Array("Договор № 5 — копия.pdf".utf8)))
        #expect(Walker.isCertainlyNFC(Array("副本 合同.docx".utf8)))
        #expect(!Walker.isCertainlyNFC(Array("Cafe\u{301}.pdf".utf8)))
        #expect(!Walker.isCertainlyNFC(Array("\u{2126}hm".utf8)))  // OHM SIGN: NFC is Ω
        #expect(!Walker.isCertainlyNFC(Array("\u{1100}\u{1161}".utf8)))  // conjoining jamo compose
    }

    /// Every character the fast check accepts is unchanged by NFC, has combining class 0, and
    /// is never the second part of a canonical composition (so it cannot join its neighbour).
    @Test func theNFCWhitelistIsSound() {
        var seconds = Set<UInt32>()
        for v in UInt32(0)...0x2FFFF {
            guard let u = Unicode.Scalar(v), u.properties.generalCategory != .unassigned else { continue }
            let decomposed = String(u).decomposedStringWithCanonicalMapping.unicodeScalars
            for d in decomposed.dropFirst() { seconds.insert(d.value) }
        }
        var accepted = 0
        for v in UInt32(0x80)...0xFFFF {
            guard let u = Unicode.Scalar(v) else { continue }
            guard Walker.isCertainlyNFC(Array(String(u).utf8)) else { continue }
            accepted += 1
            #expect(u.properties.canonicalCombiningClass == .notReordered, "U+\(String(v, radix: 16))")
            #expect(String(u).precomposedStringWithCanonicalMapping.unicodeScalars.map(\.value) == [v], "U+\(String(v, radix: 16))")
            #expect(!seconds.contains(v), "U+\(String(v, radix: 16)) composes with what precedes it")
        }
        #expect(accepted > 30000)
    }
}
