import Foundation
import PreferCore
@testable import PreferServer
import Testing

/// `JSONBytesDecoder` may refuse a body (the vote shortcut then passes it to
/// the generated handler), but whatever it accepts it must read exactly as
/// Foundation's `JSONDecoder` (and so the generated handler) does, and it must
/// never accept a body Foundation refuses. Checked on random vote bodies
/// written with random spacing, key order and escapes, on byte-level
/// mutations of them, and on a list of edge cases.
@Suite("JSONBytesDecoder")
struct JSONBytesDecoderTests {
    typealias VoteCreate = Components.Schemas.VoteCreate

    /// Foundation's reading and ours of the same bytes.
    static func both(_ bytes: [UInt8]) -> (foundation: VoteCreate?, fast: VoteCreate?) {
        (try? JSONDecoder().decode(VoteCreate.self, from: Data(bytes)), try? JSONBytesDecoder.decode(VoteCreate.self, from: bytes))
    }

    /// A JSON string literal for `text`, escaping characters at random in
    /// the ways JSON allows (`\uXXXX`, surrogate pairs, `\/`, short escapes).
    static func literal(_ text: String, _ random: inout JSONBytesEncoderTests.Random) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let escape = random.coin()
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n" where escape: out += "\\n"
            case "/" where escape: out += "\\/"
            case _ where scalar.value < 0x20 || escape:
                if scalar.value > 0xFFFF {
                    let v = scalar.value - 0x10000
                    out += String(format: "\\u%04X\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
                } else {
                    out += String(format: random.coin() ? "\\u%04x" : "\\u%04X", scalar.value)
                }
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func space(_ random: inout JSONBytesEncoderTests.Random) -> String {
        ["", "", " ", "\n", "\t ", "\r\n  "][random.int(0...5)]
    }

    /// A random vote body: the fields the vote page and API clients send, in random order.
    static func body(_ random: inout JSONBytesEncoderTests.Random) -> [UInt8] {
        var fields: [String] = []
        func add(_ key: String, _ value: String) {
            fields.append(literal(key, &random) + space(&random) + ":" + space(&random) + value)
        }
        if random.coin() { add("choice", "\"" + Components.Schemas.VoteChoice.allCases.randomElement(using: &random.generator)!.rawValue + "\"") }
        if random.coin() { add("client_vote_id", literal(random.text(), &random)) }
        if random.coin() { add("rationale", random.coin() ? "null" : literal(random.text(max: 30), &random)) }
        if random.coin() { add("time_to_vote_ms", String(random.int(-5...86_400_000))) }
        if random.coin() { add("best", String(random.int(0...9))) }
        if random.coin() { add("ranking", "[" + (0..<random.int(0...5)).map { _ in String(random.int(1...8)) }.joined(separator: ",") + "]") }
        if random.coin() {
            let names = (0..<random.int(0...3)).map { "\"c\($0)\"" }
            add("criteria", "{" + names.map { $0 + ":\"" + Components.Schemas.Choice.allCases.randomElement(using: &random.generator)!.rawValue + "\"" }.joined(separator: ",") + "}")
        }
        fields.shuffle(using: &random.generator)
        return Array((space(&random) + "{" + fields.joined(separator: "," + space(&random)) + "}" + space(&random)).utf8)
    }

    @Test(arguments: 1...4)
    func readsWhatFoundationReads(seed: UInt64) throws {
        var random = JSONBytesEncoderTests.Random(generator: Xoshiro256(seed: seed))
        for _ in 0..<300 {
            let bytes = Self.body(&random)
            let (foundation, fast) = Self.both(bytes)
            let text = String(decoding: bytes, as: UTF8.self)
            // Every well-formed vote body is taken by the fast path, and read alike.
            #expect(foundation != nil, "\(text)")
            #expect(fast == foundation, "\(text)")
        }
    }

    @Test(arguments: 1...4)
    func neverAcceptsWhatFoundationRefusesOrReadsItDifferently(seed: UInt64) throws {
        var random = JSONBytesEncoderTests.Random(generator: Xoshiro256(seed: seed))
        let alphabet = Array("{}[]\":,\\/ 0123456789.eE+-tfnulrsabcdx\u{0}\n".utf8) + [0xC3, 0xA9, 0xFF, 0xED, 0xA0, 0x80]
        var accepted = 0, foundationAccepted = 0
        for _ in 0..<1500 {
            var bytes = Self.body(&random)
            for _ in 0..<random.int(1...3) where !bytes.isEmpty {
                let at = random.int(0...(bytes.count - 1))
                switch random.int(0...2) {
                case 0: bytes[at] = alphabet.randomElement(using: &random.generator)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet.randomElement(using: &random.generator)!, at: at)
                }
            }
            let (foundation, fast) = Self.both(bytes)
            if foundation != nil { foundationAccepted += 1 }
            if let fast {
                accepted += 1
                #expect(fast == foundation, "\(bytes)")
            }
        }
        // Mutations that stay valid (a changed letter in a string…) are still taken by the fast path.
        #expect(accepted > 40 && 2 * accepted > foundationAccepted, "\(accepted) of \(foundationAccepted)")
    }

