import Foundation
import Testing
@testable import AttacheConfig

/// `ManifestLoader.load(path:)`: reading the file, and what happens when that fails.
@Suite struct LoadFileTests {
    /// A fresh folder under the temporary directory, removed by the caller.
    func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/attache-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return ManifestPaths.clean(path)
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test func loadsAFileAndResolvesAgainstItsFolder() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Array("version: 1\ncatalog: state/a.db\nroots: [{path: legacy}]\n".utf8), to: dir + "/attache.yaml")
        let m = try ManifestLoader.load(path: dir + "/attache.yaml")
        #expect(m.file == dir + "/attache.yaml")
        #expect(m.catalog == dir + "/state/a.db")
        #expect(m.roots.map(\.path) == [dir + "/legacy"])
    }

    @Test func missingFile() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/attache.yaml"
        do {
            _ = try ManifestLoader.load(path: path)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.line == nil && error.column == nil)
            #expect(error.description == "\(path): error: no manifest at '\(path)'; run 'attache init' to write one, "
                + "or pass --manifest FILE")
        }
    }

    @Test func missingFolderInThePathIsNotFoundToo() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Array("x".utf8), to: dir + "/file")
        let underMissing = #expect(throws: ManifestError.self) { try ManifestLoader.load(path: dir + "/nope/attache.yaml") }
        #expect(underMissing?.kind == .notFound)
        let underFile = #expect(throws: ManifestError.self) { try ManifestLoader.load(path: dir + "/file/attache.yaml") }
        #expect(underFile?.kind == .notFound)
    }

    @Test func folderInsteadOfAFile() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try ManifestLoader.load(path: dir)
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .unreadable)
            #expect(error.message == "'\(dir)' is a folder, not a manifest file; pass the file, e.g. --manifest \(dir)/attache.yaml")
        }
    }

    @Test(.enabled(if: getuid() != 0, "root reads every file"))
    func unreadableFile() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Array("version: 1\n".utf8), to: dir + "/attache.yaml")
        chmod(dir + "/attache.yaml", 0)
        let error = #expect(throws: ManifestError.self) { try ManifestLoader.load(path: dir + "/attache.yaml") }
        #expect(error?.kind == .unreadable)
        #expect(error?.message.contains("permission denied") == true)
    }

    @Test func hugeFileIsRefusedUnread() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write([UInt8](repeating: UInt8(ascii: "#"), count: 5 << 20), to: dir + "/attache.yaml")
        let error = #expect(throws: ManifestError.self) { try ManifestLoader.load(path: dir + "/attache.yaml") }
        #expect(error?.kind == .unreadable)
        #expect(error?.message.contains("too large for a manifest (at most 4.00 MiB)") == true, "\(String(describing: error))")
    }

    @Test func invalidUTF8IsLocated() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // "café.db" written in Latin-1: 0xE9 is not UTF-8 on its own.
        try write(Array("version: 1\ncatalog: caf".utf8) + [0xE9] + Array(".db\nroots: [{path: /a}]\n".utf8),
                  to: dir + "/attache.yaml")
        do {
            _ = try ManifestLoader.load(path: dir + "/attache.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.kind == .syntax)
            #expect(error.line == 2 && error.column == 13)
            #expect(error.message == "the file is not valid UTF-8 (byte 0xE9); save it as UTF-8")
        }
    }

    @Test func errorsInAFileNameItAsGiven() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Array("version: 1\nrots: []\n".utf8), to: dir + "/attache.yaml")
        do {
            _ = try ManifestLoader.load(path: dir + "/./attache.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "\(dir)/./attache.yaml:2:1: error: unknown key 'rots' in the manifest; did you mean 'roots'?")
        }
    }
}
