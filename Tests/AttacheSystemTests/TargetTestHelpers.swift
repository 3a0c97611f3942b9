import AttacheModel
import AttacheTestSupport
import Foundation
@testable import AttacheSystem

/// Helpers shared by the target-folder and verified-copy tests.
enum TargetHelpers {
    /// SHA-256 of `bytes`, computed by `sha256sum` (independent of the code under test).
    static func sha256(_ bytes: [UInt8]) -> ContentHash {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["sha256sum"]
        let input = Pipe(), output = Pipe()
        p.standardInput = input
        p.standardOutput = output
        try! p.run()
        input.fileHandleForWriting.write(Data(bytes))
        try! input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return ContentHash(hex: String(decoding: out.prefix(64), as: UTF8.self))!
    }

    /// Every entry below `folder` (hidden ones included), relative, sorted; links not followed.
    static func tree(_ folder: String) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: folder) else { return [] }
        return (e.allObjects as! [String]).sorted()
    }

    /// The names of temporary files anywhere below `folder`.
    static func temporaries(_ folder: String) -> [String] {
        tree(folder).filter { ($0 as NSString).lastPathComponent.hasPrefix(".attache-tmp-") }
    }

    /// The raw bytes of the file at `path`, or nil when it cannot be opened.
    static func read(_ path: RawPath) -> [UInt8]? {
        try? RawFile.readAll(path, followLinks: false).get()
    }

    /// `lstat` of `path`, or nil.
    static func lstatOf(_ path: RawPath) -> stat? {
        var st = stat()
        return cPath(path) { lstat($0, &st) } == 0 ? st : nil
    }

    /// The expectation the scan would have recorded for `bytes`.
    static func expect(_ bytes: [UInt8]) -> CopyExpectation {
        CopyExpectation(size: Int64(bytes.count), sha256: sha256(bytes))
    }
}
