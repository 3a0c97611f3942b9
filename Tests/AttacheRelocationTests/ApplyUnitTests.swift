import AttacheCatalog
import AttacheModel
import AttacheSystem
import AttacheTestSupport
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import AttacheRelocation

/// The pieces of apply that decide without touching a target: an archive's content key (which
/// says whether an archive attache wrote already holds what the plan wants), which failures stop
/// the whole run, and what apply says when there is nothing to apply.
@Suite struct ApplyUnitTests {
    static func hash(_ seed: UInt64) -> ContentHash { ContentHash(bytes: Fixtures.bytes(32, seed: seed)) }

    @Test func archiveContentKeyIgnoresMemberOrderButNotContentNamesOrFormat() {
        let a = (name: RawPath("docs/a.pdf"), sha256: Optional(Self.hash(1)))
        let b = (name: RawPath("docs/b.pdf"), sha256: Optional(Self.hash(2)))
        let key = ArchiveContentKey.of(format: .tarZstd, members: [a, b])
        #expect(key.count == 64)
        #expect(ArchiveContentKey.of(format: .tarZstd, members: [b, a]) == key, "the order the plan lists members in does not matter")
        #expect(ArchiveContentKey.of(format: .zip, members: [a, b]) != key, "another format is another archive")
        #expect(ArchiveContentKey.of(format: .tarZstd, members: [a]) != key, "a member less is another archive")
        let changed = (name: b.name, sha256: Optional(Self.hash(3)))
        #expect(ArchiveContentKey.of(format: .tarZstd, members: [a, changed]) != key, "a member's new content is another archive")
        let renamed = (name: RawPath("docs/c.pdf"), sha256: b.sha256)
        #expect(ArchiveContentKey.of(format: .tarZstd, members: [a, renamed]) != key, "a renamed member is another archive")
        // Names are bytes: a Latin-1 name and its UTF-8 spelling are different members.
        let latin1 = (name: RawPath(bytes: Array("docs/r".utf8) + [0xE9, 0x2E, 0x70, 0x64, 0x66]), sha256: b.sha256)
        let utf8 = (name: RawPath("docs/ré.pdf"), sha256: b.sha256)
        #expect(ArchiveContentKey.of(format: .tarZstd, members: [a, latin1]) != ArchiveContentKey.of(format: .tarZstd, members: [a, utf8]))
        let unknown = (name: RawPath("docs/b.pdf"), sha256: ContentHash?.none)
        #expect(ArchiveContentKey.of(format: .tarZstd, members: [a, unknown]) != key, "a member without a hash is not in place")
    }

    @Test func archiveFormatComesFromThePathTheRulesNamed() {
        #expect(ArchiveContentKey.format(of: "_archive/share/2019-1.tar.zst") == .tarZstd)
        #expect(ArchiveContentKey.format(of: "_archive/share/2019-1.tar.gz") == .tarGzip)
        #expect(ArchiveContentKey.format(of: "_archive/share/2019-1.zip") == .zip)
    }

    @Test func aFullOrReadOnlyTargetStopsTheRunAConflictOrAChangedSourceDoesNot() {
        let path = RawPath("a/b.pdf")
        func scope(_ r: TargetError.Reason) -> ApplyEngine.FailureScope { ApplyEngine.classify(TargetError(path: path, reason: r)) }
        for code in [ENOSPC, EDQUOT, EROFS, EACCES] {
            #expect(scope(.system(step: "write the copy", error: PosixError(code: code))) == .wholeTarget, "errno \(code)")
        }
        #expect(scope(.system(step: "read the source", error: PosixError(code: EACCES))) == .file, "an unreadable source is one file")
        #expect(scope(.alreadyExists) == .conflict)
        #expect(scope(.notContained(component: RawPath("a"))) == .conflict)
        #expect(scope(.changedSinceScan("size")) == .file)
    }

    @Test func aCatalogWithoutAPlanIsRefusedWithWhatToDo() throws {
        let scratch = Scratch("relocation")
        let path = scratch.join("catalog.db")
        _ = try Catalog(path: path)
        var request = ApplyRequest(catalogPath: path, target: scratch.join("target"))
        request.dryRun = true
        do {
            _ = try ApplyEngine(request)
            Issue.record("apply started without a plan")
        } catch {
            guard case .noPlan = error else { Issue.record("unexpected error: \(error)"); return }
            #expect(error.description.contains("run 'attache plan' first"), "\(error)")
        }
        #expect(access(scratch.join("target"), F_OK) != 0, "nothing is created when apply cannot start")
    }

    @Test func theSummaryNumbersComeFromThePlanSummary() {
        let s = ApplyEngine.summaryNumbers(#"{"quota": 1000, "archived_bytes": 400, "archive_estimate_bytes": 100}"#)
        #expect(s.quota == 1000 && s.archived == 400 && s.estimate == 100)
        let none = ApplyEngine.summaryNumbers("not json")
        #expect(none.quota == nil && none.archived == 0)
    }
}
