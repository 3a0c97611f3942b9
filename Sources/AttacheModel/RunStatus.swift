/// How a run of a stage (a scan, a references run; coming: apply) ended, as the catalog stores
/// it in `scan_runs.status` and `refs_runs.status`.
public enum RunStatus: String, Sendable, Codable, CaseIterable {
    /// Started and not finished: still running, or killed (the next run starts anew).
    case running
    /// Finished everything it set out to do.
    case completed
    /// Stopped by Ctrl-C or SIGTERM; what it committed is kept and the next run resumes.
    case interrupted
    /// Stopped by an error that concerned the whole run.
    case failed
}
