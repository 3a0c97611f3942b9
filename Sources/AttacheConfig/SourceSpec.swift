/// One set of legacy records that point at files: a SQLite table or query, a CSV export,
/// a folder of text/HTML files, or a preset that knows a CRM's tables.
///
/// This is the manifest's description only; reading sources is the references stage's job.
/// Optional fields are nil (or empty lists) when the manifest does not give them.
public struct SourceSpec: Sendable, Equatable {
    /// What the source reads, with its location (absolute for files and folders).
    public enum Kind: Sendable, Equatable {
        /// A SQLite database file (`sqlite:`), read through `table` or `query`.
        case sqlite(database: String)
        /// A CSV file (`csv:`).
        case csv(file: String)
        /// A folder of text or HTML files whose content holds paths (`text_files:`).
        case textFiles(folder: String)
        /// A named preset that knows a CRM's tables (`preset:`), reading `database` or ``SourceSpec/live``.
        case preset(name: String)
        /// A live MySQL/MariaDB database (`mysql: URL`), read through `table` or `query`.
        case mysql(url: String)
        /// A live PostgreSQL database (`postgresql: URL`), read through `table` or `query`.
        case postgresql(url: String)

        /// The manifest key that selects this kind.
        public var manifestKey: String {
            switch self {
            case .sqlite: return "sqlite"
            case .csv: return "csv"
            case .textFiles: return "text_files"
            case .preset: return "preset"
            case .mysql: return "mysql"
            case .postgresql: return "postgresql"
            }
        }
    }

    /// Unique among the manifest's sources; names the source in the catalog and in reports.
    public var name: String
    public var kind: Kind
    /// The SQLite table to read (sqlite; exclusive with `query`).
    public var table: String?
    /// The SELECT to run (sqlite; exclusive with `table`).
    public var query: String?
    /// The columns that identify a record (empty when not given).
    public var key: [String]
    /// A template that names one file per record from its columns, e.g. `/var/www/{path}{id}_{name}`.
    /// `{column}` is replaced by the column's value; `{{` and `}}` stand for literal braces.
    public var file: String?
    /// Columns holding free text (notes, HTML) with paths inside (empty when not given).
    public var text: [String]
    /// Columns kept with every reference of a record, for policy layouts that name them
    /// (`{record.account}`); empty when not given.
    public var fields: [String] = []
    /// The folder that relative paths in the records resolve against, kept as written.
    public var base: String?
    /// The folder that relative paths written in the records' TEXT (prose, `href`/`src` values)
    /// start from, kept as written (`relative_base:`). When it is nil, an explicitly written
    /// `base` serves; a source with neither (a preset, a source with only `root:`) finds no
    /// bare relative paths in its text.
    public var relativeBase: String? = nil
    /// A column that marks a record deleted (its references are kept but flagged).
    public var deleted: String?
    /// A column with the record's modification time.
    public var modified: String?
    /// The CSV field delimiter (csv; default ',').
    public var delimiter: Character?
    /// The text encoding of the CSV or text files, e.g. `windows-1252` (default UTF-8).
    public var encoding: String?
    /// The database a preset reads (preset; absolute).
    public var database: String?
    /// The live database a `mysql:`/`postgresql:` source reads, or a preset reads instead of
    /// `database` (with `password_env:`).
    public var live: LiveDatabase? = nil
    /// The root the records' paths belong to (absolute; one of the manifest's root paths).
    public var root: String?
    /// A column that `attache rewrite` sets to the new location of the path the `file`
    /// template composes (sqlite tables and csv; nil when not given).
    public var rewriteColumn: String? = nil
    /// Where the source's entry starts in the manifest (1-based); 0 when built in code.
    public var line: Int
    public var column: Int

    public init(name: String, kind: Kind, table: String? = nil, query: String? = nil, key: [String] = [],
                file: String? = nil, text: [String] = [], base: String? = nil, deleted: String? = nil,
                modified: String? = nil, delimiter: Character? = nil, encoding: String? = nil,
                database: String? = nil, root: String? = nil, line: Int = 0, column: Int = 0) {
        self.name = name
        self.kind = kind
        self.table = table
        self.query = query
        self.key = key
        self.file = file
        self.text = text
        self.base = base
        self.deleted = deleted
        self.modified = modified
        self.delimiter = delimiter
        self.encoding = encoding
        self.database = database
        self.root = root
        self.line = line
        self.column = column
    }
}
