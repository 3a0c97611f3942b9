import AttacheModel
import Testing
@testable import AttacheConfig

/// `target`: the folder apply writes as plain text, or `{path, address}` with how the records
/// will spell it; located errors for what is neither.
@Suite struct TargetTests {
    @Test func plainTextIsTheFolderWithoutAnAddress() throws {
        let m = try ManifestLoader.parse(yaml: minimal("target: new-storage/\n"), file: manifestPath)
        #expect(m.target == "/srv/mig/new-storage")
        #expect(m.targetAddress == nil)
    }

    @Test func flowMappingWithAnAddress() throws {
        let m = try ManifestLoader.parse(
            yaml: minimal("target: {path: /mnt/new, address: 'https://tenant.sharepoint.com/sites/crm/Shared Documents/'}\n"),
            file: manifestPath)
        #expect(m.target == "/mnt/new")
        #expect(m.targetAddress == (try TargetAddress("https://tenant.sharepoint.com/sites/crm/Shared Documents/")))
        #expect(m.targetAddress?.kind == .url)
        #expect(m.targetAddress?.folders == ["sites", "crm", "Shared Documents"])
    }

    @Test(arguments: [
        (#"'\\NEWSRV\crm\'"#, TargetAddress.Kind.unc), (#"'Z:\crm\'"#, .drive), ("/srv/crm/", .posix), ("'file:///srv/crm/'", .url),
    ])
    func blockMappingWithEachKindOfAddress(written: String, kind: TargetAddress.Kind) throws {
        let m = try ManifestLoader.parse(yaml: minimal("target:\n  path: ../new\n  address: \(written)\n"), file: manifestPath)
        #expect(m.target == "/srv/new")
        #expect(m.targetAddress?.kind == kind)
    }

    @Test(arguments: ["target: {path: /mnt/new}\n", "target: {path: /mnt/new, address: }\n", "target:\n  path: /mnt/new\n  address: ~\n"])
    func addressIsOptional(yaml: String) throws {
        let m = try ManifestLoader.parse(yaml: minimal(yaml), file: manifestPath)
        #expect(m.target == "/mnt/new")
        #expect(m.targetAddress == nil)
    }

    @Test func unknownKeyInTheTarget() {
        let e = expectError(minimal("target: {path: /a, adress: '/srv/'}\n"), .schema, line: 4, column: 20)
        #expect(e?.message == "unknown key 'adress' in 'target'; did you mean 'address'?")
    }

    @Test func missingPath() {
        expectError(minimal("target: {address: '/srv/crm/'}\n"), .schema, line: 4, column: 9,
                    "missing key 'path' in 'target'", "the folder apply writes")
        expectError(minimal("target:\n  path:\n  address: /srv/\n"), .schema, line: 5, column: 3, "'path' has no value in 'target'")
    }

    @Test func emptyOrWrongPath() {
        expectError(minimal("target: {path: ''}\n"), .schema, line: 4, column: 16, "the target's 'path' is empty")
        expectError(minimal("target: {path: [a]}\n"), .schema, line: 4, column: 16, "expected text for the target's 'path', found a list")
    }

    @Test(arguments: [
        ("'crm/files'", "'crm/files' is not an address attache can spell; write a URL"),
        ("'mailto:ops@example.com'", "is not an address attache can spell"),
        (#"'\\NEWSRV'"#, "a UNC address needs a server and a share"),
        ("'https://x.example/a?b=1'", "has a '?' or '#' part"),
        ("'/srv/../crm'", "has a '..' folder"),
    ])
    func addressThatIsNoneOfTheForms(written: String, fragment: String) {
        let e = expectError(minimal("target: {path: /a, address: \(written)}\n"), .schema, line: 4, column: 29,
                            "invalid target address: ", fragment)
        #expect(e?.description.hasPrefix("/srv/mig/attache.yaml:4:29: error: invalid target address: ") == true)
    }

    @Test func addressMustBeText() {
        expectError(minimal("target:\n  path: /a\n  address: [x]\n"), .schema, line: 6, column: 12,
                    "expected text for the target's 'address', found a list")
        expectError(minimal("target:\n  path: /a\n  address: '  '\n"), .schema, line: 6, column: 12, "the target's 'address' is empty")
    }
}
