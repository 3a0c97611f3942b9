import AttacheCatalog
import AttacheModel
import AttacheRecords

/// Reverts a CSV copy or a folder of text copies (or the originals rewritten in place).
struct FileRevert {
    let catalog: Catalog
    let output: RewriteOutputRecord
    let run: Int64
    let audit: AuditBuffer
    let dryRun: Bool

    func run(_ outcome: inout RewriteSourceOutcome) throws {
        throw SourceError(kind: .unreadable, source: output.source, file: output.path, position: nil,
                          message: "reverting \(output.format) outputs is not built yet", fatal: true)
    }
}
