import AttacheModel
#if canImport(Glibc)
import Glibc
#endif

/// Where formatted text goes. Formatters write pieces as they go, so a listing of a
/// million files never sits whole in memory.
public protocol TextSink {
    mutating func write(_ text: String)
}

/// Collects text in a string (tests, small outputs).
public struct StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public mutating func write(_ s: String) { text += s }
}

/// Buffered writes to a file descriptor (standard output by default).
public final class FileSink: TextSink {
    private var buffer: [UInt8] = []
    private let fd: Int32
    public init(fd: Int32 = 1) { self.fd = fd; buffer.reserveCapacity(1 << 16) }
    public func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }
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

/// JSON text, written by hand so key order is fixed and output can stream.
public enum JSON {
    /// A JSON string literal for `s`, quoted and escaped.
    public static func string(_ s: String) -> String { JSONText.string(s) }
    public static func optional(_ s: String?) -> String { s.map(string) ?? "null" }
    /// An object from ordered (key, already-encoded value) pairs.
    public static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }
}

/// RFC 4180 CSV fields: quoted when they hold a comma, quote, CR or LF (or start with a space).
public enum CSV {
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) || s.hasPrefix(" ") || s.hasSuffix(" ") {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// Aligned columns for people at a terminal. Buffers its rows to size the columns.
public struct Table {
    public var headers: [String]
    public var rightAligned: Set<Int>
    var rows: [[String]] = []
    public init(headers: [String], rightAligned: Set<Int> = []) { self.headers = headers; self.rightAligned = rightAligned }
    public mutating func add(_ row: [String]) { rows.append(row) }
    public func render<S: TextSink>(to sink: inout S) {
        var widths = headers.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                let last = i == cells.count - 1
                parts.append(rightAligned.contains(i) ? pad + c : (last ? c : c + pad))
            }
            return parts.joined(separator: "  ") + "\n"
        }
        sink.write(line(headers))
        sink.write(line(widths.map { String(repeating: "-", count: $0) }))
        for r in rows { sink.write(line(r)) }
    }
}
