import AttacheModel

/// The colours of the page: the Okabe–Ito palette, safe for the common colour-vision
/// deficiencies. One word, one colour, everywhere: keep (and a placed file) is blue, archive
/// orange, drop vermillion — in the plan, the relocation and the legends alike. Charts never rely
/// on colour alone: every segment has a legend entry and every number is also in a table.
enum Palette {
    static let keep = "#0072B2", archive = "#E69F00", drop = "#D55E00"
    static let good = "#009E73", attention = "#CC79A7", sky = "#56B4E9", yellow = "#F0E442"
    static let grey = "#999999", dark = "#444444"
    /// One-series charts (bytes by category, by year): a colour no action uses.
    static let neutral = "#5B6F86"

    static func action(_ a: DecisionAction) -> String {
        switch a { case .keep: keep; case .archive: archive; case .drop: drop }
    }
    static func placement(_ p: PlacementKind) -> String {
        switch p {
        case .placed: keep
        case .archived: archive
        case .dropped: drop
        case .duplicate: sky
        case .pending: grey
        case .gone: dark
        }
    }
    static func status(_ s: ReferenceStatus) -> String {
        switch s {
        case .resolved: good
        case .missing: attention
        case .ambiguous: yellow
        case .special: sky
        case .unreadable: dark
        }
    }
    static func outcome(_ o: RewriteOutcome) -> String {
        switch o {
        case .rewritten: good
        case .linked: sky
        case .unchanged: grey
        case .tombstoned: drop
        case .kept: archive
        case .flagged, .unresolved: attention
        case .refused: yellow
        case .failed: dark
        }
    }
}

/// Inline SVG charts (no script, no external file): each an `<svg class="chart"
/// data-chart="NAME" role="img" aria-label="…">` with a `<title>`, drawn from figures whose
/// labels and values are SVG `<text>` carrying their JSON pointers. A chart whose values are all
/// zero is not drawn (the caller says so in a sentence): nil.
enum Chart {
    /// The drawing's width: a wide card's; a card in a two-column grid passes ``half``.
    static let full = 640, half = 450
    static let rowHeight = 24, barHeight = 15

    /// One bar of a bar chart.
    struct Bar {
        var label: Figure
        var value: Int64
        var shown: Figure
        var color = Palette.neutral
    }

    /// Horizontal bars, longest first as given; labels right-aligned in a clipped column so a
    /// long path shows its end.
    static func bars(_ name: String, _ description: String, _ rows: [Bar], labelWidth: Int = 200, width: Int = full) -> String? {
        guard rows.contains(where: { $0.value > 0 }) else { return nil }
        let max = rows.map(\.value).max() ?? 1
        let x0 = labelWidth + 8, room = width - x0 - 86
        let height = rows.count * rowHeight + 6
        var s = open(name, description, width: width, height: height)
        s += clip(name, labelWidth: labelWidth, height: height)
        for (i, r) in rows.enumerated() {
            let y = 4 + i * rowHeight
            let w = scaled(r.value, max, room)
            s += r.label.element("text", [("x", "\(labelWidth)"), ("y", "\(y + 12)"), ("text-anchor", "end"), ("clip-path", "url(#\(name)-clip)")])
            if w > 0 { s += rect(x0, y, w, barHeight, r.color) }
            s += r.shown.element("text", [("x", "\(x0 + w + 5)"), ("y", "\(y + 12)"), ("class", "v")])
        }
        return s + "</svg>"
    }

    /// Columns (a time line: bytes by year). Labels under the columns; values above them when
    /// there is room (the table under the chart has them all).
    static func columns(_ name: String, _ description: String, _ rows: [Bar], width: Int = full) -> String? {
        guard rows.contains(where: { $0.value > 0 }) else { return nil }
        let max = rows.map(\.value).max() ?? 1
        let plot = 160, top = 18, step = Swift.max(8, (width - 20) / Swift.max(1, rows.count))
        let barWidth = Swift.max(4, step * 7 / 10), tilt = step < 36
        let height = top + plot + (tilt ? 46 : 22)
        var s = open(name, description, width: width, height: height)
        s += rect(10, top + plot, width - 20, 1, Palette.grey)
        for (i, r) in rows.enumerated() {
            let x = 10 + i * step + (step - barWidth) / 2, h = scaled(r.value, max, plot)
            if h > 0 { s += rect(x, top + plot - h, barWidth, h, r.color) }
            let cx = x + barWidth / 2
            if step >= 48 { s += r.shown.element("text", [("x", "\(cx)"), ("y", "\(top + plot - h - 4)"), ("text-anchor", "middle"), ("class", "v")]) }
            let y = top + plot + 14
            s += r.label.element("text", tilt ? [("x", "\(cx)"), ("y", "\(y)"), ("text-anchor", "end"), ("transform", "rotate(-45 \(cx) \(y))")]
                                     : [("x", "\(cx)"), ("y", "\(y)"), ("text-anchor", "middle")])
        }
        return s + "</svg>"
    }

    /// One row of a stacked bar chart: parts in legend order.
    struct Stack {
        var label: Figure
        var parts: [Int]
        var total: Figure
    }

