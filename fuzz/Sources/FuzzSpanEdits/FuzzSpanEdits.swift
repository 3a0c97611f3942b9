import AttacheRewrite
import FuzzSupport

/// The rewrite's span replacement: any value, any edits (in bounds or not, holding their
/// expected bytes or not, overlapping or not). Every edit is made or refused, and reverting
/// what was made gives the input back byte for byte: in → rewrite → revert = in.
@_cdecl("FuzzSpanEdits_main")
public func FuzzSpanEditsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzSpanEdits)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpanEdits(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzReader(fuzzInput(data, size))
    let value = input.piece()
    var edits: [SpanEdit] = []
    while !input.isAtEnd && edits.count < 32 {
        let start = input.int(max: value.count + 1)
        let end = start + input.int(max: 8) - 1
        let flags = input.byte()
        let tag = Int64(input.byte() % 16)
        let replacement = input.piece()
        // Mostly edits that hold (the bytes really there); some with other expected bytes or out of bounds.
        let expected = flags & 3 != 0 && start <= end && end <= value.count ? Array(value[start..<end]) : Array(replacement.prefix(2))
        edits.append(SpanEdit(start: start, end: end, expected: expected, replacement: replacement, tag: tag))
    }
    let out = SpanEdits.apply(edits, to: value)
    require(out.made.count + out.refused.count == edits.count, "an edit neither made nor refused")
    for m in out.made {
        require(m.start >= 0 && m.start <= m.end && m.end <= out.value.count, "a made span outside the new value")
        require(Array(out.value[m.start..<m.end]) == m.expected, "a made span does not hold its new text")
    }
    let back = SpanEdits.revert(out.value, made: out.made)
    require(back.refused.isEmpty, "reverting refused \(back.refused.count) of its own edits")
    require(back.value == value, "in → rewrite → revert ≠ in")
    return 0
}
