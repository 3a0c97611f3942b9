import ArgumentParser
import AttacheModel
import Foundation

/// The version attache reports and records in the catalog.
let attacheVersion = "0.1.0"

@main
struct Attache: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attache",
        abstract: "Move a legacy CRM's file attachments to their new home without losing one.",
        discussion: """
            A migration is described by one manifest, attache.yaml (write one with
            'attache init'). Each stage reads it and meets the others in one catalog (a
            SQLite file):

              attache init      write a commented attache.yaml
              attache run       every stage below in order (--until plan: the trial
                                a business reviews)
              attache scan      inventory every file under the roots (hash, type,
                                problems)
              attache refs      resolve every path the records hold to a file
              attache plan      keep / archive / drop per file under a storage
                                policy, reviewable in a spreadsheet
              attache apply     carry the plan out: verified copies, archives,
                                a journal that survives any crash, the mapping
              attache verify    re-hash the target: did everything arrive?
              attache rewrite   point every reference in the records at the file's
                                new home (copies, in place, or SQL for a DBA)
              attache report    what do we have? totals, types, years,
                                duplicates, problems
              attache list KIND complete, sorted listings for spreadsheets and
                                scripts: files, duplicates, problems, refs,
                                missing, orphans, decisions, mapping, links
              attache explain PATH
                                one file: its type, the records pointing at it,
                                its twins, its decision

            For a quick look without a manifest: attache scan /mnt/share && attache report

            Exit codes: 0 ok · 1 failure · 3 finished with problems · 4 over quota · 5
            verify found differences · 64 usage · 65 bad input · 66 input missing · 69 a
            live database does not answer · 74 target cannot be written · 77 a live
            database refused the user · 130 interrupted (Documentation/ExitCodes.md).
            """,
        version: attacheVersion,
        subcommands: [InitCommand.self, RunCommand.self, ScanCommand.self, RefsCommand.self, PlanCommand.self, ApplyCommand.self, VerifyCommand.self, RewriteCommand.self, ReportCommand.self, ListCommand.self, ExplainCommand.self])

    /// Sets the locale libarchive and libmagic need, then runs the command and maps its
    /// outcome to an exit code.
    static func main() {
        // A Swift program starts in the "C" locale; libarchive needs UTF-8 to write non-ASCII names.
        setlocale(LC_ALL, "C.UTF-8")
        if let unknown = unknownCommand(in: CommandLine.arguments) {
            Terminal.error(unknown)
            Terminal.write("Usage: attache <command> [options]; 'attache --help' lists the commands.\n")
            Foundation.exit(Exit.usage.rawValue)
        }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as Failure {
            if failure.located { Terminal.write(failure.message + "\n") } else { Terminal.error(failure.message) }
            Foundation.exit(failure.exit.rawValue)
        } catch let exit as ExitStatus {
            Foundation.exit(exit.code)
        } catch {
            // Help, --version and usage errors: ArgumentParser prints them (usage exits 64).
            Attache.exit(withError: error)
        }
    }
}

extension Attache {
    /// The names a first argument may take: every command and `help`.
    static var commandNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// "unknown command 'lst'; did you mean 'list'?" when the first argument is not an option
    /// and names no command. ArgumentParser alone would answer "2 unexpected arguments".
    static func unknownCommand(in arguments: [String]) -> String? {
        guard arguments.count > 1 else { return nil }
        let first = arguments[1]
        guard !first.hasPrefix("-"), !commandNames.contains(first) else { return nil }
        let typed = Array(first.lowercased())
        var best: (name: String, distance: Int)?
        for name in commandNames {
            let distance = editDistance(typed, Array(name))
            if best == nil || distance < best!.distance { best = (name, distance) }
        }
        var message = "unknown command '\(first)'"
        if let best, best.distance <= max(2, best.name.count / 3) { message += "; did you mean '\(best.name)'?" }
        else { message += "; the commands are " + commandNames.dropLast().joined(separator: ", ") }
        return message
    }
}

/// A command's own exit code when it finished normally but must say something (3, 130).
struct ExitStatus: Error {
    var code: Int32
    init(_ exit: Exit) { code = exit.rawValue }
}
