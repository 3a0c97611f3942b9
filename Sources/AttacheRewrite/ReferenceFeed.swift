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
    /// References whose record was not found when the source was read again.
    private(set) var gone: [RewriteReference] = []

    init(catalog: Catalog, source: String, target: String, groupedByPosition: Bool) throws {
        self.catalog = catalog
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
            } else if let o = ordinal, let h = Self.ordinal(head.recordPosition), h < o {
                gone.append(head); index += 1
            } else {
                break
            }
        }
        return taken
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

    private func fill() throws -> Bool {
        guard !exhausted else { return false }
        page = try catalog.rewriteReferences(source: source, target: target, after: lastID)
        index = 0
        if page.count < 4096 { exhausted = true }
        guard let last = page.last else { return false }
        lastID = last.id
        return true
    }

    /// The N of "row N" and "record N (line L)".
    static func ordinal(_ position: String) -> Int? {
        let digits: Substring
        if position.hasPrefix("row ") { digits = position.dropFirst(4) }
        else if position.hasPrefix("record ") { digits = position.dropFirst(7).prefix { $0 != " " } }
        else { return nil }
        return Int(digits)
    }
}
