import Foundation
import GRDBSQLite
import Testing
@testable import AttacheRecords

/// Fixtures for the record-source tests: scratch folders, SQLite databases built with the C
/// API, files written byte for byte, and a fingerprint (SHA-256, mtime, sibling files) to
/// prove a source changed nothing.
enum SourceFixture {
    /// A new empty folder under the system temporary folder.
    static func folder() -> String {
        var template = Array((NSTemporaryDirectory() + "/attache-sources-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func remove(_ path: String) { try? FileManager.default.removeItem(atPath: path) }

    static func write(_ path: String, _ bytes: [UInt8]) {
        let dir = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: path, contents: Data(bytes)), "cannot write \(path)")
    }

    static func write(_ path: String, _ text: String) { write(path, Array(text.utf8)) }

    /// Creates (or opens) a database read-write and runs `sql` (several statements allowed).
    static func sqlite(_ path: String, _ sql: String) {
        var db: OpaquePointer?
        precondition(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK)
        defer { sqlite3_close_v2(db) }
        var error: UnsafeMutablePointer<CChar>?
        if sqlite3_exec(db, sql, nil, nil, &error) != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            preconditionFailure("fixture SQL failed: \(message)")
        }
    }

    /// A read-write connection kept open by the caller (to hold a WAL log open).
    static func openWriter(_ path: String) -> OpaquePointer {
        var db: OpaquePointer?
        precondition(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK)
        return db!
    }

    static func exec(_ db: OpaquePointer, _ sql: String) {
        precondition(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, String(cString: sqlite3_errmsg(db)))
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// What must not change when a source reads a database: its bytes, its mtime, and which of
    /// its -wal, -shm and -journal companions exist (with their bytes).
    struct Fingerprint: Equatable, CustomStringConvertible {
        var sha256: String
        var mtime: String
        var companions: [String: String]
        var description: String { "\(sha256.prefix(12)) @\(mtime) \(companions.keys.sorted())" }
    }

    static func fingerprint(_ path: String) -> Fingerprint {
        var st = stat()
        precondition(stat(path, &st) == 0)
        var companions: [String: String] = [:]
        for suffix in ["-wal", "-shm", "-journal"] where exists(path + suffix) {
            companions[suffix] = suffix == "-shm" ? "present" : sha256(file: path + suffix)
        }
        return Fingerprint(sha256: sha256(file: path), mtime: "\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)",
                           companions: companions)
    }

    static func sha256(file: String) -> String {
        let data = FileManager.default.contents(atPath: file) ?? Data()
        return SourceSHA256.hex(Array(data))
    }

    /// Everything a source yields.
    struct Reading {
        var records: [SourceRecord] = []
        var problems: [SourceError] = []
        var keys: [[String]] { records.map(\.key) }
    }

    static func read(_ source: some RecordSource) throws -> Reading {
        var reading = Reading()
        try source.forEachRecord({ reading.records.append($0) }, problem: { reading.problems.append($0) })
        return reading
    }

    /// The SourceError thrown by `body`, or nil.
    static func error(_ body: () throws -> Void) -> SourceError? {
        do {
            try body()
            return nil
        } catch let error as SourceError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}

/// A small SHA-256 (FIPS 180-4), enough to fingerprint fixture files.
enum SourceSHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hex(_ message: [UInt8]) -> String {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message + [0x80]
        while data.count % 64 != 56 { data.append(0) }
        let bits = UInt64(message.count) * 8
        for i in (0..<8).reversed() { data.append(UInt8(truncatingIfNeeded: bits >> (UInt64(i) * 8))) }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                w[i] = (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(data[chunk + i * 4 + $1]) }
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.map { String($0, radix: 16).leftPad8 }.joined()
    }
}

extension String {
    fileprivate var leftPad8: String { String(repeating: "0", count: max(0, 8 - count)) + self }
}
