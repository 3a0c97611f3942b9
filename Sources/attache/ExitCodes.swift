import AttacheCatalog
import AttacheConfig
import AttachePolicy
import AttacheRecords
import AttacheReferences
import AttacheScan

/// attache's exit codes, mapped in one place (Documentation/ExitCodes.md).
/// Scripts should treat any code they do not know as a failure.
enum Exit: Int32 {
    /// Everything worked and nothing needs attention.
    case ok = 0
    /// A failure not covered below (an I/O error on the catalog, an internal error).
    case failure = 1
    /// The command finished, but some files or references have problems (see `attache list problems`).
    case finishedWithProblems = 3
    /// The policy cannot fit the quota with what must be kept.
    case quotaExceeded = 4
    /// Verification found differences between the target and the catalog.
    case verifyFailed = 5
    /// apply: the target cannot be written (full, read-only, permission denied); the journal
    /// keeps what was done and the next run resumes.
    case targetFailed = 74
    /// The command line is wrong (unknown option, missing argument).
    case usage = 64
    /// Input data is invalid: the manifest, a policy or a record file has an error.
    case badInput = 65
    /// An input does not exist: the manifest, the catalog, a root.
    case noInput = 66
    /// A live database does not answer (refused, timed out, connection lost).
    case unavailable = 69
    /// A live database refused the user: wrong user or password, a missing privilege.
    case noPermission = 77
    /// Interrupted (Ctrl-C); what was done is committed and the next run resumes.
    case interrupted = 130
}

extension Exit {
    /// The exit code of a source that cannot be read, by what went wrong.
    static func of(_ kind: SourceError.Kind) -> Exit {
        switch kind {
        case .notFound: return .noInput
        case .unreadable: return .failure
        case .connection: return .unavailable
        case .authentication, .permission: return .noPermission
        default: return .badInput
        }
    }
}

/// An error the command reports to the user and the code it exits with.
struct Failure: Error {
    var message: String
    var exit: Exit
    /// The message already says where and that it is an error (`file:line:column: error: …`,
    /// the form editors jump to); it is printed as is.
    var located = false

    init(_ message: String, exit: Exit, located: Bool = false) { self.message = message; self.exit = exit; self.located = located }

    init(_ e: ManifestError) {
        message = e.description
        located = true
        switch e.kind {
        case .notFound, .unreadable: exit = .noInput
        default: exit = .badInput
        }
    }

    init(_ e: CatalogError) {
        message = e.description
        switch e {
        case .notFound: exit = .noInput
        case .newerSchema: exit = .badInput
        default: exit = .failure
        }
    }

    init(_ e: ScanError) {
        switch e {
        case .catalog(let c): self.init(c)
        case .rootNotFound, .rootNotADirectory, .rootUnreadable: self.init(e.description, exit: .noInput)
        default: self.init(e.description, exit: .failure)
        }
    }

    init(_ e: ReferencesError) {
        switch e {
        case .notScanned: self.init(e.description, exit: .noInput)
        case .catalog(let c): self.init(c)
        case .source(let s):
            self.init(e.description, exit: Exit.of(s.kind))
        default: self.init(e.description, exit: .badInput)
        }
    }

    init(_ e: PlanError) {
        switch e {
        case .noPolicy: self.init(e.description, exit: .usage)
        case .rememberedPolicyGone, .reviewNotFound: self.init(e.description, exit: .noInput)
        case .policy(let p): self.init(p)
        case .unkeptField: self.init(e.description, exit: .badInput, located: true)
        case .review: self.init(e.description, exit: .badInput)
        case .reviewOverQuota: self.init(e.description, exit: .quotaExceeded)
        case .catalog(let c): self.init(c)
        case .interrupted: self.init(e.description, exit: .interrupted)
        }
    }
}
