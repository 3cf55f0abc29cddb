import Foundation

/// Encodes an `Encodable` value to the same JSON bytes as `JSONCoding.encoder`
/// (keys sorted by their UTF-8 bytes, slashes unescaped, dates as
/// `RFC3339DateTranscoder` writes them), several times faster: for the
/// responses of the hot path (a battle; a vote with the next battle), where
/// Foundation's encoder was 12% of the server's CPU in a `perf` profile.
///
/// It encodes the generated types themselves (`Components.Schemas.Vote`…),
/// so the OpenAPI document stays the one definition of what is written; only
/// the writing is done here. Like Foundation's encoder it first builds the
/// value (objects as arrays of key/value pairs, in reference boxes the
/// containers write into), then writes it once, sorting each object's keys.
/// Floating-point numbers are refused (`Unsupported`): their text is
/// Foundation's to define, and the battle and vote responses have none —
/// a caller falls back to `JSONCoding.encoder` for anything refused.
/// Tests hold the output byte-equal to `JSONCoding.encoder`'s on random
/// battles and votes (`JSONBytesEncoderTests`).
///
/// Cost: O(n + Σ k log k) for n bytes written and objects of k keys.
enum JSONBytesEncoder {
    struct Unsupported: Error, CustomStringConvertible {
        var type: String
        var description: String { "JSONBytesEncoder does not write \(type); encode it with JSONCoding.encoder." }
    }

    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let node = try Node.of(value)
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        node.write(to: &out)
        return out
    }
}

extension JSONBytesEncoder {
    /// A JSON value under construction: containers are boxes, so that a
    /// container handed out by the encoder can be written into afterwards.
    enum Node {
        case null
        case bool(Bool)
        case int(Int64)
        case uint(UInt64)
        case string(String)
        case object(ObjectBox)
        case array(ArrayBox)

        static func of<T: Encodable>(_ value: T) throws -> Node {
            if let leaf = try leaf(value) { return leaf }
            let encoder = NodeEncoder()
            try value.encode(to: encoder)
            return encoder.node ?? .object(ObjectBox())
        }

        /// The values written directly, without an encoder of their own.
        /// Compared by type, then reinterpreted: a failed `as?` cast costs a
        /// dynamic-cast call each, and every nested value went through all of them.
        @inline(__always)
        static func leaf<T: Encodable>(_ value: T) throws -> Node? {
            if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
            if T.self == Int.self { return .int(Int64(unsafeBitCast(value, to: Int.self))) }
            if T.self == Int64.self { return .int(unsafeBitCast(value, to: Int64.self)) }
            if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
            if T.self == Int32.self { return .int(Int64(unsafeBitCast(value, to: Int32.self))) }
            if T.self == Date.self { return .string(RFC3339DateTranscoder.format(unsafeBitCast(value, to: Date.self))) }
            if T.self == Double.self || T.self == Float.self { throw Unsupported(type: "\(T.self)") }
            return nil
        }

        func write(to out: inout [UInt8]) {
            switch self {
            case .null: out.append(contentsOf: "null".utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .int(let i): out.append(contentsOf: String(i).utf8)
            case .uint(let u): out.append(contentsOf: String(u).utf8)
            case .string(let s): JSONBytesEncoder.writeString(s, to: &out)
            case .array(let box):
                out.append(UInt8(ascii: "["))
                for (i, item) in box.items.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    item.write(to: &out)
                }
                out.append(UInt8(ascii: "]"))
            case .object(let box):
                out.append(UInt8(ascii: "{"))
                // Later writes to a key replace earlier ones, as in Foundation.
                let entries = box.entries.count < 2 ? box.entries : box.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
                for (i, entry) in entries.enumerated() {
                    if i > 0 { out.append(UInt8(ascii: ",")) }
                    JSONBytesEncoder.writeString(entry.key, to: &out)
                    out.append(UInt8(ascii: ":"))
                    entry.value.write(to: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
        }
    }

    final class ObjectBox {
        var entries: [(key: String, value: Node)] = []

        func set(_ key: String, _ value: Node) {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                entries[i].value = value
            } else {
                entries.append((key, value))
            }
        }
    }

    final class ArrayBox {
        var items: [Node] = []
    }

    /// A JSON string as Foundation's encoder writes it with
    /// `.withoutEscapingSlashes`: `"` and `\` escaped, the five short escapes
    /// for their control characters, `\u00XX` (lowercase hex) for the other
    /// control characters, everything else (U+2028 included) as it is.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { bytes in
            var start = 0
            for (i, b) in bytes.enumerated() where b < 0x20 || b == 0x22 || b == 0x5C {
                out.append(contentsOf: bytes[start..<i])
                start = i + 1
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
            }
            out.append(contentsOf: bytes[start...])
        }
        out.append(UInt8(ascii: "\""))
    }
}

