import AttacheModel

// The words of a plan. Every reason is a sentence a business reviewer reads in a spreadsheet:
// "<verb>: <who decided> — <the facts that made it so>".

extension Planner {
    enum Phrase {
        /// "kept", "archived", "dropped".
        static func verb(_ action: DecisionAction) -> String {
            switch action {
            case .keep: return "kept"
            case .archive: return "archived"
            case .drop: return "dropped"
            }
        }

        static func bytes(_ n: Int64) -> String { ByteCount(n).description }

        static func year(_ t: Timestamp) -> String { String(t.utc.year) }

        static func date(_ t: Timestamp) -> String { String(t.iso8601.prefix(10)) }

        static func count(_ n: Int, _ singular: String, _ plural: String) -> String {
            "\(groupedDigits(Int64(n))) \(n == 1 ? singular : plural)"
        }

        static func sources(_ file: PlanFile) -> String {
            file.sources.isEmpty ? "" : " (" + file.sources.joined(separator: ", ") + ")"
        }

        /// "referenced by 3 records (crm)", "referenced only by 2 deleted records (crm)", "not referenced".
        static func references(_ file: PlanFile) -> String {
            if file.liveReferences > 0 {
                return "referenced by " + count(file.liveReferences, "record", "records") + sources(file)
            }
            if file.deletedReferences > 0 {
                return "referenced only by " + count(file.deletedReferences, "deleted record", "deleted records") + sources(file)
            }
            return "not referenced"
        }

        /// The legacy path of a file as people know it: the root's path and the relative path.
        static func source(_ file: PlanFile) -> String {
            let rel = file.path.display
            if file.root.isEmpty { return rel }
            return file.root.hasSuffix("/") ? file.root + rel : file.root + "/" + rel
        }

        /// Why a file cannot be moved: "it is a symbolic link (not followed)".
        static func unmovable(_ file: PlanFile) -> String {
            if let p = file.problem { return "it " + p.summary }
            switch file.status {
            case .special: return "it is not a regular file (a link, FIFO, socket or device)"
            case .unreadable: return "its content could not be read"
            case .gone: return "it was no longer there at the last scan"
            case .ok: return "it cannot be read"
            }
        }

        static func quoted(_ items: [String]) -> String {
            let q = items.map { "'" + $0 + "'" }
            if q.count <= 1 { return q.first ?? "" }
            return q.dropLast().joined(separator: ", ") + " and " + q[q.count - 1]
        }
    }
}
