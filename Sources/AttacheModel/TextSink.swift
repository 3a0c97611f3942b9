/// Where formatted text goes. Formatters write pieces as they go, so a listing of a
/// million files never sits whole in memory.
public protocol TextSink {
    /// Appends `text` to the output.
    mutating func write(_ text: String)
}

/// Collects text in a string (tests, small outputs).
public struct StringSink: TextSink {
    /// Everything written so far.
    public private(set) var text = ""
    public init() {}
    public mutating func write(_ s: String) { text += s }
}
