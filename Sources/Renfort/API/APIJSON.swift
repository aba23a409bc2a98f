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
        var needsEscape = false
        for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            needsEscape = true
            break
        }
        guard needsEscape else { return "\"" + string + "\"" }
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

    /// A string as a JSON literal into `buffer`, in place when it needs no escaping.
    static func write(_ string: String, to buffer: inout ByteBuffer) {
        for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            buffer.writeString(quoted(string))
            return
        }
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeString(string)
        buffer.writeInteger(UInt8(ascii: "\""))
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
            APIJSON.write(string, to: &buffer)
        }

        func write<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
            switch value {
            // The business lines are most of an answer: written here, in the order of their sorted keys.
            case let line as CentreMetrics.BusinessLine: try line.writeJSON(to: self)
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

extension CentreMetrics.BusinessLine {
    /// Written by hand, keys in sorted order and nil optionals left out, as the synthesized
    /// `encode(to:)` through Foundation's encoder writes it (`APIJSONTests` compares them).
    /// Into a local buffer, moved out of the writer and back: each access to the writer's
    /// own (a class's property) is checked for exclusivity at run time, and the thousand
    /// lines of five centres made those checks a tenth of an answer's time.
    func writeJSON(to writer: APIJSON.Writer) throws {
        var buffer = ByteBuffer()
        swap(&buffer, &writer.buffer)
        defer { swap(&buffer, &writer.buffer) }
        func number(_ value: Double) throws {
            buffer.writeString(try APIJSON.number(value, codingPath: []))
        }
        buffer.writeStaticString("{\"centre\":")
        APIJSON.write(centre, to: &buffer)
        if let commune {
            buffer.writeStaticString(",\"commune\":")
            APIJSON.write(commune, to: &buffer)
        }
        buffer.writeStaticString(",\"durable_jobs\":")
        buffer.writeString(String(durable_jobs))
        if let median_days_to_fill {
            buffer.writeStaticString(",\"median_days_to_fill\":")
            try number(median_days_to_fill)
        }
        if let naf_code {
            buffer.writeStaticString(",\"naf_code\":")
            APIJSON.write(naf_code, to: &buffer)
        }
        buffer.writeStaticString(",\"name\":")
        APIJSON.write(name, to: &buffer)
        buffer.writeStaticString(",\"newly_created\":")
        buffer.writeString(String(newly_created))
        buffer.writeStaticString(",\"permanent_posts_created\":")
        buffer.writeString(String(permanent_posts_created))
        buffer.writeStaticString(",\"placements\":")
        buffer.writeString(String(placements))
        if let retention_6_months {
            buffer.writeStaticString(",\"retention_6_months\":")
            try number(retention_6_months)
        }
        buffer.writeStaticString(",\"retention_6_months_base\":")
        buffer.writeString(String(retention_6_months_base))
        if let sector {
            buffer.writeStaticString(",\"sector\":")
            APIJSON.write(sector, to: &buffer)
        }
        buffer.writeStaticString(",\"siret\":")
        APIJSON.write(siret, to: &buffer)
        buffer.writeStaticString("}")
    }
}
