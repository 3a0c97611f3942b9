#if canImport(Glibc)
import Glibc
#endif

/// A live CRM database the manifest names with `mysql: URL` or `postgresql: URL`, and where
/// its password comes from. The URL never holds a password (the manifest refuses one).
///
/// URL forms (Documentation/Manifest.md, "Live databases"):
/// - `mysql://USER@HOST[:PORT]/DATABASE[?socket=/run/mysqld/mysqld.sock&connect_timeout=10]`
///   (`mariadb://` is the same); `HOST` may be empty when `socket=` is given.
/// - `postgresql://USER@[HOST][:PORT]/DATABASE[?host=/var/run/postgresql&connect_timeout=10]`
///   (`postgres://` is the same): any libpq URI, handed to libpq as written.
public struct LiveDatabase: Sendable, Equatable, Hashable {
    public enum Engine: String, Sendable, Equatable, Hashable {
        case mysql, postgresql
        /// The manifest key and the name users know.
        public var displayName: String { self == .mysql ? "MySQL/MariaDB" : "PostgreSQL" }
    }
    public var engine: Engine
    /// The URL as the manifest writes it (no password).
    public var url: String
    /// The environment variable holding the password (`password_env:`), if any. Without it
    /// the clients' own ways apply: `~/.my.cnf` (its `[client]` group), `~/.pgpass`, `PGPASSWORD`.
    public var passwordEnv: String?

    // Parsed parts (percent-decoded).
    public var user: String?
    public var host: String?
    public var port: Int?
    /// The database name (the path's first segment).
    public var database: String
    /// The query parameters (`socket`, `host`, `connect_timeout`, …), in order.
    public var parameters: [(String, String)]

    public static func == (a: LiveDatabase, b: LiveDatabase) -> Bool {
        a.engine == b.engine && a.url == b.url && a.passwordEnv == b.passwordEnv
    }
    public func hash(into h: inout Hasher) { h.combine(engine); h.combine(url); h.combine(passwordEnv) }

    /// A parameter's value, case-insensitively by name.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The password from `password_env` (nil when not set or the variable is unset).
    public var password: String? {
        guard let passwordEnv, let value = getenv(passwordEnv) else { return nil }
        return String(cString: value)
    }

    /// Why a URL cannot be used, for the manifest's error.
    public struct AddressError: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Parses `url` (see the type's description).
    /// - Throws: ``AddressError`` for another scheme, a password in the URL, no database
    ///   name, a port that is not a number, a bad percent-escape.
    public init(engine: Engine, url: String, passwordEnv: String? = nil) throws(AddressError) {
        self.engine = engine; self.url = url; self.passwordEnv = passwordEnv
        let schemes = engine == .mysql ? ["mysql", "mariadb"] : ["postgresql", "postgres"]
        guard let colon = url.range(of: "://"), schemes.contains(url[..<colon.lowerBound].lowercased()) else {
            throw AddressError(message: "'\(url)' is not a \(engine.displayName) URL: write "
                + (engine == .mysql ? "mysql://USER@HOST:3306/DATABASE (or mysql://USER@/DATABASE?socket=/run/mysqld/mysqld.sock)"
                                    : "postgresql://USER@HOST:5432/DATABASE (or postgresql://USER@/DATABASE?host=/var/run/postgresql)"))
        }
        var rest = Substring(url[colon.upperBound...])
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") { query = rest[rest.index(after: q)...]; rest = rest[..<q] }
        let authority: Substring
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") { authority = rest[..<slash]; path = rest[rest.index(after: slash)...] } else { authority = rest }
        var hostPart = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPart = authority[authority.index(after: at)...]
            if userInfo.contains(":") {
                throw AddressError(message: "the URL holds a password; never write a password in the manifest: "
                    + "name an environment variable with 'password_env:', or use "
                    + (engine == .mysql ? "~/.my.cnf ([client] password=…)" : "~/.pgpass or PGPASSWORD"))
            }
            user = try Self.decoded(userInfo, in: url)
        }
        if let c = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
            let portText = hostPart[hostPart.index(after: c)...]
            guard let p = Int(portText), (1...65535).contains(p) else {
                throw AddressError(message: "the port in '\(url)' is '\(portText)'; expected a number from 1 to 65535")
            }
            port = p; hostPart = hostPart[..<c]
        }
        // An IPv6 address is written in brackets ([::1]:3306); the clients want it without them.
        if hostPart.hasPrefix("["), hostPart.hasSuffix("]") { hostPart = hostPart.dropFirst().dropLast() }
        host = hostPart.isEmpty ? nil : try Self.decoded(hostPart, in: url)
        database = try Self.decoded(path.split(separator: "/", omittingEmptySubsequences: false).first ?? "", in: url)
        guard !database.isEmpty else {
            throw AddressError(message: "'\(url)' names no database: add it after the host, e.g. "
                + (engine == .mysql ? "mysql://attache_ro@127.0.0.1:3306/vtigercrm" : "postgresql://attache_ro@/odoo?host=/var/run/postgresql"))
        }
        parameters = []
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try Self.decoded(parts[0], in: url)
            if name.lowercased() == "password" {
                throw AddressError(message: "the URL holds a password parameter; never write a password in the manifest: "
                    + "name an environment variable with 'password_env:'")
            }
            parameters.append((name, parts.count > 1 ? try Self.decoded(parts[1], in: url) : ""))
        }
    }

    /// Percent-decodes one part of the URL.
    static func decoded(_ text: Substring, in url: String) throws(AddressError) -> String {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let b = utf8[i]
            if b == UInt8(ascii: "%") {
                let h1 = utf8.index(after: i)
                guard h1 < utf8.endIndex, utf8.index(after: h1) < utf8.endIndex,
                      let hi = hex(utf8[h1]), let lo = hex(utf8[utf8.index(after: h1)]) else {
                    throw AddressError(message: "'\(url)' has a '%' that is not followed by two hex digits")
                }
                bytes.append(hi << 4 | lo); i = utf8.index(i, offsetBy: 3)
            } else {
                bytes.append(b); i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
