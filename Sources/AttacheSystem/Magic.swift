import AttacheModel
import CMagic

/// Content-type detection with libmagic.
///
/// libmagic is not thread-safe: each worker owns one classifier (a `magic_t` cookie costs
/// ~0.16 ms to load). Only the MIME type is asked for; the description would halve throughput.
public final class MagicClassifier {
    private let cookie: OpaquePointer?
    /// How many leading bytes are handed to libmagic.
    public static let sampleSize = 64 * 1024

    /// - Throws: ``MagicError`` when the magic database cannot be loaded (libmagic-mgc missing).
    public init() throws(MagicError) {
        // MIME type only; do not look inside compressed data (we classify what is stored).
        guard let c = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR) else {
            throw MagicError(message: "magic_open failed")
        }
        if magic_load(c, nil) != 0 {
            let msg = magic_error(c).map { String(cString: $0) } ?? "unknown error"
            magic_close(c)
            throw MagicError(message: "cannot load the magic database: \(msg) (install libmagic-mgc)")
        }
        cookie = c
    }

    deinit { if let cookie { magic_close(cookie) } }

    /// The MIME type of a sample of a file's first bytes.
    public func mimeType(of sample: UnsafeRawBufferPointer) -> String {
        guard sample.count > 0 else { return "inode/x-empty" }
        guard let r = magic_buffer(cookie, sample.baseAddress, sample.count) else { return "application/octet-stream" }
        let mime = String(cString: r)
        return MagicClassifier.sanityCheck(mime, sample)
    }

    /// libmagic 5.44 types UTF-8 text starting with certain CJK bytes as a DOS executable
    /// (a COM-jump rule). A real DOS/Windows executable starts with "MZ"; anything else
    /// that libmagic calls `x-dosexec` is re-typed from its bytes.
    static func sanityCheck(_ mime: String, _ sample: UnsafeRawBufferPointer) -> String {
        guard mime == "application/x-dosexec" else { return mime }
        if sample.count >= 2 && sample[0] == UInt8(ascii: "M") && sample[1] == UInt8(ascii: "Z") { return mime }
        // Allow a multi-byte character cut at the end of the sample.
        var end = sample.count
        let floor = max(0, end - 3)
        while end > floor, String(validating: sample[0..<end], as: UTF8.self) == nil { end -= 1 }
        if end > 0 && String(validating: sample[0..<end], as: UTF8.self) != nil { return "text/plain" }
        return "application/octet-stream"
    }
}

public struct MagicError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
