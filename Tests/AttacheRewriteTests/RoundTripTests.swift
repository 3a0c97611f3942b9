import AttacheModel
@testable import AttacheRewrite
import Testing

/// The spelled href, HTML-unescaped and percent-decoded (by the tests' own decoders), gives
/// back the address and the path exactly — for every awkward name.
@Suite struct RoundTripTests {
    static let names = [
        "Contract Miller.pdf", "Smith & Sons #4/O'Brien \"final\".pdf", "100% + tax?.pdf", "Договоры/АО Вектор/акт 3.pdf",
        "合同/合同 2019.pdf", "a=b;c,d@e$f!(g)*h~i.pdf", "notes/Report v2.", "<script>.txt", "%41%.pdf", "emoji 📎.pdf",
        "tab\there.txt", "a\\b.pdf", "a:b.pdf",
    ]

    /// (address, what its decoded href starts with).
    static let addresses: [(TargetAddress, String)] = [
        (Addr.sharePoint, "https://tenant.sharepoint.com/sites/crm/Shared Documents/"),
        (try! TargetAddress("https://tenant.sharepoint.com/sites/crm/Shared%20Documents"), "https://tenant.sharepoint.com/sites/crm/Shared Documents/"),
        (Addr.ampersand, "https://docs.example.com/R&D/"),
        (Addr.fileURL, "file:///srv/crm/"),
        (Addr.posix, "file:///srv/crm/"),
        (try! TargetAddress("https://x.example/Ünïcode folder/"), "https://x.example/Ünïcode folder/"),
    ]

    @Test(arguments: names)
    func hrefDecodesToAddressPlusPath(name: String) throws {
        for (address, prefix) in Self.addresses {
            let spelling = LocationSpelling(address: address)
            guard let href = replacement(spelling.spell(.file(path: name), in: .linkAttribute)) else { continue }
            #expect(percentDecode(htmlUnescape(href)) == prefix + name, "\(address): \(href)")
            // Nothing in the value can end the attribute or start a tag, and every & is an entity.
            #expect(!href.contains(where: { " \"'<>\t\n".contains($0) }), "\(href)")
            #expect(href.split(separator: "&").dropFirst().allSatisfy { piece in
                ["amp;", "quot;", "#39;", "lt;", "gt;"].contains { piece.hasPrefix($0) }
            }, "\(href)")
        }
    }

    @Test(arguments: ["Contract Miller.pdf", "Smith & Sons #4/O'Brien.pdf", "合同/合同 2019.pdf", "100% + tax.pdf"])
    func uncHrefDecodesToTheShareAsAFileURL(name: String) {
        let spelling = LocationSpelling(address: Addr.unc)
        let href = replacement(spelling.spell(.file(path: name), in: .linkAttribute)) ?? ""
        #expect(percentDecode(htmlUnescape(href)) == "file://NEWSRV/crm/" + name)
        let plain = replacement(spelling.spell(.file(path: name), in: .plain, original: .unc)) ?? ""
        #expect(plain == #"\\NEWSRV\crm\"# + name.replacingAll("/", #"\"#))
        let text = replacement(spelling.spell(.file(path: name), in: .htmlText, original: .drive)) ?? ""
        #expect(htmlUnescape(text) == plain)
    }
}
