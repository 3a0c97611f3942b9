import Foundation
import XCTest

/// The scratch MariaDB server `scripts/testdb/with-databases.sh` starts for a test run
/// (`scripts/testdb/mariadb.sh`): its socket and loopback port from the environment, and
/// helpers that drive it as the superuser through the `mariadb` command-line client.
public struct MySQLTestServer: Sendable {
    /// `ATTACHE_TEST_MYSQL_SOCKET`: root connects here without a password.
    public let socket: String
    /// `ATTACHE_TEST_MYSQL_PORT`: the same server on 127.0.0.1.
    public let port: Int

    /// The server of this run. Without one, the test is skipped — except under CI (`CI` set),
    /// where a missing server must not pass silently: the test fails.
    public static func require(file: StaticString = #filePath, line: UInt = #line) throws -> MySQLTestServer {
        let env = ProcessInfo.processInfo.environment
        if let socket = env["ATTACHE_TEST_MYSQL_SOCKET"], !socket.isEmpty,
           let port = env["ATTACHE_TEST_MYSQL_PORT"].flatMap({ Int($0) }) {
            return MySQLTestServer(socket: socket, port: port)
        }
        let why = "no MariaDB test server (ATTACHE_TEST_MYSQL_SOCKET/ATTACHE_TEST_MYSQL_PORT unset): "
            + "run the tests through scripts/testdb/with-databases.sh (make test does)"
        if let ci = env["CI"], !ci.isEmpty, ci != "0", ci.lowercased() != "false" {
            XCTFail(why + " — CI must not skip the MySQL tests", file: file, line: line)
            throw MySQLTestServerError(message: why)
        }
        throw XCTSkip(why, file: file, line: line)
    }

    /// Creates an empty database with a name no other test uses (`prefix_<pid>_<n>`).
    public func createDatabase(prefix: String = "t") throws -> String {
        let name = "\(prefix)_\(getpid())_\(Self.counter.next())"
        _ = try sql("CREATE DATABASE `\(name)` CHARACTER SET utf8mb4")
        return name
    }

    /// Drops a database `createDatabase` made.
    public func dropDatabase(_ name: String) throws {
        _ = try sql("DROP DATABASE IF EXISTS `\(name)`")
    }

    /// Runs SQL (one or more statements) as root through the socket with the `mariadb` client
    /// (`--batch --skip-column-names`: tab-separated rows, one a line) and returns its output.
    /// - Throws: when the client exits with an error (its stderr in the message).
    @discardableResult
    public func sql(_ sql: String, database: String? = nil) throws -> String {
        var arguments = ["--no-defaults", "--socket=\(socket)", "--user=root", "--batch", "--skip-column-names",
                         "--default-character-set=utf8mb4"]
        if let database { arguments.append("--database=\(database)") }
        return try Self.run(Self.client, arguments, input: Data(sql.utf8))
    }

    /// Creates `user` with `password` for connections through the socket (`localhost`) and
    /// over TCP (`127.0.0.1`), and grants it each of `grants` ("SELECT ON db.*").
    public func createUser(_ user: String, password: String, grants: [String]) throws {
        var script = ""
        for host in ["localhost", "127.0.0.1"] {
            script += "CREATE USER '\(user)'@'\(host)' IDENTIFIED BY '\(password.replacingOccurrences(of: "'", with: "''"))';\n"
            for grant in grants { script += "GRANT \(grant) TO '\(user)'@'\(host)';\n" }
        }
        _ = try sql(script)
    }

    /// `mysql://USER@/DB?socket=…` (extra query parameters appended as given, e.g. `connect_timeout=1`).
    public func url(database: String, user: String = "root", parameters: String = "") -> String {
        "mysql://\(user)@/\(database)?socket=\(socket)" + (parameters.isEmpty ? "" : "&" + parameters)
    }

    /// `mysql://USER@127.0.0.1:PORT/DB`.
    public func tcpURL(database: String, user: String) -> String {
        "mysql://\(user)@127.0.0.1:\(port)/\(database)"
    }

    /// `CHECKSUM TABLE … EXTENDED` of every table of `database`, one "table<TAB>checksum" a
    /// line: equal before and after means no row of any table changed.
    public func checksumTables(database: String) throws -> String {
        let tables = try sql("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = '\(database)' "
            + "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")
            .split(separator: "\n").map { "`\(database)`.`\($0)`" }
        guard !tables.isEmpty else { return "" }
        return try sql("CHECKSUM TABLE \(tables.joined(separator: ", ")) EXTENDED")
    }

    /// The connection id of every session of `user` that runs a query now (for `KILL`).
    public func sessions(ofUser user: String) throws -> [Int] {
        try sql("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = '\(user)'")
            .split(separator: "\n").compactMap { Int($0) }
    }

    // MARK: - Running the client

    private static let client: String = {
        for path in ["/usr/bin/mariadb", "/usr/bin/mysql", "/usr/local/bin/mariadb"]
            where FileManager.default.isExecutableFile(atPath: path) { return path }
        return "/usr/bin/mariadb"
    }()

    private static let counter = Counter()

    private static func run(_ executable: String, _ arguments: [String], input: Data) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin; process.standardOutput = stdout; process.standardError = stderr
        try process.run()
        // Read both outputs on their own threads so a large output cannot block the client.
        let outBox = DataBox(), errBox = DataBox()
        let group = DispatchGroup()
        for (pipe, box) in [(stdout, outBox), (stderr, errBox)] {
            group.enter()
            DispatchQueue.global().async { box.set(pipe.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        }
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        guard process.terminationStatus == 0 else {
            throw MySQLTestServerError(message: "mariadb exited with \(process.terminationStatus): "
                + String(decoding: errBox.get(), as: UTF8.self))
        }
        return String(decoding: outBox.get(), as: UTF8.self)
    }
}

/// The test server's helper failed (the client's message).
public struct MySQLTestServerError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

private final class Counter: @unchecked Sendable {  // guarded by the lock
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}

private final class DataBox: @unchecked Sendable {  // guarded by the lock
    private let lock = NSLock()
    private var data = Data()
    func set(_ new: Data) { lock.lock(); data = new; lock.unlock() }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data }
}
