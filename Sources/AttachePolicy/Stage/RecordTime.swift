import AttacheModel

/// Times as CRMs write them in `modified` columns.
public enum RecordTime {
    /// "2014-03-11", "2014-03-11 09:15:00", "2014-03-11T09:15:00Z", "2022-03-04T10:00:00.000Z",
    /// or seconds since 1970; read as UTC. nil when it is none of those.
    public static func parse(_ text: String) -> Timestamp? {
        let t = text.trimmingWhitespace()
        if let secs = Int64(t), secs > 0 { return Timestamp(nanoseconds: secs * 1_000_000_000) }
        let digits = Array(t.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard digits.count >= a + n else { return nil }
            var v = 0
            for i in a..<(a + n) { let c = digits[i]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard let y = num(0, 4), digits.count >= 10, digits[4] == 45, let mo = num(5, 2), digits[7] == 45, let d = num(8, 2),
              (1...12).contains(mo), (1...31).contains(d) else { return nil }
        var h = 0, mi = 0, s = 0
        if digits.count >= 19, digits[10] == 32 || digits[10] == 84, let hh = num(11, 2), let mm = num(14, 2), let ss = num(17, 2) {
            h = hh; mi = mm; s = ss
        }
        return Timestamp(utcYear: y, month: mo, day: d, hour: h, minute: mi, second: s)
    }
}
