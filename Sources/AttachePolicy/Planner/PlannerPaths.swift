import AttacheModel

// Step 6: archive volume paths for archived files, target paths for kept files. Both are
// rendered from templates, sanitised segment by segment, fitted to the path limit and made
// unique (case-insensitively when the target is): the file that sorts first (root, then path
// bytes) keeps a contested name, the others get " (2)", " (3)" before the extension. Archive
// volumes claim their names first, so a kept file never takes an archive's path.

extension Planner {
    /// Which paths are taken on the target, compared as the target compares names.
    struct Reservation {
        let fold: Bool
        /// Path key → who holds it: a file index, or -1 for an archive volume.
        var owners: [String: Int] = [:]
        /// Keys of every folder some planned path needs: no file may take one of these names.
        var folders: Set<String> = []
        /// Per contested path key: the next number to try.
        var nextNumber: [String: Int] = [:]

        init(fold: Bool, capacity: Int) {
            self.fold = fold
            owners.reserveCapacity(capacity)
        }

        func key(_ path: String) -> String { fold ? path.lowercased() : path }

        mutating func addFolders(of segments: [String]) {
            guard segments.count > 1 else { return }
            for k in stride(from: segments.count - 1, to: 0, by: -1) {
                let p = segments[0..<k].joined(separator: "/")
                if !folders.insert(key(p)).inserted { break }
            }
        }

        /// Takes the path for `owner` when it is free.
        mutating func claim(_ path: String, owner: Int) -> Bool {
            let k = key(path)
            if folders.contains(k) || owners[k] != nil { return false }
            owners[k] = owner
            return true
        }

        func holder(_ path: String) -> Int? { owners[key(path)] }
    }

    /// The value of a layout placeholder for one file. `escaped` is set when a name's bytes
    /// were not UTF-8.
    static func layoutValue(_ field: Template.Field, _ files: [PlanFile], _ i: Int, _ escaped: inout Bool) -> Template.Value {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        func four(_ n: Int) -> String {
            let s = String(n)
            return s.count >= 4 ? s : String(repeating: "0", count: 4 - s.count) + s
        }
        func components(dropLast: Bool) -> [String] {
            var parts = files[i].path.bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
            if dropLast && !parts.isEmpty { parts.removeLast() }
            return parts.map { part in
                let (t, e) = Planner.targetText(part)
                if e { escaped = true }
                return t
            }
        }
        func name() -> String {
            let bytes = files[i].path.bytes
            let start = (bytes.lastIndex(of: UInt8(ascii: "/")).map { $0 + 1 }) ?? 0
            let (t, e) = Planner.targetText(bytes[start...])
            if e { escaped = true }
            return t
        }
        switch field {
        case .category: return .single(files[i].category?.rawValue ?? "unknown")
        case .year: return .single(four(files[i].mtime.utc.year))
        case .month: return .single(two(files[i].mtime.utc.month))
        case .root: return .single(files[i].rootName)
        case .relpath: return .components(components(dropLast: false))
        case .dir: return .components(components(dropLast: true))
        case .name: return .single(name())
        case .stem: return .single(Planner.splitExtension(name()).stem)
        case .ext: return .single(Planner.splitExtension(name()).ext ?? "")
        case .sha256(let n): return .single(files[i].sha256.map { String($0.hex.prefix(n)) } ?? "unhashed")
        case .source: return .single(files[i].sources.first ?? "unreferenced")
        case .record(let column, let fallback): return .single(files[i].record[column] ?? fallback ?? Planner.noRecordValue)
        case .group, .volume: return .single("")
        }
    }
}

extension Planner.Run {
    typealias Namer = Planner.Namer
    typealias NameIssues = Planner.NameIssues
    typealias Template = Planner.Template

    /// Sanitised segments of a rendered template; folders go through `cache` (many files share them).
    func sanitized(_ raw: [String], namer: Namer, cache: inout FolderCache, issues: inout NameIssues,
                   reserveOnLast: Int = 0) -> [String] {
        var out: [String] = []
        out.reserveCapacity(raw.count)
        for (j, r) in raw.enumerated() {
            if j == raw.count - 1 {
                let (s, iss) = namer.sanitize(r, reserve: reserveOnLast)
                issues.merge(iss)
                out.append(s)
            } else if let hit = cache[Array(r.utf8)] {
                issues.merge(hit.1)
                out.append(hit.0)
            } else {
                let v = namer.sanitize(r)
                cache[Array(r.utf8)] = v
                issues.merge(v.1)
                out.append(v.0)
            }
        }
        return out
    }

