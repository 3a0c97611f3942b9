/// The container an archive decision is written as.
///
/// The policy has its own spelling of this choice (`Policy.Archive.Format` in AttachePolicy,
/// which the planner reads from `archive: format:`); this one is what the archive writer in
/// AttacheSystem takes, so that module need not import a stage.
public enum ArchiveFormat: String, Sendable, Equatable, CaseIterable {
    /// A tar archive compressed with Zstandard: the default (fast, and smaller than gzip).
    case tarZstd = "tar.zst"
    /// A tar archive compressed with gzip, for readers without zstd.
    case tarGzip = "tar.gz"
    /// A zip archive (deflate), for people who open archives on Windows.
    case zip

    /// The file name's extension, without the leading dot ("tar.zst").
    public var fileExtension: String { rawValue }
}
