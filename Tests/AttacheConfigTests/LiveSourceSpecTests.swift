import Testing
@testable import AttacheConfig

/// `mysql:` and `postgresql:` sources, presets on live databases, `password_env`, and the URL
/// rules (never a password in the manifest).
@Suite struct LiveSourceSpecTests {
    func source(_ body: String) throws -> SourceSpec {
        try ManifestLoader.parse(yaml: manifest(source: body), file: manifestPath).sources[0]
    }

    @Test func mysqlTableSourceWithPasswordEnv() throws {
        let s = try source("name: vt\nmysql: mysql://attache_ro@127.0.0.1:3306/vtigercrm\npassword_env: VT_PW\ntable: vtiger_notes\n"
            + "key: notesid\ntext: notecontent")
        #expect(s.kind == .mysql(url: "mysql://attache_ro@127.0.0.1:3306/vtigercrm"))
        let live = try #require(s.live)
        #expect(live.engine == .mysql && live.user == "attache_ro" && live.host == "127.0.0.1" && live.port == 3306)
        #expect(live.database == "vtigercrm" && live.passwordEnv == "VT_PW")
        #expect(s.table == "vtiger_notes" && s.key == ["notesid"] && s.text == ["notecontent"])
    }

    @Test func postgresqlPresetReadsTheLiveDatabaseInsteadOfAFile() throws {
        let s = try source("name: odoo\npreset: odoo\npostgresql: postgresql://attache_ro@/odoo?host=/var/run/postgresql\nroot: /mnt/legacy")
        #expect(s.kind == .preset(name: "odoo"))
        let live = try #require(s.live)
        #expect(live.engine == .postgresql && live.host == nil && live.database == "odoo")
        #expect(live.parameter("HOST") == "/var/run/postgresql")
        #expect(s.database == nil)
    }

    @Test func socketParameterAndPercentEscapes() throws {
        let d = try LiveDatabase(engine: .mysql, url: "mariadb://crm%20ro@/crm%5Fdb?socket=/run/mysqld/mysqld.sock&connect_timeout=3")
        #expect(d.user == "crm ro" && d.database == "crm_db" && d.host == nil)
        #expect(d.parameter("socket") == "/run/mysqld/mysqld.sock" && d.parameter("connect_timeout") == "3")
    }

    @Test func ipv6HostsLoseTheirBrackets() throws {
        let d = try LiveDatabase(engine: .mysql, url: "mysql://ro@[::1]:3307/crm")
        #expect(d.host == "::1" && d.port == 3307 && d.database == "crm")
        let p = try LiveDatabase(engine: .postgresql, url: "postgresql://ro@[fe80::1]/odoo")
        #expect(p.host == "fe80::1" && p.port == nil)
    }

    @Test func aPasswordInTheURLIsRefusedWithWhereToPutIt() {
        let e = expectError(manifest(source: "name: vt\nmysql: mysql://ro:secret@db/crm\ntable: t\ntext: x"), .schema, line: 6, column: 12,
                            "never write a password in the manifest", "password_env", "~/.my.cnf")
        #expect(!(e?.message.contains("secret") ?? true), "the error must not repeat the password")
        expectError(manifest(source: "name: o\npostgresql: postgresql://ro@/odoo?password=x\ntable: t\ntext: x"), .schema,
                    line: 6, column: 17, "password parameter", "password_env")
    }

    @Test func badURLsSayWhatIsExpected() {
        expectError(manifest(source: "name: vt\nmysql: postgresql://ro@db/crm\ntable: t\ntext: x"), .schema, line: 6, column: 12,
                    "is not a MySQL/MariaDB URL", "mysql://USER@HOST:3306/DATABASE")
        expectError(manifest(source: "name: vt\nmysql: mysql://ro@db:http/crm\ntable: t\ntext: x"), .schema, line: 6, column: 12,
                    "port", "expected a number from 1 to 65535")
        expectError(manifest(source: "name: vt\nmysql: mysql://ro@db/\ntable: t\ntext: x"), .schema, line: 6, column: 12,
                    "names no database")
        expectError(manifest(source: "name: vt\nmysql: mysql://ro@db/crm\ntable: t\ntext: x\npassword_env: 'my password'"), .schema,
                    line: 9, column: 19, "names an environment variable")
    }

    @Test func aLiveSourceNeedsATableOrQueryAndReferences() {
        expectError(manifest(source: "name: vt\nmysql: mysql://ro@db/crm\ntext: x"), .schema, line: 5, column: 5,
                    "reads mysql: give 'table'")
        expectError(manifest(source: "name: vt\npostgresql: postgresql://ro@db/crm\ntable: t"), .schema, line: 5, column: 5,
                    "names no references")
    }

    @Test func keysThatDoNotApplyAreRefused() {
        expectError(manifest(source: "name: vt\nmysql: mysql://ro@db/crm\ntable: t\ntext: x\ndelimiter: ';'"), .schema,
                    line: 9, column: 5, "'delimiter' does not apply", "reads mysql")
        expectError(manifest(source: "name: vt\nsqlite: crm.sqlite\ntable: t\ntext: x\npassword_env: PW"), .schema,
                    line: 9, column: 5, "'password_env' does not apply")
        expectError(manifest(source: "name: p\npreset: vtiger\ndatabase: crm.sqlite\nroot: /mnt/legacy\npassword_env: PW"), .schema,
                    line: 9, column: 5, "'password_env' is for a live database")
        expectError(manifest(source: "name: p\npreset: vtiger\ndatabase: crm.sqlite\nmysql: mysql://ro@db/crm\nroot: /mnt/legacy"), .schema,
                    line: 8, column: 5, "gives both 'database' and 'mysql'")
        expectError(manifest(source: "name: vt\nmysql: mysql://ro@db/crm\npostgresql: postgresql://ro@db/crm\ntable: t\ntext: x"), .schema,
                    line: 7, column: 5, "gives both 'mysql' and 'postgresql'")
    }
}
