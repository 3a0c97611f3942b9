// swift-tools-version:6.0
// attache — moves a legacy CRM's file attachments to their new home without losing one.
//
// Layering (dependencies point down; stages never import each other, they meet in the catalog):
//   attache (executable) → the stages, and the modules below them
//   stages: AttacheScan, AttacheReferences, AttachePolicy, AttacheReport, AttacheRelocation, AttacheRewrite
//     AttacheScan → AttacheSystem, AttacheCatalog, AttacheModel
//     AttacheReferences → AttacheRecords, AttacheSystem (Pipeline), AttacheCatalog, AttacheConfig, AttacheModel
//     AttachePolicy → AttacheSystem (the compression sample), AttacheCatalog, AttacheConfig, AttacheModel, CSV
//     AttacheReport → AttacheCatalog, AttacheModel
//     AttacheRewrite → AttacheRecords, AttacheCatalog, AttacheSystem, AttacheConfig, AttacheModel
//   AttacheRecords (record readers) → AttacheSystem, AttacheConfig, AttacheModel, GRDBSQLite, CSV, CMariaDB, CLibPQ
//   AttacheCatalog → GRDB, AttacheModel
//   AttacheSystem → CMagic, CFTS, CArchive (the archive writer), swift-crypto, AttacheModel
//   AttacheConfig → Yams, AttacheModel
import PackageDescription

let package = Package(
    name: "attache",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "attache", targets: ["attache"]),
        /// For fuzz/Package.swift only (the libFuzzer targets depend on this package by path and need a product to
        /// import): the modules whose parsers are fuzzed. Nothing new is compiled for it; `swift build` is unchanged.
        .library(
            name: "AttacheFuzzSurface",
            targets: ["AttacheModel", "AttacheConfig", "AttacheRecords", "AttacheReferences", "AttachePolicy", "AttacheRewrite"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", exact: "2.5.2"),
    ],
    targets: [
        /// The command line: options, progress drawing, exit codes. The only target that imports ArgumentParser.
        .executableTarget(
            name: "attache",
            dependencies: [
                "AttacheModel", "AttacheConfig", "AttacheCatalog", "AttacheSystem", "AttacheScan", "AttacheRecords", "AttacheReferences", "AttachePolicy",
                "AttacheReport", "AttacheRelocation", "AttacheRewrite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        /// Value types every stage shares (no I/O): RawPath, ByteCount, ContentHash, FileRecord, Finding, Category; and the
        /// thread helpers the catalog needs too (BackgroundJob, Cancellation).
        .target(name: "AttacheModel"),
        /// The manifest (attache.yaml): model, YAML loading with file:line:column errors, the `init` template.
        .target(name: "AttacheConfig", dependencies: ["AttacheModel", "Yams"]),
        /// The catalog: the only module that imports GRDB. Schema, named migrations, typed reads and writes.
        .target(
            name: "AttacheCatalog",
            dependencies: [
                "AttacheModel", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]),
        /// The file system on raw bytes (readdir + fstatat), the SHA-256 hasher, the libmagic classifier, the archive writer.
        .target(
            name: "AttacheSystem",
            dependencies: [
                "AttacheModel", "CMagic", "CFTS", "CArchive",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        /// The scan stage: walk → compare with the catalog → hash + classify on all cores → catalog.
        .target(name: "AttacheScan", dependencies: ["AttacheModel", "AttacheSystem", "AttacheCatalog"]),
        /// The record readers both the references and the rewrite stage use: record sources (read-only SQLite,
        /// CSV, text/HTML files), presets, text decoding, the path grammar's spelling of a path. Not the catalog.
        .target(
            name: "AttacheRecords",
            dependencies: [
                "AttacheModel", "AttacheConfig", "AttacheSystem", "CMariaDB", "CLibPQ",
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "CSV", package: "CSV.swift"),
            ]),
        /// The references stage: plans and checks sources, resolves what they hold to catalogued files, stores it.
        .target(
            name: "AttacheReferences", dependencies: ["AttacheModel", "AttacheConfig", "AttacheCatalog", "AttacheRecords", "AttacheSystem"]),
        /// Storage policies: the policy model, YAML loading with located errors, the pure planner.
        .target(
            name: "AttachePolicy",
            dependencies: ["AttacheModel", "AttacheConfig", "AttacheCatalog", "AttacheSystem", .product(name: "CSV", package: "CSV.swift")]),
        /// The relocation stage: apply (journaled copies, links, archives, removals of what attache wrote), the mapping, verify.
        .target(
            name: "AttacheRelocation",
            dependencies: ["AttacheModel", "AttacheCatalog", "AttacheSystem", .product(name: "Crypto", package: "swift-crypto")]),
        /// The rewrite stage (issue 14). So far: how a rewritten link spells the new location
        /// (target address, context, the record's style; percent-encoding and HTML escaping).
        .target(name: "AttacheRewrite", dependencies: ["AttacheModel", "AttacheConfig", "AttacheRecords", "AttacheCatalog", "AttacheSystem"]),
        /// Inventory output: one formatter per format (text, JSON, CSV, table).
        .target(name: "AttacheReport", dependencies: ["AttacheModel", "AttacheCatalog"]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CMagic", pkgConfig: "libmagic", providers: [.apt(["libmagic-dev"])]),
        .systemLibrary(name: "CFTS"),
        /// The MariaDB/MySQL C client (Debian's libmariadb-dev) and PostgreSQL's libpq (libpq-dev): live CRM databases.
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        /// Declarative trees, a scratch directory and helpers shared by the test targets.
        .target(name: "AttacheTestSupport", dependencies: ["AttacheModel"], path: "Tests/AttacheTestSupport"),
        .testTarget(name: "AttacheModelTests", dependencies: ["AttacheModel"]),
        .testTarget(name: "AttacheConfigTests", dependencies: ["AttacheConfig"]),
        .testTarget(name: "AttacheSystemTests", dependencies: ["AttacheSystem", "AttacheTestSupport"]),
        .testTarget(name: "AttacheCatalogTests", dependencies: ["AttacheCatalog", "AttacheTestSupport"]),
        .testTarget(
            name: "AttacheScanTests",
            dependencies: ["AttacheScan", "AttacheCatalog", "AttacheSystem", "AttacheTestSupport"]),
        .testTarget(
            name: "AttacheRecordsTests",
            dependencies: ["AttacheRecords", "AttacheTestSupport", .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(
            name: "AttacheReferencesTests",
            dependencies: ["AttacheReferences", "AttacheRecords", "AttacheCatalog", "AttacheScan", "AttacheTestSupport",
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "AttachePolicyTests", dependencies: ["AttachePolicy", "AttacheTestSupport"]),
        .testTarget(name: "AttacheRelocationTests", dependencies: ["AttacheRelocation", "AttacheCatalog", "AttacheSystem", "AttacheTestSupport"]),
        .testTarget(
            name: "AttacheRewriteTests",
            dependencies: ["AttacheRewrite", "AttacheModel", "AttacheConfig", "AttacheCatalog", "AttacheRecords", "AttacheTestSupport",
                           .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        .testTarget(name: "AttacheReportTests", dependencies: ["AttacheReport", "AttacheScan", "AttacheTestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["AttacheTestSupport", "AttacheCatalog"], exclude: ["Golden"]),
    ]
)
