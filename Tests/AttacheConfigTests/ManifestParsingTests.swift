import AttacheModel
import Testing
@testable import AttacheConfig

@Suite struct ManifestParsingTests {
    static let complete = #"""
        version: 1
        catalog: state/attache.db
        roots:
          - path: /mnt/legacy/fileserver/
            aliases: ['\\FILESRV01\CRM\', 'K:\']
            case_insensitive: true
          - path: ../vtiger/./files
            aliases: ['/var/www/vtigercrm/']
        exclude: ['**/.snapshot/**', '*.tmp']
        sources:
          - name: vtiger-attachments
            sqlite: crm.sqlite
            query: SELECT a.attachmentsid, a.path || a.attachmentsid || '_' || a.name AS file,
                   e.deleted, e.modifiedtime FROM vtiger_attachments a
            key: [attachmentsid]
            file: '/var/www/vtigercrm/{file}'
            deleted: deleted
            modified: modifiedtime
            root: ../vtiger/files
          - name: comments
            sqlite: /data/crm.sqlite
            table: vtiger_modcomments
            key: modcommentsid
            text: [commentcontent, title]
          - name: salesforce-attachments
            csv: export/Attachment.csv
            key: [Id]
            file: '{Body}'
            base: /mnt/export
            delimiter: ';'
            encoding: windows-1252
          - name: notes
            text_files: export/notes
            encoding: utf-8
          - name: crm
            preset: vtiger
            database: crm.sqlite
        policy: policies/cloud-50gib.yaml
        target: /mnt/new-storage/
        """#

    @Test func completeManifestRoundTrips() throws {
        let manifest = try ManifestLoader.parse(yaml: Self.complete, file: manifestPath)
        let expected = Manifest(
            version: 1, file: "/srv/mig/attache.yaml", catalog: "/srv/mig/state/attache.db",
            roots: [
                RootSpec(path: "/mnt/legacy/fileserver", aliases: [#"\\FILESRV01\CRM\"#, #"K:\"#], caseInsensitive: true,
                         line: 4, column: 5),
                RootSpec(path: "/srv/vtiger/files", aliases: ["/var/www/vtigercrm/"], caseInsensitive: false,
                         line: 7, column: 5),
            ],
            exclude: [try PathGlob("**/.snapshot/**"), try PathGlob("*.tmp")],
            sources: [
                SourceSpec(name: "vtiger-attachments", kind: .sqlite(database: "/srv/mig/crm.sqlite"),
                           query: "SELECT a.attachmentsid, a.path || a.attachmentsid || '_' || a.name AS file, "
                               + "e.deleted, e.modifiedtime FROM vtiger_attachments a",
                           key: ["attachmentsid"], file: "/var/www/vtigercrm/{file}", deleted: "deleted",
                           modified: "modifiedtime", root: "/srv/vtiger/files", line: 11, column: 5),
                SourceSpec(name: "comments", kind: .sqlite(database: "/data/crm.sqlite"), table: "vtiger_modcomments",
                           key: ["modcommentsid"], text: ["commentcontent", "title"], line: 20, column: 5),
                SourceSpec(name: "salesforce-attachments", kind: .csv(file: "/srv/mig/export/Attachment.csv"),
                           key: ["Id"], file: "{Body}", base: "/mnt/export", delimiter: ";", encoding: "windows-1252",
                           line: 25, column: 5),
                SourceSpec(name: "notes", kind: .textFiles(folder: "/srv/mig/export/notes"), encoding: "utf-8",
                           line: 32, column: 5),
                SourceSpec(name: "crm", kind: .preset(name: "vtiger"), database: "/srv/mig/crm.sqlite",
                           line: 35, column: 5),
            ],
            policy: "/srv/mig/policies/cloud-50gib.yaml",
            target: "/mnt/new-storage")
        #expect(manifest == expected)
        // Field by field too, so a failure says which one.
        #expect(manifest.roots == expected.roots)
        #expect(manifest.sources == expected.sources)
        #expect(manifest.sources.map(\.kind.manifestKey) == ["sqlite", "sqlite", "csv", "text_files", "preset"])
    }

    @Test func defaultsApplyWhenKeysAreOmitted() throws {
        let manifest = try ManifestLoader.parse(yaml: minimal(), file: manifestPath)
        #expect(manifest.version == 1)
        #expect(manifest.file == "/srv/mig/attache.yaml")
        #expect(manifest.catalog == "/srv/mig/attache.db")
        #expect(manifest.roots == [RootSpec(path: "/mnt/legacy", line: 3, column: 5)])
        #expect(manifest.roots[0].caseInsensitive == false)
        #expect(manifest.exclude.isEmpty)
        #expect(manifest.sources.isEmpty)
        #expect(manifest.policy == nil)
        #expect(manifest.target == nil)
    }

    @Test func emptyValuesMeanTheDefault() throws {
        let manifest = try ManifestLoader.parse(
            yaml: minimal("catalog:\nexclude:\nsources: ~\npolicy: null\ntarget:\n"), file: manifestPath)
        #expect(manifest.catalog == "/srv/mig/attache.db")
        #expect(manifest.exclude.isEmpty && manifest.sources.isEmpty && manifest.policy == nil && manifest.target == nil)
    }

    @Test(arguments: [
        ("data/../attache.db", "/srv/mig/attache.db"),
        ("./a//b/", "/srv/mig/a/b"),
        ("../../../../x", "/x"),
        ("/abs/./path/", "/abs/path"),
        ("/", "/"),
        (".", "/srv/mig"),
    ])
    func relativePathsResolveAgainstTheManifestFolder(written: String, resolved: String) throws {
        let manifest = try ManifestLoader.parse(
            yaml: "version: 1\ncatalog: '\(written)'\nroots: [{path: '\(written)'}]\npolicy: '\(written)'\ntarget: '\(written)'\n",
            file: manifestPath)
        #expect(manifest.catalog == resolved)
        #expect(manifest.roots.map(\.path) == [resolved])
        #expect(manifest.policy == resolved)
        #expect(manifest.target == resolved)
    }

    @Test func aRelativeManifestFileResolvesAgainstTheCurrentDirectory() throws {
        let manifest = try ManifestLoader.parse(yaml: minimal("catalog: c.db\n"), file: "sub/attache.yaml")
        let cwd = ManifestPaths.currentDirectory()
        #expect(manifest.file == ManifestPaths.clean(cwd + "/sub/attache.yaml"))
        #expect(manifest.catalog == ManifestPaths.clean(cwd + "/sub/c.db"))
    }

    @Test func quotedVersionIsAccepted() throws {
        #expect(try ManifestLoader.parse(yaml: "version: '1'\nroots: [{path: /a}]\n", file: manifestPath).version == 1)
    }

    @Test func yesAndNoAreBooleans() throws {
        let m = try ManifestLoader.parse(
            yaml: "version: 1\nroots:\n  - {path: /a, case_insensitive: yes}\n  - {path: /b, case_insensitive: false}\n",
            file: manifestPath)
        #expect(m.roots.map(\.caseInsensitive) == [true, false])
    }

    @Test func rootPathsMayBeNumbersOrOtherScalars() throws {
        // A folder named 2024 is written without quotes; it is still a path.
        let m = try ManifestLoader.parse(yaml: "version: 1\nroots: [{path: 2024}]\n", file: manifestPath)
        #expect(m.roots.map(\.path) == ["/srv/mig/2024"])
    }

    @Test func mergeKeysShareSettingsBetweenSources() throws {
        let yaml = """
            version: 1
            roots: [{path: /a}]
            sources:
              - &crm
                name: comments
                sqlite: crm.sqlite
                table: comments
                text: [body]
              - <<: *crm
                name: tickets
                table: tickets
            """
        let m = try ManifestLoader.parse(yaml: yaml, file: manifestPath)
        #expect(m.sources.map(\.name) == ["comments", "tickets"])
        #expect(m.sources[1].kind == .sqlite(database: "/srv/mig/crm.sqlite"))
        #expect(m.sources[1].table == "tickets")
        #expect(m.sources[1].text == ["body"])
    }

    @Test func aByteOrderMarkDoesNotShiftColumns() {
        expectError("\u{FEFF}version: 1\nrots: []\n", .schema, line: 2, column: 1, "unknown key 'rots'")
        expectError("\u{FEFF}version: x\n", .schema, line: 1, column: 10, "whole number")
    }

    @Test func crlfLineEndingsParse() throws {
        let m = try ManifestLoader.parse(yaml: "version: 1\r\nroots:\r\n  - path: /a\r\n", file: manifestPath)
        #expect(m.roots.map(\.path) == ["/a"])
        expectError("version: 1\r\nroots:\r\n  - path: /a\r\n    alias: []\r\n", .schema, line: 4, column: 5, "'aliases'")
    }
}
