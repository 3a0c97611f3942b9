import AttacheSystem
import AttacheTestSupport
import Foundation
import Testing

/// The formats decided without libmagic (``KnownSignatures``) get exactly libmagic's answer,
/// and near misses — a cut signature, a text that starts like one — are left to libmagic.
@Suite struct KnownSignatureTests {
    let magic = try! MagicClassifier()

    /// libmagic's own answer, without the fast path.
    func libmagic(_ bytes: [UInt8]) -> String {
        setenv("ATTACHE_MAGIC_ONLY", "1", 1)
        defer { unsetenv("ATTACHE_MAGIC_ONLY") }
        let only = try! MagicClassifier()
        return bytes.withUnsafeBytes { only.mimeType(of: $0) }
    }

    func fast(_ bytes: [UInt8]) -> String? { bytes.withUnsafeBytes { KnownSignatures.mimeType($0) } }

    @Test func theKnownFormatsGetLibmagicsAnswer() {
        let gif = Array("GIF89a".utf8) + [0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0x00, 0x3B]
        for (bytes, mime) in [(Fixtures.pdf, "application/pdf"), (Fixtures.png, "image/png"), (Fixtures.jpeg, "image/jpeg"), (gif, "image/gif")] {
            #expect(fast(bytes) == mime)
            #expect(libmagic(bytes) == mime, "libmagic must agree")
            #expect(bytes.withUnsafeBytes { magic.mimeType(of: $0) } == mime)
        }
    }

    static func tiffHeader(bigEndian: Bool) -> [UInt8] {
        var b: [UInt8] = bigEndian ? [0x4D, 0x4D, 0x00, 0x2A, 0, 0, 0, 8] : [0x49, 0x49, 0x2A, 0x00, 8, 0, 0, 0]
        // One IFD entry: ImageWidth = 1.
        b += bigEndian ? [0, 1, 0x01, 0x00, 0, 3, 0, 0, 0, 1, 0, 1, 0, 0] : [1, 0, 0x00, 0x01, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0]
        return b + Array(repeating: 0, count: 32)
    }

    @Test func tiffAndRTFGetLibmagicsAnswer() {
        let rtf = Array("{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0 Arial;}}\nДоговор № 5, акт\n}".utf8)
        for (bytes, mime) in [(Self.tiffHeader(bigEndian: false), "image/tiff"), (Self.tiffHeader(bigEndian: true), "image/tiff"),
                              (rtf, "text/rtf")] {
            #expect(fast(bytes) == mime)
            #expect(libmagic(bytes) == mime, "libmagic must agree")
        }
    }

    /// An RTF whose first 512 bytes carry a valid tar checksum is a tar archive to libmagic:
    /// the fast path must leave it alone.
    @Test func anRTFThatIsATarHeaderIsLeftToLibmagic() {
        var b = Array("{\\rtf1 ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 600)
        for i in 148..<156 { b[i] = 0x20 }
        let sum = b[0..<512].reduce(0) { $0 + Int($1) }
        let field = Array(String(format: "%06o", sum).utf8) + [0, 0x20]
        for i in 0..<8 { b[148 + i] = field[i] }
        #expect(fast(b) == nil)
        #expect(libmagic(b) != "text/rtf")
    }

    /// Random RTF-like texts (commas, quotes, newlines, a `<` or not): whenever the fast path
    /// answers, its answer is libmagic's — the CSV test it copies included.
    @Test func randomRTFTextsAgreeWithLibmagic() {
        var rng = SplitMix64(seed: 18)
        let alphabet = Array("ab ,,\"\n\n<{}\\".utf8)
        var decided = 0
        for _ in 0..<400 {
            let n = 6 + Int(rng.next() % 5000)
            var b = Array("{\\rtf1".utf8)
            for _ in 0..<n { b.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            guard let answer = fast(b) else { continue }
            decided += 1
            #expect(answer == libmagic(b), "\(String(decoding: b.prefix(80), as: UTF8.self))")
        }
        #expect(decided > 100)
    }

    @Test func nearMissesAreLeftToLibmagic() {
        let nearMisses: [[UInt8]] = [
            Array("%PDF".utf8),                     // cut before the dash
            Array("%PDX-1.4\n".utf8),
            Array("GIF8 is how the report begins\n".utf8),
            Array("GIF88a".utf8) + Array(repeating: 0x41, count: 20),
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A],   // a PNG signature cut short
            [0xFF, 0xD8, 0x00, 0x01, 0x02, 0x03],   // SOI without a marker
            Array("II*\0\u{10}\0\0\0CR".utf8) + [2, 0] + Array(repeating: 0, count: 12),  // Canon CR2: its own type
            Array("II*\0\u{8}\0".utf8),             // too short to tell TIFF from CR2
            Array("{\\rtf\\ansi is not a version\n".utf8),  // libmagic's rule wants a version after {\rtf
            Array("{\\rtf1,a\n".utf8) + Array(repeating: Array("x,y\n".utf8), count: 12).flatMap { $0 },  // CSV to libmagic
            Array("BM plain text that starts like a bitmap\n".utf8),
            Array("PK\u{3}\u{4}".utf8) + Array(repeating: 0, count: 26),
            [],
        ]
        for bytes in nearMisses { #expect(fast(bytes) == nil, "\(bytes.prefix(8))") }
        // What the classifier answers for them is libmagic's own.
        for bytes in nearMisses where !bytes.isEmpty {
            #expect(bytes.withUnsafeBytes { magic.mimeType(of: $0) } == libmagic(bytes), "\(bytes.prefix(8))")
        }
    }
}
