import AttacheModel

// Step 6: archive volume paths for archived files, target paths for kept files. Both are
// rendered from templates, sanitised segment by segment, fitted to the path limit and made
// unique (case-insensitively when the target is): the file that sorts first (root, then path
// bytes) keeps a contested name, the others get " (2)", " (3)" before the extension. Archive
// volumes claim their names first, so a kept file never takes an archive's path.

extension Planner {
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

    /// Step 6: archives get their volume paths, kept files their sanitised, unique target paths.
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
        let volumes = planVolumes(archivedIndices, namer: namer, cache: &cache)
        paths = PathBook()
        paths.reserve(keptIndices.count + volumes.count + 16)
        // Files read together share one store of source paths: kept paths that end with their
        // source path then hold only their prefix and the source path's number.
        if let store = files.first?.facets.store, files.allSatisfy({ $0.facets.store === store }) { paths.tails = store }
        keptBases(keptIndices, namer: namer)
        claimPaths(volumes: volumes, kept: keptIndices, namer: namer)
    }

    /// Each kept file's path before collisions — the layout rendered and sanitised, with the
    /// notes and warnings that says about it — as texts `0..<kept.count` of the run's book
    /// (one text a file, which becomes its target path when nothing else claims it).
    mutating func keptBases(_ kept: [Int], namer: Namer) {
        let layout = Template(policy.layout)
        if !layout.unknown.isEmpty {
            pathWarnings.append("layout '\(policy.layout)': unknown placeholder " + layout.unknown.map { "{\($0)}" }.joined(separator: ", ")
                                + " left as text")
        }
        // Each kept file's path is rendered and sanitised on its own, so the work is shared
        // among the cores, a round of files at a time: each chunk has its own copies of its
        // files (a window at a time), its own folder cache and its own small book, which go
        // into the run's book in order before the next round.
        let files = self.files, run = self, derive = paths.tails != nil
        var flagged = 0
        var round = 0
        let roundSize = Swift.max(1, minimumChunk) * Planner.chunksPerPathRound
        while round < kept.count {
            let roundEnd = Swift.min(kept.count, round + roundSize)
            let first = round
            let parts = Planner.parallelParts(roundEnd - round, minimumChunk: minimumChunk) { lo, hi -> KeptChunk in
                var cache: FolderCache = [:]
                var out = KeptChunk(first: first + lo)
                var start = first + lo
                while start < first + hi {
                    let end = Swift.min(first + hi, start + Planner.copyWindow)
                    let local = kept[start..<end].map { files[$0] }
                    for k in local.indices {
                        let r = run.keptBase(local, k, layout: layout, namer: namer, cache: &cache)
                        if derive, let cut = Planner.sourceTail(r.path, local[k]) {
                            var text = r.path
                            text.withUTF8 { _ = out.paths.append(bytes: UnsafeBufferPointer(rebasing: $0[0..<cut])) }
                            out.derived.append(true)
                        } else {
                            out.paths.append(r.path)
                            out.derived.append(false)
                        }
                        if !r.notes.isEmpty || r.warning != nil || r.refused { out.extras.append((start + k, r)) }
                    }
                    start = end
                }
                return out
            }
            for part in parts {
                for j in 0..<part.paths.count {
                    let id = Int32(j)
                    guard part.derived[j] else { part.paths.withBytes(id) { _ = paths.append(bytes: $0) }; continue }
                    let file = files[kept[part.first + j]]
                    if part.paths.withBytes(id, { paths.appendDerived(prefix: $0, path: file.pathID) }) == nil {
                        var whole = part.paths.withBytes(id) { Array($0) }
                        file.withPathBytes { whole.append(contentsOf: $0) }
                        whole.withUnsafeBufferPointer { _ = paths.append(bytes: $0) }
                    }
                }
                for (k, r) in part.extras {
                    if !r.notes.isEmpty { slots[kept[k]].notes.append(contentsOf: r.notes) }
                    if let w = r.warning { pathWarnings.append(w) }
                    if r.refused { flagged += 1 }
                }
            }
            round = roundEnd
        }
        if flagged > 0 {
            pathWarnings.append("\(Phrase.count(flagged, "kept file has", "kept files have")) a name or path the target refuses; "
                                + "limits.rename is off, so they are flagged, not renamed — see their notes")
        }
    }

    /// One kept file's rendered, sanitised and (when renaming is on) shortened path.
    func keptBase(_ local: [PlanFile], _ k: Int, layout: Template, namer: Namer, cache: inout FolderCache) -> KeptBase {
        var escaped = false
        var raw = layout.render { Planner.layoutValue($0, local, k, &escaped) }
        if raw.isEmpty {
            if case .single(let n) = Planner.layoutValue(.name, local, k, &escaped) { raw = [n] }
        }
        var issues = NameIssues()
        issues.escaped = escaped
        var result = KeptBase(segments: sanitized(raw, namer: namer, cache: &cache, issues: &issues))
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
        result.path = result.segments.joined(separator: "/")
        result.segments = []
        return result
    }

    /// The first free numbered path for `base`, from number `start` on. Where the target's limits
    /// leave no room for the number (every number gives the same name: `max_name_length: 1`),
    /// ` (n)` is added to the name as it is, past the limits, instead of trying forever (the
    /// layout fuzzer found the endless loop).
    static func claimNumbered(_ base: [String], from start: Int, owner: Int, namer: Namer, reservation: inout Planner.Reservation,
                              book: inout PathBook) -> (segments: [String], id: Int32, n: Int, overLimits: Bool) {
        var n = start
        var tried = Set<[String]>()
        var within = true
        while true {
            var segs = namer.numbered(base, n)
            if !within || !tried.insert(segs).inserted {
                within = false
                segs = base
                if let last = base.last { segs[segs.count - 1] = last + " (\(n))" } else { segs = [" (\(n))"] }
            }
            if let id = reservation.claim(segs.joined(separator: "/"), owner: owner, book: &book) { return (segs, id, n, !within) }
            n += 1
        }
    }

    /// Every folder any planned path needs is taken as a folder; then archives claim their
    /// paths, then kept files in path order (text `k` of the book is kept file `k`'s path
    /// before collisions); the losers are numbered.
    mutating func claimPaths(volumes: [Volume], kept keptIndices: [Int], namer: Namer) {
        var reservation = Planner.Reservation(fold: namer.caseInsensitive, capacity: keptIndices.count + volumes.count + 16)
        for v in volumes { reservation.addFolders(of: v.segments) }
        for k in keptIndices.indices { reservation.addFolders(ofPath: paths.string(Int32(k))) }
        for v in volumes {
            var id = reservation.claim(v.segments.joined(separator: "/"), owner: -1, book: &paths)
            if id == nil {
                id = Self.claimNumbered(v.segments, from: 2, owner: -1, namer: namer, reservation: &reservation, book: &paths).id
            }
            for m in v.members { slots[m].archive = id! }
        }
        var losers: [Int] = []
        for (k, i) in keptIndices.enumerated() {
            if reservation.claim(id: Int32(k), owner: i, book: paths) { slots[i].target = Int32(k) } else { losers.append(k) }
        }
        for k in losers {
            let i = keptIndices[k]
            let basePath = paths.string(Int32(k))
            let base = basePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            let baseKey = reservation.key(basePath)
            let (segs, id, n, overLimits) = Self.claimNumbered(base, from: reservation.nextNumber[baseKey] ?? 2, owner: i, namer: namer,
                                                                  reservation: &reservation, book: &paths)
            reservation.nextNumber[baseKey] = n + 1
            if overLimits {
                slots[i].notes.append("flagged: the target's name and path limits leave no room for a number; ' (\(n))' added "
                                      + "past them — review it")
            }
            if segs.count != base.count || segs.dropLast() != base.dropLast() { reservation.addFolders(of: segs) }
            // Its note is written when its decision is made (a layout can rename most files).
            let holder = reservation.holder(basePath, book: paths).map { Int32($0) } ?? Planner.Rename.folder
            renames[Int32(i)] = Planner.Rename(base: Int32(k), holder: holder, number: Int32(clamping: n))
            slots[i].target = id
        }
    }
}

