import AttacheModel
#if canImport(Glibc)
import Glibc
#endif

/// Why writing below a ``TargetFolder`` failed: which path (relative to the target root, or
/// the source for a source problem), and why, in words a user can act on.
public struct TargetError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Reason: Sendable, Equatable {
        /// The relative target path is not acceptable (refused before any system call):
        /// the text says why ("is absolute", "contains '..'", …).
        case invalidPath(String)
        /// A component of the path (given, relative to the root) is a symbolic link or not a
        /// folder: writing through it could land outside the target, so nothing is written.
        case notContained(component: RawPath)
        /// Something not written by attache is already at the final name and overwriting
        /// was not allowed.
        case alreadyExists
        /// The source is not a regular file (a link, a FIFO, a folder…).
        case sourceNotRegular(EntryKind)
        /// The source's size or content differs from what the scan recorded (the text says
        /// what differs).
        case changedSinceScan(String)
        /// A system call failed: what was being done, and the errno.
        case system(step: String, error: PosixError)
        /// The entry at the path is not a regular file (a link, a folder…), so it is not
        /// something attache wrote: it is left as it is.
        case notAFile(EntryKind)
    }

    /// The path concerned: the target path (relative to the root) or, for a source
    /// problem, the source path.
    public let path: RawPath
    public let reason: Reason
    /// What was being done, as a verb for the message: "write" (the default), "read",
    /// "remove", "link", "list".
    public let action: String

    public init(path: RawPath, reason: Reason, action: String = "write") {
        self.path = path
        self.reason = reason
        self.action = action
    }

    /// The same error, told as a failure to `action` (a write helper reused by a read).
    func during(_ action: String) -> TargetError { TargetError(path: path, reason: reason, action: action) }

    /// The errno when a system call failed, else nil.
    public var errno: Int32? {
        if case .system(_, let error) = reason { return error.code }
        return nil
    }

    public var description: String {
        switch reason {
        case .invalidPath(let why):
            return "refusing target path \(path.display): it \(why)"
        case .notContained(let component):
            return "refusing to \(action) \(path.display): \(component.display) in the target is a symbolic link or not a folder, so \(action == "write" ? "the write could land" : "following it could lead") outside the target"
        case .alreadyExists:
            return "\(path.display) already exists in the target and was not written by attache: it is left as it is"
        case .sourceNotRegular(let kind):
            return "cannot copy \(path.display): it is a \(kind.rawValue), not a regular file"
        case .changedSinceScan(let what):
            return "\(path.display) changed since the scan (\(what)): re-scan and re-plan"
        case .notAFile(let kind):
            return "refusing to \(action) \(path.display): it is a \(kind.rawValue) in the target, not a file attache wrote"
        case .system(let step, let error):
            return "cannot \(action) \(path.display): \(step) failed: \(error) (errno \(error.code))\(TargetError.advice(error.code))"
        }
    }

    /// What the user can do about a common errno.
    static func advice(_ code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: return ": the target is full: free space and run again"
        case EACCES, EPERM: return ": permission denied in the target: check who owns the target folder"
        case EROFS: return ": the target is read-only"
        case ENAMETOOLONG: return ": the name is too long for the target's file system"
        default: return ""
        }
    }
}
