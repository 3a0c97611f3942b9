/// A file path as the bytes the file system holds.
///
/// On Linux a name is a sequence of bytes, not a string: a legacy share may hold names
/// written in cp1251 or Shift-JIS that are not valid UTF-8. attache carries every path as
/// bytes from the walk to open, rename and archive, and converts to `String` only to show
/// it (``display``), so a name is never replaced or lost.
public struct RawPath: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The path's bytes, without a terminating NUL.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Hashes the bytes in one call (the derived hash fed the hasher one byte at a time,
    /// 9% of a re-scan's CPU at 100,000 files).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(bytes.count)
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
    public init<S: Sequence>(_ bytes: S) where S.Element == UInt8 { self.bytes = Array(bytes) }
    /// A path from a Swift string (always valid UTF-8).
    public init(_ string: String) { self.bytes = Array(string.utf8) }

    public var isEmpty: Bool { bytes.isEmpty }

    /// Whether every byte sequence of the path is valid UTF-8.
    public var isValidUTF8: Bool { String(validating: bytes, as: UTF8.self) != nil }

    /// The path as text: valid UTF-8 as is; each byte of an invalid sequence as `\xNN`.
    /// A backslash in a name whose bytes are not valid UTF-8 is shown as `\\` so the
    /// escaped form can be told apart from a literal name.
    public var display: String { RawPath.escape(bytes) }

    public var description: String { display }

    /// The path with `component` appended after a `/`.
    public func appending(_ component: RawPath) -> RawPath {
        if bytes.isEmpty { return component }
        var b = bytes
        if b.last != UInt8(ascii: "/") { b.append(UInt8(ascii: "/")) }
        b.append(contentsOf: component.bytes)
        return RawPath(bytes: b)
    }

    /// The last component (the file's name).
    public var lastComponent: RawPath {
        guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { return self }
        return RawPath(bytes: Array(bytes[(slash + 1)...]))
    }

    /// The first component (the top folder of a relative path), or nil for a bare name.
    public var firstComponent: RawPath? {
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else { return nil }
        return RawPath(bytes: Array(bytes[..<slash]))
    }

    /// The extension of the last component, lower-cased, without the dot ("" when none).
    /// A leading dot (".profile") is not an extension.
    public var fileExtension: String {
        let name = lastComponent.bytes
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot > 0, dot < name.count - 1 else { return "" }
        let ext = name[(dot + 1)...]
        guard ext.count <= 16, let s = String(validating: ext, as: UTF8.self) else { return "" }
        return s.lowercased()
    }

    public static func < (a: RawPath, b: RawPath) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }

    /// Escapes bytes for display: valid UTF-8 runs are kept, each invalid byte becomes `\xNN`.
    public static func escape<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let s = String(validating: bytes, as: UTF8.self) { return s }
        var out = ""
        var i = bytes.startIndex
        let hex = Array("0123456789ABCDEF")
        while i < bytes.endIndex {
            let b = bytes[i]
            let len = RawPath.utf8SequenceLength(bytes, at: i)
            if len > 0 {
                let end = bytes.index(i, offsetBy: len)
                let s = String(decoding: bytes[i..<end], as: UTF8.self)
                out += s == "\\" ? "\\\\" : s
                i = end
            } else {
                out += "\\x" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)])
                i = bytes.index(after: i)
            }
        }
        return out
    }

    /// Length of a valid UTF-8 sequence starting at `i`, or 0 when the bytes there are invalid.
    static func utf8SequenceLength<C: Collection>(_ bytes: C, at i: C.Index) -> Int where C.Element == UInt8 {
        let b0 = bytes[i]
        let need: Int
        switch b0 {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: need = 2
        case 0xE0...0xEF: need = 3
        case 0xF0...0xF4: need = 4
        default: return 0
        }
        guard bytes.distance(from: i, to: bytes.endIndex) >= need else { return 0 }
        let end = bytes.index(i, offsetBy: need)
        return String(validating: bytes[i..<end], as: UTF8.self) != nil ? need : 0
    }
}
