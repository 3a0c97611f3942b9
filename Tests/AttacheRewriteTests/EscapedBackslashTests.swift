@testable import AttacheRewrite
import Testing

/// A path written with its backslashes escaped (JSON, C strings, `SELECT … INTO OUTFILE`)
/// is replaced by a new path escaped the same way; a path written plainly is not touched.
@Suite struct EscapedBackslashTests {
    @Test func doubledBackslashesAreRecognised() {
        for old in [#"K:\\Scans\\x.pdf"#, #"\\\\srv\\share\\x.pdf"#, #"storage\\2013\\x.pdf"#, #"K:\\x.pdf"#] {
            #expect(Escaping.writesBackslashesDoubled(old), "\(old)")
        }
        for old in [#"K:\Scans\x.pdf"#, #"\\srv\share\x.pdf"#, #"\\srv\share"#, "K:/Scans/x.pdf", "file:///K:/x.pdf",
                    #"K:\Scans\\x.pdf"#, #"\\\srv\x.pdf"#, ""] {
            #expect(!Escaping.writesBackslashesDoubled(old), "\(old)")
        }
    }

    @Test func theNewPathIsEscapedAsTheOldOne() {
        #expect(Escaping.backslashes(#"\\NEW\crm\x.pdf"#, like: #"K:\\Scans\\x.pdf"#) == #"\\\\NEW\\crm\\x.pdf"#)
        #expect(Escaping.backslashes(#"\\NEW\crm\x.pdf"#, like: #"K:\Scans\x.pdf"#) == #"\\NEW\crm\x.pdf"#)
        // A URL has no backslash to escape.
        #expect(Escaping.backslashes("https://x.example/a%20b.pdf", like: #"K:\\a b.pdf"#) == "https://x.example/a%20b.pdf")
    }
}
