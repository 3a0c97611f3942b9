import AttacheConfig
import ArgumentParser
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented attache.yaml to start a migration.",
        discussion: """
            The manifest names the legacy roots (and how the records spell them), the
            records that point at files, the storage policy and the target. Edit it, then
            run 'attache scan'. An existing file is never overwritten unless --force is
            given.
            """)

    @Argument(help: ArgumentHelp("Where to write the manifest.", valueName: "file"))
    var path: String = "attache.yaml"

    @Flag(help: "Overwrite an existing manifest.")
    var force = false

    func run() throws {
        if FileManager.default.fileExists(atPath: path) && !force {
            throw Failure("\(path) already exists: edit it, or pass --force to replace it with the template", exit: .failure)
        }
        do {
            try AtomicFile.write(Data(ManifestLoader.template.utf8), to: path)
        } catch {
            throw Failure("cannot write \(path): \(error)", exit: .failure)
        }
        print("Wrote \(path). Edit its roots, then run: attache scan")
    }
}

/// Writes a file so that a reader sees either the old content or the new, never half:
/// write a temporary file beside it, fsync, rename over.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        guard FileManager.default.createFile(atPath: tmp.path, contents: data) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: tmp.path])
        }
        let fd = open(tmp.path, O_RDONLY)
        if fd >= 0 { fsync(fd); close(fd) }
        if rename(tmp.path, url.path) != 0 {
            let e = errno
            unlink(tmp.path)
            throw POSIXError(POSIXErrorCode(rawValue: e) ?? .EIO)
        }
    }
}
