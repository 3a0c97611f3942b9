import AttacheModel
import AttacheSystem
import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// TEMPORARY: stand-ins for the contained TargetFolder operations being added to AttacheSystem
// (archiveWriter(at:), link, remove, entry, hash). Deleted when those land.

public enum LinkMethod: String, Sendable { case reflink, hardlink }
public struct LinkOutcome: Sendable, Equatable {
    public var method: LinkMethod
    public var size: Int64
    public var sha256: ContentHash
    public var mtime: Timestamp
}
public struct TargetEntry: Sendable, Equatable {
    public var kind: EntryKind
    public var size: Int64
    public var mtime: Timestamp
}

extension TargetFolder {
    private func absolute(_ path: RawPath) -> RawPath { RawPath(bytes: root.bytes + [UInt8(ascii: "/")] + path.bytes) }

    public func archiveWriter(at path: RawPath, format: ArchiveFormat, existing: ExistingFilePolicy = .refuse,
                              cancellation: Cancellation? = nil,
                              faults: ArchiveWriterFaults = ArchiveWriterFaults()) throws(TargetError) -> ArchiveWriter {
        _ = try TargetFolder.components(of: path)
        let abs = absolute(path)
        let folder = String(decoding: abs.bytes, as: UTF8.self).split(separator: "/").dropLast().joined(separator: "/")
        try? FileManager.default.createDirectory(atPath: "/" + folder, withIntermediateDirectories: true)
        if existing == .refuse, (try entry(at: path)) != nil { throw TargetError(path: path, reason: .alreadyExists) }
        do { return try ArchiveWriter(path: abs, format: format, cancellation: cancellation, faults: faults) } catch {
            throw TargetError(path: path, reason: .system(step: "create the archive", error: PosixError(code: EIO)))
        }
    }

    public func link(from source: RawPath, to path: RawPath, expecting: CopyExpectation,
                     existing: ExistingFilePolicy = .refuse) throws(TargetError) -> LinkOutcome? { nil }

    public func remove(_ path: RawPath) throws(TargetError) -> Bool {
        _ = try TargetFolder.components(of: path)
        let abs = absolute(path)
        if shimC(abs.bytes, { unlink($0) }) == 0 { return true }
        if errno == ENOENT { return false }
        throw TargetError(path: path, reason: .system(step: "remove it", error: PosixError(code: errno)))
    }

    public func entry(at path: RawPath) throws(TargetError) -> TargetEntry? {
        _ = try TargetFolder.components(of: path)
        var st = stat()
        guard shimC(absolute(path).bytes, { lstat($0, &st) }) == 0 else { return nil }
        return TargetEntry(kind: (st.st_mode & S_IFMT) == S_IFREG ? .regular : .other, size: Int64(st.st_size),
                           mtime: Timestamp(seconds: Int(st.st_mtim.tv_sec), nanoseconds: Int(st.st_mtim.tv_nsec)))
    }

    public func hash(at path: RawPath) throws(TargetError) -> (size: Int64, sha256: ContentHash) {
        _ = try TargetFolder.components(of: path)
        guard let data = FileManager.default.contents(atPath: String(decoding: absolute(path).bytes, as: UTF8.self)) else {
            throw TargetError(path: path, reason: .system(step: "read it", error: PosixError(code: ENOENT)))
        }
        return (Int64(data.count), ContentHash(bytes: SHA256.hash(data: data)))
    }
}

private func shimC<T>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> T) -> T {
    (bytes + [0]).withUnsafeBufferPointer { p in p.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) } }
}
