import AttacheCatalog
import AttacheConfig
import AttacheReport
import ArgumentParser
import Foundation

/// Options every command that reads the manifest or the catalog shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The migration manifest.", valueName: "file"))
    var manifest: String?

    @Option(name: .long, help: ArgumentHelp("The catalog file (default: the manifest's 'catalog', else ./attache.db).", valueName: "file"))
    var catalog: String?

    static let defaultManifest = "attache.yaml"
    static let defaultCatalog = "attache.db"

    /// The manifest: the one named with --manifest (which must exist), else ./attache.yaml
    /// when there is one; nil when neither (only allowed where `required` is false).
    func loadManifest(required: Bool) throws -> Manifest? {
        let path = manifest ?? CommonOptions.defaultManifest
        if manifest == nil && !required && !FileManager.default.fileExists(atPath: path) { return nil }
        do {
            return try ManifestLoader.load(path: path)
        } catch {
            throw Failure(error)
        }
    }

    /// The catalog path: --catalog, else the manifest's, else ./attache.db.
    func catalogPath(_ manifest: Manifest?) -> String {
        if let catalog { return catalog }
        return manifest?.catalog ?? CommonOptions.defaultCatalog
    }

    /// Opens an existing catalog for the reading commands (report, list).
    func openExistingCatalog() throws -> Catalog {
        let m = try loadManifest(required: false)
        do {
            return try Catalog(path: catalogPath(m), mustExist: true)
        } catch {
            throw Failure(error)
        }
    }
}

/// The formats `attache list` offers: exactly those it takes, so a usage error never offers
/// one the next message refuses.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json
    var output: OutputFormat {
        switch self {
        case .table: return .table
        case .csv: return .csv
        case .json: return .json
        }
    }
}

/// The formats `attache report` offers.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, html
}
