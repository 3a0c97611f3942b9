import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheRecords
#if canImport(Glibc)
import Glibc
#endif

/// ``CSVPrescan/scanFile(_:skip:delimiter:headerOnly:)`` passes runs of plain ASCII at once
/// (``CSVPrescan/plainBytes(delimiter:)``). Proof that it finds what a scan of every byte finds:
/// on random files — quotes, delimiters, CR, LF, multi-byte and invalid UTF-8, long plain runs
/// across the chunk boundaries — the first bad byte (offset and line) and the line of an
/// unclosed quote are the same.
@Suite final class CSVPrescanTests {
    let dir = SourceFixture.folder()
    deinit { SourceFixture.remove(dir) }

    static let pieces: [[UInt8]] = ["a", "plain text ", String(repeating: "x", count: 300), ",", ";", "\"", "\"\"", "\r", "\n", "\r\n",
                                    "é", "Смит", "合同", "😀"].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80]]

    /// Every byte through the validator and the quote scanner, as the scan did before it passed runs.
    static func byteByByte(_ bytes: [UInt8], skip: Int, delimiter: UInt8) -> (bad: (Int, Int)?, unclosed: Int?) {
        var validator = UTF8Validator()
        var scanner = CSVQuoteScanner(delimiter: delimiter)
        for byte in bytes.dropFirst(skip) {
            if let bad = validator.feed(byte) { return ((skip + bad, scanner.lines.line), nil) }
            scanner.feed(byte)
        }
        if let bad = validator.finish() { return ((skip + bad, scanner.lines.line), nil) }
        return (nil, scanner.unclosedQuoteLine)
    }

    @Test(arguments: 0..<6)
    func passingPlainRunsFindsWhatEveryByteFinds(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed))
        for round in 0..<150 {
            var bytes: [UInt8] = round % 5 == 0 ? [0xEF, 0xBB, 0xBF] : []
            let skip = bytes.count
            let invalid = round % 3 == 0
            // Some files cross the scan's 256 KiB chunks inside and after a plain run.
            if round % 50 == 49 { bytes += Array(repeating: UInt8(ascii: "x"), count: (1 << 18) - 7) }
            for _ in 0..<Int.random(in: 0...400, using: &rng) {
                var piece = Self.pieces[Int.random(in: 0..<Self.pieces.count, using: &rng)]
                if !invalid, String(validating: piece, as: UTF8.self) == nil { piece = Array("b".utf8) }
                bytes += piece
            }
            let delimiter: UInt8 = round % 2 == 0 ? 0x2C : 0x3B
            let path = dir + "/r\(seed)-\(round).csv"
            SourceFixture.write(path, bytes)
            let fd = open(path, O_RDONLY)
            #expect(fd >= 0)
            defer { close(fd) }
            let expected = Self.byteByByte(bytes, skip: skip, delimiter: delimiter)
            switch CSVPrescan.scanFile(fd, skip: skip, delimiter: delimiter) {
            case .success(let scan):
                #expect(expected.bad == nil, "round \(round): the scan passed a bad byte at \(String(describing: expected.bad))")
                #expect(scan.unclosedQuoteLine == expected.unclosed, "round \(round)")
            case .failure(.invalidUTF8(let offset, let line)):
                #expect(expected.bad.map { $0 == (offset, line) } == true, "round \(round): \(offset), line \(line) vs \(String(describing: expected.bad))")
            case .failure(.read(let e)):
                Issue.record("round \(round): \(e)")
            }
        }
    }
}
