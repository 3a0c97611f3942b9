import AttacheModel

// Step 6's bookkeeping of taken target paths (PlannerPaths.swift settles who gets which).

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
}
