import AttacheTestSupport
import Foundation
import Testing
@testable import AttacheRewrite

/// The rewrite's output folder holds only what rewrite writes: a symbolic link planted in it
/// must not lead a copy outside (found by scripts/proof/containment.py; DESIGN.md promise 4).
@Suite struct OutputContainmentTests {
    @Test func aLinkPlantedBelowTheOutputFolderIsRefused() throws {
        let scratch = Scratch("output-links")
        let out = scratch.join("rewritten"), outside = scratch.join("outside")
        let fm = FileManager.default
        try fm.createDirectory(atPath: out, withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: out + "/notes", withDestinationPath: outside)
        try Data("a source".utf8).write(to: URL(fileURLWithPath: scratch.join("x")))

        #expect(throws: RewriteError.self) { try OutputPaths.makeFolders(for: out + "/notes/sub/a.html", inside: out) }
        #expect(throws: RewriteError.self) { _ = try OutputPaths.writer(out + "/notes/a.html", inside: out) }
        #expect(throws: RewriteError.self) { try OutputPaths.copyFile(scratch.join("x"), to: out + "/notes/a.html", inside: out) }
        #expect(try fm.contentsOfDirectory(atPath: outside).isEmpty, "nothing was written through the link")
        do {
            try OutputPaths.makeFolders(for: out + "/notes/a.html", inside: out)
        } catch {
            #expect(error.description.contains("\(out)/notes is a symbolic link inside the output folder"), "\(error)")
        }

        // Not below the output folder (an in-place source, a --sql file): not this check's business.
        try OutputPaths.refuseLinks(in: out + "/notes/a.html", below: nil)
        try OutputPaths.refuseLinks(in: out + "/notes/a.html", below: scratch.join("elsewhere"))
        // The output folder itself may be a link (the user named it), and so may a file's own
        // name (a file is renamed over it, never written through).
        try fm.createSymbolicLink(atPath: scratch.join("out-link"), withDestinationPath: out)
        try OutputPaths.refuseLinks(in: scratch.join("out-link") + "/links.csv", below: scratch.join("out-link"))
        try OutputPaths.refuseLinks(in: out + "/notes", below: out)
        try OutputPaths.makeFolders(for: out + "/csv/files.csv", inside: out)
        #expect(fm.fileExists(atPath: out + "/csv"))
    }
}
