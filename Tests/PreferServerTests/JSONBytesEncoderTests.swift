import Foundation
import PreferCore
@testable import PreferServer
import Testing

/// `JSONBytesEncoder` must write exactly what `JSONCoding.encoder` (and so
/// the generated handlers) write: checked on random battles and votes (every
/// optional property present or absent at random) whose
/// strings hold everything JSON escapes or sorts differently (quotes,
/// backslashes, slashes, every control character, U+2028, combining marks,
/// astral characters) and whose criteria names are sorted by the encoders.
@Suite("JSONBytesEncoder")
struct JSONBytesEncoderTests {
    static let pieces: [String] = [
        "a", "B", "z", "_", "-", "0", "9", "10", " ", "\"", "\\", "/", "</script>", "é", "e\u{301}", "ä", "漢字", "🙂",
        "\u{2028}", "\u{2029}", "\u{7f}", "\u{ad}", "\u{feff}",
    ] + (0..<32).map { String(UnicodeScalar(UInt8($0))) }

    struct Random {
        var generator: Xoshiro256

        mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &generator) }
        mutating func coin() -> Bool { Bool.random(using: &generator) }
        mutating func text(max: Int = 12) -> String {
            (0..<int(0...max)).map { _ in JSONBytesEncoderTests.pieces.randomElement(using: &generator)! }.joined()
        }
        mutating func maybe<T>(_ make: (inout Random) -> T) -> T? { coin() ? make(&self) : nil }
        mutating func date() -> Date {
            Date(timeIntervalSince1970: Double(int(-12_000_000_000...250_000_000_000)) + Double(int(0...999_999)) / 1e6)
        }

        mutating func side() -> Components.Schemas.BattleSide {
            .init(content: text(max: 40), media: Components.Schemas.Media.allCases.randomElement(using: &generator)!, url: maybe { $0.text() })
        }

        mutating func battle() -> Components.Schemas.Battle {
            let kWay = coin()
            return .init(
                battle: text(), arena: text(), prompt: .init(text: text(max: 30), category: maybe { $0.text() }),
                left: kWay ? nil : side(), right: kWay ? nil : side(), criteria: (0..<int(0...3)).map { _ in text() },
                minPlayMs: maybe { $0.int(0...100_000) }, expiresAt: date(),
                k: kWay ? int(3...8) : nil, outputs: kWay ? (0..<int(3...8)).map { _ in side() } : nil)
        }

        mutating func vote() -> Components.Schemas.Vote {
            var criteria: [String: Components.Schemas.Choice] = [:]
            for _ in 0..<int(0...5) { criteria[text(max: 4)] = Components.Schemas.Choice.allCases.randomElement(using: &generator)! }
            return .init(
                id: Int64(int(0...Int.max)), battle: maybe { $0.text() }, arena: text(),
                choice: Components.Schemas.VoteChoice.allCases.randomElement(using: &generator)!,
                left: maybe { .init(contender: $0.text()) }, right: maybe { .init(contender: $0.text()) },
                criteria: .init(additionalProperties: criteria), rationale: maybe { $0.text(max: 50) },
                timeToVoteMs: maybe { $0.int(0...86_400_000) }, leftPlayedMs: maybe { $0.int(0...1000) },
                rightPlayedMs: maybe { $0.int(0...1000) }, voter: maybe { $0.text() }, clientVoteId: maybe { $0.text() },
                createdAt: date(), replayed: coin(), next: maybe { $0.battle() },
                k: maybe { $0.int(3...8) }, best: maybe { $0.int(1...8) }, ranking: maybe { r in (0..<r.int(0...8)).map { _ in r.int(1...8) } },
                candidates: maybe { r in (0..<r.int(0...4)).map { _ in .init(position: r.int(1...8), contender: r.text(), place: r.int(0...8)) } },
                criteriaBest: maybe { r in
                    var best: [String: Int] = [:]
                    for _ in 0..<r.int(0...4) { best[r.text(max: 4)] = r.int(1...8) }
                    return .init(additionalProperties: best)
                })
        }
    }

    @Test(arguments: 1...4)
    func writesWhatFoundationWrites(seed: UInt64) throws {
        var random = Random(generator: Xoshiro256(seed: seed))
        for _ in 0..<250 {
            let battle = random.battle()
            #expect(JSONBytesEncoder.encode(battle) == Array(try JSONCoding.encoder.encode(battle)))
            let vote = random.vote()
            let fast = JSONBytesEncoder.encode(vote)
            let foundation = Array(try JSONCoding.encoder.encode(vote))
            #expect(fast == foundation, "\(String(decoding: fast, as: UTF8.self))\n\(String(decoding: foundation, as: UTF8.self))")
        }
    }

    /// A property added to (or removed from) a generated type in openapi.json
    /// must be added to (or removed from) the writers: their list is compared
    /// with the generated types' stored properties.
    @Test func hotPathWritersKnowEveryProperty() throws {
        var random = Random(generator: Xoshiro256(seed: 7))
        var battle = random.battle()
        battle.left = random.side()
        let vote = random.vote()
        let values: [String: Any] = [
            "Vote": vote, "Battle": battle, "PromptPayload": battle.prompt, "BattleSide": battle.left!,
            "RevealedSide": Components.Schemas.RevealedSide(contender: "a"),
            "KWayCandidate": Components.Schemas.KWayCandidate(position: 1, contender: "a", place: 1),
        ]
        #expect(Set(values.keys) == Set(JSONBytesEncoder.hotPathProperties.keys))
        for (name, value) in values {
            let properties = Set(Mirror(reflecting: value).children.compactMap(\.label))
            #expect(properties == JSONBytesEncoder.hotPathProperties[name], "\(name)")
        }
    }
}
