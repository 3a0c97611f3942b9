import AttacheModel
import AttacheRecords
import AttacheReferences
import FuzzSupport

/// The resolver on paths the grammar reads from any text, against files named by the same
/// input: a resolved reference names a catalogued file of its root, never a guess.
@_cdecl("FuzzResolver_main")
public func FuzzResolverMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzResolver)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzResolver(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzReader(fuzzInput(data, size))
    // Files: up to 8 lines of the first section, on the two roots.
    var files: [IndexedFile] = []
    for i in 0..<8 {
        let line = input.piece(until: 0x0A)
        if line.isEmpty || input.isAtEnd { break }
        files.append(IndexedFile(id: Int64(i + 1), rootID: Int64(i % 2 + 1), path: RawPath(bytes: line), status: .ok))
    }
    let resolver = Resolver(roots: roots, files: files, parse: PathGrammar.parse)
    let byID = Dictionary(uniqueKeysWithValues: files.map { ($0.id, $0) })
    let text = String(decoding: input.bytes[min(input.at, input.bytes.count)...], as: UTF8.self)
    let base = PathGrammar.parse("\\\\FS01\\crm\\Customers")
    var spellings = PathGrammar.extract(from: text, posixPrefixes: ["/srv/crm"], relative: true).map(\.spelling)
    if let whole = PathGrammar.parse(text) { spellings.append(whole) }
    for s in spellings {
        for b in [nil, base] {
            let r = resolver.resolve(s, base: b)
            if let id = r.fileID {
                require(byID[id] != nil, "resolved to file \(id), which is not catalogued")
                require(r.rootID == byID[id]!.rootID, "resolved to file \(id) of another root")
            }
        }
    }
    return 0
}

private let roots = [
    ResolverRoot(id: 1, path: "/srv/crm", aliases: ["\\\\FS01\\crm", "K:\\", "file://fs01/crm"], caseInsensitive: true),
    ResolverRoot(id: 2, path: "/mnt/share", aliases: ["S:\\Share", "/Volumes/share"], caseInsensitive: false),
]
