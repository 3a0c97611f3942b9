import AttacheModel
import AttachePolicy
import FuzzSupport

/// The policy loader on any text: a Policy (with warnings) or a located PolicyError, never a
/// crash. A policy that loads then plans a few fixed files, and the plan stays contained.
@_cdecl("FuzzPolicy_main")
public func FuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzPolicy)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: fuzzInput(data, size), as: UTF8.self)
    let policy: Policy
    do {
        policy = try PolicyLoader.parseWithWarnings(yaml: text, file: "/fuzz/policy.yaml").policy
    } catch {
        require(!String(describing: error).isEmpty, "an error without a message")
        return 0
    }
    let plan = Planner.plan(files: sampleFiles, policy: policy, now: Timestamp(seconds: 1_767_225_600, nanoseconds: 0))
    requireContained(plan, caseInsensitive: policy.target.caseInsensitive)
    return 0
}

private let sampleFiles: [PlanFile] = [
    "Customers/Miller/Offer 2019.docx", "Customers/Miller/offer 2019.DOCX", "../etc/passwd", "a/./b/../c.pdf",
    "CON.txt", "~$lock.docx", "Договоры/АО Вектор/акт 3.pdf", "x/....", "report.pdf",
].enumerated().map { i, path in
    PlanFile(id: Int64(i + 1), root: "/mnt/share", rootName: "share", path: RawPath(path), size: Int64(1_000 * (i + 1)),
             mtime: Timestamp(seconds: 1_592_179_200 + i * 86_400, nanoseconds: 0), category: i % 2 == 0 ? .pdf : nil,
             mime: "application/pdf", sha256: ContentHash(bytes: [UInt8](repeating: UInt8(i % 3), count: 32)),
             status: .ok, problem: nil, extensionMismatch: false, liveReferences: i % 3, deletedReferences: i % 2,
             newestRecordActivity: nil, sources: ["crm"], record: ["customer": i % 2 == 0 ? "Müller/../GmbH" : ""])
}
