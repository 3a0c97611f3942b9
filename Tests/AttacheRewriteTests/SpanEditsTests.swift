import AttacheModel
import AttacheRewrite
import Testing

/// Exactly the recorded spans change, only where they still hold the text read; a revert gives
/// the original bytes back.
@Suite struct SpanEditsTests {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// The UTF-8 span of `needle`'s first occurrence in `haystack`.
    func span(_ needle: String, in haystack: String) -> (Int, Int) {
        let h = bytes(haystack), n = bytes(needle)
        for i in 0...(h.count - n.count) where Array(h[i..<(i + n.count)]) == n { return (i, i + n.count) }
        Issue.record("'\(needle)' not in '\(haystack)'")
        return (0, 0)
    }

    @Test func onlyTheSpansChangeAndEveryOtherByteIsKept() {
        let value = #"Счёт: <a href="K:\Docs\Счёт №5.pdf">счёт</a>; copy at \\FILESRV01\CRM\Docs\Счёт №5.pdf."#
        let (a0, a1) = span(#"K:\Docs\Счёт №5.pdf"#, in: value)
        let (b0, b1) = span(#"\\FILESRV01\CRM\Docs\Счёт №5.pdf"#, in: value)
        let edits = [
            SpanEdit(start: b0, end: b1, expected: #"\\FILESRV01\CRM\Docs\Счёт №5.pdf"#, replacement: #"\\NEWSRV\crm\pdf\Счёт №5.pdf"#, tag: 2),
            SpanEdit(start: a0, end: a1, expected: #"K:\Docs\Счёт №5.pdf"#, replacement: "https://x.example/crm/pdf/%D0%A1%D1%87%D1%91%D1%82%20%E2%84%965.pdf", tag: 1),
        ]
        let out = SpanEdits.apply(edits, to: bytes(value))
        #expect(out.refused.isEmpty)
        #expect(String(decoding: out.value, as: UTF8.self)
            == #"Счёт: <a href="https://x.example/crm/pdf/%D0%A1%D1%87%D1%91%D1%82%20%E2%84%965.pdf">счёт</a>; copy at \\NEWSRV\crm\pdf\Счёт №5.pdf."#)
        #expect(out.made.map(\.tag) == [1, 2], "in span order")
        // Each made edit's span holds its new text in the new value.
        for m in out.made { #expect(Array(out.value[m.start..<m.end]) == m.expected) }
        let back = SpanEdits.revert(out.value, made: out.made)
        #expect(back.value == bytes(value) && back.refused.isEmpty, "revert is byte-identical")
    }

    @Test func aSpanThatChangedSinceItWasReadIsRefusedAndTheRestApplies() {
        let value = "see /old/a.pdf and /old/b.pdf"
        let (a0, a1) = span("/old/a.pdf", in: value)
        let (b0, b1) = span("/old/b.pdf", in: value)
        let edits = [
            SpanEdit(start: a0, end: a1, expected: "/old/A.pdf", replacement: "/new/a.pdf", tag: 1),  // the record was edited
            SpanEdit(start: b0, end: b1, expected: "/old/b.pdf", replacement: "/new/b.pdf", tag: 2),
            SpanEdit(start: 40, end: 50, expected: "/old/c.pdf", replacement: "/new/c.pdf", tag: 3),  // beyond the end
        ]
        let out = SpanEdits.apply(edits, to: bytes(value))
        #expect(String(decoding: out.value, as: UTF8.self) == "see /old/a.pdf and /new/b.pdf")
        #expect(out.refused.map(\.edit.tag) == [1, 3])
        #expect(out.refused[0].why == .changed(found: bytes("/old/a.pdf")))
        #expect(out.refused[1].why == .outOfBounds(length: bytes(value).count))
        #expect(out.refused[0].why.description.contains("run refs again"))
    }

    @Test func overlappingSpansAreRefusedAndNothingIsAppliedTwice() {
        let value = "/a/b/c.pdf"
        let edits = [
            SpanEdit(start: 0, end: 10, expected: "/a/b/c.pdf", replacement: "/n/c.pdf", tag: 1),
            SpanEdit(start: 3, end: 10, expected: "b/c.pdf", replacement: "x.pdf", tag: 2),
        ]
        let out = SpanEdits.apply(edits, to: bytes(value))
        #expect(String(decoding: out.value, as: UTF8.self) == "/n/c.pdf")
        #expect(out.refused.map(\.edit.tag) == [2] && out.refused[0].why == .overlaps(tag: 1))
        // Applying the same edits to the rewritten value changes nothing: the spans hold new text.
        let again = SpanEdits.apply(edits, to: out.value)
        #expect(again.value == out.value && again.made.isEmpty)
    }

    @Test func aRevertRefusesASpanEditedAfterTheRewrite() {
        let value = "x /old/a.pdf y /old/b.pdf"
        let (a0, a1) = span("/old/a.pdf", in: value)
        let (b0, b1) = span("/old/b.pdf", in: value)
        let out = SpanEdits.apply([
            SpanEdit(start: a0, end: a1, expected: "/old/a.pdf", replacement: "/new/longer/a.pdf", tag: 1),
            SpanEdit(start: b0, end: b1, expected: "/old/b.pdf", replacement: "/n/b.pdf", tag: 2),
        ], to: bytes(value))
        var edited = out.value
        let second = out.made[1]
        edited.replaceSubrange(second.start..<second.end, with: bytes("/n/B.pdf"))  // someone edited the record since
        let back = SpanEdits.revert(edited, made: out.made)
        #expect(String(decoding: back.value, as: UTF8.self) == "x /old/a.pdf y /n/B.pdf")
        #expect(back.refused.map(\.edit.tag) == [2])
    }

    @Test func emptyAndZeroLengthEditsAreHandled() {
        #expect(SpanEdits.apply([], to: bytes("abc")).value == bytes("abc"))
        let insert = SpanEdits.apply([SpanEdit(start: 3, end: 3, expected: "", replacement: "!", tag: 1)], to: bytes("abc"))
        #expect(insert.value == bytes("abc!") && insert.made.count == 1)
        #expect(SpanEdits.revert(insert.value, made: insert.made).value == bytes("abc"))
    }

    /// Found by the fuzzer (fuzz/Sources/FuzzSpanEdits): two spans side by side both replaced by
    /// nothing leave two empty spans at the same place in the new value. The revert puts their
    /// old bytes back in the order they stood, whatever their tags say.
    @Test func adjacentSpansReplacedByNothingRevertInTheirOrder() {
        let out = SpanEdits.apply([
            SpanEdit(start: 0, end: 1, expected: "a", replacement: "", tag: 2),
            SpanEdit(start: 1, end: 2, expected: "b", replacement: "", tag: 1),
        ], to: bytes("abc"))
        #expect(out.value == bytes("c") && out.made.count == 2)
        let back = SpanEdits.revert(out.value, made: out.made)
        #expect(String(decoding: back.value, as: UTF8.self) == "abc" && back.refused.isEmpty, "in → rewrite → revert = in")
    }
}