extension JSONBytesEncoder {
    /// The `Encoder` a value encodes itself into: it records the one
    /// container (or single value) the value asks for.
    final class NodeEncoder: Encoder {
        var node: Node?
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            let box: ObjectBox
            if case .object(let existing) = node {
                box = existing
            } else {
                box = ObjectBox()
                node = .object(box)
            }
            return KeyedEncodingContainer(Keyed<Key>(box: box))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            let box: ArrayBox
            if case .array(let existing) = node {
                box = existing
            } else {
                box = ArrayBox()
                node = .array(box)
            }
            return Unkeyed(box: box)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(encoder: self) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: ObjectBox
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { box.set(key.stringValue, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.set(key.stringValue, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.set(key.stringValue, .string(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { box.set(key.stringValue, .int(value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { box.set(key.stringValue, .uint(value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { box.set(key.stringValue, .int(Int64(value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { box.set(key.stringValue, .uint(UInt64(value))) }
        mutating func encode(_ value: Double, forKey key: Key) throws { throw Unsupported(type: "Double") }
        mutating func encode(_ value: Float, forKey key: Key) throws { throw Unsupported(type: "Float") }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { box.set(key.stringValue, try Node.of(value)) }
        // The optional properties of the generated types: without these the
        // protocol's default sends each through the generic `encode` above.
        mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { if let value { box.set(key.stringValue, .string(value)) } }
        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { if let value { box.set(key.stringValue, .int(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { if let value { box.set(key.stringValue, .int(value)) } }
        mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { if let value { box.set(key.stringValue, .int(Int64(value))) } }
        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { if let value { box.set(key.stringValue, .bool(value)) } }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectBox()
            box.set(key.stringValue, .object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: nested))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.set(key.stringValue, .array(nested))
            return Unkeyed(box: nested)
        }

        mutating func superEncoder() -> any Encoder { JSONBytesEncoder.superEncoder(in: box, key: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { JSONBytesEncoder.superEncoder(in: box, key: key.stringValue) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let box: ArrayBox
        var codingPath: [any CodingKey] { [] }
        var count: Int { box.items.count }

        mutating func encodeNil() throws { box.items.append(.null) }
        mutating func encode(_ value: Bool) throws { box.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { box.items.append(.string(value)) }
        mutating func encode(_ value: Int) throws { box.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int64) throws { box.items.append(.int(value)) }
        mutating func encode(_ value: Int8) throws { box.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int16) throws { box.items.append(.int(Int64(value))) }
        mutating func encode(_ value: Int32) throws { box.items.append(.int(Int64(value))) }
        mutating func encode(_ value: UInt) throws { box.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt8) throws { box.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt16) throws { box.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt32) throws { box.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: UInt64) throws { box.items.append(.uint(UInt64(value))) }
        mutating func encode(_ value: Double) throws { throw Unsupported(type: "Double") }
        mutating func encode(_ value: Float) throws { throw Unsupported(type: "Float") }
        mutating func encode<T: Encodable>(_ value: T) throws { box.items.append(try Node.of(value)) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = ObjectBox()
            box.items.append(.object(nested))
            return KeyedEncodingContainer(Keyed<NestedKey>(box: nested))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = ArrayBox()
            box.items.append(.array(nested))
            return Unkeyed(box: nested)
        }

        mutating func superEncoder() -> any Encoder {
            let encoder = NodeEncoder()
            let object = ObjectBox()
            encoder.node = .object(object)
            box.items.append(.object(object))
            return encoder
        }
    }

    struct Single: SingleValueEncodingContainer {
        let encoder: NodeEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { encoder.node = .null }
        mutating func encode(_ value: Bool) throws { encoder.node = .bool(value) }
        mutating func encode(_ value: String) throws { encoder.node = .string(value) }
        mutating func encode(_ value: Int) throws { encoder.node = .int(Int64(value)) }
        mutating func encode(_ value: Int64) throws { encoder.node = .int(value) }
        mutating func encode(_ value: Int8) throws { encoder.node = .int(Int64(value)) }
        mutating func encode(_ value: Int16) throws { encoder.node = .int(Int64(value)) }
        mutating func encode(_ value: Int32) throws { encoder.node = .int(Int64(value)) }
        mutating func encode(_ value: UInt) throws { encoder.node = .uint(UInt64(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.node = .uint(UInt64(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.node = .uint(UInt64(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.node = .uint(UInt64(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.node = .uint(UInt64(value)) }
        mutating func encode(_ value: Double) throws { throw Unsupported(type: "Double") }
        mutating func encode(_ value: Float) throws { throw Unsupported(type: "Float") }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.node = try Node.of(value) }
    }

    /// `superEncoder(forKey:)`: an object written under the key.
    static func superEncoder(in box: ObjectBox, key: String) -> NodeEncoder {
        let encoder = NodeEncoder()
        let object = ObjectBox()
        encoder.node = .object(object)
        box.set(key, .object(object))
        return encoder
    }
}
