import AttacheModel
@testable import AttacheRewrite
import Testing

/// The addresses the tables spell with.
enum Addr {
    static let sharePoint = try! TargetAddress("https://tenant.sharepoint.com/sites/crm/Shared Documents/")
    static let unc = try! TargetAddress(#"\\NEWSRV\crm\"#)
    static let drive = try! TargetAddress(#"Z:\crm\"#)
    static let posix = try! TargetAddress("/srv/crm/")
    static let fileURL = try! TargetAddress("file:///srv/crm/")
    /// A base folder with an `&`, kept as written in the URL: the href must escape it.
    static let ampersand = try! TargetAddress("https://docs.example.com/R&D/")
}

/// One row: what is spelled, where, and the exact text expected.
struct Row: CustomTestStringConvertible, Sendable {
    var address: TargetAddress
    var location: NewLocation
    var context: SpellingContext
    var original: PathStyle?
    var expected: String
    var testDescription: String { "\(address) \(location) \(context.rawValue) \(PathStyle.name(original))" }

    init(_ address: TargetAddress, _ path: String, _ context: SpellingContext, _ original: PathStyle?, _ expected: String) {
        self.init(address, .file(path: path), context, original, expected)
    }

    init(_ address: TargetAddress, _ location: NewLocation, _ context: SpellingContext, _ original: PathStyle?, _ expected: String) {
        self.address = address; self.location = location; self.context = context
        self.original = original; self.expected = expected
    }
}

/// The replacement text, recording an issue for any other outcome.
func replacement(_ result: Result<SpellingOutcome, SpellingError>,
                 sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    switch result {
    case .success(.replace(let text)): return text
    default:
        Issue.record("expected a replacement, got \(result)", sourceLocation: sourceLocation)
        return nil
    }
}

/// HTML-unescaping of what an attribute may hold, written independently of the code under test.
func htmlUnescape(_ s: String) -> String {
    s.replacingAll("&lt;", "<").replacingAll("&gt;", ">").replacingAll("&quot;", "\"")
        .replacingAll("&#39;", "'").replacingAll("&amp;", "&")
}

/// Percent-decoding as UTF-8, written independently of the code under test.
func percentDecode(_ s: String) -> String {
    var bytes: [UInt8] = []
    var it = Array(s.utf8)[...]
    while let b = it.popFirst() {
        if b == UInt8(ascii: "%"), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
            bytes.append(v)
            it = it.dropFirst(2)
        } else {
            bytes.append(b)
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        split(separator: a, omittingEmptySubsequences: false).joined(separator: b)
    }
}
