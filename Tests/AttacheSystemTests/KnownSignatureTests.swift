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

    @Test func nearMissesAreLeftToLibmagic() {
        let nearMisses: [[UInt8]] = [
            Array("%PDF".utf8),                     // cut before the dash
            Array("%PDX-1.4\n".utf8),
            Array("GIF8 is how the report begins\n".utf8),
            Array("GIF88a".utf8) + Array(repeating: 0x41, count: 20),
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A],   // a PNG signature cut short
            [0xFF, 0xD8, 0x00, 0x01, 0x02, 0x03],   // SOI without a marker
            Array("II*\0".utf8) + Array(repeating: 0, count: 12),  // TIFF: left to libmagic (raw files share it)
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
