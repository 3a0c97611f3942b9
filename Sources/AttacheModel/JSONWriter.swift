/// The one JSON writer for everything the tool writes: objects and arrays are written as they
/// go (a listing of millions of rows never sits in memory), keys in the order they are given
/// (so output is stable and diffable), strings escaped by ``JSONText``.
///
/// ```swift
/// var w = JSONWriter(StringSink())
/// w.beginObject()
/// w.field("listing", "files")
/// w.beginArray("items", oneItemPerLine: true)
/// w.value(.integer(1))
/// w.endArray()
/// w.endObject()
/// let text = w.finish().text   // {"listing":"files","items":[\n1\n]}\n
/// ```
/// Misuse (a key inside an array, a value without a key inside an object, unbalanced ends)
/// is a programming error and traps. A value the catalog stores in a column (no line break
/// after it) is written with ``text(escaping:_:)``.
public struct JSONWriter<Sink: TextSink> {
    /// Where the text goes; ``finish()`` hands it back.
    public private(set) var sink: Sink

    private struct Level {
        var isArray: Bool
        var count = 0
        var oneItemPerLine: Bool
    }
    private var levels: [Level] = []

    /// How strings (keys and values) are escaped: ``JSONText/Escaping/standard`` unless a stored
    /// value must keep the bytes an earlier build wrote.
    public let escaping: JSONText.Escaping

    public init(_ sink: Sink, escaping: JSONText.Escaping = .standard) { self.sink = sink; self.escaping = escaping }

    /// Opens an object: the top-level value, an array element (`key` nil) or a field's value.
    public mutating func beginObject(_ key: String? = nil) {
        prefix(key)
        sink.write("{")
        levels.append(Level(isArray: false, oneItemPerLine: false))
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        precondition(levels.last?.isArray == false, "endObject without an open object")
        levels.removeLast()
        sink.write("}")
    }

    /// Opens an array. With `oneItemPerLine`, each element starts on its own line (a listing
    /// stays readable by line-oriented tools, and a diff shows one changed row).
    public mutating func beginArray(_ key: String? = nil, oneItemPerLine: Bool = false) {
        prefix(key)
        sink.write("[")
        levels.append(Level(isArray: true, oneItemPerLine: oneItemPerLine))
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        guard let top = levels.popLast(), top.isArray else { preconditionFailure("endArray without an open array") }
        sink.write(top.oneItemPerLine ? "\n]" : "]")
    }

    /// Writes `key: value` in the open object.
    public mutating func field(_ key: String, _ value: FieldValue) {
        prefix(key)
        write(value)
    }

    /// Writes `key: number` in the open object, a fraction with exactly `digits` decimals
    /// (`0.423`): for ratios, which ``FieldValue`` (text, integers, booleans) does not hold.
    public mutating func field(_ key: String, decimal: Double, digits: Int) {
        prefix(key)
        sink.write(formatFixed(decimal.isFinite ? decimal : 0, digits: digits))
    }

    /// Writes `key: [values…]` in the open object.
    public mutating func field(_ key: String, array values: [FieldValue]) {
        beginArray(key)
        for v in values { value(v) }
        endArray()
    }

    /// Writes `[values…]` as an element of the open array (or as the top-level value).
    public mutating func value(array values: [FieldValue]) {
        beginArray()
        for v in values { value(v) }
        endArray()
    }

    /// Writes an element of the open array (or the top-level value).
    public mutating func value(_ value: FieldValue) {
        prefix(nil)
        write(value)
    }

    /// Ends the document with a line break and hands back the sink.
    public mutating func finish() -> Sink {
        precondition(levels.isEmpty, "finish with \(levels.count) open object(s) or array(s)")
        sink.write("\n")
        return sink
    }

    private mutating func write(_ value: FieldValue) {
        if case .text(let s) = value, escaping != .standard {
            sink.write(JSONText.string(s, escaping: escaping))
        } else {
            sink.write(value.json)
        }
    }

    private mutating func prefix(_ key: String?) {
        guard let i = levels.indices.last else {
            precondition(key == nil, "a key outside any object")
            return
        }
        precondition(levels[i].isArray == (key == nil), levels[i].isArray ? "a key inside an array" : "a value without a key inside an object")
        if levels[i].count > 0 { sink.write(",") }
        if levels[i].oneItemPerLine { sink.write("\n") }
        levels[i].count += 1
        if let key { sink.write(JSONText.string(key, escaping: escaping) + ":") }
    }
}

extension JSONWriter where Sink == StringSink {
    /// One JSON value as text, without the line break ``finish()`` ends a document with: the
    /// form the catalog stores in a column (`plans.summary`, `plans.warnings`, `roots.aliases`,
    /// `refs.fields`) or a caller embeds in a larger output.
    ///
    /// ```swift
    /// JSONWriter.text { w in w.beginArray(); w.value("a/b"); w.endArray() }   // ["a/b"]
    /// ```
    public static func text(escaping: JSONText.Escaping = .standard, _ write: (inout JSONWriter<StringSink>) -> Void) -> String {
        var w = JSONWriter(StringSink(), escaping: escaping)
        write(&w)
        return String(w.finish().text.dropLast())
    }
}
