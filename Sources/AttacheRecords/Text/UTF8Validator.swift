/// A streaming UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF)
/// that finds the first byte sequence that does not decode, fed one chunk at a time.
struct UTF8Validator {
    /// Bytes fed so far.
    private(set) var offset = 0
    /// Continuation bytes still expected by the current sequence.
    private var needed = 0
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF
    /// Where the current multi-byte sequence began.
    private var sequenceStart = 0

    /// Feeds one byte; returns the offset of the invalid sequence's first byte if this byte
    /// shows the input is not UTF-8.
    mutating func feed(_ byte: UInt8) -> Int? {
        defer { offset += 1 }
        if needed > 0 {
            guard byte >= low && byte <= high else {
                needed = 0
                return sequenceStart
            }
            needed -= 1
            low = 0x80; high = 0xBF
            return nil
        }
        if byte < 0x80 { return nil }
        sequenceStart = offset
        switch byte {
        case 0xC2...0xDF: needed = 1
        case 0xE0: needed = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: needed = 2
        case 0xED: needed = 2; high = 0x9F
        case 0xF0: needed = 3; low = 0x90
        case 0xF1...0xF3: needed = 3
        case 0xF4: needed = 3; high = 0x8F
        default: return offset
        }
        return nil
    }

    /// Counts `n` ASCII bytes passed without feeding them one by one (between sequences, where
    /// an ASCII byte changes nothing but the offset).
    mutating func passASCII(_ n: Int) {
        precondition(needed == 0, "ASCII passed inside a multi-byte sequence")
        offset += n
    }

    /// At the end of the input: the offset of a sequence cut short, if any.
    func finish() -> Int? { needed > 0 ? sequenceStart : nil }

    /// The offset of the first invalid sequence in `bytes`, or nil when all of it is UTF-8.
    static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var validator = UTF8Validator()
        for byte in bytes {
            if let bad = validator.feed(byte) { return bad }
        }
        return validator.finish()
    }
}
