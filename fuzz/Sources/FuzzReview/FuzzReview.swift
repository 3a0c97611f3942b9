import AttacheModel
import AttachePolicy
import Foundation
import FuzzSupport

/// The review-sheet reader (`plan --overrides`) on any bytes: overrides or an ImportError,
/// never a crash; every override names a known file, once.
@_cdecl("FuzzReview_main")
public func FuzzReviewMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzReview)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzReview(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzInput(data, size)
    do {
        let overrides = try Review.importOverrides(data: Data(bytes), file: "/fuzz/review.csv", plan: plan, known: known,
                                                   pathOf: { paths[$0] })
        var seen = Set<Int64>()
        for o in overrides {
            require(known.contains(o.fileID), "an override for an unknown file \(o.fileID)")
            require(seen.insert(o.fileID).inserted, "two overrides for file \(o.fileID)")
        }
    } catch {
        require(!String(describing: error).isEmpty, "an error without a message")
    }
    return 0
}

private let known: Set<Int64> = [1, 2, 3, 4, 5, 42]
private let paths: [Int64: String] = [1: "Customers/Miller/Offer 2019.docx", 2: "'=HYPERLINK(1).pdf", 3: "Договоры/акт 3.pdf", 42: "a?b.pdf"]
private let plan: [Int64: DecisionRow] = Dictionary(uniqueKeysWithValues: known.map { id in
    (id, DecisionRow(fileID: id, action: id % 2 == 0 ? .keep : .archive, rule: id == 42 ? "override" : "default", reason: "fuzz",
                             targetPath: nil, archivePath: nil, duplicateOf: nil, notes: ""))
})
