import AttacheModel
import Crypto
#if canImport(Glibc)
import Glibc
#endif

extension RawFile {
    /// The SHA-256 of the regular file at `path` (links followed), read whole in 1 MiB chunks.
    public static func sha256(of path: RawPath) -> Result<ContentHash, PosixError> {
        switch openRegular(path, followLinks: true) {
        case .failure(let e): return .failure(e)
        case .success(let fd):
            defer { close(fd) }
            var hasher = SHA256()
            if let error = forEachChunk(fd, size: 1 << 20, { chunk in
                hasher.update(bufferPointer: UnsafeRawBufferPointer(chunk))
                return true
            }) {
                return .failure(error)
            }
            return .success(ContentHash(bytes: hasher.finalize()))
        }
    }
}
