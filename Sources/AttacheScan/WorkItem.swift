import AttacheModel
import AttacheSystem

/// A file that must be read.
struct WorkItem: Sendable {
    var rootID: Int64
    var path: RawPath
    var absolute: RawPath
    var stat: FileStat
    /// The most serious walk-time problem of its name (kept on the row even when the read is fine).
    var nameProblem: (code: ProblemCode, detail: String)?
    /// Not in the catalog before (or gone): once written it counts as new, else as changed.
    var isNew = false
}
