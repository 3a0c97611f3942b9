import AttacheModel

// Step 6: archive volume paths for archived files, target paths for kept files. Both are
// rendered from templates, sanitised segment by segment, fitted to the path limit and made
// unique (case-insensitively when the target is): the file that sorts first (root, then path
// bytes) keeps a contested name, the others get " (2)", " (3)" before the extension. Archive
// volumes claim their names first, so a kept file never takes an archive's path.

extension Planner {
    /// Which paths are taken on the target, compared as the target compares names (as
    /// `String`s, case-folded when the target ignores case). The taken paths are texts of the
    /// run's ``PathBook``: an open-addressing table of their numbers with each key's hash, so
    /// a million kept paths cost a few bytes each here instead of a dictionary entry and a
    /// folded copy.
    struct Reservation {
        let fold: Bool
        /// Book numbers of the claimed paths (-1: empty), at most half full.
        private var table: [Int32]
        private var filled = 0
        /// Per book number: who holds it (a file index; -1: an archive volume; -2: nobody),
        /// and the hash of its key.
        private var owners: [Int32] = []
        private var hashes: [UInt32] = []
        /// Keys of every folder some planned path needs: no file may take one of these names.
        var folders: Set<String> = []
        /// Per contested path key: the next number to try.
        var nextNumber: [String: Int] = [:]

        init(fold: Bool, capacity: Int) {
            self.fold = fold
            var size = 16
            while size < capacity * 2 { size <<= 1 }
            table = [Int32](repeating: -1, count: size)
        }

        func key(_ path: String) -> String { fold ? path.lowercased() : path }

        private static func hash(_ key: String) -> UInt32 { UInt32(truncatingIfNeeded: key.hashValue) }

        /// Where `key` is in the table, or the empty place where it would go.
        private func find(_ key: String, _ h: UInt32, _ book: PathBook) -> (place: Int, id: Int32?) {
            let mask = table.count - 1
            var p = Int(h) & mask
            while true {
                let e = table[p]
                if e < 0 { return (p, nil) }
                if hashes[Int(e)] == h && self.key(book.string(e)) == key { return (p, e) }
                p = (p + 1) & mask
            }
        }

        private mutating func insert(_ id: Int32, at place: Int, owner: Int, hash h: UInt32) {
            let i = Int(id)
            if owners.count <= i {
                owners.append(contentsOf: repeatElement(-2, count: i + 1 - owners.count))
                hashes.append(contentsOf: repeatElement(0, count: i + 1 - hashes.count))
            }
            owners[i] = Int32(owner)
            hashes[i] = h
            table[place] = id
            filled += 1
            if filled * 2 > table.count { grow() }
        }

        private mutating func grow() {
            var bigger = [Int32](repeating: -1, count: table.count * 2)
            let mask = bigger.count - 1
            for e in table where e >= 0 {
                var p = Int(hashes[Int(e)]) & mask
                while bigger[p] >= 0 { p = (p + 1) & mask }
                bigger[p] = e
            }
            table = bigger
        }

        mutating func addFolders(of segments: [String]) {
            guard segments.count > 1 else { return }
            for k in stride(from: segments.count - 1, to: 0, by: -1) {
                let p = segments[0..<k].joined(separator: "/")
                if !folders.insert(key(p)).inserted { break }
            }
        }

        /// ``addFolders(of:)`` of a joined path (its segments never hold a '/': the namer
        /// replaces it in every name), deepest folder first.
        mutating func addFolders(ofPath path: String) {
            var end = path.utf8.endIndex
            while let slash = path.utf8[..<end].lastIndex(of: UInt8(ascii: "/")) {
                if !folders.insert(key(String(path[..<slash]))).inserted { break }
                end = slash
            }
        }

        /// Takes the book's text `id` for `owner` when it is free.
        mutating func claim(id: Int32, owner: Int, book: PathBook) -> Bool {
            let k = key(book.string(id))
            if folders.contains(k) { return false }
            let h = Self.hash(k)
            let (place, found) = find(k, h, book)
            if found != nil { return false }
            insert(id, at: place, owner: owner, hash: h)
            return true
        }

        /// Takes `path` for `owner` when it is free, adding it to the book; its number, or nil
        /// when it is taken.
        mutating func claim(_ path: String, owner: Int, book: inout PathBook) -> Int32? {
            let k = key(path)
            if folders.contains(k) { return nil }
            let h = Self.hash(k)
            let (place, found) = find(k, h, book)
            if found != nil { return nil }
            let id = book.append(path)
            insert(id, at: place, owner: owner, hash: h)
            return id
        }

        /// Who holds `path`: a file index, -1 for an archive volume, nil for nobody.
        func holder(_ path: String, book: PathBook) -> Int? {
            let k = key(path)
            return find(k, Self.hash(k), book).id.map { Int(owners[Int($0)]) }
        }
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
        let files = self.files, run = self
        var flagged = 0
        var round = 0
        let roundSize = Swift.max(1, minimumChunk) * Planner.chunksPerPathRound
        while round < kept.count {
            let roundEnd = Swift.min(kept.count, round + roundSize)
            let first = round
            let parts = Planner.parallelParts(roundEnd - round, minimumChunk: minimumChunk) { lo, hi -> KeptChunk in
                var cache: FolderCache = [:]
                var out = KeptChunk()
                var start = first + lo
                while start < first + hi {
                    let end = Swift.min(first + hi, start + Planner.copyWindow)
                    let local = kept[start..<end].map { files[$0] }
                    for k in local.indices {
                        let r = run.keptBase(local, k, layout: layout, namer: namer, cache: &cache)
                        out.paths.append(r.path)
                        if !r.notes.isEmpty || r.warning != nil || r.refused { out.extras.append((start + k, r)) }
                    }
                    start = end
                }
                return out
            }
            for part in parts {
                for id in 0..<Int32(part.paths.count) { part.paths.withBytes(id) { _ = paths.append(bytes: $0) } }
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
    var paths = PathBook()
    var extras: [(Int, KeptBase)] = []
}

/// Sanitised folder names by their exact bytes. Not by `String`: Swift strings that are
/// canonically equivalent (`école` composed and decomposed) are equal as dictionary keys, and
/// one folder would take the other's spelling — names are kept exactly as they are.
typealias FolderCache = [[UInt8]: (String, Planner.NameIssues)]
