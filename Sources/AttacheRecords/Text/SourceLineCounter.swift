#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers lines the way every source reports them: LF, CRLF and a lone CR each end one line.
struct SourceLineCounter {
    /// Line breaks seen so far.
    private(set) var breaks = 0
    private var afterCR = false

    /// The 1-based line the next byte is on.
    var line: Int { breaks + 1 }

    mutating func feed(_ byte: UInt8) {
        switch byte {
        case 0x0A:
            if !afterCR { breaks += 1 }
            afterCR = false
        case 0x0D:
            breaks += 1
            afterCR = true
        default:
            afterCR = false
        }
    }

    mutating func feed<S: Sequence>(contentsOf bytes: S) where S.Element == UInt8 {
        for byte in bytes { feed(byte) }
    }

    /// Line breaks inside `text` (a CRLF counts once).
    static func breaks(in text: String) -> Int {
        var counter = SourceLineCounter()
        counter.feed(contentsOf: text.utf8)
        return counter.breaks
    }

    /// Line breaks inside `bytes` (a CRLF counts once); most values have none, found with memchr.
    static func breaks(inBytes bytes: [UInt8]) -> Int {
        let any = bytes.withUnsafeBufferPointer { b -> Bool in
            guard let base = b.baseAddress else { return false }
            return memchr(base, 0x0A, b.count) != nil || memchr(base, 0x0D, b.count) != nil
        }
        guard any else { return 0 }
        var counter = SourceLineCounter()
        counter.feed(contentsOf: bytes)
        return counter.breaks
    }

    /// The 1-based line of the byte at `offset`.
    static func line(ofOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var counter = SourceLineCounter()
        counter.feed(contentsOf: bytes[..<min(offset, bytes.count)])
        return counter.line
    }
}
