import AttacheConfig
import AttacheSystem
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
            try AtomicFile.write(Array(ManifestLoader.template.utf8), to: path, mode: 0o644)
        } catch {
            throw Failure(error.description, exit: .failure)
        }
        print("Wrote \(path). Edit its roots, then run: attache scan")
    }
}
