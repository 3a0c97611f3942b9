import AttacheCatalog
import AttacheModel

/// The references of one source, handed out record by record while the source is read again.
///
/// References were stored in the order their records were read, so the two streams are merged
/// rather than loaded whole: a record's references are the ones at the head of the feed with
/// its position. Positions of table rows and CSV records carry an ordinal ("row 17", "record 3
/// (line 9)"): references whose record no longer comes (the source lost rows) are passed by
/// and reported as ``gone``. Text files (positions are paths) are few: their references are
/// grouped by path up front.
final class ReferenceFeed {
    private let catalog: Catalog
    private let source: String
    private let target: String
    private var page: [RewriteReference] = []
    private var index = 0
    private var lastID: Int64 = 0
    private var exhausted = false
    private var byPosition: [String: [RewriteReference]]?
    /// The ordinal of the reference at the head (parsed once a reference, not once a row).
    private var headOrdinal: (index: Int, lastID: Int64, ordinal: Int?)?
    /// References whose record was not found when the source was read again.
    private(set) var gone: [RewriteReference] = []

    init(catalog: Catalog, source: String, target: String, groupedByPosition: Bool) throws {
        // A connection of the feed's own: its pages are read while the audit is written.
        self.catalog = try catalog.readOnlyConnection()
        self.source = source
        self.target = target
        if groupedByPosition {
            var all: [String: [RewriteReference]] = [:]
            while let r = try next() { all[r.recordPosition, default: []].append(r) }
            byPosition = all
        }
    }

    /// The record's references (empty for most records).
    func take(position: String) throws -> [RewriteReference] {
        if byPosition != nil { return byPosition!.removeValue(forKey: position) ?? [] }
        let ordinal = Self.ordinal(position)
        var taken: [RewriteReference] = []
        while let head = try peek() {
            if head.recordPosition == position {
                taken.append(head); index += 1
            } else if let o = ordinal, let h = head.ordinal, h < o {
                gone.append(head); index += 1
            } else {
                break
            }
        }
        return taken
    }

    /// Whether the record with this ordinal ("row N") may have references: false when the next
    /// reference belongs to a later record (then it need not even be decoded).
    func mayHaveReferences(ordinal: Int) throws -> Bool {
        guard byPosition == nil, let head = try peek() else { return true }
        if headOrdinal == nil || headOrdinal!.index != index || headOrdinal!.lastID != head.id {
            headOrdinal = (index, head.id, head.ordinal)
        }
        guard let h = headOrdinal!.ordinal else { return true }
        return h <= ordinal
    }

    /// After the source was read: every reference never handed out.
    func remaining() throws -> [RewriteReference] {
        var rest = gone
        if let byPosition {
            rest += byPosition.values.flatMap { $0 }.sorted { $0.id < $1.id }
            self.byPosition = [:]
        }
        while let r = try next() { rest.append(r) }
        gone = []
        return rest
    }

    /// Every reference, in order, without reading the source (for a source that cannot be
    /// written back: its references are only audited).
    func forEach(_ body: (RewriteReference) throws -> Void) throws {
        while let r = try next() { try body(r) }
    }

    private func peek() throws -> RewriteReference? {
        if index >= page.count {
            guard try fill() else { return nil }
        }
        return page[index]
    }

    private func next() throws -> RewriteReference? {
        guard let r = try peek() else { return nil }
        index += 1
        return r
    }

    /// The next page, read on a thread of its own while this one is used.
    private var prefetch: BackgroundJob<[RewriteReference], CatalogError>?

    private func fill() throws -> Bool {
        guard !exhausted else { return false }
        if let p = prefetch {
            page = try p.wait()
            prefetch = nil
        } else {
            page = try catalog.rewriteReferences(source: source, target: target, after: lastID, limit: Self.pageSize)
        }
        index = 0
        if page.count < Self.pageSize { exhausted = true }
        guard let last = page.last else { return false }
        lastID = last.id
        if !exhausted {
            let (catalog, source, target, after) = (self.catalog, self.source, self.target, last.id)
            prefetch = BackgroundJob(name: "attache-refs-page") { () throws(CatalogError) in
                try catalog.rewriteReferences(source: source, target: target, after: after, limit: Self.pageSize)
            }
        }
        return true
    }

    static let pageSize = 4096

    /// The N of "row N" and "record N (line L)" (UTF-8 digits, no String slicing: once a record).
    static func ordinal(_ position: String) -> Int? {
        var position = position
        return position.withUTF8 { b -> Int? in
            // "row " or "record ", then digits up to a space or the end.
            var i: Int
            if b.count > 4, b[0] == 0x72, b[1] == 0x6F, b[2] == 0x77, b[3] == 0x20 { i = 4 }
            else if b.count > 7, b[0] == 0x72, b[1] == 0x65, b[2] == 0x63, b[3] == 0x6F, b[4] == 0x72, b[5] == 0x64, b[6] == 0x20 { i = 7 }
            else { return nil }
            var n = 0, digits = 0
            while i < b.count, b[i] != 0x20 {
                guard b[i] >= 0x30 && b[i] <= 0x39, digits < 18 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
                digits += 1
                i += 1
            }
            return digits > 0 ? n : nil
        }
    }
}

extension RewriteReference {
    /// The record's ordinal (``ReferenceFeed/ordinal(_:)``).
    var ordinal: Int? { ReferenceFeed.ordinal(recordPosition) }
}
