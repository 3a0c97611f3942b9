import AttacheModel
import AttacheTestSupport
import Crypto
import Foundation
import Testing
@testable import AttacheSystem

/// The reader keeps a file's first bytes in place for libmagic while later chunks are read
/// after them (no copy of the sample per file). These tests fail if a later chunk, or an
/// earlier file, leaks into the bytes libmagic is shown, or if the hash misses a byte.
@Suite struct ReaderSampleTests {
    /// Text for the first `head` bytes, pseudo-random bytes after: libmagic says text/plain
    /// of the head and application/octet-stream of any random bytes.
    static func content(size: Int, head: Int = 70 * 1024, seed: UInt64) -> [UInt8] {
        let line = Array("Invoice 2014-03 for Acme Trading: see the attached scan.\n".utf8)
        var out = [UInt8]()
        out.reserveCapacity(size)
        while out.count < min(size, head) { out.append(line[out.count % line.count]) }
        return out + Fixtures.bytes(size - out.count, seed: seed)
    }

    /// Sizes at the borders of libmagic's asks (2 and 4 KiB), the sample (64 KiB) and the
    /// read chunk (1 MiB), where an off-by-one in where a chunk lands would show.
    static let sizes: [Int] = {
        let c = ContentReader.chunkSize, s = MagicClassifier.sampleSize
        return [64, 2047, 2048, 4097, s - 1, s, s + 1, c - 1, c, c + 1, c + s, 2 * c + s + 1, 3 * c + 12345]
    }()

    @Test(arguments: sizes) func typeAndHashAreThoseOfTheWholeFile(size: Int) throws {
        let s = Scratch("sample-\(size)")
        let bytes = Self.content(size: size, seed: UInt64(size))
        try Tree.make(at: s.path, [.file("f.bin", bytes)])
        let reader = try ContentReader()
        guard case .read(let hash, let mime, _, let n) = reader.read(RawPath(s.join("f.bin"))) else {
            Issue.record("not read"); return
        }
        #expect(n == Int64(size))
        #expect(hash.hex == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
        let expected = try bytes.prefix(MagicClassifier.sampleSize).withUnsafeBytes { try MagicClassifier().mimeType(of: $0) }
        #expect(mime == expected)
        #expect(mime == "text/plain")  // what libmagic says of the head: random bytes would be octet-stream
    }

    @Test func aLaterFileIsShownOnlyItsOwnBytes() throws {
        // A large binary file fills the whole buffer; the short text file read next by the
        // same reader must be typed from its own 40 bytes, not with the stale ones after them.
        let s = Scratch("sample-next")
        let big = Fixtures.bytes(2 * ContentReader.chunkSize + 777, seed: 3)
        let note = Array("Please find the contract attached.\nIvan\n".utf8)
        try Tree.make(at: s.path, [.file("big.bin", big), .file("note.txt", note), .file("big2.bin", big)])
        let reader = try ContentReader(cache: MimeCache())
        guard case .read(_, let m1, _, _) = reader.read(RawPath(s.join("big.bin"))),
              case .read(_, let m2, _, _) = reader.read(RawPath(s.join("note.txt"))) else { Issue.record("not read"); return }
        #expect(m1 == "application/octet-stream")
        #expect(m2 == "text/plain")
        // A text head followed by chunks of random bytes keeps its type on a reused reader.
        let mixed = Self.content(size: 2 * ContentReader.chunkSize + 99, seed: 9)
        try Tree.make(at: s.path, [.file("mixed.txt", mixed)])
        guard case .read(_, let m3, _, _) = reader.read(RawPath(s.join("mixed.txt"))) else { Issue.record("not read"); return }
        #expect(m3 == "text/plain")
    }
}
