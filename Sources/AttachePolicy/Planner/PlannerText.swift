import AttacheModel

// Byte- and text-level helpers of the planner: a stable hash, escaping of names that are not
// UTF-8, case folding, and a one-component glob. Nothing here depends on the process (no
// Hasher, no locale), so the plan is the same on every machine and every run.

extension Planner {
    /// FNV-1a over bytes, 64 bits. Swift's `Hasher` is seeded per process and must never
    /// reach a plan; this one is stable everywhere.
    static func stableHash<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Eight lower-case hex digits of the stable hash of `text` — the "short hash" used to keep
    /// shortened names and folders unique.
    static func shortHash(_ text: String) -> String {
        let h = stableHash(text.utf8)
        let folded = UInt32(truncatingIfNeeded: h ^ (h >> 32))
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { out[i] = digits[Int((folded >> UInt32(28 - 4 * i)) & 0xF)] }
        return String(decoding: out, as: UTF8.self)
    }

    /// Name bytes as text for the target. Valid UTF-8 is kept as is; every byte of an invalid
    /// sequence becomes `_xNN_` (upper-case hex), so a cp1251 or Shift-JIS name stays distinct
    /// and recognisable. Returns whether anything was escaped.
    static func targetText(_ bytes: ArraySlice<UInt8>) -> (text: String, escaped: Bool) {
        if let s = String(validating: bytes, as: UTF8.self) { return (s, false) }
        let hex = Array("0123456789ABCDEF")
        var out = ""
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let n = utf8SequenceLength(bytes, at: i)
            if n > 0 {
                out += String(decoding: bytes[i..<(i + n)], as: UTF8.self)
                i += n
            } else {
                let b = bytes[i]
                out += "_x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)]) + "_"
                i += 1
            }
        }
        return (out, true)
    }

    /// Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one.
    static func utf8SequenceLength(_ bytes: ArraySlice<UInt8>, at i: Int) -> Int {
        let need: Int
        switch bytes[i] {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default: return 0
        }
        guard bytes.endIndex - i >= need else { return 0 }
        return String(validating: bytes[i..<(i + need)], as: UTF8.self) != nil ? need : 0
    }

    /// Lower-cased bytes for case-insensitive matching: ASCII folded directly; valid UTF-8
    /// through Unicode lower-casing; other bytes of a non-UTF-8 name only ASCII-folded.
    static func folded(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var ascii = true
        for b in bytes where b >= 0x80 { ascii = false; break }
        if !ascii, let s = String(validating: bytes, as: UTF8.self) { return Array(s.lowercased().utf8) }
        return bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
    }

    static func folded(_ text: String) -> [UInt8] { folded(ArraySlice(text.utf8)) }

    /// Number of UTF-16 code units (how SharePoint and Windows count name and path lengths).
    static func length(_ s: String) -> Int { s.utf16.count }

    /// The longest prefix of `s` of at most `limit` UTF-16 code units that ends on a character
    /// boundary (a surrogate pair or a combining sequence is never split).
    static func prefix(_ s: String, utf16Limit limit: Int) -> String {
        guard limit > 0 else { return "" }
        if s.utf16.count <= limit { return s }
        var used = 0
        var end = s.startIndex
        for c in s {
            let n = c.utf16.count
            if used + n > limit { break }
            used += n
            end = s.index(after: end)
        }
        return String(s[..<end])
    }

    /// Splits a name into stem and extension at the last dot. A leading dot is not an
    /// extension (".profile"), nor is an empty one ("a."), nor one over 16 UTF-16 units.
    static func splitExtension(_ name: String) -> (stem: String, ext: String?) {
        guard let dot = name.lastIndex(of: "."), dot > name.startIndex else { return (name, nil) }
        let ext = name[name.index(after: dot)...]
        guard !ext.isEmpty, ext.utf16.count <= 16 else { return (name, nil) }
        return (String(name[..<dot]), String(ext))
    }
}

extension Planner {
    /// A shell pattern over one component (or one whole string): `*` any run of bytes, `?` one
    /// byte, `[abc]` `[a-z]` `[!x]` a byte from a set — the same rules as ``PathGlob`` uses
    /// within a component. Case-insensitive: the pattern is folded once, the subject is passed
    /// folded (see ``Planner/folded(_:)-swift.type.method``).
    struct Glob: Sendable {
        let pattern: String
        let bytes: [UInt8]
        /// Whether the pattern's sets are all closed (an unclosed `[` never matches).
        let valid: Bool

        init(_ pattern: String) {
            self.pattern = pattern
            self.bytes = Planner.folded(pattern)
            self.valid = Glob.setsClosed(bytes)
        }

        func matches(_ s: [UInt8]) -> Bool {
            guard valid else { return false }
            return s.withUnsafeBufferPointer { sp in
                bytes.withUnsafeBufferPointer { pp in Glob.match(pp, sp) }
            }
        }

        static func match(_ p: UnsafeBufferPointer<UInt8>, _ s: UnsafeBufferPointer<UInt8>) -> Bool {
            ComponentGlob.matches(p, s)
        }

        static func setsClosed(_ b: [UInt8]) -> Bool { ComponentGlob.setsClosed(b) }
    }
}
