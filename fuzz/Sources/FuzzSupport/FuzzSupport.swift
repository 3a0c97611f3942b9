// Helpers shared by the fuzz targets: the input as bytes, cut into pieces, and checks that trap.
import AttacheModel
import AttachePolicy
import CFuzzer

/// libFuzzer's input as an array.
public func fuzzInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// Reads an input front to back: a byte, a little-endian number, or a piece up to a separator.
public struct FuzzReader {
    public var bytes: [UInt8]
    public var at = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var isAtEnd: Bool { at >= bytes.count }

    public mutating func byte() -> UInt8 {
        guard at < bytes.count else { return 0 }
        defer { at += 1 }
        return bytes[at]
    }

    public mutating func int(max: Int) -> Int {
        let v = Int(byte()) | Int(byte()) << 8
        return max <= 0 ? 0 : v % (max + 1)
    }

    /// The bytes up to the next `separator` (dropped) or the end.
    public mutating func piece(until separator: UInt8 = 0) -> [UInt8] {
        let start = min(at, bytes.count)
        var end = start
        while end < bytes.count && bytes[end] != separator { end += 1 }
        at = end + 1
        return Array(bytes[start..<end])
    }

    public mutating func text(until separator: UInt8 = 0) -> String {
        String(decoding: piece(until: separator), as: UTF8.self)
    }
}

/// Traps (a crash libFuzzer reports) when a promise breaks.
@inline(__always)
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz: " + message()) }
}


/// Containment and uniqueness of a plan's paths below the target (DESIGN.md: contained): every
/// target and archive path is relative, has no empty, `.` or `..` segment and no NUL; no two
/// kept files share a path (compared folded on a case-insensitive target), and no kept file's
/// path is another's folder.
public func requireContained(_ plan: Plan, caseInsensitive: Bool) {
    var files = Set<String>()
    var folders = Set<String>()
    func key(_ p: String) -> String { caseInsensitive ? p.lowercased() : p }
    for d in plan.decisions {
        for path in [d.targetPath, d.archivePath].compactMap({ $0 }) {
            require(!path.isEmpty && !path.hasPrefix("/"), "a path that is empty or absolute: '\(path)'")
            require(!path.utf8.contains(0), "a path with a NUL: '\(path)'")
            let segments = path.split(separator: "/", omittingEmptySubsequences: false)
            for s in segments {
                require(!s.isEmpty && s != "." && s != "..", "a path that climbs or has an empty segment: '\(path)'")
            }
        }
        guard let target = d.targetPath else { continue }
        require(files.insert(key(target)).inserted, "two files planned at '\(target)'")
        let segments = target.split(separator: "/")
        for n in 1..<max(segments.count, 1) { folders.insert(key(segments[..<n].joined(separator: "/"))) }
    }
    for f in files { require(!folders.contains(f), "a file planned where a folder is: '\(f)'") }
}

/// Runs libFuzzer with `callback` as the target: what each target's `<Target>_main` does.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt {
    var count = argc
    var args = argv
    return LLVMFuzzerRunDriver(&count, &args, callback)
}
