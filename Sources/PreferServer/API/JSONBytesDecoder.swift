import Foundation
import PreferCore

/// Decodes a `Decodable` value from JSON bytes the way `JSONCoding.decoder`
/// would, or refuses: for the request body of the hot path (a vote), where
/// Foundation's `JSONDecoder` was 5% of the server's CPU in a `perf` profile
/// of `bench/wrk-vote.lua` (a 60-byte body cost it several microseconds).
///
/// It decodes the generated types themselves (`Components.Schemas.VoteCreate`
/// through its generated `init(from:)`, unknown-field check included), so
/// the OpenAPI document stays the one definition of what is read; only the
/// reading is done here. It accepts less than Foundation does and never
/// anything else: strict RFC 8259 JSON, integers only as plain integer
/// literals that fit, no floating-point value (`Double`, `Float`,
/// `Decimal`), no duplicate key, no lone surrogate, at most 64 levels deep.
/// Anything it refuses, or any value that fails to decode, throws, and the
/// caller passes the bytes on to the generated handler, which decodes them
/// with Foundation and answers — or names what is wrong — as the document
/// says. Tests hold the result equal to Foundation's on every body both
/// accept, and hold that it throws on the bodies Foundation refuses
/// (`JSONBytesDecoderTests`).
///
/// Cost: O(n) for n bytes; a key lookup scans its object's keys (the
/// objects decoded here have a handful).
enum JSONBytesDecoder {
    struct Refused: Error, CustomStringConvertible {
        var reason: String
        var description: String { "JSONBytesDecoder refused the body (\(reason)); decode it with JSONCoding.decoder." }
    }

    static let maximumDepth = 64

    static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        let value = try bytes.withContiguousStorageIfAvailable { try Parser.parse($0) }
            ?? Array(bytes).withUnsafeBufferPointer { try Parser.parse($0) }
        return try T(from: ValueDecoder(value: value))
    }

    /// A parsed JSON value. Numbers keep their text: only integers are read
    /// from it, and only when the literal is a plain integer.
    enum Value {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([Value])
        case object([(key: String, value: Value)])
    }
}

extension JSONBytesDecoder {
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> Value {
            var parser = Parser(bytes: bytes)
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.at == bytes.count else { throw Refused(reason: "bytes after the value") }
            return value
        }

        mutating func skipSpace() {
            while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
        }

        mutating func value(depth: Int) throws -> Value {
            guard depth < JSONBytesDecoder.maximumDepth else { throw Refused(reason: "nested too deep") }
            guard at < bytes.count else { throw Refused(reason: "unexpected end") }
            switch bytes[at] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw Refused(reason: "unexpected byte \(bytes[at])")
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count,
                  memcmp(bytes.baseAddress! + at, word.utf8Start, count) == 0 else { throw Refused(reason: "bad literal") }
            at += count
        }

        mutating func object(depth: Int) throws -> Value {
            at += 1
            var entries: [(key: String, value: Value)] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(entries) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw Refused(reason: "expected a key") }
                let key = try string()
                guard !entries.contains(where: { $0.key == key }) else { throw Refused(reason: "duplicate key") }
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw Refused(reason: "expected ':'") }
                at += 1
                skipSpace()
                entries.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard at < bytes.count else { throw Refused(reason: "unexpected end") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard bytes[at] == UInt8(ascii: "}") else { throw Refused(reason: "expected ',' or '}'") }
                at += 1
                return .object(entries)
            }
        }

        mutating func array(depth: Int) throws -> Value {
            at += 1
            var items: [Value] = []
            skipSpace()
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard at < bytes.count else { throw Refused(reason: "unexpected end") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                guard bytes[at] == UInt8(ascii: "]") else { throw Refused(reason: "expected ',' or ']'") }
                at += 1
                return .array(items)
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, as its text.
        mutating func number() throws -> String {
            let start = at
            if bytes[at] == UInt8(ascii: "-") { at += 1 }
            guard at < bytes.count, isDigit(bytes[at]) else { throw Refused(reason: "bad number") }
            if bytes[at] == UInt8(ascii: "0") {
                at += 1
            } else {
                while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
                at += 1
                guard at < bytes.count, isDigit(bytes[at]) else { throw Refused(reason: "bad number") }
                while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            }
            if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
                if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
                guard at < bytes.count, isDigit(bytes[at]) else { throw Refused(reason: "bad number") }
                while at < bytes.count, isDigit(bytes[at]) { at += 1 }
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        /// A string literal: its bytes copied until the first escape, then
        /// decoded escape by escape; invalid UTF-8 and control characters refused.
        mutating func string() throws -> String {
            at += 1
            let start = at
            while at < bytes.count {
                let byte = bytes[at]
                if byte == UInt8(ascii: "\"") {
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<at])
                    at += 1
                    guard let string = String(validating: text, as: UTF8.self) else { throw Refused(reason: "invalid UTF-8") }
                    return string
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                guard byte >= 0x20 else { throw Refused(reason: "control character in a string") }
                at += 1
            }
            throw Refused(reason: "unterminated string")
        }

        mutating func escapedString(from start: Int) throws -> String {
            var out = Array(UnsafeBufferPointer(rebasing: bytes[start..<at]))
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let string = String(validating: out, as: UTF8.self) else { throw Refused(reason: "invalid UTF-8") }
                    return string
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { throw Refused(reason: "unterminated escape") }
                    let escape = bytes[at]
                    at += 1
                    if let short = JSONStringDecoder.shortEscape(escape) {
                        out.append(short)
                        continue
                    }
                    switch escape {
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else {
                                throw Refused(reason: "lone surrogate")
                            }
                            at += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw Refused(reason: "lone surrogate") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        }
                        guard let unicode = Unicode.Scalar(scalar) else { throw Refused(reason: "lone surrogate") }
                        out.append(contentsOf: String(Character(unicode)).utf8)
                    default: throw Refused(reason: "unknown escape")
                    }
                default:
                    guard byte >= 0x20 else { throw Refused(reason: "control character in a string") }
                    out.append(byte)
                }
            }
            throw Refused(reason: "unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard at + 4 <= bytes.count else { throw Refused(reason: "short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let digit = JSONStringDecoder.hexValue(bytes[at]) else { throw Refused(reason: "bad \\u escape") }
                at += 1
                value = value << 4 | digit
            }
            return value
        }
    }
}

