import AttacheModel

#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
#endif

/// Reads a configuration file's bytes (the manifest, a policy) with plain POSIX calls, so
/// that a missing file, a folder and a refused read are told apart.
public enum ConfigFile {
    public enum Failure: Error, Equatable {
        case notFound
        case isFolder
        case permissionDenied
        case tooLarge(Int64)
        case other(String)
    }

    /// A manifest or a policy is a short text; anything bigger was named by mistake.
    public static let sizeLimit: Int64 = 4 << 20

    public static func contents(of path: String) -> Result<[UInt8], Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(failure(errno)) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(failure(errno)) }
        if (st.st_mode & S_IFMT) == S_IFDIR { return .failure(.isFolder) }
        if Int64(st.st_size) > sizeLimit { return .failure(.tooLarge(Int64(st.st_size))) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(failure(errno))
            }
            if n == 0 { return .success(bytes) }
            bytes.append(contentsOf: chunk[..<n])
            if Int64(bytes.count) > sizeLimit { return .failure(.tooLarge(Int64(bytes.count))) }
        }
    }

    private static func failure(_ code: Int32) -> Failure {
        switch code {
        case ENOENT, ENOTDIR: return .notFound
        case EISDIR: return .isFolder
        case EACCES, EPERM: return .permissionDenied
        default: return .other(String(cString: strerror(code)))
        }
    }

    /// The file's bytes, or the error to report: `what` names the kind of file ("manifest",
    /// "policy"), `whenMissing` says what to do when there is none, `folderExample` is a file
    /// to suggest when a folder was given.
    public static func read(_ path: String, what: String, whenMissing: String, folderExample: String) throws(ConfigError) -> [UInt8] {
        switch contents(of: path) {
        case .success(let bytes):
            return bytes
        case .failure(.notFound):
            throw ConfigError(kind: .notFound, file: path, message: "no \(what) at '\(path)'; \(whenMissing)")
        case .failure(.isFolder):
            throw ConfigError(kind: .unreadable, file: path, message:
                "'\(path)' is a folder, not a \(what) file; pass the file, e.g. \(folderExample)")
        case .failure(.permissionDenied):
            throw ConfigError(kind: .unreadable, file: path, message: "cannot read '\(path)': permission denied")
        case .failure(.tooLarge(let size)):
            throw ConfigError(kind: .unreadable, file: path, message:
                "'\(path)' is \(ByteCount(size)), too large for a \(what) (at most \(ByteCount(sizeLimit))); is it the right file?")
        case .failure(.other(let reason)):
            throw ConfigError(kind: .unreadable, file: path, message: "cannot read '\(path)': \(reason)")
        }
    }
}
