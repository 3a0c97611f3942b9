/// Finds the charset an HTML file declares in its first 1 KiB: `<meta charset="x">` or
/// `<meta http-equiv="Content-Type" content="text/html; charset=x">`.
enum HTMLCharset {
    static func declared(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let head = Array(bytes.prefix(1024)).map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var index = 0
        while let meta = find(Array("<meta".utf8), in: head, from: index) {
            let close = head[meta...].firstIndex(of: UInt8(ascii: ">")) ?? head.endIndex
            if let value = charset(in: Array(head[meta..<close])) { return value }
            index = meta + 5
        }
        return nil
    }

    private static func charset(in tag: [UInt8]) -> String? {
        guard var i = find(Array("charset".utf8), in: tag, from: 0).map({ $0 + 7 }) else { return nil }
        func skipSpaces() { while i < tag.count && (tag[i] == 0x20 || tag[i] == 0x09 || tag[i] == 0x0A || tag[i] == 0x0D) { i += 1 } }
        skipSpaces()
        guard i < tag.count, tag[i] == UInt8(ascii: "=") else { return nil }
        i += 1
        skipSpaces()
        if i < tag.count, tag[i] == UInt8(ascii: "\"") || tag[i] == UInt8(ascii: "'") { i += 1 }
        let start = i
        while i < tag.count, isNameByte(tag[i]) { i += 1 }
        guard i > start else { return nil }
        return String(decoding: tag[start..<i], as: UTF8.self)
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x3A
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && Array(haystack[i..<i + needle.count]) == needle { return i }
            i += 1
        }
        return nil
    }
}
