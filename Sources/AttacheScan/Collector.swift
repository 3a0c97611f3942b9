import AttacheModel
import AttacheSystem

/// Gathers what the walk reports.
struct Collector: WalkVisitor {
    let rootID: Int64
    var entries: [WalkEntry] = []
    var findings: [Finding] = []
    /// The most serious finding per path, for the `problem` column.
    var problemByPath: [RawPath: (code: ProblemCode, detail: String)] = [:]
    /// Folders that could not be listed: what the catalog knew below them is not gone.
    var unlisted: [RawPath] = []
    var excludedCount = 0
    var onProgress: ((Int) -> Void)?
    let cancel: Cancellation

    init(rootID: Int64, cancel: Cancellation = Cancellation()) { self.rootID = rootID; self.cancel = cancel }

    var shouldStop: Bool { cancel.isCancelled }

    mutating func entry(_ entry: WalkEntry) {
        entries.append(entry)
        if entries.count & 1023 == 0 { onProgress?(entries.count) }
    }

    mutating func finding(_ path: RawPath, _ code: ProblemCode, _ detail: String) {
        findings.append(Finding(rootID: rootID, path: path, code: code, detail: detail))
        if let old = problemByPath[path], old.code.severity >= code.severity {} else { problemByPath[path] = (code, detail) }
        if code == .permissionDenied || code == .ioError || code == .directoryLoop { unlisted.append(path) }
    }

    mutating func excluded(_ path: RawPath) { excludedCount += 1 }
}
