#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text between UTF-8 and a legacy encoding with the C library's iconv — never with
/// `//TRANSLIT` or `//IGNORE`: a character that does not convert stops the conversion.
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
        switch convert(bytes, from: encoding, to: "UTF-8") {
        case .success(let output):
            return .success(String(decoding: output, as: UTF8.self))
        case .failure(.unknownEncoding):
            return .failure(.unknownEncoding)
        case .failure(.stopped(let consumed, let output, let truncated)):
            let line = output.withUnsafeBufferPointer { SourceLineCounter.line(ofOffset: output.count, in: $0) }
            return .failure(.invalid(offset: consumed, line: line, truncated: truncated))
        }
    }

    /// Encodes UTF-8 `bytes` in `encoding`; on failure, `offset` is the UTF-8 offset of the
    /// first character the encoding cannot hold.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, to encoding: String) -> Result<[UInt8], Failure> {
        switch convert(bytes, from: "UTF-8", to: encoding) {
        case .success(let output): return .success(output)
        case .failure(.unknownEncoding): return .failure(.unknownEncoding)
        case .failure(.stopped(let consumed, _, let truncated)):
            return .failure(.invalid(offset: consumed, line: 0, truncated: truncated))
        }
    }

    private enum Stop: Error {
        case unknownEncoding
        /// Input consumed and output produced before the failing character.
        case stopped(consumed: Int, output: [UInt8], truncated: Bool)
    }

    private static func convert(_ bytes: UnsafeBufferPointer<UInt8>, from source: String, to target: String)
        -> Result<[UInt8], Stop> {
        guard !source.contains("/"), !target.contains("/") else { return .failure(.unknownEncoding) }
        let cd = iconv_open(target, source)
        guard cd != iconv_t(bitPattern: -1) else { return .failure(.unknownEncoding) }
        defer { iconv_close(cd) }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .success([]) }

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
            if savedErrno == E2BIG {
                output.append(contentsOf: repeatElement(0, count: max(64, output.count / 2)))
                continue
            }
            output.removeSubrange(produced...)
            return .failure(.stopped(consumed: consumed, output: output, truncated: savedErrno == EINVAL))
        }
        output.removeSubrange(produced...)
        return .success(output)
    }
}
