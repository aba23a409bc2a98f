import NIOCore

/// The API's JSON encoder: keys sorted (answers are stable, dictionaries included), slashes
/// not escaped, nil optionals left out — the output of Foundation's `JSONEncoder` with
/// `[.sortedKeys, .withoutEscapingSlashes]`, byte for byte (a test compares them), written
/// as it goes into one buffer; an object's members are put in order when it closes. Foundation's
/// encoder built a tree of boxed values and took a fifth of the server's time on
/// `/api/v1/metrics` (600 KB for five centres).
///
/// A nested container must be filled before its parent goes on (as every `encode(to:)`
/// Swift synthesizes does); writing to it afterwards throws.
enum APIJSON {
    static func encode(_ value: some Encodable) throws -> ByteBuffer {
        let writer = Writer()
        try writer.write(value, codingPath: [])
        writer.close(above: 0)
        return writer.buffer
    }

    /// A string as a JSON literal: quotes, backslashes and control characters escaped.
    static func quoted(_ string: String) -> String {
        guard needsEscape(string) else { return "\"" + string + "\"" }
        var result = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }

    /// Whether a string has a quote, a backslash or a control character to escape.
    static func needsEscape(_ string: String) -> Bool {
        string.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
    }

    /// A number as Foundation writes it: integral values without a decimal point.
    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> String {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "Not a JSON number: \(value)"))
        }
        if value.rounded() == value, abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// An open object or array: where its members start in the buffer and, for an object,
    /// each member's key and bytes (`"key":value`, without the commas, added at the close).
    final class Frame {
        struct Member {
            let key: String
            let start: Int
            let end: Int
        }
        let isObject: Bool
        let start: Int
        var members: [Member] = []
        var count = 0
        var closed = false
        /// For a nested keyed container: records where its member ends in the parent.
        var onClose: (() -> Void)?

        init(isObject: Bool, start: Int) {
            self.isObject = isObject
            self.start = start
        }
    }

    final class Writer {
        var buffer = ByteBuffer()
        var stack: [Frame] = []

        init() { buffer.reserveCapacity(16_384) }

        /// A string as a JSON literal, written in place when it needs no escaping.
        func string(_ string: String) {
            guard !APIJSON.needsEscape(string) else {
                buffer.writeString(APIJSON.quoted(string))
                return
            }
            buffer.writeStaticString("\"")
            buffer.writeString(string)
            buffer.writeStaticString("\"")
        }

        func write<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
            switch value {
            // The business lines are most of an answer: written here, in the order of their sorted keys.
            case let line as CentreMetrics.BusinessLine: try line.writeJSON(to: self)
            case let cohort as CentreMetrics.Cohort: try cohort.writeJSON(to: self)
            case let retention as CentreMetrics.Retention: try retention.writeJSON(to: self)
            case let month as CentreMetrics.Month: month.writeJSON(to: self)
            case let string as String: self.string(string)
            case let int as Int: buffer.writeString(String(int))
            case let int as Int64: buffer.writeString(String(int))
            case let bool as Bool: buffer.writeStaticString(bool ? "true" : "false")
            case let double as Double: buffer.writeString(try APIJSON.number(double, codingPath: codingPath))
            default:
                let depth = stack.count
                let state = EncoderState()
                try value.encode(to: StreamEncoder(writer: self, state: state, depth: depth, codingPath: codingPath))
                close(above: depth)
                // A value that encoded nothing is an empty object, as Foundation writes it.
                if state.frame == nil && !state.wroteSingle { buffer.writeStaticString("{}") }
            }
        }

        /// Opens an object or array at the current end of the buffer.
        func open(isObject: Bool) -> Frame {
            buffer.writeStaticString(isObject ? "{" : "[")
            let frame = Frame(isObject: isObject, start: buffer.writerIndex)
            stack.append(frame)
            return frame
        }

        /// Closes every frame deeper than `depth` (nested containers done with).
        func close(above depth: Int) {
            while stack.count > depth { close(stack.removeLast()) }
        }

        /// Makes `frame` the innermost open one before writing to it, closing any nested ones.
        func resume(_ frame: Frame, codingPath: [any CodingKey]) throws {
            guard !frame.closed, let index = stack.lastIndex(where: { $0 === frame }) else {
                throw EncodingError.invalidValue(
                    (), .init(codingPath: codingPath, debugDescription: "A container was written to after its parent went on"))
            }
            close(above: index + 1)
        }

        private func close(_ frame: Frame) {
            frame.closed = true
            defer { frame.onClose?() }
            guard frame.isObject else {
                buffer.writeStaticString("]")
                return
            }
            let length = buffer.writerIndex - frame.start
            guard length > 0, let bytes = buffer.getBytes(at: frame.start, length: length) else {
                buffer.writeStaticString("}")
                return
            }
            buffer.moveWriterIndex(to: frame.start)
            // Sorted by key (a stable sort: a key written twice keeps its last value).
            let sorted = frame.members.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }.map(\.element)
            var first = true
            for (index, member) in sorted.enumerated() where index + 1 == sorted.count || sorted[index + 1].key != member.key {
                if !first { buffer.writeStaticString(",") }
                first = false
                buffer.writeBytes(bytes[(member.start - frame.start)..<(member.end - frame.start)])
            }
            buffer.writeStaticString("}")
        }
    }

    /// What one encoder has written: the container it opened, or a single value.
    final class EncoderState {
        var frame: Frame?
        var wroteSingle = false
    }
}