extension JSONBytesDecoder {
    /// The `Decoder` over one parsed value.
    struct ValueDecoder: Decoder {
        let value: Value
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            guard case .object(let entries) = value else { throw Refused(reason: "not an object") }
            return KeyedDecodingContainer(Keyed<Key>(entries: entries))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case .array(let items) = value else { throw Refused(reason: "not an array") }
            return Unkeyed(items: items)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(value: value) }
    }

    /// The value `value` as `T`: leaves read directly, anything else through its own `init(from:)`.
    @inline(__always)
    static func read<T: Decodable>(_ type: T.Type, from value: Value) throws -> T {
        if T.self == String.self { return unsafeBitCast(try string(value), to: T.self) }
        if T.self == Int.self { return unsafeBitCast(try integer(Int.self, value), to: T.self) }
        if T.self == Bool.self { return unsafeBitCast(try bool(value), to: T.self) }
        if T.self == Double.self || T.self == Float.self || T.self == Decimal.self || T.self == Date.self || T.self == Data.self {
            throw Refused(reason: "\(T.self) is Foundation's to read")
        }
        return try T(from: ValueDecoder(value: value))
    }

    static func string(_ value: Value) throws -> String {
        guard case .string(let text) = value else { throw Refused(reason: "not a string") }
        return text
    }

    static func bool(_ value: Value) throws -> Bool {
        guard case .bool(let flag) = value else { throw Refused(reason: "not a boolean") }
        return flag
    }

    /// A plain integer literal (no fraction, no exponent) that fits `T`.
    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ value: Value) throws -> T {
        guard case .number(let text) = value, let number = T(text, radix: 10) else { throw Refused(reason: "not an integer that fits \(T.self)") }
        return number
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let entries: [(key: String, value: Value)]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { entries.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { entries.contains { $0.key == key.stringValue } }

        func value(_ key: Key) throws -> Value {
            let name = key.stringValue
            guard let entry = entries.first(where: { $0.key == name }) else { throw Refused(reason: "no key \(name)") }
            return entry.value
        }

        func decodeNil(forKey key: Key) throws -> Bool {
            if case .null = try value(key) { return true }
            return false
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try JSONBytesDecoder.bool(value(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try JSONBytesDecoder.string(value(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw Refused(reason: "Double") }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw Refused(reason: "Float") }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, value(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, value(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, value(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, value(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, value(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, value(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, value(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, value(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, value(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, value(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try read(type, from: value(key)) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueDecoder(value: value(key)).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try ValueDecoder(value: value(key)).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { throw Refused(reason: "superDecoder") }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw Refused(reason: "superDecoder") }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [Value]
        var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        mutating func next() throws -> Value {
            guard currentIndex < items.count else { throw Refused(reason: "array too short") }
            defer { currentIndex += 1 }
            return items[currentIndex]
        }

        mutating func decodeNil() throws -> Bool {
            guard currentIndex < items.count else { throw Refused(reason: "array too short") }
            if case .null = items[currentIndex] { currentIndex += 1; return true }
            return false
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try JSONBytesDecoder.bool(next()) }
        mutating func decode(_ type: String.Type) throws -> String { try JSONBytesDecoder.string(next()) }
        mutating func decode(_ type: Double.Type) throws -> Double { throw Refused(reason: "Double") }
        mutating func decode(_ type: Float.Type) throws -> Float { throw Refused(reason: "Float") }
        mutating func decode(_ type: Int.Type) throws -> Int { try integer(type, next()) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try integer(type, next()) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try integer(type, next()) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try integer(type, next()) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try integer(type, next()) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try integer(type, next()) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type, next()) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type, next()) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type, next()) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type, next()) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try read(type, from: next()) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try ValueDecoder(value: next()).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            try ValueDecoder(value: next()).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder { throw Refused(reason: "superDecoder") }
    }

    struct Single: SingleValueDecodingContainer {
        let value: Value
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool {
            if case .null = value { return true }
            return false
        }

        func decode(_ type: Bool.Type) throws -> Bool { try JSONBytesDecoder.bool(value) }
        func decode(_ type: String.Type) throws -> String { try JSONBytesDecoder.string(value) }
        func decode(_ type: Double.Type) throws -> Double { throw Refused(reason: "Double") }
        func decode(_ type: Float.Type) throws -> Float { throw Refused(reason: "Float") }
        func decode(_ type: Int.Type) throws -> Int { try integer(type, value) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type, value) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type, value) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type, value) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type, value) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type, value) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type, value) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type, value) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type, value) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type, value) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try read(type, from: value) }
    }
}
