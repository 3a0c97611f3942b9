import AttacheModel

// Layout and archive templates: `{root}/{year}/{relpath}` parsed once, rendered per file into
// path segments. Literal text and placeholder values are both sanitised afterwards, segment by
// segment (PlannerNaming.swift).

extension Planner {
    struct Template: Sendable {
        enum Field: Equatable, Sendable {
            case category, year, month, root, relpath, dir, name, stem, ext, sha256(Int), source
            /// `{record.COLUMN}` or `{record.COLUMN:text when no record has a value}`.
            case record(String, String?)
            /// Archive naming only.
            case group, volume
        }

        enum Token: Sendable {
            case literal(String)
            case field(Field)
        }

        /// A field's value for one file: one piece of text, or path components ({relpath}, {dir}, {group}).
        enum Value {
            case single(String)
            case components([String])
        }

        /// The template's segments (split at `/`); segments that are empty in the template
        /// itself (a leading `/`, `//`) are dropped: the result is always relative.
        let segments: [[Token]]
        /// Placeholders the template names that this kind of template does not know (left as text).
        let unknown: [String]
        let text: String

        init(_ text: String, archiveNaming: Bool = false) {
            self.text = text
            var segments: [[Token]] = []
            var unknown: [String] = []
            var current: [Token] = []
            var literal = ""
            func flushLiteral() {
                if !literal.isEmpty { current.append(.literal(literal)); literal = "" }
            }
            func endSegment() {
                flushLiteral()
                if !current.isEmpty { segments.append(current) }
                current = []
            }
            var i = text.startIndex
            while i < text.endIndex {
                let c = text[i]
                if c == "/" {
                    endSegment()
                    i = text.index(after: i)
                    continue
                }
                // `{{` and `}}` are literal braces (as the loader reads templates).
                if c == "{" || c == "}" {
                    let next = text.index(after: i)
                    if next < text.endIndex && text[next] == c {
                        literal.append(c)
                        i = text.index(after: next)
                        continue
                    }
                }
                if c == "{", let close = text[i...].firstIndex(of: "}") {
                    let inner = String(text[text.index(after: i)..<close]).trimmingWhitespace()
                    if let f = Template.field(inner, archiveNaming: archiveNaming) {
                        flushLiteral()
                        current.append(.field(f))
                    } else {
                        unknown.append(inner)
                        literal += "{" + inner + "}"
                    }
                    i = text.index(after: close)
                    continue
                }
                literal.append(c)
                i = text.index(after: i)
            }
            endSegment()
            self.segments = segments
            self.unknown = unknown
        }

        static func field(_ inner: String, archiveNaming: Bool) -> Field? {
            if archiveNaming {
                switch inner {
                case "group": return .group
                case "volume": return .volume
                default: return nil
                }
            }
            switch inner {
            case "category": return .category
            case "year": return .year
            case "month": return .month
            case "root": return .root
            case "relpath": return .relpath
            case "dir": return .dir
            case "name": return .name
            case "stem": return .stem
            case "ext": return .ext
            case "source": return .source
            case "sha256": return .sha256(64)
            default:
                if inner.hasPrefix("record.") {
                    let spec = inner.dropFirst("record.".count)
                    if let colon = spec.firstIndex(of: ":") {
                        let name = spec[..<colon].trimmingWhitespace()
                        return name.isEmpty ? nil : .record(name, spec[spec.index(after: colon)...].trimmingWhitespace())
                    }
                    let name = spec.trimmingWhitespace()
                    return name.isEmpty ? nil : .record(name, nil)
                }
                if inner.hasPrefix("sha256"), let colon = inner.firstIndex(of: ":"),
                   inner[..<colon].trimmingWhitespace() == "sha256",
                   let n = Int(inner[inner.index(after: colon)...].trimmingWhitespace()), n > 0 {
                    return .sha256(min(n, 64))
                }
                return nil
            }
        }

        /// The record columns the template names, in order, each once.
        var recordFields: [String] {
            var out: [String] = []
            for seg in segments {
                for case .field(.record(let name, _)) in seg where !out.contains(name) { out.append(name) }
            }
            return out
        }

        func uses(_ f: Field) -> Bool {
            segments.contains { $0.contains { if case .field(let g) = $0 { return g == f } else { return false } } }
        }

        /// The raw segments for one file (before sanitising). A segment made only of
        /// component fields that are empty (`{dir}` of a file at the root) disappears; any other
        /// segment that renders empty stays, as "", for the sanitiser to replace.
        func render(_ value: (Field) -> Value) -> [String] {
            var out: [String] = []
            out.reserveCapacity(segments.count + 4)
            for seg in segments {
                var current = ""
                var hasText = false
                var hasComponents = false
                for t in seg {
                    switch t {
                    case .literal(let s):
                        current += s
                        hasText = true
                    case .field(let f):
                        switch value(f) {
                        case .single(let s):
                            current += s
                            hasText = true
                        case .components(let comps):
                            guard let first = comps.first else { continue }
                            hasComponents = true
                            current += first
                            for c in comps.dropFirst() {
                                out.append(current)
                                current = c
                            }
                        }
                    }
                }
                if !hasText && !hasComponents { continue }
                out.append(current)
            }
            return out
        }
    }
}
