import AttacheCatalog
import AttacheModel
import AttacheRewrite
import Foundation

extension VerifyCommand {
    /// `attache verify --references`.
    func verifyReferences() throws {
        guard let manifest = try common.loadManifest(required: true), let spelling = LocationSpelling(manifest: manifest) else {
            throw Failure("the manifest's target has no address: verify --references reads links below it (Documentation/Manifest.md#target)",
                          exit: .usage)
        }
        let catalog: Catalog
        do { catalog = try Catalog(path: common.catalogPath(manifest), mustExist: true) } catch { throw Failure(error) }
        let outcome: ReferenceVerifier.Outcome
        do { outcome = try ReferenceVerifier(catalog: catalog, spelling: spelling, fast: fast).verify() } catch let e as RewriteError {
            throw RewriteCommand.failure(e)
        }
        let checked = outcome.sources.reduce(0) { $0 + $1.checked }
        do {
            try catalog.recordVerification(VerificationRecord(kind: .references, target: outcome.run.target, fast: fast, checked: checked,
                                                              bytes: 0, differences: ["problems": outcome.problemCount]))
        } catch { throw Failure(error) }
        if !quiet {
            switch format {
            case .text: print(Self.text(outcome))
            case .json: print(Self.json(outcome))
            }
        }
        if !outcome.clean { throw ExitStatus(.verifyFailed) }
    }

    static func text(_ o: ReferenceVerifier.Outcome) -> String {
        var lines = ["Verified the references of rewrite run \(o.run.id) (\(o.run.mode.rawValue), into \(o.run.target)):"]
        for s in o.sources {
            lines.append("  \(s.name): \(plural(s.checked, "reference")) checked, \(groupedDigits(Int64(s.good))) open the right bytes"
                         + (s.attention > 0 ? "; \(groupedDigits(Int64(s.attention))) left for people (attache list rewrites --attention)" : ""))
        }
        if o.clean {
            lines.append("Every rewritten reference opens its file in the target.")
        } else {
            lines.append(o.problemCount == 1 ? "1 reference does not:" : "\(plural(o.problemCount, "reference")) do not:")
            for p in o.problems.prefix(50) { lines.append("  \(p.source) \(p.position) [\(p.column)]: \(p.why)") }
            if o.problemCount > 50 { lines.append("  … and \(o.problemCount - 50) more (--format json lists 1,000)") }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ o: ReferenceVerifier.Outcome) -> String {
        JSONWriter.text { w in
            w.beginObject()
            w.field("kind", .text("verify-references"))
            w.field("run", .integer(o.run.id))
            w.field("ok", .bool(o.clean))
            w.beginArray("sources")
            for s in o.sources {
                w.beginObject()
                w.field("name", .text(s.name)); w.field("checked", .int(s.checked)); w.field("good", .int(s.good))
                w.field("attention", .int(s.attention))
                w.endObject()
            }
            w.endArray()
            w.field("problems_total", .int(o.problemCount))
            w.beginArray("problems")
            for p in o.problems {
                w.beginObject()
                w.field("source", .text(p.source)); w.field("position", .text(p.position)); w.field("column", .text(p.column))
                w.field("text", .text(p.text)); w.field("why", .text(p.why))
                w.endObject()
            }
            w.endArray()
            w.endObject()
        }
    }
}
