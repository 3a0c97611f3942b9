import AttacheModel
import AttacheSystem
import Dispatch

/// The plan stage's compression sample: a few files of each category compressed in the
/// policy's archive format, so the planner can estimate what archives will take on the
/// target (Documentation/Policy.md, "How big archives get"). The planner stays pure: it gets
/// the ratios as an input.
enum PlanSampling {
    /// At most this many files of each category…
    static let filesPerCategory = 12
    /// … and this many bytes read (at most ``CompressionSample/defaultMaxBytesPerFile`` of each file).
    static let bytesPerCategory: Int64 = 24 << 20

    /// Whether the plan can archive anything, or a quota makes archive sizes matter: only then
    /// is there something to sample. A drop can turn into an archive (a file records point at),
    /// so anything but "keep everything, no size limit, no quota" samples.
    static func needed(policy: Policy, overrides: [Override]) -> Bool {
        policy.target.quota != nil || policy.target.maxFileSize != nil || policy.defaultAction != .keep
            || policy.rules.contains { $0.action != .keep } || overrides.contains { $0.action != .keep }
    }

    /// The files each category is sampled with: readable (status ok), not empty, hashed, one
    /// per content, the first in content-hash order (spread over the share, and the same
    /// files every time), up to the limits above.
    static func choose(_ files: [PlanFile]) -> [Category: [PlanFile]] {
        // The smallest hashes per category, kept sorted: a bounded insertion per file, no full sort.
        var chosen: [Category: [(hash: Digest256, index: Int)]] = [:]
        for (i, f) in files.enumerated() where f.status == .ok && f.size > 0 {
            guard let h = f.digest else { continue }
            let c = f.category ?? .unknown
            var list = chosen[c, default: []]
            if list.count == filesPerCategory, let last = list.last, !(h < last.hash) { continue }
            if list.contains(where: { $0.hash == h }) { continue }
            let at = list.firstIndex { h < $0.hash } ?? list.count
            list.insert((h, i), at: at)
            if list.count > filesPerCategory { list.removeLast() }
            chosen[c] = list
        }
        var out: [Category: [PlanFile]] = [:]
        for (c, list) in chosen {
            var bytes: Int64 = 0
            var picked: [PlanFile] = []
            for entry in list where bytes < bytesPerCategory {
                let f = files[entry.index]
                picked.append(f)
                bytes += Swift.min(f.size, Int64(CompressionSample.defaultMaxBytesPerFile))
            }
            out[c] = picked
        }
        return out
    }

    /// Each sampled category's ratio (output / input, clamped to ``Planner/compressionRange``,
    /// rounded to 3 decimals as the summary stores it); a category with nothing readable
    /// gets 1.0. Categories are compressed side by side.
    static func ratios(_ files: [PlanFile], format: ArchiveSettings.Format) -> [Category: Double] {
        let samples = choose(files).sorted { $0.key < $1.key }
        let archiveFormat: ArchiveFormat = switch format {
        case .tarZst: .tarZstd
        case .tarGz: .tarGzip
        case .zip: .zip
        }
        let results = UnsafeResults(count: samples.count)
        DispatchQueue.concurrentPerform(iterations: samples.count) { k in
            let items = samples[k].value.map {
                CompressionSample.Item(path: RawPath($0.root).appending($0.path), expectedSize: $0.size)
            }
            results.set(k, CompressionSample.measure(items, format: archiveFormat).ratio)
        }
        var out: [Category: Double] = [:]
        for (k, sample) in samples.enumerated() {
            let r = results.get(k) ?? 1
            let clamped = Swift.min(Swift.max(r, Planner.compressionRange.lowerBound), Planner.compressionRange.upperBound)
            out[sample.key] = (clamped * 1_000).rounded() / 1_000
        }
        return out
    }
}

/// One slot per category, each written by one thread.
private final class UnsafeResults: @unchecked Sendable {
    private let values: UnsafeMutableBufferPointer<Double?>
    init(count: Int) { values = .allocate(capacity: count); values.initialize(repeating: nil) }
    deinit { values.deallocate() }
    func set(_ k: Int, _ v: Double?) { values[k] = v }
    func get(_ k: Int) -> Double? { values[k] }
}
