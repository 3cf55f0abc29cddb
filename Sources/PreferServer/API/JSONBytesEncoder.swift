import Foundation

/// Writes the two answers of the annotators' hot path — a battle
/// (`Components.Schemas.Battle`), and a stored vote with the next battle
/// (`Components.Schemas.Vote`) — as the same JSON bytes as
/// `JSONCoding.encoder` (keys sorted by their UTF-8 bytes, slashes
/// unescaped, dates as `RFC3339DateTranscoder` writes them), field by field.
///
/// Why by hand: Foundation's encoder was 12% of the server's CPU per vote in
/// a `perf` profile of `bench/wrk-vote.lua`; an `Encoder` of our own that
/// built a tree of values and wrote it once was still 7.6%, all of it
/// Codable's dispatch (a boxed container per object, a generic call per
/// field; writing straight into the bytes instead of a tree changed
/// nothing). Written field by field, keys in their sorted order, it is the
/// one hand-written piece the measurement asked for (the issue allows one
/// on the vote path). The generated types are still what is written, and
/// the document still defines them: `JSONBytesEncoderTests` holds these
/// bytes equal to Foundation's encoding of random battles and votes whose
/// strings hold everything JSON escapes or sorts differently, and fails
/// when a generated type gains or loses a property these writers do not
/// know (`hotPathProperties`).
///
/// Cost: O(n + Σ k log k) for n bytes written and the criteria maps' k keys.
enum JSONBytesEncoder {
    static func encode(_ battle: Components.Schemas.Battle) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(battle, to: &out)
        return out
    }

    static func encode(_ vote: Components.Schemas.Vote) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        write(vote, to: &out)
        return out
    }

    /// The properties each writer below writes, by type: the test compares
    /// them with the generated types' own.
    static let hotPathProperties: [String: Set<String>] = [
        "Vote": [
            "id", "battle", "arena", "choice", "left", "right", "criteria", "rationale", "timeToVoteMs", "leftPlayedMs",
            "rightPlayedMs", "voter", "clientVoteId", "createdAt", "replayed", "next", "k", "best", "ranking", "candidates",
            "criteriaBest",
        ],
        "Battle": ["battle", "arena", "prompt", "left", "right", "criteria", "minPlayMs", "expiresAt", "k", "outputs"],
        "PromptPayload": ["text", "category"],
        "BattleSide": ["content", "media", "url"],
        "RevealedSide": ["contender"],
        "KWayCandidate": ["position", "contender", "place"],
    ]

    /// Writes an object's members in the order given (the caller's keys are
    /// in sorted order), commas between them.
    struct ObjectWriter {
        var first = true

        init(_ out: inout [UInt8]) { out.append(UInt8(ascii: "{")) }

        @inline(__always)
        mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        }

        func end(_ out: inout [UInt8]) { out.append(UInt8(ascii: "}")) }
    }

    static func writeInteger<I: BinaryInteger>(_ value: I, to out: inout [UInt8]) {
        out.append(contentsOf: String(value).utf8)
    }

    /// An array, each element written by `element`.
    static func writeArray<T>(_ values: [T], to out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            element(value, &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// A string-keyed object, keys sorted by their UTF-8 bytes as Foundation's `.sortedKeys` does.
    static func writeMap<V>(_ map: [String: V], to out: inout [UInt8], value: (V, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "{"))
        for (i, key) in map.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            value(map[key]!, &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ vote: Components.Schemas.Vote, to out: inout [UInt8]) {
        var object = ObjectWriter(&out)
        object.key("arena", &out); writeString(vote.arena, to: &out)
        if let battle = vote.battle { object.key("battle", &out); writeString(battle, to: &out) }
        if let best = vote.best { object.key("best", &out); writeInteger(best, to: &out) }
        if let candidates = vote.candidates {
            object.key("candidates", &out)
            writeArray(candidates, to: &out) { candidate, out in
                var member = ObjectWriter(&out)
                member.key("contender", &out); writeString(candidate.contender, to: &out)
                member.key("place", &out); writeInteger(candidate.place, to: &out)
                member.key("position", &out); writeInteger(candidate.position, to: &out)
                member.end(&out)
            }
        }
        object.key("choice", &out); writeString(vote.choice.rawValue, to: &out)
        if let id = vote.clientVoteId { object.key("client_vote_id", &out); writeString(id, to: &out) }
        object.key("created_at", &out); writeString(RFC3339DateTranscoder.format(vote.createdAt), to: &out)
        object.key("criteria", &out)
        writeMap(vote.criteria.additionalProperties, to: &out) { choice, out in writeString(choice.rawValue, to: &out) }
        if let best = vote.criteriaBest {
            object.key("criteria_best", &out)
            writeMap(best.additionalProperties, to: &out) { position, out in writeInteger(position, to: &out) }
        }
        object.key("id", &out); writeInteger(vote.id, to: &out)
        if let k = vote.k { object.key("k", &out); writeInteger(k, to: &out) }
        if let left = vote.left { object.key("left", &out); write(left, to: &out) }
        if let ms = vote.leftPlayedMs { object.key("left_played_ms", &out); writeInteger(ms, to: &out) }
        if let next = vote.next { object.key("next", &out); write(next, to: &out) }
        if let ranking = vote.ranking { object.key("ranking", &out); writeArray(ranking, to: &out) { writeInteger($0, to: &$1) } }
        if let rationale = vote.rationale { object.key("rationale", &out); writeString(rationale, to: &out) }
        object.key("replayed", &out); out.append(contentsOf: (vote.replayed ? "true" : "false").utf8)
        if let right = vote.right { object.key("right", &out); write(right, to: &out) }
        if let ms = vote.rightPlayedMs { object.key("right_played_ms", &out); writeInteger(ms, to: &out) }
        if let ms = vote.timeToVoteMs { object.key("time_to_vote_ms", &out); writeInteger(ms, to: &out) }
        if let voter = vote.voter { object.key("voter", &out); writeString(voter, to: &out) }
        object.end(&out)
    }

    static func write(_ side: Components.Schemas.RevealedSide, to out: inout [UInt8]) {
        var object = ObjectWriter(&out)
        object.key("contender", &out); writeString(side.contender, to: &out)
        object.end(&out)
    }

    static func write(_ battle: Components.Schemas.Battle, to out: inout [UInt8]) {
        var object = ObjectWriter(&out)
        object.key("arena", &out); writeString(battle.arena, to: &out)
        object.key("battle", &out); writeString(battle.battle, to: &out)
        object.key("criteria", &out); writeArray(battle.criteria, to: &out) { writeString($0, to: &$1) }
        object.key("expires_at", &out); writeString(RFC3339DateTranscoder.format(battle.expiresAt), to: &out)
        if let k = battle.k { object.key("k", &out); writeInteger(k, to: &out) }
        if let left = battle.left { object.key("left", &out); write(left, to: &out) }
        if let ms = battle.minPlayMs { object.key("min_play_ms", &out); writeInteger(ms, to: &out) }
        if let outputs = battle.outputs {
            object.key("outputs", &out)
            writeArray(outputs, to: &out) { write($0, to: &$1) }
        }
        object.key("prompt", &out)
        var prompt = ObjectWriter(&out)
        if let category = battle.prompt.category { prompt.key("category", &out); writeString(category, to: &out) }
        prompt.key("text", &out); writeString(battle.prompt.text, to: &out)
        prompt.end(&out)
        if let right = battle.right { object.key("right", &out); write(right, to: &out) }
        object.end(&out)
    }

    static func write(_ side: Components.Schemas.BattleSide, to out: inout [UInt8]) {
        var object = ObjectWriter(&out)
        object.key("content", &out); writeString(side.content, to: &out)
        object.key("media", &out); writeString(side.media.rawValue, to: &out)
        if let url = side.url { object.key("url", &out); writeString(url, to: &out) }
        object.end(&out)
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
