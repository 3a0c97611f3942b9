extension ScanCounts {
    /// Entries the run found but did not get to record: files it meant to read when it was
    /// interrupted. `new` and `changed` count only what was written to the catalog, so every
    /// entry seen is exactly one of new, changed, unchanged or not read yet. Derived from the
    /// stored counts, so the scan's summary and a `scan_runs` row always agree.
    public var notReadYet: Int { max(0, seen - new - changed - unchanged) }
}
