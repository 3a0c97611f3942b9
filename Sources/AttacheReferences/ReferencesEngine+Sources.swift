import AttacheConfig
import AttacheRecords

/// A manifest source, planned (its preset expanded), opened and checked.
struct PreparedSource {
    var spec: SourceSpec
    var plan: SourcePlan
    var reader: any RecordSource
}

extension ReferencesEngine {
    /// Plans and opens one source, and checks that every column its template, `text:` and
    /// `fields:` name is among the columns it reads — before anything is written.
    /// - Throws: ``ReferencesError`` (preset, template column) or a fatal ``SourceError``.
    static func prepare(_ spec: SourceSpec) throws -> PreparedSource {
        let plan: SourcePlan
        do {
            plan = try SourcePlan(spec)
        } catch {
            if let source = error.source { throw source }
            throw ReferencesError.preset(source: spec.name, message: error.message)
        }
        let source = try plan.open()
        let columns = source.columns
        if let t = plan.template, let missing = t.columns.first(where: { !columns.contains($0) }) {
            throw ReferencesError.unknownTemplateColumn(source: spec.name, column: missing, available: columns)
        }
        if let missing = plan.textColumns.first(where: { !columns.contains($0) }) {
            throw SourceError(kind: .unknownColumn, source: spec.name, file: plan.location, position: nil,
                              message: "no column '\(missing)' to search for paths (it has: \(columns.joined(separator: ", ")))",
                              fatal: true)
        }
        if let missing = plan.fields.first(where: { !columns.contains($0) }) {
            throw SourceError(kind: .unknownColumn, source: spec.name, file: plan.location, position: "fields",
                              message: "the 'fields' column '\(missing)' is not among the columns it reads."
                                + SourceNames.didYouMean(missing, among: columns)
                                + " Available: \(SourceNames.list(columns))",
                              fatal: true)
        }
        return PreparedSource(spec: spec, plan: plan, reader: source)
    }
}