    @Test func edgeCases() throws {
        let cases: [String] = [
            #"{"choice":"left"}"#, #"{"choice":"left","choice":"right"}"#, #"{"choice":"sideways"}"#,
            #"{"choice":"left","extra":1}"#, #"{"choice":null}"#, #"{}"#, #"[]"#, #""left""#, "", " ", "{", #"{"choice":"left"} x"#,
            #"{"best":1.0}"#, #"{"best":1e0}"#, #"{"best":-0}"#, #"{"best":01}"#, #"{"best":9223372036854775807}"#,
            #"{"best":9223372036854775808}"#, #"{"best":"1"}"#, #"{"best":true}"#, #"{"ranking":[1,2,]}"#, #"{"ranking":[1,,2]}"#,
            #"{"ranking":[1,null]}"#, #"{"ranking":{}}"#, #"{"criteria":{"a":"left","a":"right"}}"#, #"{"criteria":{"a":1}}"#,
            #"{"rationale":"\ud83d\ude42"}"#, #"{"rationale":"\ud83d"}"#, #"{"rationale":"\ude42"}"#, #"{"rationale":"\u00e9\/\b\f\n\r\t"}"#,
            #"{"rationale":"\x"}"#, "{\"rationale\":\"\u{1}\"}", "{\"rationale\":\"a\tb\"}", #"{"rationale":"\u12"}"#,
            #"{"client_vote_id":"e\u0301"}"#, "{\"client_vote_id\":\"\u{FEFF}x\"}", "\u{FEFF}{\"choice\":\"left\"}",
            #"{"choice" : "left" , "client_vote_id" : "x" }"#, #"{"choice":"left",}"#, #"{,"choice":"left"}"#, #"{"choice":tru}"#,
            #"{"time_to_vote_ms":-1}"#, #"{"time_to_vote_ms":1E400}"#, #"{"left_played_ms":-}"#,
        ]
        for text in cases {
            let bytes = Array(text.utf8)
            let (foundation, fast) = Self.both(bytes)
            if let fast { #expect(fast == foundation, "\(text)") }
            if foundation == nil { #expect(fast == nil, "\(text)") }
        }
        // Invalid UTF-8 inside a string, and nesting past the limit, are refused.
        #expect(Self.both(Array(#"{"rationale":""#.utf8) + [0xFF] + Array(#""}"#.utf8)).fast == nil)
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONBytesDecoder.Refused.self) { try JSONBytesDecoder.decode([[Int]].self, from: Array(deep.utf8)) }
        // The common body is taken, not refused.
        #expect(Self.both(Array(#"{"choice":"left","client_vote_id":"wrk-1-2"}"#.utf8)).fast == VoteCreate(choice: .left, clientVoteId: "wrk-1-2"))
    }

    @Test func queryOfAPath() {
        #expect(PreferAPI.query(of: "/api/battles/x/vote") == nil)
        #expect(PreferAPI.query(of: "/api/battles/x/vote?next=true") == "next=true")
        #expect(PreferAPI.query(of: "/a?b?c") == "b?c")
        #expect(PreferAPI.query(of: "/a?") == "")
    }
}
