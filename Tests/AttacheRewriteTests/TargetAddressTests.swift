import AttacheModel
import Testing

/// `target.address` taken apart: each form, its base and folders, and the texts that are none of them.
@Suite struct TargetAddressTests {
    @Test(arguments: [
        ("https://tenant.sharepoint.com/sites/crm/Shared Documents/", TargetAddress.Base.url(scheme: "https", authority: "tenant.sharepoint.com"),
         ["sites", "crm", "Shared Documents"]),
        ("HTTPS://tenant.sharepoint.com/sites/crm/Shared%20Documents", .url(scheme: "https", authority: "tenant.sharepoint.com"),
         ["sites", "crm", "Shared Documents"]),
        ("https://files.example.com:8443", .url(scheme: "https", authority: "files.example.com:8443"), []),
        ("https://example.com/100%/", .url(scheme: "https", authority: "example.com"), ["100%"]),
        ("file:///srv/crm/", .url(scheme: "file", authority: ""), ["srv", "crm"]),
        ("file://localhost/srv/crm", .url(scheme: "file", authority: ""), ["srv", "crm"]),
        (#"\\NEWSRV\crm\"#, .unc(server: "NEWSRV", share: "crm"), []),
        (#"\\newsrv.corp.local\crm$\attachments"#, .unc(server: "newsrv.corp.local", share: "crm$"), ["attachments"]),
        ("//NEWSRV/crm/a/", .unc(server: "NEWSRV", share: "crm"), ["a"]),
        (#"Z:\crm\"#, .drive("Z"), ["crm"]),
        ("z:/crm/Вложения", .drive("Z"), ["crm", "Вложения"]),
        (#"Z:\"#, .drive("Z"), []),
        ("/srv/crm/", .posix, ["srv", "crm"]),
        ("  /srv//crm  ", .posix, ["srv", "crm"]),
        ("/", .posix, []),
    ])
    func parsesEachForm(text: String, base: TargetAddress.Base, folders: [String]) throws {
        let address = try TargetAddress(text)
        #expect(address.base == base)
        #expect(address.folders == folders)
    }

    @Test func kindFollowsTheBase() throws {
        #expect(try TargetAddress("https://x.example/").kind == .url)
        #expect(try TargetAddress("file:///srv/").kind == .url)
        #expect(try TargetAddress(#"\\S\s"#).kind == .unc)
        #expect(try TargetAddress(#"Z:\"#).kind == .drive)
        #expect(try TargetAddress("/srv").kind == .posix)
        #expect(try TargetAddress(" /srv/crm/ ").text == "/srv/crm/")
    }

    @Test(arguments: [
        ("", "empty"),
        ("crm/files", "is not an address attache can spell"),
        ("Z:", "is not an address"),
        ("mailto:ops@example.com", "is not an address"),
        (#"\\NEWSRV"#, "needs a server and a share"),
        (#"\\NEWSRV\"#, "needs a server and a share"),
        (#"\\?\UNC\srv\share"#, "device path"),
        (#"\\NEW SRV\crm"#, "holds a space"),
        ("https:///sites/crm", "names no host"),
        ("https://x.example/a?b=1", "'?' or '#'"),
        ("https://x.example/a#top", "'?' or '#'"),
        ("https://bücher.example/", "xn--"),
        ("/srv/../crm", "'..' folder"),
        (#"Z:\crm\.\x"#, "'.' folder"),
        ("/srv/\ncrm", "control character"),
    ])
    func refusesWhatIsNoAddress(text: String, fragment: String) {
        do {
            let address = try TargetAddress(text)
            Issue.record("expected an error, got \(address)")
        } catch {
            #expect(error.reason.contains(fragment), "'\(fragment)' not in: \(error.reason)")
        }
    }

    @Test(arguments: [("a%20b", "a b"), ("%D0%A1", "С"), ("100%", nil), ("%E9", nil), ("%2", nil), ("plain", "plain")] as [(String, String?)])
    func percentDecoding(text: String, decoded: String?) {
        #expect(PercentDecoding.decode(text) == decoded)
        #expect(PercentDecoding.decodeIfValid(text) == decoded ?? text)
    }
}
