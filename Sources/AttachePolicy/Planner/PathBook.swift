import AttacheModel

/// Texts the planner makes one of per kept file (target paths, archive volume paths), kept as
/// their UTF-8 bytes in 1 MiB pages and named by a number. A native `String` of a 60-byte path
/// is a heap object of 96 bytes; here it costs its bytes and 8 bytes of place, so ten million
/// kept paths take about 680 MB instead of 1.1 GB. Pages are filled in order and never move,
/// so the book never copies what it holds to grow. Texts come in as `String`s and go out as
/// the same `String`s, byte for byte.
struct PathBook: Sendable {
    static let pageSize = 1 << 20
    /// The size of the pages this book fills (a book of one small text needs no 1 MiB page).
    private let fill: Int

    init(pageSize: Int = PathBook.pageSize) { fill = Swift.max(1, Swift.min(pageSize, PathBook.pageSize)) }

    /// A text's place: page (24 bits), start (20 bits), count (20 bits); a text of a page or
    /// more has a page of its own and the count `ownPage`. A derived text (a prefix and a source
    /// path of `tails`) has the count `derivedMark`, its source path's number in bits 20–50 and
    /// its prefix's in bits 51–63.
    private static let ownPage: UInt64 = (1 << 20) - 1
    private static let derivedMark: UInt64 = (1 << 20) - 2
    static let maximumPrefixes = 1 << 13

    /// The source paths derived texts end with (nil: this book derives none).
    var tails: PlanPathStore?
    private var prefixes: [[UInt8]] = []
    private var prefixNumbers: [[UInt8]: Int] = [:]

    private var pages: [[UInt8]] = []
    private var places: [UInt64] = []
    /// The page being filled (-1: none yet).
    private var open = -1

    /// The number of texts (the next text's number).
    var count: Int { places.count }

    mutating func reserve(_ texts: Int) { places.reserveCapacity(texts) }

    /// Adds a text; returns its number.
    @discardableResult
    mutating func append(_ text: String) -> Int32 {
        var text = text
        return text.withUTF8 { append(bytes: $0) }
    }

    /// Adds a text given as its UTF-8 bytes; returns its number.
    @discardableResult
    mutating func append(bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let n = bytes.count
        let id = Int32(places.count)
        if UInt64(n) >= Self.derivedMark {
            pages.append(Array(bytes))
            places.append(UInt64(pages.count - 1) << 40 | Self.ownPage)
            return id
        }
        if open < 0 || pages[open].count + n > fill {
            var page: [UInt8] = []
            page.reserveCapacity(Swift.max(fill, n))
            pages.append(page)
            open = pages.count - 1
        }
        let p = open
        let start = pages[p].count
        pages[p].append(contentsOf: bytes)
        places.append(UInt64(p) << 40 | UInt64(start) << 20 | UInt64(n))
        return id
    }

    /// Adds the text `prefix` followed by source path `path` of ``tails`` without copying the
    /// source path (a layout that keeps the legacy path, `{root}/{relpath}`, makes most kept
    /// paths so); nil when the book has no tails or already knows ``maximumPrefixes`` prefixes.
    mutating func appendDerived(prefix: UnsafeBufferPointer<UInt8>, path: Int32) -> Int32? {
        guard tails != nil, path >= 0 else { return nil }
        let key = Array(prefix)
        let number: Int
        if let known = prefixNumbers[key] {
            number = known
        } else {
            guard prefixes.count < Self.maximumPrefixes else { return nil }
            number = prefixes.count
            prefixes.append(key)
            prefixNumbers[key] = number
        }
        let id = Int32(places.count)
        places.append(UInt64(number) << 51 | UInt64(UInt32(path)) << 20 | Self.derivedMark)
        return id
    }

    /// Text `id`'s bytes.
    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let place = places[Int(id)]
        let n = place & Self.ownPage
        if n == Self.derivedMark, let tails {
            var whole = prefixes[Int(place >> 51)]
            tails.withBytes(Int32(truncatingIfNeeded: place >> 20 & 0x7FFF_FFFF)) { whole.append(contentsOf: $0) }
            return try whole.withUnsafeBufferPointer(body)
        }
        let page = Int(place >> 40)
        return try pages[page].withUnsafeBufferPointer { all in
            if n == Self.ownPage { return try body(all) }
            let start = Int(place >> 20 & Self.ownPage)
            return try body(UnsafeBufferPointer(rebasing: all[start..<start + Int(n)]))
        }
    }

    /// Text `id` (nil for a negative number: no text).
    func text(_ id: Int32) -> String? {
        id < 0 ? nil : withBytes(id) { String(decoding: $0, as: UTF8.self) }
    }

    /// Text `id`, which must exist.
    func string(_ id: Int32) -> String { withBytes(id) { String(decoding: $0, as: UTF8.self) } }
}

/// The source paths of the files a plan is made from, as bytes in a ``PathBook``: one store
/// for all the files the plan stage reads (a `PlanFile` holds its path's number, not an array
/// of its own — 40-odd bytes a file less). Written only by the thread that makes the files,
/// before any of them is shared; read-only afterwards.
final class PlanPathStore: @unchecked Sendable {
    private var book: PathBook

    init(pageSize: Int = PathBook.pageSize) { book = PathBook(pageSize: pageSize) }

    /// A store of one path (a file made on its own, outside the plan stage).
    convenience init(only path: RawPath) {
        self.init(pageSize: path.bytes.count)
    }

    func append(_ path: RawPath) -> Int32 {
        path.bytes.withUnsafeBufferPointer { book.append(bytes: $0) }
    }

    func path(_ id: Int32) -> RawPath { book.withBytes(id) { RawPath(bytes: Array($0)) } }

    func withBytes<R>(_ id: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try book.withBytes(id, body)
    }
}
