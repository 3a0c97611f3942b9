import AttacheModel

// The summary's archive estimate: how much room the archives will take on the target, from
// each category's sampled compression ratio (Documentation/Policy.md, "How big archives get").

extension Planner.Run {
    /// What the archives are estimated to take, once volumes are known.
    struct ArchiveEstimate {
        /// Every volume: each content once (the archive writer stores identical content once),
        /// plus the overhead of every member.
        var total: Int64 = 0
        /// The archives no later step may undo (every member counted on its own).
        var pinned: Int64 = 0
        /// The ratios used, by category raw value.
        var ratios: [String: Double] = [:]
    }

    /// Sums the estimate over the archived files. Runs after the paths are assigned: two
    /// copies of one content cost one compressed content only when they share a volume.
    func archiveEstimate() -> ArchiveEstimate {
        var e = ArchiveEstimate()
        // Content groups already counted, per volume (its path's number in the book).
        var stored: [Int32: Set<Int32>] = [:]
        for i in files.indices where slots[i].action == .archive {
            let s = slots[i]
            let category = files[i].category ?? .unknown
            e.ratios[category.rawValue] = ratio(i)
            e.total += Planner.archiveMemberOverhead
            let g = contentGroup[i]
            if g < 0 || stored[s.archive, default: []].insert(g).inserted { e.total += compressedSize(i) }
            if s.stage != .overflow { e.pinned += archiveCost(i) }
        }
        return e
    }

    /// Fills the summary's estimate, landing bytes and feasibility, and says why a plan does
    /// not fit: the must-keep files alone, with the archives the rules make, or after overflow.
    mutating func settleQuota(_ summary: inout PlanSummary) {
        let e = archiveEstimate()
        summary.archiveEstimateBytes = e.total
        summary.landingBytes = summary.keptBytes + e.total
        summary.mustArchiveEstimateBytes = e.pinned
        summary.compression = e.ratios
        guard let quota = policy.target.quota?.value, summary.landingBytes > quota else { return }
        summary.feasible = false
        let mustKeep = summary.mustKeepBytes
        if mustKeep > quota {
            quotaWarnings.append("the files the review says to keep need \(Phrase.bytes(mustKeep)), "
                                 + "\(Phrase.bytes(mustKeep - quota)) over the \(Phrase.bytes(quota)) quota")
        } else if summary.pinnedOverQuota {
            let pinned = mustKeep + e.pinned
            quotaWarnings.append("the files that must be kept (\(Phrase.bytes(mustKeep))) and the archives the rules make "
                                 + "(estimated \(Phrase.bytes(e.pinned)) compressed) need \(Phrase.bytes(pinned)), "
                                 + "\(Phrase.bytes(pinned - quota)) over the \(Phrase.bytes(quota)) quota")
        } else {
            quotaWarnings.append("what lands is estimated at \(Phrase.bytes(summary.landingBytes)) (kept files "
                                 + "\(Phrase.bytes(summary.keptBytes)), archives estimated \(Phrase.bytes(e.total)) compressed), "
                                 + "\(Phrase.bytes(summary.landingBytes - quota)) over the \(Phrase.bytes(quota)) quota even after "
                                 + "overflow: the files it could move would not take less room archived — let overflow drop "
                                 + "them (overflow action: drop), keep fewer, or raise the quota")
        }
    }
}
