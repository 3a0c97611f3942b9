/// Audit rows (``RewriteAuditEntry``) packed for the catalog's writer: the texts of every row in
/// one buffer, the numbers in another. A rewrite makes one row a reference (millions): packed
/// where the rows are made, the writer binds the texts where they lie, and a batch is freed in
/// two deallocations instead of one release per string.
public struct RewriteAuditBatch: Sendable {
    /// The texts of every row, one after the other (UTF-8).
    private var bytes: [UInt8] = []
    /// Per row, for each of ``textParameters``: the text's start in `bytes` and its length (-1: NULL).
    private var texts: [Int32] = []
    /// Per row, for each of ``intParameters``: the value (`Int64.min`: NULL).
    private var ints: [Int64] = []
    /// Rows in the batch.
    public private(set) var count = 0

    /// The INSERT's parameters of the texts: source, record_key, record_position, record_id,
    /// column_name, outcome, before, after, location, detail.
    static let textParameters: [Int32] = [2, 4, 5, 6, 7, 8, 11, 12, 14, 15]
    /// The INSERT's parameters of the numbers: ref_id, span_start, span_end, file_id.
    static let intParameters: [Int32] = [3, 9, 10, 13]

    public init() {}

    /// An empty batch with room for `rows` rows of about `bytesPerRow` bytes of text (a batch
    /// filled again and again then grows no more).
    public init(reservingRows rows: Int, bytesPerRow: Int = 256) {
        bytes.reserveCapacity(rows * bytesPerRow)
        texts.reserveCapacity(rows * Self.textParameters.count * 2)
        ints.reserveCapacity(rows * Self.intParameters.count)
    }

    public var isEmpty: Bool { count == 0 }

    /// Adds a row.
    public mutating func append(_ e: RewriteAuditEntry) {
        text(e.source); text(e.recordKey); text(e.recordPosition); text(e.recordID); text(e.column)
        text(e.outcome.rawValue); text(e.before); text(e.after); text(e.location); text(e.detail)
        int(e.refID); int(e.spanStart.map(Int64.init)); int(e.spanEnd.map(Int64.init)); int(e.fileID)
        count += 1
    }

    /// Empties the batch, keeping its capacity.
    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        texts.removeAll(keepingCapacity: true)
        ints.removeAll(keepingCapacity: true)
        count = 0
    }

    private mutating func text(_ value: String?) {
        guard var value else {
            texts.append(0); texts.append(-1)
            return
        }
        let start = bytes.count
        value.withUTF8 { bytes.append(contentsOf: $0) }
        texts.append(Int32(start)); texts.append(Int32(bytes.count - start))
    }

    private mutating func int(_ value: Int64?) { ints.append(value ?? .min) }

    /// Calls `body` for each row with accessors for its fields (by index in ``textParameters``
    /// and ``intParameters``); the text pointers are valid during the call.
    func withRows(_ body: (Int, (Int, Int) -> (UnsafePointer<CChar>, Int32)?, (Int, Int) -> Int64?) throws -> Void) rethrows {
        let textCount = Self.textParameters.count, intCount = Self.intParameters.count
        // A non-NULL pointer even when every text is empty: an empty text is '', not NULL.
        let buffer = bytes.isEmpty ? [0] : bytes
        try buffer.withUnsafeBufferPointer { b in
            let base = UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self)
            try texts.withUnsafeBufferPointer { t in
                try ints.withUnsafeBufferPointer { n in
                    for row in 0..<count {
                        try body(row, { row, field in
                            let i = (row * textCount + field) * 2
                            return t[i + 1] < 0 ? nil : (base + Int(t[i]), t[i + 1])
                        }, { row, field in
                            let v = n[row * intCount + field]
                            return v == .min ? nil : v
                        })
                    }
                }
            }
        }
    }
}
