import AttacheModel
import AttacheTestSupport
import Dispatch
import Foundation
import Testing
@testable import AttacheSystem

/// The compression sample the plan estimates archive sizes with: text compresses, random bytes
/// do not, what cannot be read is skipped (never waited on), and the numbers are reproducible.
@Suite struct CompressionSampleTests {
    /// Lines of words, like a mail or a text export: compresses well in every format.
    static let text: [UInt8] = {
        var lines: [String] = []
        for i in 0..<4_000 { lines.append("Customer \(i % 97): invoice \(i) paid, see the attached contract and the notes of the meeting.") }
        return Fixtures.text(lines.joined(separator: "\n"))
    }()

    static func items(_ scratch: Scratch, _ files: [(String, [UInt8])]) throws -> [CompressionSample.Item] {
        try Tree.make(at: scratch.join("src"), files.map { Node.file($0.0, $0.1) })
        return files.map { CompressionSample.Item(path: RawPath(scratch.join("src/" + $0.0)), expectedSize: Int64($0.1.count)) }
    }

    @Test(arguments: ArchiveFormat.allCases)
    func textCompressesAndRandomBytesDoNot(format: ArchiveFormat) throws {
        let scratch = Scratch("sample")
        let texts = try Self.items(scratch, [("a.txt", Self.text), ("b.txt", Array(Self.text.reversed()))])
        let randoms = try Self.items(scratch, [("r1.bin", Fixtures.bytes(400_000, seed: 3)), ("r2.bin", Fixtures.bytes(300_000, seed: 4))])

        let t = CompressionSample.measure(texts, format: format)
        let r = CompressionSample.measure(randoms, format: format)

        #expect(t.files == 2 && t.skipped == 0 && t.inputBytes == Int64(2 * Self.text.count))
        #expect(r.files == 2 && r.skipped == 0 && r.inputBytes == 700_000)
        let textRatio = try #require(t.ratio), randomRatio = try #require(r.ratio)
        #expect(textRatio < 0.3, "\(format): text ratio \(textRatio)")
        #expect(randomRatio > 0.97 && randomRatio < 1.05, "\(format): random ratio \(randomRatio)")
    }

    @Test func readsAtMostTheLimitOfEachFile() throws {
        let scratch = Scratch("sample")
        let items = try Self.items(scratch, [("big.bin", Fixtures.bytes(300_000, seed: 9)), ("small.txt", Fixtures.text("short\n"))])
        let m = CompressionSample.measure(items, format: .tarZstd, maxBytesPerFile: 100_000)
        #expect(m.inputBytes == 100_000 + 6)
        #expect(m.files == 2)
        // Random bytes do not compress: the output is about the 100,000 bytes read, not the 300,000 of the file.
        #expect(m.outputBytes > 95_000 && m.outputBytes < 110_000, "\(m.outputBytes)")
    }

    @Test func theSameFilesGiveTheSameNumbers() throws {
        let scratch = Scratch("sample")
        let items = try Self.items(scratch, [("a.txt", Self.text), ("r.bin", Fixtures.bytes(200_000, seed: 5))])
        for format in ArchiveFormat.allCases {
            let first = CompressionSample.measure(items, format: format)
            #expect(CompressionSample.measure(items, format: format) == first, "\(format)")
        }
    }

    @Test func missingSpecialAndLinkedPathsAreSkippedWithoutBlocking() throws {
        let scratch = Scratch("sample")
        try Tree.make(at: scratch.join("src"), [
            .text("ok.txt", String(repeating: "readable text ", count: 500)),
            .fifo("pipe"), .dir("folder"), .symlink("link.txt", to: "ok.txt"),
            .file(RawPath("locked.txt"), Fixtures.text("secret"), mode: 0o000),
        ])
        func item(_ name: String, _ size: Int64 = 7_000) -> CompressionSample.Item {
            CompressionSample.Item(path: RawPath(scratch.join("src/" + name)), expectedSize: size)
        }
        let items = [item("pipe"), item("missing.txt"), item("folder"), item("link.txt"), item("ok.txt"), item("locked.txt")]
        // A FIFO opened without O_NONBLOCK would wait for a writer forever: run it aside and give up after a minute.
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        Thread.detachNewThread {
            box.value = CompressionSample.measure(items, format: .tarZstd)
            done.signal()
        }
        guard done.wait(timeout: .now() + 60) == .success, let m = box.value else {
            Issue.record("the sample blocked (on the FIFO?)")
            return
        }
        // Root reads a mode-000 file; anyone else cannot, and it is skipped.
        let lockedReadable = geteuid() == 0
        #expect(m.files == (lockedReadable ? 2 : 1))
        #expect(m.skipped == (lockedReadable ? 4 : 5))
        #expect(m.inputBytes == 7_000 + (lockedReadable ? 6 : 0))
    }

    @Test func nothingReadableGivesNoRatio() {
        let m = CompressionSample.measure([CompressionSample.Item(path: RawPath("/nonexistent/attache/x"), expectedSize: 10)], format: .zip)
        #expect(m.ratio == nil && m.skipped == 1 && m.files == 0 && m.outputBytes == 0)
    }
}

private final class ResultBox: @unchecked Sendable {
    var value: CompressionSample.Measurement?
}
