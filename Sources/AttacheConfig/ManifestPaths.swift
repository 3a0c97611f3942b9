#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lexical path arithmetic for the manifest: relative values resolve against the folder
/// the manifest is in. Nothing here touches the file system except reading the current
/// directory, and paths need not exist.
enum ManifestPaths {
    /// `path` made absolute against `folder`, then cleaned.
    static func absolute(_ path: String, in folder: String) -> String {
        clean(path.hasPrefix("/") ? path : folder + "/" + path)
    }

    /// An absolute path without `.` components, repeated or trailing slashes, and with `..`
    /// applied to the component before it (never above `/`).
    static func clean(_ path: String) -> String {
        var parts: [Substring] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(component)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The folder holding `file` (an absolute path).
    static func folder(of file: String) -> String {
        let cleaned = clean(file)
        guard let slash = cleaned.lastIndex(of: "/"), slash != cleaned.startIndex else { return "/" }
        return String(cleaned[..<slash])
    }

    /// The process's current directory ("/" if it cannot be read).
    static func currentDirectory() -> String {
        guard let buffer = getcwd(nil, 0) else { return "/" }
        defer { free(buffer) }
        return String(cString: buffer)
    }
}
