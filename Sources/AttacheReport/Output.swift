import AttacheModel
#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor (standard output by default).
public final class FileSink: TextSink {
    private var buffer: [UInt8] = []
    private let fd: Int32
    public init(fd: Int32 = 1) { self.fd = fd; buffer.reserveCapacity(1 << 16) }
    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }
    /// Writes what is buffered (retrying interrupted writes).
    public func flush() {
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, buffer.count - off) }
            if n <= 0 { if errno == EINTR { continue }; break }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
    deinit { flush() }
}
