import AttacheCatalog
import AttacheModel
import AttacheRecords
import AttacheSystem
import Foundation

/// Reading one source: a reader thread reads the records, another extracts and resolves them,
/// while the calling thread writes the rows, through the shared ``Pipeline`` (bounded, so memory stays flat however
/// many records a source has).
extension ReferencesEngine {
    /// Rows handed from the reader to the writer at once.
    static let batchSize = 4096
    /// Batches that may wait for the writer before the reader blocks (and chunks of records
    /// for the extracting thread).
    static let batchesWaiting = 8
    /// Records handed from the source's thread to the extracting one at once.
    static let recordChunk = 256

    /// Reads one source and replaces its references in one transaction.
    /// - Returns: the source's outcome, or nil when `cancel` stopped the reading: the
    ///   transaction is rolled back then, so the source keeps the references it had.
    static func extractAndStore(_ source: PreparedSource, fingerprint: String, run: Int64, catalog: Catalog,
                                resolver: Resolver, posixPrefixes: [String], cancel: Cancellation,
                                afterEachRecord: (@Sendable () -> Void)?) throws -> ReferencesResult.SourceOutcome? {
        let plan = source.plan
        let reading = SourceReading(source: source.reader, plan: plan, base: plan.base.flatMap(PathGrammar.parse),
                                    textBase: plan.textBase.flatMap(PathGrammar.parse), resolver: resolver, posixPrefixes: posixPrefixes, afterEachRecord: afterEachRecord)
        let written: (refs: Int, problems: Int)
        do {
            written = try catalog.replaceReferences(
                source: source.spec.name, kind: source.spec.kind.manifestKey, location: plan.location, fingerprint: fingerprint,
                run: run, fields: plan.fields, records: { reading.records }
            ) { writer in
                try Pipeline.run(producers: 1, capacity: batchesWaiting, name: "attache-refs-reader", stackSize: 4 << 20,
                                 cancel: cancel,
                                 produce: { (_, emit: Pipeline.Emitter<ReferenceBatch>) throws in try reading.read(emit) },
                                 consume: { batches in
                                     for batch in batches { try writer.add(batch) }
                                 })
                // Throwing here rolls the source's transaction back: half a source is never stored.
                try cancel.check()
                for p in reading.problems {
                    try writer.problem(kind: p.kind.rawValue, file: p.file, position: p.position, message: p.message)
                }
            }
        } catch is Cancelled {
            return nil
        }
        return .init(name: source.spec.name, extracted: true, records: reading.records, references: written.refs,
                     problems: written.problems, note: plan.note)
    }
}

/// One source being read on the pipeline's reader thread. The counts are read by the writer
/// only after ``Pipeline/run(producers:capacity:name:stackSize:cancel:tick:produce:consume:)``
/// returned (every reader thread has ended then).
final class SourceReading: @unchecked Sendable {
    let source: any RecordSource
    let plan: SourcePlan
    let base: PathSpelling?
    let textBase: PathSpelling?
    let resolver: Resolver
    let posixPrefixes: [String]
    let afterEachRecord: (@Sendable () -> Void)?
    private(set) var records = 0
    private(set) var problems: [SourceError] = []

    init(source: any RecordSource, plan: SourcePlan, base: PathSpelling?, textBase: PathSpelling?, resolver: Resolver,
         posixPrefixes: [String], afterEachRecord: (@Sendable () -> Void)?) {
        self.source = source; self.plan = plan; self.base = base; self.textBase = textBase; self.resolver = resolver
        self.posixPrefixes = posixPrefixes; self.afterEachRecord = afterEachRecord
    }

    /// Thrown inside `forEachRecord` to leave it early (cancelled, or the writer failed).
    private struct Stop: Error {}

    /// Extracts every record's rows and emits them in batches; stops early, without an
    /// error, when the run is cancelled or failing (the writer decides what that means).
    ///
    /// The source is read on a thread of its own (decoding rows from SQLite or a server) while
    /// this one extracts and resolves, the records handed over in bounded chunks: three stages
    /// (read, extract, store), so no one thread does the work of two.
    func read(_ emit: Pipeline.Emitter<ReferenceBatch>) throws {
        var batch = ReferenceBatch(reservingRows: ReferencesEngine.batchSize)
        do {
            try Pipeline.run(producers: 1, capacity: ReferencesEngine.batchesWaiting, name: "attache-refs-source", stackSize: 4 << 20,
                             cancel: emit.cancellation,
                             produce: { (_, out: Pipeline.Emitter<[SourceRecord]>) throws in try self.readRecords(out) },
                             consume: { chunks in
                                 for chunk in chunks {
                                     for record in chunk {
                                         for row in ReferencesEngine.extract(record, plan: plan, base: base, textBase: textBase,
                                                                             resolver: resolver, posixPrefixes: posixPrefixes) {
                                             batch.append(row)
                                         }
                                     }
                                     if batch.count >= ReferencesEngine.batchSize {
                                         guard emit(batch) else { throw Stop() }
                                         batch = ReferenceBatch(reservingRows: ReferencesEngine.batchSize)
                                     }
                                 }
                             })
            if !batch.isEmpty { emit(batch) }
        } catch is Stop {
        }
    }

    /// Reads the source's records and hands them to the extracting thread in chunks; stops
    /// early, without an error, when the run is cancelled or failing.
    private func readRecords(_ out: Pipeline.Emitter<[SourceRecord]>) throws {
        var chunk: [SourceRecord] = []
        chunk.reserveCapacity(ReferencesEngine.recordChunk)
        do {
            try source.forEachRecord({ record in
                // Checked before every record (one uncontended lock): a slow source stops at once.
                if out.shouldStop { throw Stop() }
                records += 1
                chunk.append(record)
                afterEachRecord?()
                if chunk.count >= ReferencesEngine.recordChunk {
                    guard out(chunk) else { throw Stop() }
                    chunk.removeAll(keepingCapacity: true)
                }
            }, problem: { problems.append($0) })
            if !chunk.isEmpty { out(chunk) }
        } catch is Stop {
        }
    }
}
