import Foundation

/// Wall time per phase of a stage, for the benchmarks: when the environment variable
/// (`ATTACHE_PLAN_TIMINGS=1`, `ATTACHE_SCAN_TIMINGS=1`) is set, each lap prints
/// `LABEL NAME SECONDS` to stderr (bench/plan.sh reads `plan-phase` lines); without it the
/// clock does nothing.
public struct PhaseClock {
    private let on: Bool
    private let label: String
    private var last = DispatchTime.now().uptimeNanoseconds

    public init(variable: String, label: String) {
        on = ProcessInfo.processInfo.environment[variable] == "1"
        self.label = label
    }

    /// Ends the phase `phase` now and starts the next.
    public mutating func lap(_ phase: String) {
        guard on else { return }
        let t = DispatchTime.now().uptimeNanoseconds
        FileHandle.standardError.write(Data("\(label) \(phase) \(String(format: "%.3f", Double(t - last) / 1e9))\n".utf8))
        last = DispatchTime.now().uptimeNanoseconds
    }
}