private struct StreamEncoder: Encoder {
    let writer: APIJSON.Writer
    let state: APIJSON.EncoderState
    let depth: Int
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func frame(isObject: Bool) -> APIJSON.Frame {
        // A second container of the same kind on the same encoder goes on with the first.
        if let frame = state.frame, frame.isObject == isObject, !frame.closed { return frame }
        writer.close(above: depth)
        let frame = writer.open(isObject: isObject)
        state.frame = frame
        return frame
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedStreamContainer(writer: writer, frame: frame(isObject: true), codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedStreamContainer(writer: writer, frame: frame(isObject: false), codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleStreamContainer(writer: writer, state: state, depth: depth, codingPath: codingPath)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    let stringValue: String
    init(_ index: Int) {
        intValue = index
        stringValue = "Index \(index)"
    }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.init(intValue) }
}

private struct KeyedStreamContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let writer: APIJSON.Writer
    let frame: APIJSON.Frame
    let codingPath: [any CodingKey]

    /// Writes `"key":` then the value written by `body`, and records the member.
    private func member(_ key: Key, _ body: () throws -> Void) throws {
        try writer.resume(frame, codingPath: codingPath)
        let start = writer.buffer.writerIndex
        writer.string(key.stringValue)
        writer.buffer.writeStaticString(":")
        try body()
        writer.close(above: writer.stack.firstIndex { $0 === frame }.map { $0 + 1 } ?? writer.stack.count)
        frame.members.append(.init(key: key.stringValue, start: start, end: writer.buffer.writerIndex))
    }

    mutating func encodeNil(forKey key: Key) throws { try member(key) { writer.buffer.writeStaticString("null") } }
    mutating func encode(_ value: String, forKey key: Key) throws { try member(key) { writer.string(value) } }
    mutating func encode(_ value: Int, forKey key: Key) throws { try member(key) { writer.buffer.writeString(String(value)) } }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try member(key) { writer.buffer.writeStaticString(value ? "true" : "false") } }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try member(key) { writer.buffer.writeString(try APIJSON.number(value, codingPath: codingPath + [key])) }
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try member(key) { try writer.write(value, codingPath: codingPath + [key]) }
    }

    /// A nested container is written in place: its member is recorded now, and ends where
    /// the nested container ends (the frame's end is fixed when the parent goes on).
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        KeyedEncodingContainer(KeyedStreamContainer<NestedKey>(writer: writer, frame: nested(key, isObject: true), codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        UnkeyedStreamContainer(writer: writer, frame: nested(key, isObject: false), codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: "super") }
    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key.stringValue) }

    private func superEncoder(key: String) -> any Encoder {
        let frame = nested(key, isObject: true)
        let state = APIJSON.EncoderState()
        state.frame = frame
        return StreamEncoder(writer: writer, state: state, depth: writer.stack.count - 1, codingPath: codingPath)
    }

    private func nested(_ key: Key, isObject: Bool) -> APIJSON.Frame { nested(key.stringValue, isObject: isObject) }

    private func nested(_ key: String, isObject: Bool) -> APIJSON.Frame {
        try? writer.resume(frame, codingPath: codingPath)
        let start = writer.buffer.writerIndex
        writer.string(key)
        writer.buffer.writeStaticString(":")
        let child = writer.open(isObject: isObject)
        frame.members.append(.init(key: key, start: start, end: -1))
        child.onClose = { [frame, writer] in
            if let index = frame.members.lastIndex(where: { $0.end == -1 }) {
                frame.members[index] = .init(key: frame.members[index].key, start: frame.members[index].start, end: writer.buffer.writerIndex)
            }
        }
        return child
    }
}

