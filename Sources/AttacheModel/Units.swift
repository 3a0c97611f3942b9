/// A number of bytes. Formats in binary units ("1.5 GiB") and parses what people write
/// in manifests and policies ("50 GiB", "250GB", "4096", "1.5 TiB").
public struct ByteCount: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var value: Int64
    public init(_ value: Int64) { self.value = value }
    public init(_ value: Int) { self.value = Int64(value) }

    public static func < (a: ByteCount, b: ByteCount) -> Bool { a.value < b.value }
    public static func + (a: ByteCount, b: ByteCount) -> ByteCount { ByteCount(a.value + b.value) }
    public static let zero = ByteCount(Int64(0))

    /// "0 B", "512 B", "1.0 KiB", "12.3 MiB", "9.21 GiB" — three significant digits.
    public var description: String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = Double(value)
        var u = 0
        while abs(v) >= 1024 && u < units.count - 1 { v /= 1024; u += 1 }
        if u == 0 { return "\(value) B" }
        let digits = abs(v) >= 100 ? 0 : (abs(v) >= 10 ? 1 : 2)
        return formatFixed(v, digits: digits) + " " + units[u]
    }

    /// Parses "50 GiB", "250GB", "1.5 TiB", "4096", "100 MB". SI units (kB, MB, GB, TB) are
    /// powers of 1000, binary units (KiB, MiB, GiB, TiB) powers of 1024. Returns nil for
    /// anything else (the caller reports where and what was expected).
    public static func parse(_ text: String) -> ByteCount? {
        let t = text.trimmingWhitespace()
        var numberEnd = t.startIndex
        while numberEnd < t.endIndex, t[numberEnd].isNumber || t[numberEnd] == "." { numberEnd = t.index(after: numberEnd) }
        guard numberEnd > t.startIndex, let number = Double(t[..<numberEnd]), number >= 0 else { return nil }
        let unit = t[numberEnd...].trimmingWhitespace().lowercased()
        let factors: [String: Double] = [
            "": 1, "b": 1, "byte": 1, "bytes": 1,
            "k": 1000, "kb": 1000, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12, "pb": 1e15,
            "kib": 1024, "mib": 1_048_576, "gib": 1_073_741_824, "tib": 1_099_511_627_776,
            "pib": 1_125_899_906_842_624,
        ]
        guard let f = factors[unit] else { return nil }
        let v = number * f
        guard v < 9.2e18 else { return nil }
        return ByteCount(Int64(v.rounded()))
    }
}

/// Formats a Double with a fixed number of decimals without Foundation (deterministic, locale-free).
public func formatFixed(_ v: Double, digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let r = (abs(v) * scale).rounded()
    let neg = v < 0 && r > 0
    let whole = Int64(r / scale)
    let frac = Int64(r - Double(whole) * scale)
    var s = String(whole)
    if digits > 0 {
        var f = String(frac)
        while f.count < digits { f = "0" + f }
        s += "." + f
    }
    return neg ? "-" + s : s
}

/// Groups digits in threes: 1234567 → "1,234,567".
public func groupedDigits(_ n: Int64) -> String {
    let s = String(abs(n))
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return n < 0 ? "-" + out : out
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and newlines.
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}

/// A SHA-256 digest, stored and shown as 64 lower-case hex digits.
public struct ContentHash: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let hex: String
    public init(bytes: some Sequence<UInt8>) {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
        hex = String(decoding: out, as: UTF8.self)
    }
    /// A hash from its hex form; nil unless it is 64 hex digits.
    public init?(hex: String) {
        // The catalog stores lower-case digits: take them as they are (no copy, no allocation).
        if hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) {
            self.hex = hex
            return
        }
        let h = hex.lowercased()
        guard h.utf8.count == 64, h.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        self.hex = h
    }
    public var description: String { hex }
    public static func < (a: ContentHash, b: ContentHash) -> Bool { a.hex < b.hex }
}

/// A point in time as nanoseconds since the Unix epoch (what stat(2) gives, without loss).
public struct Timestamp: Hashable, Sendable, Comparable {
    public var nanoseconds: Int64
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(seconds: Int, nanoseconds: Int) { self.nanoseconds = Int64(seconds) * 1_000_000_000 + Int64(nanoseconds) }
    public var seconds: Int64 { nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000 }
    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Civil date (UTC) of this instant: (year, month, day, hour, minute, second).
    public var utc: (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let s = seconds
        var days = s >= 0 ? s / 86400 : (s - 86399) / 86400
        let rem = s - days * 86400
        // Howard Hinnant's days-from-civil inverse.
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d), Int(rem / 3600), Int(rem % 3600 / 60), Int(rem % 60))
    }

    /// The instant of a civil date and time in UTC (no range checks: the caller validates).
    /// Howard Hinnant's days-from-civil, the inverse of ``utc``.
    public init(utcYear y: Int, month m: Int, day d: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        self.init(seconds: days * 86400 + hour * 3600 + minute * 60 + second, nanoseconds: 0)
    }

    /// ISO 8601 in UTC, seconds precision: "2014-03-11T09:15:00Z".
    public var iso8601: String {
        let c = utc
        func p(_ v: Int, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(c.year, 4))-\(p(c.month, 2))-\(p(c.day, 2))T\(p(c.hour, 2)):\(p(c.minute, 2)):\(p(c.second, 2))Z"
    }
}
