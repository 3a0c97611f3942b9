/// `sources`: the records that point at files. Only their description is checked here;
/// reading them is the references stage's job.
extension ManifestDecoder {
    /// The keys that choose what a source reads; a source gives exactly one.
    static let kindKeys = ["sqlite", "csv", "text_files", "preset", "mysql", "postgresql"]
    static let sourceKeys = ["name"] + kindKeys
        + ["table", "query", "key", "file", "text", "fields", "base", "relative_base", "deleted", "modified", "delimiter", "encoding",
           "database", "root", "rewrite_column", "password_env"]
    /// The kinds that read a database through `table` or `query`.
    static let databaseKinds = ["sqlite", "mysql", "postgresql"]
    /// Keys that make sense for some kinds only; the others (`name`, `base`, `root`) apply to all.
    static let kindSpecificKeys: [String: [String]] = [
        "table": databaseKinds, "query": databaseKinds,
        "key": databaseKinds + ["csv"], "file": databaseKinds + ["csv"], "text": databaseKinds + ["csv"],
        "fields": databaseKinds + ["csv", "preset"],
        "deleted": databaseKinds + ["csv"], "modified": databaseKinds + ["csv"],
        "delimiter": ["csv"], "encoding": ["csv", "text_files"], "database": ["preset"], "rewrite_column": databaseKinds + ["csv"],
        // A preset's text is not searched for bare relative paths (its `root` composes its templates).
        "relative_base": databaseKinds + ["csv", "text_files"],
        "password_env": ["mysql", "postgresql", "preset"],
    ]

    func sources(_ node: YAMLNode, roots: [RootSpec]) throws(YAMLDiagnostic) -> [SourceSpec] {
        var sources: [SourceSpec] = []
        var nameNodes: [String: YAMLNode] = [:]
        for item in try node.sequence("'sources'", example: "sources: [{name: crm, sqlite: crm.sqlite, table: notes, text: body}]") {
            if let text = item.scalarText {
                throw item.error("each source is a mapping with a 'name' and what it reads (sqlite, csv, text_files or preset), "
                    + "found '\(YAMLNode.abbreviated(text))'")
            }
            var m = try item.mapping("a source")
            if let name = m.value("name")?.scalarText { m = m.named("source '\(name)'") }
            try m.checkKeys(ManifestDecoder.sourceKeys)
            let nameNode = try m.require("name", expected: "a unique name, e.g. 'name: comments'")
            let name = try nameNode.nonEmptyString("'name'")
            if let first = nameNodes[name] {
                throw nameNode.error("source name '\(name)' is used twice (first at \(first.location.lineAndColumn)); names must be unique")
            }
            nameNodes[name] = nameNode
            sources.append(try source(m, name: name, roots: roots))
        }
        return sources
    }

    private func source(_ m: YAMLMapping, name: String, roots: [RootSpec]) throws(YAMLDiagnostic) -> SourceSpec {
        let kind = try self.kind(of: m)
        let kindKey = kind.manifestKey
        for entry in m.entries {
            guard let kinds = ManifestDecoder.kindSpecificKeys[entry.key], !kinds.contains(kindKey) else { continue }
            throw YAMLDiagnostic(.schema, at: entry.keyLocation,
                "'\(entry.key)' does not apply to \(m.what), which reads \(kindKey); it is for \(Self.listing(kinds)) sources")
        }
        var spec = SourceSpec(name: name, kind: kind, line: m.node.location.line, column: m.node.location.column)
        spec.live = try live(m, kind: kind)
        spec.table = try m.value("table")?.nonEmptyString("'table'")
        spec.query = try m.value("query")?.nonEmptyString("'query'")
        spec.key = try m.value("key")?.stringOrList("'key'") ?? []
        spec.text = try m.value("text")?.stringOrList("'text'") ?? []
        spec.fields = try m.value("fields")?.stringOrList("'fields'") ?? []
        if let fileNode = m.value("file") {
            let template = try fileNode.nonEmptyString("'file'")
            if let problem = FileTemplate.problem(in: template) { throw fileNode.error("invalid 'file' template: \(problem)") }
            spec.file = template
        }
        spec.base = try m.value("base")?.nonEmptyString("'base'")
        spec.relativeBase = try m.value("relative_base")?.nonEmptyString("'relative_base'")
        spec.deleted = try m.value("deleted")?.nonEmptyString("'deleted'")
        spec.modified = try m.value("modified")?.nonEmptyString("'modified'")
        spec.encoding = try m.value("encoding")?.nonEmptyString("'encoding'")
        if let node = m.value("delimiter") {
            let text = try node.string("'delimiter'")
            guard text.count == 1, let c = text.first, c != "\n", c != "\r\n", c != "\"" else {
                throw node.error("'delimiter' must be one character other than a quote or a line break, found '\(text)'")
            }
            spec.delimiter = c
        }
        if let node = m.value("database") { spec.database = try path(node, "'database'") }
        if let node = m.value("root") { spec.root = try root(node, roots: roots) }
        if let node = m.value("rewrite_column") {
            spec.rewriteColumn = try node.nonEmptyString("'rewrite_column'")
            if spec.file == nil {
                throw node.error("'rewrite_column' receives the new location of the path the 'file' template builds; "
                    + "this source has no 'file' (paths in 'text' columns are rewritten where they are)")
            }
            if spec.query != nil {
                throw node.error("'rewrite_column' needs 'table': a query's columns cannot be written back")
            }
        }
        try checkCompleteness(spec, m)
        return spec
    }

