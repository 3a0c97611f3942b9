import Testing
@testable import AttacheConfig

/// The manifest path most tests pretend to read: relative values resolve against /srv/mig.
let manifestPath = "/srv/mig/attache.yaml"

/// The error that parsing `yaml` throws, recording an issue when it parses.
func parseError(_ yaml: String, file: String = manifestPath,
                sourceLocation: SourceLocation = #_sourceLocation) -> ManifestError? {
    do {
        let manifest = try ManifestLoader.parse(yaml: yaml, file: file)
        Issue.record("expected an error, got \(manifest)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Parses `yaml` and checks the error's kind, line, column and that its message contains
/// every fragment. Returns the error for further checks.
@discardableResult
func expectError(_ yaml: String, _ kind: ManifestError.Kind, line: Int?, column: Int?, _ fragments: String...,
                 sourceLocation: SourceLocation = #_sourceLocation) -> ManifestError? {
    guard let error = parseError(yaml, sourceLocation: sourceLocation) else { return nil }
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
    #expect(error.column == column, "\(error)", sourceLocation: sourceLocation)
    #expect(error.file == manifestPath, sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(error.message.contains(fragment), "'\(fragment)' not in: \(error.message)", sourceLocation: sourceLocation)
    }
    // Never a raw Yams error: one line, no Swift type names or libyaml context dumps.
    for leak in ["YamlError", "Yams", "Context:", "Node.", "Optional("] {
        #expect(!error.description.contains(leak), "leaks '\(leak)': \(error)", sourceLocation: sourceLocation)
    }
    #expect(!error.description.contains("\n"), "multi-line: \(error)", sourceLocation: sourceLocation)
    return error
}

/// A minimal valid manifest with `extra` appended (top-level keys).
func minimal(_ extra: String = "") -> String {
    "version: 1\nroots:\n  - path: /mnt/legacy\n" + extra
}

/// A manifest whose only source is `body` (indented under `  - `), starting at line 5.
func manifest(source body: String) -> String {
    "version: 1\nroots:\n  - path: /mnt/legacy\nsources:\n  - " + body
        .split(separator: "\n", omittingEmptySubsequences: false)
        .joined(separator: "\n    ") + "\n"
}
