import Foundation
import PreferCore
import PreferStore

/// Votes as JSON Lines or CSV for download. Each row names the contenders on
/// both sides (`left`/`right`) and also carries LMArena's `model_a`,
/// `model_b` and `winner`, so an export is valid input for `prefer rank`
/// and `prefer audit`. Rows are written by hand (no encoder per row) so
/// exports of millions of votes stream quickly.
enum VoteExport {
    enum Format: String, CaseIterable {
        case jsonl, csv
    }

    static let csvColumns = [
        "id", "battle", "arena", "prompt_id", "prompt", "category", "left", "right", "model_a", "model_b", "winner",
        "choice", "criteria", "rationale", "voter", "time_to_vote_ms", "left_played_ms", "right_played_ms",
        "client_vote_id", "source", "created_at", "tstamp",
    ]

    static func iso(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    static func fields(_ vote: StoredVote, index: ArenaIndex) -> [(String, Value)] {
        let left = index.contenders[vote.leftContenderId]?.name ?? "contender-\(vote.leftContenderId)"
        let right = index.contenders[vote.rightContenderId]?.name ?? "contender-\(vote.rightContenderId)"
        let prompt = vote.promptId.flatMap { index.prompts[$0] }
        let criteria = vote.criteria.keys.sorted().map { "\(quoted($0)):\(quoted(vote.criteria[$0]!.rawValue))" }
        return [
            ("id", .number(String(vote.id))),
            ("battle", vote.battle.map(Value.string) ?? .null),
            ("arena", .string(index.arena.name)),
            ("prompt_id", vote.promptId.map { .number(String($0)) } ?? .null),
            ("prompt", prompt.map { .string($0.text) } ?? .null),
            ("category", prompt?.category.map(Value.string) ?? .null),
            ("left", .string(left)),
            ("right", .string(right)),
            ("model_a", .string(left)),
            ("model_b", .string(right)),
            ("winner", .string(vote.choice.outcome.label)),
            ("choice", .string(vote.choice.rawValue)),
            ("criteria", .raw("{" + criteria.joined(separator: ",") + "}")),
            ("rationale", vote.rationale.map(Value.string) ?? .null),
            ("voter", vote.voter.map(Value.string) ?? .null),
            ("time_to_vote_ms", vote.timeToVoteMs.map { .number(String($0)) } ?? .null),
            ("left_played_ms", vote.leftPlayedMs.map { .number(String($0)) } ?? .null),
            ("right_played_ms", vote.rightPlayedMs.map { .number(String($0)) } ?? .null),
            ("client_vote_id", vote.clientVoteId.map(Value.string) ?? .null),
            ("source", .string(vote.source.rawValue)),
            ("created_at", .string(iso(vote.createdAt))),
            ("tstamp", .number(String(vote.createdAt.timeIntervalSince1970))),
        ]
    }

    enum Value {
        case string(String)
        case number(String)
        case raw(String)
        case null

        var json: String {
            switch self {
            case .string(let s): quoted(s)
            case .number(let n): n
            case .raw(let r): r
            case .null: "null"
            }
        }

        var csv: String {
            switch self {
            case .string(let s): csvField(s)
            case .number(let n): n
            case .raw(let r): csvField(r)
            case .null: ""
            }
        }
    }

    /// A K-way vote as `prefer rank` reads it: `candidates` in the order
    /// shown with `winner` (best of K) or `ranking` (best first), and
    /// `criteria` (criterion → the candidate picked best on it).
    static func jsonLine(_ vote: StoredKWayVote, index: ArenaIndex) -> String {
        let names = vote.members.map { index.contenders[$0.contenderId]?.name ?? "contender-\($0.contenderId)" }
        let ranked = vote.ranking.compactMap { names.indices.contains($0 - 1) ? names[$0 - 1] : nil }
        let prompt = vote.promptId.flatMap { index.prompts[$0] }
        var fields: [(String, Value)] = [
            ("id", .number(String(vote.id))),
            ("battle", vote.battle.map(Value.string) ?? .null),
            ("arena", .string(index.arena.name)),
            ("prompt_id", vote.promptId.map { .number(String($0)) } ?? .null),
            ("prompt", prompt.map { .string($0.text) } ?? .null),
            ("category", prompt?.category.map(Value.string) ?? .null),
            ("candidates", .raw("[" + names.map(quoted).joined(separator: ",") + "]")),
        ]
        if vote.kind == .best, let best = ranked.first {
            fields.append(("winner", .string(best)))
        } else {
            fields.append(("ranking", .raw("[" + ranked.map(quoted).joined(separator: ",") + "]")))
        }
        // Per criterion, the candidate picked best on it (`prefer rank --by criterion` reads it).
        let picks = vote.criteria.keys.sorted().compactMap { name -> String? in
            guard let position = vote.criteria[name], names.indices.contains(position - 1) else { return nil }
            return "\(quoted(name)):\(quoted(names[position - 1]))"
        }
        fields.append(("criteria", .raw("{" + picks.joined(separator: ",") + "}")))
        fields += [
            ("rationale", vote.rationale.map(Value.string) ?? .null),
            ("voter", vote.voter.map(Value.string) ?? .null),
            ("time_to_vote_ms", vote.timeToVoteMs.map { .number(String($0)) } ?? .null),
            ("client_vote_id", vote.clientVoteId.map(Value.string) ?? .null),
            ("source", .string(vote.source.rawValue)),
            ("created_at", .string(iso(vote.createdAt))),
            ("tstamp", .number(String(vote.createdAt.timeIntervalSince1970))),
        ]
        return "{" + fields.map { "\(quoted($0.0)):\($0.1.json)" }.joined(separator: ",") + "}\n"
    }

    static func jsonLine(_ vote: StoredVote, index: ArenaIndex) -> String {
        "{" + fields(vote, index: index).map { "\(quoted($0.0)):\($0.1.json)" }.joined(separator: ",") + "}\n"
    }

    static func csvLine(_ vote: StoredVote, index: ArenaIndex) -> String {
        fields(vote, index: index).map(\.1.csv).joined(separator: ",") + "\n"
    }

    static var csvHeader: String { csvColumns.joined(separator: ",") + "\n" }

    /// A JSON string literal (U+2028/2029 escaped too, so that a line can sit in a script). Works on UTF-8 bytes: text with nothing to
    /// escape (the common case) is copied as it is.
    static func quoted(_ s: String) -> String {
        var s = s
        return s.withUTF8 { bytes -> String in
            var clean = true
            for (i, b) in bytes.enumerated() {
                if b < 0x20 || b == 0x22 || b == 0x5C
                    || (b == 0xE2 && i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9)) {
                    clean = false
                    break
                }
            }
            var out = [UInt8]()
            out.reserveCapacity(bytes.count + (clean ? 2 : 16))
            out.append(0x22)
            if clean {
                out.append(contentsOf: bytes)
            } else {
                let hex = Array("0123456789abcdef".utf8)
                var i = 0
                while i < bytes.count {
                    let b = bytes[i]
                    switch b {
                    case 0x22: out.append(contentsOf: [0x5C, 0x22])
                    case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                    case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
                    case 0x0D: out.append(contentsOf: [0x5C, 0x72])
                    case 0x09: out.append(contentsOf: [0x5C, 0x74])
                    case 0xE2 where i + 2 < bytes.count && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9):
                        out.append(contentsOf: Array((bytes[i + 2] == 0xA8 ? "\\u2028" : "\\u2029").utf8))
                        i += 2
                    default:
                        if b < 0x20 {
                            out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]])
                        } else {
                            out.append(b)
                        }
                    }
                    i += 1
                }
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The votes of `arena` from `source` as export rows, read from the store
    /// a page at a time and written as they come (memory stays one page).
    static func stream(
        arena index: ArenaIndex, format: Format, source: VoteSourceFilter = .all, store: any PreferStore, directory: ArenaDirectory
    ) -> AsyncThrowingStream<ArraySlice<UInt8>, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    var index = index
                    if format == .csv { continuation.yield(ArraySlice(csvHeader.utf8)) }
                    var after: Int64? = nil
                    while true {
                        let page = try await store.votes(arena: index.arena.id, after: after, limit: 5000)
                        if page.isEmpty { break }
                        if page.contains(where: { index.contenders[$0.leftContenderId] == nil || index.contenders[$0.rightContenderId] == nil }) {
                            index = try await directory.reload(index.arena.id) ?? index
                        }
                        var chunk = ""
                        for vote in page where source.includes(vote.source) {
                            chunk += format == .csv ? csvLine(vote, index: index) : jsonLine(vote, index: index)
                        }
                        continuation.yield(ArraySlice(chunk.utf8))
                        after = page.last?.id
                        if page.count < 5000 { break }
                    }
                    // K-way votes (JSON Lines only: prefer rank reads K-way rows from JSON, not CSV).
                    if format == .jsonl, index.isKWay, let kway = store as? any KWayStore {
                        var after: Int64? = nil
                        while true {
                            let page = try await kway.kwayVotes(arena: index.arena.id, after: after, limit: 5000)
                            if page.isEmpty { break }
                            if page.contains(where: { $0.members.contains { index.contenders[$0.contenderId] == nil } }) {
                                index = try await directory.reload(index.arena.id) ?? index
                            }
                            continuation.yield(ArraySlice(page.map { jsonLine($0, index: index) }.joined().utf8))
                            after = page.last?.id
                            if page.count < 5000 { break }
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }
}
