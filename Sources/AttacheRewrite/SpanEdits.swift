import AttacheModel

// Rewrite never writes blindly (DESIGN.md): a value changes exactly at the spans the
// references stage recorded, and only where the span still holds the text that was read. This
// is the one place that applies such edits to a value, and undoes them byte for byte.

/// One change to a value: the bytes `start..<end` (UTF-8 offsets, as `refs.span_start` and
/// `refs.span_end` record them) must still be `expected`; they become `replacement`.
public struct SpanEdit: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var expected: [UInt8]
    public var replacement: [UInt8]
    /// Who asked for it (a reference id), carried into the outcome.
    public var tag: Int64

    public init(start: Int, end: Int, expected: [UInt8], replacement: [UInt8], tag: Int64 = 0) {
        self.start = start; self.end = end; self.expected = expected; self.replacement = replacement; self.tag = tag
    }

    public init(start: Int, end: Int, expected: String, replacement: String, tag: Int64 = 0) {
        self.init(start: start, end: end, expected: Array(expected.utf8), replacement: Array(replacement.utf8), tag: tag)
    }
}

/// Why an edit was not made.
public enum SpanEditRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The span lies outside the value (the record is shorter than when it was read).
    case outOfBounds(length: Int)
    /// The span holds other text now: the record changed since `attache refs` read it.
    case changed(found: [UInt8])
    /// It overlaps an earlier edit of the same value (the grammar never records two such).
    case overlaps(tag: Int64)

    public var description: String {
        switch self {
        case .outOfBounds(let n):
            return "the record changed since 'attache refs' read it (the value is \(n) bytes now, shorter than the recorded span): run refs again"
        case .changed(let found):
            return "the record changed since 'attache refs' read it (the span now holds '\(RawPath(bytes: found).display)'): run refs again"
        case .overlaps(let tag): return "overlaps the span of reference \(tag) in the same value"
        }
    }
}

/// What applying edits to one value gave.
public struct SpanEditOutcome: Sendable, Equatable {
    /// The new value (the old one when nothing applied).
    public var value: [UInt8]
    /// The edits made, with their spans in the *new* value: the audit keeps them, and
    /// ``SpanEdits/revert(_:made:)`` undoes them exactly.
    public var made: [SpanEdit]
    /// The edits refused, and why (the value keeps its text there).
    public var refused: [(edit: SpanEdit, why: SpanEditRefusal)]

    public static func == (a: SpanEditOutcome, b: SpanEditOutcome) -> Bool {
        a.value == b.value && a.made == b.made && a.refused.map(\.edit) == b.refused.map(\.edit)
            && a.refused.map(\.why) == b.refused.map(\.why)
    }
}

public enum SpanEdits {
    /// Applies `edits` to `value`: in span order, each only where its span still holds its
    /// expected bytes and does not overlap one already made; every other byte is kept.
    public static func apply(_ edits: [SpanEdit], to value: [UInt8]) -> SpanEditOutcome {
        edit(value, inOrder: edits.sorted { ($0.start, $0.end, $0.tag) < ($1.start, $1.end, $1.tag) })
    }

    /// Makes `edits`, already in span order, where they hold (see ``apply(_:to:)``).
    private static func edit(_ value: [UInt8], inOrder edits: [SpanEdit]) -> SpanEditOutcome {
        var out: [UInt8] = []
        out.reserveCapacity(value.count)
        var made: [SpanEdit] = []
        var refused: [(SpanEdit, SpanEditRefusal)] = []
        var copied = 0        // bytes of `value` already in `out`
        var lastEnd = 0
        var lastTag: Int64 = 0
        for e in edits {
            guard e.start >= 0, e.start <= e.end, e.end <= value.count else {
                refused.append((e, .outOfBounds(length: value.count)))
                continue
            }
            if !made.isEmpty && e.start < lastEnd {
                refused.append((e, .overlaps(tag: lastTag)))
                continue
            }
            let found = Array(value[e.start..<e.end])
            guard found == e.expected else {
                refused.append((e, .changed(found: found)))
                continue
            }
            out += value[copied..<e.start]
            let newStart = out.count
            out += e.replacement
            made.append(SpanEdit(start: newStart, end: out.count, expected: e.replacement, replacement: e.expected, tag: e.tag))
            copied = e.end
            lastEnd = e.end
            lastTag = e.tag
        }
        out += value[copied...]
        return SpanEditOutcome(value: made.isEmpty ? value : out, made: made, refused: refused)
    }

    /// Undoes edits that ``apply(_:to:)`` made: `made` as it returned them (spans in the
    /// rewritten value, `expected` the new text, `replacement` the original). Gives back the
    /// original bytes exactly, or refuses the spans that changed since.
    ///
    /// Spans are undone in span order and, where two are the same, in the order given (not by
    /// tag): two spans side by side that were both replaced by nothing leave two empty spans at
    /// the same place, and their old bytes go back in the order they stood (the fuzzer found it).
    public static func revert(_ value: [UInt8], made: [SpanEdit]) -> SpanEditOutcome {
        let ordered = made.enumerated().sorted { a, b in
            (a.element.start, a.element.end, a.offset) < (b.element.start, b.element.end, b.offset)
        }
        return edit(value, inOrder: ordered.map(\.element))
    }
}