    mutating func assignPaths() {
        let namer = Namer(limits: policy.target, rename: policy.limits.rename)
        var cache: FolderCache = [:]
        // Both lists in path order: the file that sorts first keeps a contested name.
        var keptIndices: [Int] = []
        var archivedIndices: [Int] = []
        for i in byPath {
            switch slots[i].action {
            case .keep: keptIndices.append(i)
            case .archive: archivedIndices.append(i)
            case .drop: break
            }
        }
        var reservation = Planner.Reservation(fold: namer.caseInsensitive, capacity: keptIndices.count + 16)

        // Archive volumes: grouped, split by size, named.
        let volumes = planVolumes(archivedIndices, namer: namer, cache: &cache)

        // Kept files: their base paths.
        let layout = Template(policy.layout)
        if !layout.unknown.isEmpty {
            pathWarnings.append("layout '\(policy.layout)': unknown placeholder " + layout.unknown.map { "{\($0)}" }.joined(separator: ", ")
                                + " left as text")
        }
        // Each kept file's path is rendered and sanitised on its own, so the work is shared
        // among the cores; each chunk has its own copies of its files and its own folder cache.
        let files = self.files, kept = keptIndices, run = self
        let rendered = Planner.parallelChunks(kept.count, minimumChunk: minimumChunk) { lo, hi -> [KeptBase] in
            let local = kept[lo..<hi].map { files[$0] }
            var cache: FolderCache = [:]
            var out: [KeptBase] = []
            out.reserveCapacity(hi - lo)
            for k in local.indices {
                var escaped = false
                var raw = layout.render { Planner.layoutValue($0, local, k, &escaped) }
                if raw.isEmpty {
                    if case .single(let n) = Planner.layoutValue(.name, local, k, &escaped) { raw = [n] }
                }
                var issues = NameIssues()
                issues.escaped = escaped
                var result = KeptBase(segments: run.sanitized(raw, namer: namer, cache: &cache, issues: &issues))
                result.notes = issues.notes(renamed: namer.rename, namer: namer)
                if namer.rename {
                    if let fitted = namer.fit(result.segments) {
                        if !fitted.note.isEmpty { result.notes.append(fitted.note); result.segments = fitted.segments }
                    } else {
                        result.notes.append("flagged: the path cannot be shortened to \(namer.maxPath ?? 0) characters — review it")
                        result.warning = "\(Phrase.source(local[k])) (file \(local[k].id)): its target path cannot be shortened to "
                            + "\(namer.maxPath ?? 0) characters"
                    }
                } else {
                    if let m = namer.maxPath, namer.length(result.segments) > m {
                        result.notes.append("flagged: the path is \(namer.length(result.segments)) characters, the target allows \(m)"
                                            + " — not shortened (limits.rename is off): review it")
                        issues.shortened = true
                    }
                    result.refused = issues.refused
                }
                out.append(result)
            }
            return out
        }
        var bases: [[String]] = []
        bases.reserveCapacity(kept.count)
        var flagged = 0
        for (k, i) in kept.enumerated() {
            let r = rendered[k]
            if !r.notes.isEmpty { slots[i].notes.append(contentsOf: r.notes) }
            if let w = r.warning { pathWarnings.append(w) }
            if r.refused { flagged += 1 }
            bases.append(r.segments)
        }
        if flagged > 0 {
            pathWarnings.append("\(Phrase.count(flagged, "kept file has", "kept files have")) a name or path the target refuses; "
                                + "limits.rename is off, so they are flagged, not renamed — see their notes")
        }

        // Every folder any planned path needs is taken as a folder.
        for v in volumes { reservation.addFolders(of: v.segments) }
        for segs in bases { reservation.addFolders(of: segs) }

        // Archives claim first, then kept files in path order; the losers are numbered.
        for v in volumes {
            var segs = v.segments
            var n = 2
            while !reservation.claim(segs.joined(separator: "/"), owner: -1) {
                segs = namer.numbered(v.segments, n)
                n += 1
            }
            for m in v.members { slots[m].archivePath = segs.joined(separator: "/") }
        }
        var losers: [Int] = []
        for (k, i) in keptIndices.enumerated() {
            let p = bases[k].joined(separator: "/")
            if reservation.claim(p, owner: i) { slots[i].targetPath = p } else { losers.append(k) }
        }
        for k in losers {
            let i = keptIndices[k]
            let base = bases[k]
            let basePath = base.joined(separator: "/")
            let baseKey = reservation.key(basePath)
            var n = reservation.nextNumber[baseKey] ?? 2
            var segs = namer.numbered(base, n)
            while !reservation.claim(segs.joined(separator: "/"), owner: i) {
                n += 1
                segs = namer.numbered(base, n)
            }
            reservation.nextNumber[baseKey] = n + 1
            if segs.count != base.count || segs.dropLast() != base.dropLast() { reservation.addFolders(of: segs) }
            let holder: String
            if let h = reservation.holder(basePath) {
                holder = h >= 0 ? Phrase.source(files[h]) : "an archive"
            } else {
                holder = "a folder of other files"
            }
            slots[i].notes.append("renamed: '\(basePath)' is taken by \(holder); ' (\(n))' added")
            slots[i].targetPath = segs.joined(separator: "/")
        }
    }

    struct Volume {
        var segments: [String]
        var members: [Int]
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
        let ext = settings.format.rawValue
        let capacity: Int64? = {
            switch (settings.volumeSize?.value, policy.target.maxFileSize?.value) {
            case (let v?, let m?): return Swift.min(v, m)
            case (let v?, nil): return v
            case (nil, let m?): return m
            case (nil, nil): return nil
            }
        }()
        let byGroup = naming.uses(.group)
        struct Bucket {
            var group: [String]
            var volumes: [[Int]]
            var bytes: Int64
        }
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

extension Planner {
    /// "001", "002" … "1000": volume numbers sort as text up to 999.
    static func volumeNumber(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 3 ? s : String(repeating: "0", count: 3 - s.count) + s
    }
}

/// One kept file's path as rendered and sanitised, before collisions are settled.
struct KeptBase: Sendable {
    var segments: [String]
    var notes: [String] = []
    var warning: String?
    var refused = false
}

/// Sanitised folder names by their exact bytes. Not by `String`: Swift strings that are
/// canonically equivalent (`école` composed and decomposed) are equal as dictionary keys, and
/// one folder would take the other's spelling — names are kept exactly as they are.
typealias FolderCache = [[UInt8]: (String, Planner.NameIssues)]
