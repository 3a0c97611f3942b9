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

    /// The check before writing is not the only guard: a folder swapped for a link after the
    /// writer started (a race with someone else on the output folder) is refused when the
    /// file is named, and nothing is written through the link.
    @Test func aFolderSwappedForALinkWhileWritingIsRefused() throws {
        let scratch = Scratch("output-swap")
        let out = scratch.join("rewritten"), outside = scratch.join("outside")
        let fm = FileManager.default
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try OutputPaths.makeFolders(for: out + "/notes/a.html", inside: out)
        let w = try OutputPaths.writer(out + "/notes/a.html", inside: out)
        try w.write(Array("rewritten".utf8))
        try fm.moveItem(atPath: out + "/notes", toPath: scratch.join("notes-moved"))
        try fm.createSymbolicLink(atPath: out + "/notes", withDestinationPath: outside)
        #expect(throws: RewriteError.self) { try OutputPaths.commit(w) }
        #expect(try fm.contentsOfDirectory(atPath: outside).isEmpty, "nothing was written through the link")
        #expect(try fm.contentsOfDirectory(atPath: scratch.join("notes-moved")).isEmpty, "the temporary file was removed")

        // A link planted among folders that do not exist yet when the check runs is refused
        // by the folder walk itself.
        try fm.removeItem(atPath: out + "/notes")
        try fm.createDirectory(atPath: out + "/deep", withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: out + "/deep/er", withDestinationPath: outside)
        #expect(throws: RewriteError.self) { try OutputPaths.makeFolders(for: out + "/deep/er/x/a.html", inside: out) }
        #expect(throws: RewriteError.self) { _ = try OutputPaths.writer(out + "/deep/er/a.html", inside: out) }
        #expect(try fm.contentsOfDirectory(atPath: outside).isEmpty)
    }

    /// A writer below the output folder names its file there, with the bytes written, and
    /// removes what a killed earlier run left in the folder.
    @Test func aWriterBelowTheOutputFolderPlacesItsFileAndSweepsStaleTemporaries() throws {
        let scratch = Scratch("output-place")
        let out = scratch.join("rewritten")
        let fm = FileManager.default
        try OutputPaths.makeFolders(for: out + "/csv/sub/files.csv", inside: out)
        // A temporary of a process that is gone (pid 2^22+1 is above Linux's pid_max default
        // of 4,194,304 and never runs), and a file that only looks like one.
        let stale = out + "/csv/sub/.attache-tmp-4194305-1"
        try Data("half".utf8).write(to: URL(fileURLWithPath: stale))
        try Data("mine".utf8).write(to: URL(fileURLWithPath: out + "/csv/sub/.attache-tmp-notes"))
        let w = try OutputPaths.writer(out + "/csv/sub/files.csv", inside: out)
        try w.write(Array("a,b\n".utf8))
        try OutputPaths.commit(w)
        #expect(try String(contentsOfFile: out + "/csv/sub/files.csv", encoding: .utf8) == "a,b\n")
        #expect(try fm.contentsOfDirectory(atPath: out + "/csv/sub").sorted() == [".attache-tmp-notes", "files.csv"])
    }
}