    /// `a`, `a and b`, `a, b and c`.
    static func listing(_ items: [String]) -> String {
        items.count <= 2 ? items.joined(separator: " and ") : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    /// The one kind key the source gives, with its value.
    private func kind(of m: YAMLMapping) throws(YAMLDiagnostic) -> SourceSpec.Kind {
        var given = m.entries.filter { ManifestDecoder.kindKeys.contains($0.key) }
        // A preset reads a live database named by `mysql:`/`postgresql:` (instead of `database:`).
        if given.contains(where: { $0.key == "preset" }) {
            given.removeAll { $0.key == "mysql" || $0.key == "postgresql" }
        }
        guard let entry = given.first else {
            throw m.node.error("\(m.what) does not say what it reads: give one of 'sqlite', 'csv', 'text_files' or 'preset'")
        }
        if given.count > 1 {
            throw YAMLDiagnostic(.schema, at: given[1].keyLocation,
                "\(m.what) gives both '\(entry.key)' and '\(given[1].key)'; a source reads exactly one of them")
        }
        let value = try m.require(entry.key, expected: ManifestDecoder.kindExpectation[entry.key] ?? "a value")
        switch entry.key {
        case "sqlite": return .sqlite(database: try path(value, "'sqlite'"))
        case "csv": return .csv(file: try path(value, "'csv'"))
        case "text_files": return .textFiles(folder: try path(value, "'text_files'"))
        case "mysql": return .mysql(url: try value.nonEmptyString("'mysql'"))
        case "postgresql": return .postgresql(url: try value.nonEmptyString("'postgresql'"))
        default: return .preset(name: try value.nonEmptyString("'preset'"))
        }
    }

    private static let kindExpectation = [
        "sqlite": "the SQLite database file, e.g. 'sqlite: crm.sqlite'",
        "csv": "the CSV file, e.g. 'csv: export/Attachment.csv'",
        "text_files": "the folder of text or HTML files, e.g. 'text_files: export/notes'",
        "preset": "the name of a preset, e.g. 'preset: vtiger'",
        "mysql": "the database's URL, e.g. 'mysql: mysql://attache_ro@127.0.0.1:3306/vtigercrm'",
        "postgresql": "the database's URL, e.g. 'postgresql: postgresql://attache_ro@/odoo?host=/var/run/postgresql'",
    ]

    /// What each kind needs besides its own key.
    private func checkCompleteness(_ spec: SourceSpec, _ m: YAMLMapping) throws(YAMLDiagnostic) {
        switch spec.kind {
        case .sqlite, .mysql, .postgresql:
            if spec.table == nil && spec.query == nil {
                throw m.node.error("\(m.what) reads \(spec.kind.manifestKey): give 'table' (a table name) or 'query' (a SELECT)")
            }
            if spec.table != nil && spec.query != nil, let later = m.entries.last(where: { $0.key == "table" || $0.key == "query" }) {
                throw YAMLDiagnostic(.schema, at: later.keyLocation, "\(m.what) gives both 'table' and 'query'; give one of them")
            }
            fallthrough
        case .csv:
            if spec.file == nil && spec.text.isEmpty {
                throw m.node.error("\(m.what) names no references: give 'file' (a template naming one file per record) "
                    + "or 'text' (columns whose text holds paths)")
            }
        case .preset:
            if spec.database == nil && spec.live == nil {
                throw m.node.error("\(m.what) uses a preset: give 'database' (the file the preset reads) "
                    + "or 'mysql'/'postgresql' (the live database's URL)")
            }
            if spec.database != nil, let entry = m.entries.first(where: { $0.key == "mysql" || $0.key == "postgresql" }) {
                throw YAMLDiagnostic(.schema, at: entry.keyLocation,
                    "\(m.what) gives both 'database' and '\(entry.key)'; a preset reads one of them")
            }
            if spec.live == nil, let entry = m.entries.first(where: { $0.key == "password_env" }) {
                throw YAMLDiagnostic(.schema, at: entry.keyLocation,
                    "'password_env' is for a live database ('mysql:' or 'postgresql:'); \(m.what) reads a file")
            }
        case .textFiles:
            break
        }
    }

    /// The live database of a `mysql:`/`postgresql:` source or a preset reading one, its URL
    /// checked (no password in it) and `password_env` read; nil for the others.
    private func live(_ m: YAMLMapping, kind: SourceSpec.Kind) throws(YAMLDiagnostic) -> LiveDatabase? {
        guard let entry = m.entries.first(where: { $0.key == "mysql" || $0.key == "postgresql" }) else { return nil }
        guard let node = m.value(entry.key) else { return nil }
        let url = try node.nonEmptyString("'\(entry.key)'")
        var passwordEnv: String?
        if let envNode = m.value("password_env") {
            let name = try envNode.nonEmptyString("'password_env'")
            let ascii = name.unicodeScalars
            guard ascii.allSatisfy({ ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }),
                  !("0"..."9").contains(ascii.first!) else {
                throw envNode.error("'password_env' names an environment variable (letters, digits and _), found '\(name)'; "
                    + "the password itself goes in that variable, never in the manifest")
            }
            passwordEnv = name
        }
        do {
            return try LiveDatabase(engine: entry.key == "mysql" ? .mysql : .postgresql, url: url, passwordEnv: passwordEnv)
        } catch {
            throw node.error(error.message)
        }
    }

    /// `root:` names one of the manifest's roots by its path.
    private func root(_ node: YAMLNode, roots: [RootSpec]) throws(YAMLDiagnostic) -> String {
        let path = try path(node, "'root'")
        guard roots.contains(where: { $0.path == path }) else {
            throw node.error("'root' is '\(path)', which is not one of the roots: " + roots.map(\.path).joined(separator: ", "))
        }
        return path
    }
}
