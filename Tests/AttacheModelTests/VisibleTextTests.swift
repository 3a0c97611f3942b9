import AttacheModel
import Testing

@Suite struct VisibleTextTests {
    @Test func controlsAreWrittenOutTextIsKept() {
        #expect(VisibleText.escapingControls("evil\u{1B}[2Jname.pdf") == "evil\\x1B[2Jname.pdf")
        #expect(VisibleText.escapingControls("a\rb\u{8}c\u{7F}d\u{9B}e") == "a\\x0Db\\x08c\\x7Fd\\x9Be")
        #expect(VisibleText.escapingControls("line one\n\ttwo — Договор № 5, 合同.pdf") == "line one\n\ttwo — Договор № 5, 合同.pdf")
        #expect(VisibleText.escapingControls("") == "")
    }
}
