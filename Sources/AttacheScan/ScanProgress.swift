/// Where a running scan stands; handed to the progress callback a few times a second.
public struct ScanProgress: Sendable {
    public enum Phase: String, Sendable { case walking, reading, finishing }
    public var phase: Phase
    /// Entries found by the walk so far.
    public var entriesFound: Int
    /// Work counted by the walk: files that must be read and their bytes.
    public var filesToRead: Int
    public var bytesToRead: Int64
    public var filesRead: Int
    public var bytesRead: Int64
    /// Seconds since the reading phase began (0 while walking).
    public var readingSeconds: Double
}
