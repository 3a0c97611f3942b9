import AttacheModel
import AttacheSystem

/// A file that must be read.
struct WorkItem: Sendable {
    var rootID: Int64
    var path: RawPath
    /// The root's path: one buffer shared by every item of the root (not a copy per file).
    var root: RawPath
    /// Where the file is opened; made when it is read, not held for every file waiting.
    var absolute: RawPath { root.appending(path) }
    var stat: FileStat
    /// The most serious walk-time problem of its name (kept on the row even when the read is fine).
    var nameProblem: (code: ProblemCode, detail: String)?
    /// Not in the catalog before (or gone): once written it counts as new, else as changed.
    var isNew = false
}