    /// Rows of 100% stacked bars (references by status per source, outcomes per source), a
    /// legend on top naming each colour.
    static func stacked(_ name: String, _ description: String, legend: [(name: String, color: String)], _ rows: [Stack],
                        labelWidth: Int = 170, width: Int = full) -> String? {
        guard rows.contains(where: { $0.parts.contains { $0 > 0 } }) else { return nil }
        let x0 = labelWidth + 8, room = width - x0 - 70, top = 26
        let height = top + rows.count * rowHeight + 4
        var s = open(name, description, width: width, height: height)
        s += clip(name, labelWidth: labelWidth, height: height)
        s += legendRow(legend)
        for (i, r) in rows.enumerated() {
            let y = top + i * rowHeight
            s += r.label.element("text", [("x", "\(labelWidth)"), ("y", "\(y + 12)"), ("text-anchor", "end"), ("clip-path", "url(#\(name)-clip)")])
            let sum = r.parts.reduce(0, +)
            var x = x0
            for (j, n) in r.parts.enumerated() where n > 0 {
                // Widths from cumulative sums, so the segments end exactly at the bar's end.
                let end = x0 + scaled(Int64(r.parts[...j].reduce(0, +)), Int64(sum), room)
                let w = Swift.max(2, end - x)
                s += "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(barHeight)\" fill=\"\(legend[j].color)\"><title>"
                    + HTML.text(legend[j].name) + "</title></rect>"
                x += w
            }
            s += r.total.element("text", [("x", "\(x0 + room + 6)"), ("y", "\(y + 12)"), ("class", "v")])
        }
        return s + "</svg>"
    }

    /// One row of the gauge: an amount drawn as parts (kept, then the archives), shown as one figure.
    struct GaugeRow {
        var label: String
        var parts: [(Int64, String)]
        var shown: Figure
    }

    /// The quota gauge: one bar per amount on the same scale, and the quota as a marker.
    static func gauge(_ name: String, _ description: String, _ rows: [GaugeRow], quota: (value: Int64, shown: Figure)?,
                      width: Int = full) -> String? {
        let totals = rows.map { $0.parts.reduce(0) { $0 + Swift.max(0, $1.0) } }
        guard totals.contains(where: { $0 > 0 }) || (quota?.value ?? 0) > 0 else { return nil }
        let labelWidth = 190, x0 = labelWidth + 8, room = width - x0 - 86, top = 22
        let max = Swift.max(totals.max() ?? 0, quota?.value ?? 0)
        let height = top + rows.count * rowHeight + 6
        var s = open(name, description, width: width, height: height)
        for (i, r) in rows.enumerated() {
            let y = top + i * rowHeight
            s += "<text x=\"\(labelWidth)\" y=\"\(y + 12)\" text-anchor=\"end\">" + HTML.text(r.label) + "</text>"
            var x = x0, sum: Int64 = 0
            for (value, color) in r.parts where value > 0 {
                sum += value
                let end = x0 + scaled(sum, max, room)
                s += rect(x, y, Swift.max(2, end - x), barHeight, color)
                x = Swift.max(x + 2, end)
            }
            s += r.shown.element("text", [("x", "\(x + 5)"), ("y", "\(y + 12)"), ("class", "v")])
        }
        if let quota {
            let x = x0 + scaled(quota.value, max, room)
            s += rect(x - 1, top - 6, 3, rows.count * rowHeight + 8, Palette.dark)
            s += "<text x=\"\(x - 4)\" y=\"12\" text-anchor=\"end\" class=\"v\">quota " + quota.shown.element("tspan") + "</text>"
        }
        return s + "</svg>"
    }

    // MARK: pieces

    private static func open(_ name: String, _ description: String, width: Int, height: Int) -> String {
        "<svg class=\"chart\" data-chart=\"\(name)\" role=\"img\" aria-label=\"" + HTML.attribute(description)
            + "\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\"><title>" + HTML.text(description) + "</title>"
    }

    private static func clip(_ name: String, labelWidth: Int, height: Int) -> String {
        "<defs><clipPath id=\"\(name)-clip\"><rect x=\"0\" y=\"0\" width=\"\(labelWidth)\" height=\"\(height)\"/></clipPath></defs>"
    }

    private static func legendRow(_ legend: [(name: String, color: String)]) -> String {
        var s = "", x = 0
        for l in legend {
            s += rect(x, 4, 11, 11, l.color) + "<text x=\"\(x + 15)\" y=\"14\">" + HTML.text(l.name) + "</text>"
            x += 24 + l.name.count * 8
        }
        return s
    }

    static func rect(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ color: String) -> String {
        "<rect x=\"\(x)\" y=\"\(y)\" width=\"\(w)\" height=\"\(h)\" fill=\"\(color)\"/>"
    }

    /// `value` on a scale where `max` is `room` pixels; at least 2 pixels for anything above
    /// zero (a 300 KB share against a 50 GiB quota still shows a sliver).
    static func scaled(_ value: Int64, _ max: Int64, _ room: Int) -> Int {
        guard value > 0, max > 0 else { return 0 }
        return Swift.max(2, Int((Double(value) / Double(max) * Double(room)).rounded()))
    }
}
