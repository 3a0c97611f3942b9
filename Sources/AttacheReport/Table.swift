import AttacheModel

/// Aligned columns for people at a terminal, fitted to a width (120 columns by default): when
/// the natural widths do not fit, the widest shortenable columns give way first, paths are
/// shortened in the middle (keeping the file name), other text at the end, each with `…`.
/// Numbers are never shortened and stay right-aligned. Buffers its rows to size the columns.
public struct Table {
    /// How a cell too wide for its column is shortened.
    public enum Shortening: Sendable {
        /// Never (numbers, codes, labels): the column keeps its natural width.
        case never
        /// Cut at the end: `a long reaso…`.
        case end
        /// Cut in the middle, keeping the file name: `Archive/20…/Scan 12.pdf`.
        case middle
    }

    /// One column: its header, alignment, and how it gives way when the table is too wide.
    public struct Column: Sendable {
        public var header: String
        public var rightAligned: Bool
        public var shortening: Shortening
        /// Narrowest the column is made (never narrower than its header).
        public var minWidth: Int
        public init(_ header: String, right: Bool = false, shortening: Shortening = .end, minWidth: Int = 8) {
            self.header = header; self.rightAligned = right; self.shortening = shortening; self.minWidth = minWidth
        }
    }

    public var columns: [Column]
    /// The widest a rendered line may be.
    public var maxWidth: Int
    var rows: [[String]] = []

    public init(_ columns: [Column], maxWidth: Int = 120) {
        self.columns = columns
        self.maxWidth = maxWidth
    }

    /// A table of unshortenable columns (small figures): `rightAligned` are the numeric ones.
    public init(headers: [String], rightAligned: Set<Int> = [], maxWidth: Int = 120) {
        self.init(headers.enumerated().map { Column($1, right: rightAligned.contains($0), shortening: rightAligned.contains($0) ? .never : .end) }, maxWidth: maxWidth)
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The column widths: natural, then narrowed (widest shortenable first) to fit `maxWidth`.
    func widths() -> [Int] {
        var w = columns.map { TextWidth.of($0.header) }
        for r in rows { for (i, c) in r.enumerated() where i < w.count { w[i] = max(w[i], TextWidth.of(c)) } }
        let floor = columns.map { max($0.minWidth, TextWidth.of($0.header)) }
        var excess = w.reduce(0, +) + 2 * max(0, w.count - 1) - maxWidth
        while excess > 0 {
            let shrinkable = w.indices.filter { columns[$0].shortening != .never && w[$0] > floor[$0] }
            guard let i = shrinkable.max(by: { w[$0] < w[$1] }) else { break }
            let next = shrinkable.filter { $0 != i }.map { w[$0] }.max() ?? 0
            let cut = min(excess, w[i] - floor[i], max(1, w[i] - next))
            w[i] -= cut
            excess -= cut
        }
        return w
    }

    public func render<S: TextSink>(to sink: inout S) {
        let widths = widths()
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, raw) in cells.enumerated() where i < widths.count {
                var c = raw
                if TextWidth.of(c) > widths[i] {
                    c = columns[i].shortening == .middle ? TextWidth.trimMiddle(c, width: widths[i]) : TextWidth.trimEnd(c, width: widths[i])
                }
                let pad = String(repeating: " ", count: max(0, widths[i] - TextWidth.of(c)))
                let last = i == cells.count - 1
                parts.append(columns[i].rightAligned ? pad + c : (last ? c : c + pad))
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }  // an empty last cell leaves no trailing blanks
            return text + "\n"
        }
        sink.write(line(columns.map(\.header)))
        sink.write(line(widths.map { String(repeating: "-", count: $0) }))
        for r in rows { sink.write(line(r)) }
    }
}