private struct UnkeyedStreamContainer: UnkeyedEncodingContainer {
    let writer: APIJSON.Writer
    let frame: APIJSON.Frame
    let codingPath: [any CodingKey]
    var count: Int { frame.count }

    private func element(_ body: () throws -> Void) throws {
        try writer.resume(frame, codingPath: codingPath)
        if frame.count > 0 { writer.buffer.writeStaticString(",") }
        frame.count += 1
        try body()
    }

    mutating func encodeNil() throws { try element { writer.buffer.writeStaticString("null") } }
    mutating func encode(_ value: String) throws { try element { writer.string(value) } }
    mutating func encode(_ value: Int) throws { try element { writer.buffer.writeString(String(value)) } }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = codingPath + [IndexKey(count)]
        try element { try writer.write(value, codingPath: path) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let path = codingPath + [IndexKey(count)]
        return KeyedEncodingContainer(KeyedStreamContainer<NestedKey>(writer: writer, frame: nested(isObject: true), codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = codingPath + [IndexKey(count)]
        return UnkeyedStreamContainer(writer: writer, frame: nested(isObject: false), codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let path = codingPath + [IndexKey(count)]
        let state = APIJSON.EncoderState()
        state.frame = nested(isObject: true)
        return StreamEncoder(writer: writer, state: state, depth: writer.stack.count - 1, codingPath: path)
    }

    private func nested(isObject: Bool) -> APIJSON.Frame {
        try? writer.resume(frame, codingPath: codingPath)
        if frame.count > 0 { writer.buffer.writeStaticString(",") }
        frame.count += 1
        return writer.open(isObject: isObject)
    }
}

private struct SingleStreamContainer: SingleValueEncodingContainer {
    let writer: APIJSON.Writer
    let state: APIJSON.EncoderState
    let depth: Int
    let codingPath: [any CodingKey]

    private func single(_ body: () throws -> Void) throws {
        writer.close(above: depth)
        state.wroteSingle = true
        try body()
    }

    mutating func encodeNil() throws { try single { writer.buffer.writeStaticString("null") } }
    mutating func encode(_ value: String) throws { try single { writer.string(value) } }
    mutating func encode(_ value: Int) throws { try single { writer.buffer.writeString(String(value)) } }
    mutating func encode(_ value: Bool) throws { try single { writer.buffer.writeStaticString(value ? "true" : "false") } }
    mutating func encode(_ value: Double) throws { try single { writer.buffer.writeString(try APIJSON.number(value, codingPath: codingPath)) } }
    mutating func encode<T: Encodable>(_ value: T) throws { try single { try writer.write(value, codingPath: codingPath) } }
}

/// The bytes of one value written by hand, appended to a local array and handed to the
/// writer's buffer at once: each write to a `ByteBuffer` checks its storage's exclusive
/// access at run time, and the thousand business lines of five centres (and their total)
/// made tens of thousands of such writes per answer.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ string: String) {
        guard !APIJSON.needsEscape(string) else {
            bytes.append(contentsOf: APIJSON.quoted(string).utf8)
            return
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: string.utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Double) throws {
        bytes.append(contentsOf: try APIJSON.number(value, codingPath: []).utf8)
    }

    /// Appends the bytes to the writer's buffer.
    func write(to writer: APIJSON.Writer) {
        writer.buffer.writeBytes(bytes)
    }
}

extension CentreMetrics.BusinessLine {
    /// Written by hand, keys in sorted order and nil optionals left out, as the synthesized
    /// `encode(to:)` through Foundation's encoder writes it (`APIJSONTests` compares them).
    func writeJSON(to writer: APIJSON.Writer) throws {
        var json = JSONBytes(capacity: 320)
        json.raw("{\"centre\":")
        json.string(centre)
        if let commune {
            json.raw(",\"commune\":")
            json.string(commune)
        }
        json.raw(",\"durable_jobs\":")
        json.int(durable_jobs)
        if let median_days_to_fill {
            json.raw(",\"median_days_to_fill\":")
            try json.number(median_days_to_fill)
        }
        if let naf_code {
            json.raw(",\"naf_code\":")
            json.string(naf_code)
        }
        json.raw(",\"name\":")
        json.string(name)
        json.raw(",\"newly_created\":")
        json.int(newly_created)
        json.raw(",\"permanent_posts_created\":")
        json.int(permanent_posts_created)
        json.raw(",\"placements\":")
        json.int(placements)
        if let retention_6_months {
            json.raw(",\"retention_6_months\":")
            try json.number(retention_6_months)
        }
        json.raw(",\"retention_6_months_base\":")
        json.int(retention_6_months_base)
        if let sector {
            json.raw(",\"sector\":")
            json.string(sector)
        }
        json.raw(",\"siret\":")
        json.string(siret)
        json.raw("}")
        json.write(to: writer)
    }
}

/// The retention of each month and the months' placements, as many as the months of the
/// period for each centre and the total: written by hand like the business lines, keys in
/// sorted order, nil optionals left out (`APIJSONTests` compares them with Foundation's).
extension CentreMetrics.Retention {
    func writeJSON(to writer: APIJSON.Writer) throws {
        var json = JSONBytes(capacity: 64)
        try write(to: &json)
        json.write(to: writer)
    }

    func write(to json: inout JSONBytes) throws {
        json.raw("{\"kept\":")
        json.int(kept)
        json.raw(",\"months\":")
        json.int(months)
        json.raw(",\"placements\":")
        json.int(placements)
        if let rate {
            json.raw(",\"rate\":")
            try json.number(rate)
        }
        json.raw("}")
    }
}

extension CentreMetrics.Cohort {
    func writeJSON(to writer: APIJSON.Writer) throws {
        var json = JSONBytes(capacity: 256)
        json.raw("{\"month\":")
        json.string(month)
        json.raw(",\"placements\":")
        json.int(placements)
        json.raw(",\"retention\":[")
        for (index, horizon) in retention.enumerated() {
            if index > 0 { json.raw(",") }
            try horizon.write(to: &json)
        }
        json.raw("]}")
        json.write(to: writer)
    }
}

extension CentreMetrics.Month {
    func writeJSON(to writer: APIJSON.Writer) {
        var json = JSONBytes(capacity: 128)
        json.raw("{\"by_contract\":{")
        for (index, (kind, count)) in by_contract.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { json.raw(",") }
            json.string(kind)
            json.raw(":")
            json.int(count)
        }
        json.raw("},\"month\":")
        json.string(month)
        json.raw(",\"placements\":")
        json.int(placements)
        json.raw("}")
        json.write(to: writer)
    }
}
