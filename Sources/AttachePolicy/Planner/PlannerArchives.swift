import AttacheModel

// Step 6, archives: archived files are grouped (`archive.grouping`), filled into volumes in
// path order, and the volumes named (`archive.naming`).

extension Planner.Run {
    struct Volume {
        var segments: [String]
        var members: [Int]
    }

    /// One archive group while it is filled: its sanitised folder segments, its volumes
    /// (file indices) and the bytes in the last one.
    struct Bucket {
        var group: [String]
        var volumes: [[Int]]
        var bytes: Int64
    }

    /// Archive volumes: files grouped by `archive.grouping`, in path order; a new volume when
    /// the next file would take it over the volume size (or the target's max file size,
    /// whichever is smaller). A file larger than that gets a volume of its own.
    mutating func planVolumes(_ archived: [Int], namer: Namer, cache: inout FolderCache) -> [Volume] {
        guard !archived.isEmpty else { return [] }
        let settings = policy.archive
        let grouping = Template(settings.grouping)
        let naming = Template(settings.naming, archiveNaming: true)
        if !grouping.unknown.isEmpty {
            pathWarnings.append("archive grouping '\(settings.grouping)': unknown placeholder "
                                + grouping.unknown.map { "{\($0)}" }.joined(separator: ", ") + " left as text")
        }
        if !naming.unknown.isEmpty {
            pathWarnings.append("archive naming '\(settings.naming)': unknown placeholder "
                                + naming.unknown.map { "{\($0)}" }.joined(separator: ", ") + " left as text")
        }
        let buckets = fillVolumes(archived, grouping: grouping, byGroup: naming.uses(.group), namer: namer, cache: &cache)
        return nameVolumes(buckets, naming: naming, namer: namer, cache: &cache)
    }

    /// The largest volume: the smaller of the volume size and the target's max file size.
    var volumeCapacity: Int64? {
        switch (policy.archive.volumeSize?.value, policy.target.maxFileSize?.value) {
        case (let v?, let m?): return Swift.min(v, m)
        case (let v?, nil): return v
        case (nil, let m?): return m
        case (nil, nil): return nil
        }
    }

    /// The archived files in their groups (one group when the naming has no `{group}`) and
    /// volumes, with notes on files too large for a volume or for the target.
    mutating func fillVolumes(_ archived: [Int], grouping: Template, byGroup: Bool, namer: Namer,
                              cache: inout FolderCache) -> [Bucket] {
        let capacity = volumeCapacity
        var buckets: [Bucket] = []
        var bucketOf: [String: Int] = [:]
        var oversized = 0
        for i in archived {
            let size = files[i].size
            var escaped = false
            let raw = grouping.render { Planner.layoutValue($0, files, i, &escaped) }
            var ignored = NameIssues()
            let group = sanitizedGroup(raw, namer: namer, cache: &cache, issues: &ignored)
            let key = byGroup ? (namer.caseInsensitive ? group.joined(separator: "/").lowercased() : group.joined(separator: "/")) : ""
            let b: Int
            if let existing = bucketOf[key] { b = existing } else {
                b = buckets.count
                bucketOf[key] = b
                buckets.append(Bucket(group: group, volumes: [[]], bytes: 0))
            }
            if let capacity, !buckets[b].volumes[buckets[b].volumes.count - 1].isEmpty, buckets[b].bytes + size > capacity {
                buckets[b].volumes.append([])
                buckets[b].bytes = 0
            }
            buckets[b].volumes[buckets[b].volumes.count - 1].append(i)
            buckets[b].bytes += size
            if let capacity, size > capacity {
                slots[i].notes.append("larger than the archive volume size (\(Phrase.bytes(size)) > \(Phrase.bytes(capacity))): "
                                      + "it fills a volume of its own")
                // Nothing else joins its volume.
                buckets[b].bytes = capacity
            }
            if let max = policy.target.maxFileSize?.value, size > max {
                slots[i].notes.append("its archive volume may exceed the target's max file size (\(Phrase.bytes(max))) unless it compresses — review it")
                oversized += 1
            }
        }
        if oversized > 0 {
            pathWarnings.append("\(Phrase.count(oversized, "archived file is", "archived files are")) larger than the target's max file size; "
                                + "their archive volumes fit only if they compress — see their notes")
        }
        return buckets
    }

    /// Each volume's path: the naming rendered with its group and number, sanitised, with the
    /// format's extension.
    func nameVolumes(_ buckets: [Bucket], naming: Template, namer: Namer, cache: inout FolderCache) -> [Volume] {
        let ext = policy.archive.format.rawValue
        var out: [Volume] = []
        for bucket in buckets {
            for (v, members) in bucket.volumes.enumerated() {
                let number = Planner.volumeNumber(v + 1)
                var raw = naming.render { field in
                    switch field {
                    case .group: return .components(bucket.group)
                    case .volume: return .single(number)
                    default: return .single("")
                    }
                }
                if raw.isEmpty { raw = ["archive"] }
                if !naming.uses(.volume) && v > 0 { raw[raw.count - 1] += "-" + number }
                var ignored = NameIssues()
                let reserve = ext.utf16.count + 1
                var segs = sanitized(raw, namer: namer, cache: &cache, issues: &ignored, reserveOnLast: reserve)
                if namer.rename, let fitted = namer.fit(segs, reserve: reserve), !fitted.note.isEmpty { segs = fitted.segments }
                segs[segs.count - 1] += "." + ext
                out.append(Volume(segments: segs, members: members))
            }
        }
        return out
    }

    func sanitizedGroup(_ raw: [String], namer: Namer, cache: inout FolderCache, issues: inout NameIssues) -> [String] {
        var out: [String] = []
        for r in raw {
            if let hit = cache[Array(r.utf8)] { out.append(hit.0); continue }
            let v = namer.sanitize(r)
            cache[Array(r.utf8)] = v
            out.append(v.0)
        }
        return out
    }
}

