#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import AttacheModel
import Testing
@testable import AttacheConfig

/// The manifest `attache init` writes is valid as written, and so are its commented examples.
@Suite struct TemplateTests {
    @Test func templateParsesAsWritten() throws {
        let m = try ManifestLoader.parse(yaml: ManifestLoader.template, file: manifestPath)
        #expect(m.version == Manifest.currentVersion)
        #expect(m.catalog == "/srv/mig/attache.db")
        #expect(m.roots.map(\.path) == ["/mnt/legacy/fileserver"])
        #expect(m.roots[0].aliases == [#"\\FILESRV01\CRM\"#, #"K:\"#])
        #expect(m.roots[0].caseInsensitive)
        #expect(m.exclude == [try PathGlob("**/.snapshot/**"), try PathGlob("Thumbs.db")])
        #expect(m.sources.isEmpty)
        #expect(m.policy == nil && m.target == nil)
    }

    /// The template with its commented-out examples made live: the second root, the
    /// `# sources:` block (up to the next blank line), `policy` and `target`.
    static func uncommented() -> String {
        var out: [String] = []
        var inSources = false
        for line in ManifestLoader.template.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "sources: []" { continue }
            if line == "# sources:" { inSources = true }
            if line.isEmpty { inSources = false }
            let text = line.drop { $0 == " " }
            let isExample = inSources || ["# - path:", "#   aliases:", "# policy:", "# target:"].contains { text.hasPrefix($0) }
            if isExample, let hash = line.firstIndex(of: "#") {
                out.append(String(line[..<hash] + line[line.index(hash, offsetBy: 2)...]))
            } else {
                out.append(String(line))
            }
        }
        return out.joined(separator: "\n")
    }

    @Test func commentedExamplesParseWhenUncommented() throws {
        let text = Self.uncommented()
        let m = try ManifestLoader.parse(yaml: text, file: manifestPath)
        #expect(m.roots.map(\.path) == ["/mnt/legacy/fileserver", "/mnt/legacy/vtiger"])
        #expect(m.sources.map(\.name) == ["vtiger-attachments", "comments", "vtiger-live", "salesforce-attachments"])
        #expect(m.sources.map(\.kind) == [.sqlite(database: "/srv/mig/crm.sqlite"), .sqlite(database: "/srv/mig/crm.sqlite"),
                                          .preset(name: "vtiger"), .csv(file: "/srv/mig/export/Attachment.csv")])
        #expect(m.sources[2].live?.engine == .mysql && m.sources[2].live?.passwordEnv == "VTIGER_DB_PASSWORD")
        #expect(m.sources[0].query?.hasPrefix("SELECT a.attachmentsid") == true)
        #expect(m.policy == "/srv/mig/policies/cloud-50gib.yaml")
        #expect(m.target == "/mnt/new-storage")
    }

    @Test func templateMentionsEveryKey() {
        let keys = ManifestDecoder.topLevelKeys + ManifestDecoder.rootKeys + ManifestDecoder.sourceKeys
        for key in keys {
            #expect(ManifestLoader.template.contains(key), "the template does not explain '\(key)'")
        }
    }
}

/// Documentation/Manifest.md documents every key the loader accepts.
@Suite struct ManifestDocumentationTests {
    static let documentation: String? = {
        // Tests/AttacheConfigTests/ThisFile.swift → Documentation/Manifest.md
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        let path = parts.joined(separator: "/") + "/Documentation/Manifest.md"
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n == 0 { break }
            bytes += buffer[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }()

    @Test func everyKeyIsDocumented() throws {
        let doc = try #require(Self.documentation, "Documentation/Manifest.md not found beside Tests/")
        for key in ManifestDecoder.topLevelKeys + ManifestDecoder.rootKeys + ManifestDecoder.sourceKeys {
            #expect(doc.contains("| `\(key)` |"), "Manifest.md has no table row for '\(key)'")
        }
        #expect(doc.contains("**65**") && doc.contains("**66**"))
    }

    @Test func documentedExampleParses() throws {
        let doc = try #require(Self.documentation)
        let afterExample = try #require(doc.split(separator: "## Example").last)
        let yaml = try #require(afterExample.split(separator: "```").dropFirst().first).dropFirst("yaml\n".count)
        let m = try ManifestLoader.parse(yaml: String(yaml), file: manifestPath)
        #expect(m.roots.count == 2 && m.sources.count == 3)
    }
}
