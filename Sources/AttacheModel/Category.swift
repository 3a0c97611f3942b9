/// What a file is, in words a business person understands. Derived from the content type
/// libmagic reports (not from the name), with the extension consulted only where the
/// content type is a generic container (a ZIP that is really a .docx, an OLE2 file).
public enum Category: String, CaseIterable, Sendable, Codable, Comparable {
    case document, spreadsheet, presentation, pdf, image, email, archive, text, html
    case audio, video, executable, empty, unknown

    public static func < (a: Category, b: Category) -> Bool { a.rawValue < b.rawValue }
}

/// Turns a MIME type (and the name's extension) into a ``Category`` and tells whether the
/// extension contradicts the content. Pure: the libmagic call lives in AttacheSystem.
public enum Classification {
    /// The category for a MIME type as libmagic names it.
    /// - Parameters:
    ///   - mime: e.g. `application/pdf`, `text/html`, `application/CDFV2`.
    ///   - fileExtension: lower-cased, without the dot; used only for generic containers.
    ///   - size: an empty file is `empty` whatever its name.
    public static func category(mime: String, fileExtension: String, size: Int64) -> Category {
        if size == 0 { return .empty }
        let m = mime.lowercased()
        if let c = exact[m] { return c }
        // Generic containers: the extension tells which office format they hold.
        if m == "application/zip" || m == "application/x-zip-compressed" {
            if let c = officeZipExtensions[fileExtension] { return c }
            return .archive
        }
        if m == "application/cdfv2" || m == "application/x-ole-storage" || m.hasPrefix("application/cdfv2") {
            return oleExtensions[fileExtension] ?? .document
        }
        if m.hasPrefix("image/") { return .image }
        if m.hasPrefix("audio/") { return .audio }
        if m.hasPrefix("video/") { return .video }
        if m.hasPrefix("message/") { return .email }
        if m.contains("spreadsheet") || m.contains("excel") { return .spreadsheet }
        if m.contains("presentation") || m.contains("powerpoint") { return .presentation }
        if m.contains("wordprocessing") || m.contains("msword") || m.contains("opendocument.text") { return .document }
        if m.hasPrefix("text/") { return .text }
        if m.contains("compressed") || m.contains("archive") { return .archive }
        return .unknown
    }

    /// Whether the extension contradicts the content: a `.doc` that is really HTML, a `.pdf`
    /// that is a JPEG. Unknown extensions, empty files and unknown content never contradict.
    public static func extensionContradicts(category: Category, mime: String, fileExtension: String) -> Bool {
        guard !fileExtension.isEmpty, category != .empty, category != .unknown else { return false }
        guard let expected = expectedByExtension[fileExtension] else { return false }
        if expected.contains(category) { return false }
        // Office containers may be typed as plain ZIP / OLE2 by libmagic when it cannot see inside.
        let m = mime.lowercased()
        if (m == "application/zip") && officeZipExtensions[fileExtension] != nil { return false }
        if m.hasPrefix("application/cdfv2") && oleExtensions[fileExtension] != nil { return false }
        return true
    }

    static let exact: [String: Category] = [
        "application/pdf": .pdf,
        "application/x-pdf": .pdf,
        "text/html": .html,
        "application/xhtml+xml": .html,
        "message/rfc822": .email,
        "application/vnd.ms-outlook": .email,
        "application/msword": .document,
        "application/rtf": .document,
        "text/rtf": .document,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document": .document,
        "application/vnd.oasis.opendocument.text": .document,
        "application/vnd.ms-excel": .spreadsheet,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": .spreadsheet,
        "application/vnd.oasis.opendocument.spreadsheet": .spreadsheet,
        "text/csv": .spreadsheet,
        "application/csv": .spreadsheet,
        "application/vnd.ms-powerpoint": .presentation,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation": .presentation,
        "application/vnd.oasis.opendocument.presentation": .presentation,
        "application/x-rar": .archive, "application/vnd.rar": .archive, "application/x-7z-compressed": .archive,
        "application/gzip": .archive, "application/x-gzip": .archive, "application/x-tar": .archive,
        "application/x-bzip2": .archive, "application/x-xz": .archive, "application/zstd": .archive,
        "application/x-dosexec": .executable, "application/x-executable": .executable,
        "application/x-sharedlib": .executable, "application/x-pie-executable": .executable,
        "application/x-msi": .executable, "application/x-mach-binary": .executable,
        "inode/x-empty": .empty,
        "application/x-empty": .empty,
        "application/octet-stream": .unknown,
    ]

    static let officeZipExtensions: [String: Category] = [
        "docx": .document, "docm": .document, "odt": .document,
        "xlsx": .spreadsheet, "xlsm": .spreadsheet, "ods": .spreadsheet,
        "pptx": .presentation, "pptm": .presentation, "odp": .presentation,
    ]
    static let oleExtensions: [String: Category] = [
        "doc": .document, "dot": .document, "xls": .spreadsheet, "xlt": .spreadsheet,
        "ppt": .presentation, "pps": .presentation, "msg": .email, "msi": .executable,
    ]

    /// What each well-known extension promises. `.txt` may hold text of any kind (csv, html
    /// are text too); `.csv` may be typed `text/plain`.
    static let expectedByExtension: [String: Set<Category>] = {
        var m: [String: Set<Category>] = [:]
        for e in ["doc", "docx", "docm", "dot", "odt", "rtf", "wpd"] { m[e] = [.document] }
        for e in ["xls", "xlsx", "xlsm", "xlt", "ods"] { m[e] = [.spreadsheet] }
        m["csv"] = [.spreadsheet, .text]
        for e in ["ppt", "pptx", "pptm", "pps", "odp"] { m[e] = [.presentation] }
        m["pdf"] = [.pdf]
        for e in ["jpg", "jpeg", "png", "gif", "tif", "tiff", "bmp", "webp", "heic", "svg", "ico"] { m[e] = [.image] }
        m["svg"] = [.image, .text, .html]
        for e in ["eml", "msg"] { m[e] = [.email] }
        for e in ["zip", "rar", "7z", "gz", "tgz", "tar", "bz2", "xz", "zst"] { m[e] = [.archive] }
        for e in ["txt", "log", "text", "md", "ini", "cfg"] { m[e] = [.text, .html, .spreadsheet] }
        for e in ["xml", "json"] { m[e] = [.text, .html] }
        for e in ["htm", "html", "xhtml"] { m[e] = [.html, .text] }
        for e in ["mp3", "wav", "ogg", "flac", "m4a", "wma"] { m[e] = [.audio] }
        for e in ["mp4", "avi", "mov", "mkv", "wmv", "mpg", "mpeg"] { m[e] = [.video] }
        for e in ["exe", "dll", "msi", "com"] { m[e] = [.executable] }
        return m
    }()
}
