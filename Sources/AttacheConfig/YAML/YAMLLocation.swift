/// Where a YAML node was written: the file and a 1-based line and column.
///
/// Columns count Unicode scalars from the start of the line, the way libyaml does.
/// A location with line 0 did not come from a file (a value built in code).
public struct YAMLLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file as the caller named it (used in messages).
    public var file: String
    /// 1-based line.
    public var line: Int
    /// 1-based column, in Unicode scalars.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }

    /// "line 3, column 5": how messages refer to another place in the same file.
    public var lineAndColumn: String { "line \(line), column \(column)" }
}
