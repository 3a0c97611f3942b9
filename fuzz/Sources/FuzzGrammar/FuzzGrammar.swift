import AttacheRecords
import FuzzSupport

/// The path grammar's parser and extractor on any text: no crash, and every found span is
/// in bounds and is exactly the text it names (the rewrite replaces those bytes).
@_cdecl("FuzzGrammar_main")
public func FuzzGrammarMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzGrammar)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGrammar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let utf8 = Array(text.utf8)
    _ = PathGrammar.parse(text)
    for relative in [false, true] {
        for found in PathGrammar.extract(from: text, posixPrefixes: ["/srv/crm", "/mnt/share/"], relative: relative) {
            require(found.start >= 0 && found.start < found.end && found.end <= utf8.count, "span \(found.start)..<\(found.end) outside the text")
            require(String(decoding: utf8[found.start..<found.end], as: UTF8.self) == found.raw, "raw is not the span's text")
            for s in found.longerStarts {
                require(s >= 0 && s < found.start, "a longer start \(s) is not before the span")
                if let longer = PathGrammar.relativePath(in: text, from: s, to: found.end) {
                    require(longer.start >= 0 && longer.end <= utf8.count && longer.start <= longer.end, "relativePath out of bounds")
                }
            }
        }
    }
    return 0
}
