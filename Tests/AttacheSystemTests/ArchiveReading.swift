import AttacheModel
import CArchive
import Crypto
import Foundation
@testable import AttacheSystem

/// Test helpers: read an archive back with libarchive, run an external tool, hash bytes.
enum ArchiveReading {
    struct Entry { var name: RawPath; var data: [UInt8]; var mode: UInt32; var mtime: Int }

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Every entry of the archive at `path`, in order, with its raw name and bytes.
    /// Read under a UTF-8 locale (as the writer writes), so names that are not ASCII convert.
    static func entries(_ path: RawPath) throws -> [Entry] {
        try ArchiveLocale.run { () -> Result<[Entry], Failure> in read(path) }.get()
    }

    private static func read(_ path: RawPath) -> Result<[Entry], Failure> {
        let a = archive_read_new()
        defer { archive_read_free(a) }
        archive_read_support_format_all(a)
        archive_read_support_filter_all(a)
        let opened = path.display.withCString { archive_read_open_filename(a, $0, 1 << 16) }
        guard opened == ARCHIVE_OK else { return .failure(Failure(description: String(cString: archive_error_string(a)))) }
        var out: [Entry] = []
        var entry: OpaquePointer?
        while true {
            let rc = archive_read_next_header(a, &entry)
            if rc == ARCHIVE_EOF { break }
            guard rc >= ARCHIVE_WARN else { return .failure(Failure(description: String(cString: archive_error_string(a)))) }
            guard let raw = archive_entry_pathname(entry) else { return .failure(Failure(description: "an entry's name cannot be read")) }
            let name = RawPath(bytes: Array(UnsafeBufferPointer(start: raw, count: strlen(raw)).map { UInt8(bitPattern: $0) }))
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = buffer.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                guard n > 0 else { break }
                data += buffer[..<n]
            }
            out.append(Entry(name: name, data: data, mode: UInt32(archive_entry_mode(entry)), mtime: Int(archive_entry_mtime(entry))))
        }
        return .success(out)
    }
}

enum SHA256Digest {
    static func of(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}

enum Tools {
    /// Runs a tool from PATH and returns its standard output; a non-zero exit is an error with its stderr.
    static func run(_ arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        // The tools run as a user's shell would: in a UTF-8 locale.
        process.environment = ProcessInfo.processInfo.environment.merging(["LC_ALL": "C.UTF-8"]) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let bytes = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ArchiveReading.Failure(description: "\(arguments.joined(separator: " ")): \(String(decoding: errors, as: UTF8.self))")
        }
        return Array(bytes)
    }
}
