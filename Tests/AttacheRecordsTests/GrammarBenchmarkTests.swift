import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheRecords


/// Extraction over many generated notes: the span contract on random text, and a
/// throughput figure (printed, never asserted — machines differ).
@Suite struct GrammarBenchmarkTests {
    /// 100,000 short notes, half HTML with links, half plain text: 3 references each.
    static func notes(count: Int) -> [String] {
        (0..<count).map { i in
            if i % 2 == 0 {
                return #"<p>Hello team,</p><p>Contract: <a href="\\FILESRV01\CRM\Clients\Acme &amp; Co\contract "#
                    + "\(i)" + #".pdf">contract</a> and the scan K:\scans\2019\scan_"# + "\(i)"
                    + #".pdf.</p><p>Invoice: <img src="file:///K:/Invoices/inv%20"# + "\(i)" + #".png"></p>"#
            } else {
                return "Called client \(i) at 10:30, no answer. Docs in \\\\FILESRV01\\CRM\\Clients\\Client \(i)\\offer.docx, "
                    + "see http://intranet/crm?id=\(i) and /var/www/vtigercrm/storage/2014/March/week2/\(i)_Invoice.pdf; "
                    + "and/or ask Ann (copy: .\\scans\\\(i).pdf)."
            }
        }
    }

    @Test func throughputOnShortNotes() {
        let notes = Self.notes(count: 100_000)
        let prefixes = ["/var/www/vtigercrm/"]
        var references = 0
        var bytes = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for note in notes {
                references += PathGrammar.extract(from: note, posixPrefixes: prefixes).count
                bytes += note.utf8.count
            }
        }
        #expect(references == 300_000)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let perSecond = Double(references) / seconds
        print(String(format: "PathGrammar.extract: %d notes, %d references, %.1f MB in %.3f s = %.0f references/s, %.0f MB/s",
                     notes.count, references, Double(bytes) / 1e6, seconds, perSecond, Double(bytes) / 1e6 / seconds))
    }

    /// Random text assembled from path pieces, punctuation, markup, entities and other scripts:
    /// whatever is found, spans are exact, ordered and disjoint, and parsing never crashes.
    @Test func spanContractOnRandomText() {
        let seed = UInt64(0xA77AC4E)
        print("GrammarBenchmarkTests.spanContractOnRandomText seed \(seed)")
        var random = SplitMix64(seed: seed)
        let pieces = [
            #"\\"#, #"\"#, "/", "K:", "k:/", ":", ".", "..", "./", #".\"#, "file:", "file:///", "//", "http://", "www.",
            "mailto:", " ", " ", "\u{A0}", "\u{3000}", "\n", "\t", "\"", "'", "«", "»", "“", "”", "(", ")", "[", "]",
            ",", ";", "!", "?", "*", "|", "<", ">", "<a href=\"", "<img src='", "\">", "</a>", "<p>", "&amp;", "&#39;",
            "&nbsp;", "&quot;", "&", "#", "%20", "%D0%A1", "srv", "share", "FILESRV01", "CRM", "a b", "O'Brien",
            ".pdf", ".docx", ".final", ".7z", "2019", "Счёт №5", "合同", "报告", "😀", "é", "e\u{301}",
            "/var/www/vtigercrm/", "storage", "x",
        ]
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                text += pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }
            let found = GrammarCheck.extract(text, prefixes: ["/var/www/vtigercrm/"])
            for f in found {
                #expect(!f.spelling.components.isEmpty)
                #expect(!f.raw.isEmpty)
            }
            // With bare relative paths on, the same contract, and every longer start reads back.
            for f in GrammarRelativeTests.extract(text, prefixes: ["/var/www/vtigercrm/"]) {
                #expect(!f.spelling.components.isEmpty)
                for s in f.longerStarts {
                    #expect(PathGrammar.relativePath(in: text, from: s, to: f.end) != nil, "\(text.debugDescription) from \(s)")
                }
            }
            _ = PathGrammar.parse(text)
        }
    }
}