extension Planner {
    /// Where `path` (a rendered kept path) ends with the file's source path, on a '/' or as a
    /// whole: the length of what comes before it; nil when it does not.
    static func sourceTail(_ path: String, _ file: PlanFile) -> Int? {
        var path = path
        return path.withUTF8 { t in
            file.withPathBytes { s -> Int? in
                guard !s.isEmpty, t.count >= s.count else { return nil }
                let cut = t.count - s.count
                guard cut == 0 || t[cut - 1] == UInt8(ascii: "/") else { return nil }
                return UnsafeBufferPointer(rebasing: t[cut...]).elementsEqual(s) ? cut : nil
            }
        }
    }

    /// "001", "002" … "1000": volume numbers sort as text up to 999.
    static func volumeNumber(_ n: Int) -> String {
        let s = String(n)
        return s.count >= 3 ? s : String(repeating: "0", count: 3 - s.count) + s
    }
}

/// One kept file's path as rendered and sanitised, before collisions are settled.
struct KeptBase: Sendable {
    /// The segments while the path is made; `path` joins them when it is done.
    var segments: [String]
    var path = ""
    var notes: [String] = []
    var warning: String?
    var refused = false
}

/// One chunk of a round of kept paths: the paths in order, and the few that come with notes,
/// a warning or a refusal (by their place in the kept list).
struct KeptChunk: Sendable {
    /// The place in the kept list of its first file.
    var first: Int
    /// Each file's path, or only its prefix when `derived`: the path is that prefix and the
    /// file's source path.
    var paths = PathBook()
    var derived: [Bool] = []
    var extras: [(Int, KeptBase)] = []
}

/// Sanitised folder names by their exact bytes. Not by `String`: Swift strings that are
/// canonically equivalent (`école` composed and decomposed) are equal as dictionary keys, and
/// one folder would take the other's spelling — names are kept exactly as they are.
typealias FolderCache = [[UInt8]: (String, Planner.NameIssues)]
