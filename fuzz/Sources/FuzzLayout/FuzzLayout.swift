import AttacheModel
import AttachePolicy
import FuzzSupport

/// The layout and archive templates and the name sanitiser: any template (placeholders or
/// not, `..`, absolute, braces), any file names (byte soup without NUL, `..`, reserved names)
/// and record values. The plan's paths stay below the target, each used once.
@_cdecl("FuzzLayout_main")
public func FuzzLayoutMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzLayout)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLayout(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzReader(fuzzInput(data, size))
    let flags = input.byte()
    let maxName = input.int(max: 300)
    let layout = input.text()
    let grouping = input.text()
    let naming = input.text()
    var files: [PlanFile] = []
    while !input.isAtEnd && files.count < 24 {
        let path = input.piece()
        let value = input.text(until: 0x0A)
        let i = files.count
        files.append(PlanFile(
            id: Int64(i + 1), root: i % 5 == 4 ? "/srv/other" : "/mnt/share", rootName: i % 5 == 4 ? "../other" : "share",
            path: RawPath(bytes: path), size: Int64(100 * (i % 7 + 1)),
            mtime: Timestamp(seconds: 946_684_800 + i * 40_000_000, nanoseconds: 0), category: i % 3 == 0 ? nil : .document,
            mime: nil, sha256: ContentHash(bytes: [UInt8](repeating: UInt8(i % 4), count: 32)), status: .ok, problem: nil,
            extensionMismatch: false, liveReferences: i % 2, deletedReferences: 0, newestRecordActivity: nil,
            sources: ["crm"], record: value.isEmpty ? [:] : ["customer": value]))
    }
    var target = flags & 1 != 0 ? TargetLimits.sharePointOnline : TargetLimits()
    if flags & 2 != 0 { target.maxNameLength = max(maxName, 1); target.maxPathLength = max(maxName * 2, 1) }
    if flags & 4 != 0 { target.caseInsensitive = true }
    let policy = Policy(
        target: target, layout: layout, defaultAction: flags & 8 != 0 ? .archive : .keep,
        duplicates: DuplicatePolicy(keepOne: flags & 16 != 0),
        archive: ArchiveSettings(format: flags & 32 != 0 ? .zip : .tarZst, grouping: grouping, naming: naming),
        limits: LimitHandling(rename: flags & 64 == 0))
    let plan = Planner.plan(files: files, policy: policy, now: Timestamp(seconds: 1_767_225_600, nanoseconds: 0))
    require(plan.decisions.count == files.count, "\(files.count) files but \(plan.decisions.count) decisions")
    requireContained(plan, caseInsensitive: target.caseInsensitive)
    return 0
}
