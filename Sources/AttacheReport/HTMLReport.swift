import AttacheCatalog
import AttacheModel

/// The migration report as one self-contained HTML page (being written: issue 16).
public enum HTMLReport {
    public static func page<S: TextSink>(_ d: MigrationReportData, to out: inout S) {
        out.write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>attache report</title></head><body><h1>attache report</h1></body></html>\n")
    }
}
