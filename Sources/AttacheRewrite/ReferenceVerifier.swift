import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem

/// `attache verify --references`: every reference the latest rewrite wrote, read back from
/// the rewritten records (the copies, or the sources rewritten in place), must still hold the
/// text written, and that text — read back into a place in the target by ``AddressReader``,
/// independently of how it was spelled — must name the file the mapping says, whose bytes in
/// the target have the file's SHA-256 (an archive member: recorded in the archive attache
/// wrote, whose own bytes are checked).
public final class ReferenceVerifier {
    let catalog: Catalog
    let reader: AddressReader
    let fast: Bool
    private var fileHashes: [String: Result<ContentHash, RewriteReason>] = [:]
    private var members: [String: [[UInt8]: OwnedMember]] = [:]

    public init(catalog: Catalog, spelling: LocationSpelling, fast: Bool = false) {
        self.catalog = catalog
        self.reader = AddressReader(spelling: spelling)
        self.fast = fast
    }

    /// One reference that does not lead where it should.
    public struct Problem: Sendable, Equatable {
        public var source: String
        public var position: String
        public var column: String
        public var text: String
        public var why: String
    }

    public struct SourceTally: Sendable, Equatable {
        public var name: String
        public var checked = 0
        public var good = 0
        /// References the rewrite left for people (flagged, unresolved, refused, failed).
        public var attention = 0
    }

    public struct Outcome: Sendable {
        public var run: RewriteRunRecord
        public var sources: [SourceTally] = []
        public var problems: [Problem] = []
        public var problemCount = 0
        public var clean: Bool { problemCount == 0 }
    }

    /// Verifies the latest rewrite run that was not reverted (copy or in place).
    /// - Throws: ``RewriteError`` (`nothingToRevert` when there is no such run).
    public func verify() throws -> Outcome {
        guard let run = try catalog.rewriteRuns(limit: 10_000).first(where: {
            ($0.mode == .copy || $0.mode == .inPlace) && $0.status == .completed && $0.revertedBy == nil
        }) else {
            throw RewriteError(.missingInput, "no rewritten records to verify: run attache rewrite (copies or --in-place) first")
        }
        var outcome = Outcome(run: run)
        let target = try TargetFolder(root: RawPath(run.target))
        let counts = try catalog.rewriteCounts(run: run.id)
        for output in try catalog.rewriteOutputs(run: run.id) where output.kind == .copy {
            var tally = SourceTally(name: output.source)
            tally.attention = (counts[output.source] ?? [:]).filter { $0.key.needsAttention }.values.reduce(0, +)
            var positions = Set<String>()
            if ["csv", "mysql", "postgresql"].contains(output.format) {
                try catalog.forEachRewriteAudit(run: run.id, source: output.source, outcomes: [.rewritten, .tombstoned, .unchanged]) { e in
                    positions.insert(e.recordID ?? e.recordPosition)
                }
            }
            let values = try OutputValues.open(output, positions: positions)
            try catalog.forEachRewriteAudit(run: run.id, source: output.source, outcomes: [.rewritten, .tombstoned, .unchanged]) { e in
                tally.checked += 1
                if let why = check(e, values: values, target: target, runTarget: run.target) {
                    outcome.problemCount += 1
                    if outcome.problems.count < 1000 {
                        outcome.problems.append(Problem(source: e.source, position: e.recordPosition, column: e.column,
                                                        text: e.after ?? "", why: why))
                    }
                } else {
                    tally.good += 1
                }
            }
            outcome.sources.append(tally)
        }
        return outcome
    }

