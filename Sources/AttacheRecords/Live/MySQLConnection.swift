import CMariaDB

/// A connection through libmariadb; see ``LiveConnection``. (Placeholder: the helper writes it.)
final class MySQLConnection: LiveConnection {
    let database: LiveDatabase
    let source: String
    init(_ database: LiveDatabase, source: String, readOnly: Bool) throws(SourceError) {
        self.database = database; self.source = source
        throw SourceError(kind: .connection, source: source, file: database.url, message: "not built yet", fatal: true)
    }
    func execute(_ sql: String) throws(SourceError) -> Int { 0 }
    func stream(_ sql: String, columns: ([String]) throws -> Void, row: ([UnsafeBufferPointer<UInt8>?]) throws -> Void) throws {}
    func resultColumns(of sql: String) throws(SourceError) -> [String] { [] }
    func tables() throws(SourceError) -> [(name: String, columns: [String])] { [] }
    func primaryKey(of table: String) throws(SourceError) -> [String] { [] }
    func declaredLengths(of table: String) throws(SourceError) -> [String: Int] { [:] }
    func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    func literal(_ text: String) -> String { "'" + text + "'" }
    func commit() throws(SourceError) {}
    func rollback() throws(SourceError) {}
    func close() {}
}
