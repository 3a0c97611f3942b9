#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts bytes in a legacy encoding to UTF-8 with the C library's iconv.
enum Iconv {
    /// Why a conversion stopped.
    enum Failure: Error {
        /// iconv does not know the encoding name.
        case unknownEncoding
        /// The bytes at `offset` are not a character of the encoding (`truncated`: the input
        /// ends inside one); `line` counts line breaks in what decoded before it.
        case invalid(offset: Int, line: Int, truncated: Bool)
    }

    /// Whether iconv can decode `name` (names with `//` suffixes are refused: they change how
    /// errors are handled).
    static func knows(_ name: String) -> Bool {
        guard !name.isEmpty, !name.contains("/") else { return false }
        let cd = iconv_open("UTF-8", name)
        guard cd != iconv_t(bitPattern: -1) else { return false }
        iconv_close(cd)
        return true
    }

    /// Decodes `bytes` (which hold no byte-order mark, or one the encoding consumes itself).
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, from encoding: String) -> Result<String, Failure> {
        guard !encoding.contains("/") else { return .failure(.unknownEncoding) }
        let cd = iconv_open("UTF-8", encoding)
        guard cd != iconv_t(bitPattern: -1) else { return .failure(.unknownEncoding) }
        defer { iconv_close(cd) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .success("") }

        var output = [UInt8](repeating: 0, count: bytes.count * 3 + 64)
        var produced = 0
        var consumed = 0
        while true {
            var inLeft = bytes.count - consumed
            var outLeft = output.count - produced
            let result: Int = output.withUnsafeMutableBufferPointer { out in
                var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(mutating: base + consumed)
                    .assumingMemoryBound(to: CChar.self)
                var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress! + produced)
                    .assumingMemoryBound(to: CChar.self)
                return iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            }
            let savedErrno = errno
            consumed = bytes.count - inLeft
            produced = output.count - outLeft
            if result != -1 {
                if consumed < bytes.count { continue }
                // Flush any shift state.
                var flushLeft = output.count - produced
                let flushed: Int = output.withUnsafeMutableBufferPointer { out in
                    var outPtr: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress! + produced)
                        .assumingMemoryBound(to: CChar.self)
                    return iconv(cd, nil, nil, &outPtr, &flushLeft)
                }
                if flushed == -1 && errno == E2BIG {
                    output.append(contentsOf: repeatElement(0, count: 64))
                    continue
                }
                produced = output.count - flushLeft
                break
            }
            switch savedErrno {
            case E2BIG:
                output.append(contentsOf: repeatElement(0, count: max(64, output.count / 2)))
            case EINVAL, EILSEQ:
                let line = output.withUnsafeBufferPointer {
                    SourceLineCounter.line(ofOffset: produced, in: UnsafeBufferPointer(rebasing: $0[..<produced]))
                }
                return .failure(.invalid(offset: consumed, line: line, truncated: savedErrno == EINVAL))
            default:
                return .failure(.invalid(offset: consumed, line: 1, truncated: false))
            }
        }
        output.removeSubrange(produced...)
        return .success(String(decoding: output, as: UTF8.self))
    }
}