    /// Why one audited reference is wrong, or nil when it is right.
    private func check(_ e: RewriteAuditEntry, values: OutputValues, target: TargetFolder, runTarget: String) -> String? {
        guard let after = e.after, let start = e.spanStart, let end = e.spanEnd else { return "the audit has no text written" }
        guard let value = values.value(recordID: e.recordID, position: e.recordPosition, column: e.column) else {
            return "the record is not in the rewritten output any more"
        }
        let bytes = Array(value.utf8)
        guard start >= 0, end <= bytes.count, start <= end, Array(bytes[start..<end]) == Array(after.utf8) else {
            return "the record no longer holds the text written there (changed after the rewrite)"
        }
        if e.outcome == .tombstoned { return nil }
        let readings = reader.read(after, context: SpellingContextDetector.context(described: e.detail))
        guard !readings.isEmpty else { return "the text is not below the target's address" }
        // The reading that names something attache wrote (a bare path cannot tell a '#' in a
        // name from the one before an archive member); failing all, the plain reading's reason.
        let named = readings.first { r in
            guard let item = try? catalog.ownedItem(target: runTarget, path: r.path) else { return false }
            return item.kind == (r.member == nil ? .file : .archive)
        } ?? readings[0]
        let why = named.member.map { checkMember(named.path, member: $0, fileID: e.fileID, target: target, runTarget: runTarget) }
            ?? checkFile(named.path, fileID: e.fileID, target: target, runTarget: runTarget)
        if let why { return why }
        if let location = e.location, location != named.location {
            return "the link leads to '\(named.location)', the mapping says '\(location)'"
        }
        return nil
    }

    private func checkFile(_ path: String, fileID: Int64?, target: TargetFolder, runTarget: String) -> String? {
        guard let owned = try? catalog.ownedItem(target: runTarget, path: path), owned.kind == .file else {
            return "no file attache wrote at '\(path)' in the target"
        }
        if let fileID, owned.fileID != fileID, !sameContent(owned.sha256, fileID: fileID) {
            return "'\(path)' holds another file's content (file \(owned.fileID.map(String.init) ?? "?"), not \(fileID))"
        }
        return contentProblem(path, expected: owned.sha256, size: owned.size, target: target)
    }

    private func checkMember(_ archive: String, member: String, fileID: Int64?, target: TargetFolder, runTarget: String) -> String? {
        guard let owned = try? catalog.ownedItem(target: runTarget, path: archive), owned.kind == .archive else {
            return "no archive attache wrote at '\(archive)' in the target"
        }
        if members[archive] == nil {
            let list = (try? catalog.ownedMembers(target: runTarget, archive: archive)) ?? []
            members[archive] = Dictionary(list.map { ($0.member.bytes, $0) }, uniquingKeysWith: { a, _ in a })
        }
        guard let m = members[archive]?[Array(member.utf8)] else { return "'\(archive)' has no member '\(member)'" }
        if let fileID, m.fileID != fileID, !sameContent(m.sha256, fileID: fileID) {
            return "member '\(member)' of '\(archive)' holds another file's content"
        }
        return contentProblem(archive, expected: owned.sha256, size: owned.size, target: target)
    }

    private func sameContent(_ hash: ContentHash?, fileID: Int64) -> Bool {
        guard let hash, let expected = try? catalog.currentMappingHash(fileID: fileID) else { return false }
        return expected == hash
    }

    /// The file's bytes in the target against what attache recorded writing (cached per path).
    private func contentProblem(_ path: String, expected: ContentHash?, size: Int64, target: TargetFolder) -> String? {
        if fast {
            guard let entry = try? target.entry(at: RawPath(path)) else { return "'\(path)' is missing from the target" }
            return entry.size == size ? nil : "'\(path)' is \(entry.size) bytes in the target, attache wrote \(size)"
        }
        if fileHashes[path] == nil {
            do { fileHashes[path] = .success(try target.hash(at: RawPath(path)).sha256) } catch {
                fileHashes[path] = .failure(RewriteReason("'\(path)' cannot be read in the target: \(error)"))
            }
        }
        switch fileHashes[path]! {
        case .failure(let why): return why.text
        case .success(let hash):
            guard let expected else { return "attache has no hash recorded for '\(path)'" }
            return hash == expected ? nil : "'\(path)' in the target does not have the content attache wrote (SHA-256 differs)"
        }
    }
}
