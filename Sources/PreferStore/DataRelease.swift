import Crypto
import Foundation
import PreferCore

/// A public data release of an arena, as LMArena, Music Arena and 3D Arena
/// publish theirs: votes, K-way votes, item-level preferences, ratings, prompts, outputs,
/// contenders, the leaderboard with its method, the audit summary, a dataset
/// card (`README.md`) and `SHA256SUMS`. `prefer release` writes it to a
/// folder; `POST /api/arenas/{arena}/releases` writes it to a scratch folder
/// and sends it as a tar archive (`ReleaseArchive`) — one implementation, so
/// the two give the same bytes.
///
/// Annotators are pseudonymised as `v` + 16 hex digits of
/// HMAC-SHA-256(key, voter) under a key made for the release and forgotten
/// (two releases cannot be joined on annotators, and the server's own
/// pseudonyms never appear) — unless the publisher supplies the key
/// (`Options.pseudonymKey`), which makes the release reproducible byte for
/// byte. Nothing in a release depends on the clock: the same database, options
/// and key give the same files.
///
/// Cost: one pass over the votes and the K-way votes (pages of 20,000) and the preferences
/// (prompt by prompt), the audit and the leaderboard's bootstrap over the
/// vote table; memory is the vote table plus a page.
public struct DataRelease {
    public struct Options: Sendable {
        /// The licence the card states; nil: the arena's own (`Arena.license`).
        public var license: String?
        public var dropRationales = false
        /// Prompts matching this regular expression are left out with their outputs, votes, preferences and ratings.
        public var dropPrompts: String?
        /// Annotators (as the server stores them) left out, at their request.
        public var dropAnnotators: Set<String> = []
        /// Bootstrap rounds of the leaderboard's intervals (below 2: none).
        public var bootstrap = 1000
        /// Seed of the leaderboard's bootstrap and the audit's down-sampling.
        public var seed: UInt64 = 42
        /// The pseudonym key (32 bytes); nil makes a random one, used for this release only.
        public var pseudonymKey: [UInt8]?

        public init() {}

        /// A key given as 64 hex digits, or an error naming `field`.
        public static func key(hex: String, field: String) throws -> [UInt8] {
            func value(_ digit: UInt8) -> UInt8? {
                switch digit {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
                default: nil
                }
            }
            let digits = Array(hex.utf8)
            var bytes: [UInt8] = []
            if digits.count == 64 {
                for i in stride(from: 0, to: 64, by: 2) {
                    guard let high = value(digits[i]), let low = value(digits[i + 1]) else { break }
                    bytes.append(high << 4 | low)
                }
            }
            guard bytes.count == 32 else {
                throw StoreError(.invalid, "\(field) must be 64 hex digits (a 256-bit key, e.g. from `openssl rand -hex 32`).", field: field)
            }
            return bytes
        }
    }

    /// What a release wrote.
    public struct Summary: Sendable {
        public var votes = 0
        /// K-way votes (`kway_votes.jsonl`).
        public var kwayVotes = 0
        public var items = 0
        public var ratings = 0
        public var prompts = 0
        public var outputs = 0
        /// The newest vote's time (the archive's file times); nil without votes.
        public var newest: Date?
        /// The licence the card states (nil: unspecified).
        public var license: String?

        public var description: String {
            "\(votes) votes, \(kwayVotes) K-way votes, \(items) item preferences, \(ratings) ratings, \(prompts) prompts, \(outputs) outputs"
        }
    }

    /// The files of a release, in the order `SHA256SUMS` lists them (and the archive holds them).
    public static let files = [
        "README.md", "votes.jsonl", "kway_votes.jsonl", "preferences.jsonl", "ratings.jsonl", "prompts.jsonl", "outputs.jsonl", "contenders.jsonl",
        "leaderboard.json", "audit.json", "SHA256SUMS",
    ]

    var arena: Arena
    var license: String?
    var dropRationales: Bool
    var dropPrompts: Regex<AnyRegexOutput>?
    var dropPromptsText: String?
    var dropAnnotators: Set<String>
    var bootstrap: Int
    var seed: UInt64
    let keyGiven: Bool
    private let key: SymmetricKey
    private var pseudonyms: [String: String] = [:]

    /// Checks the options (a bad `drop_prompts` pattern is `StoreError.invalid`).
    public init(arena: Arena, options: Options) throws {
        self.arena = arena
        license = options.license ?? arena.license
        dropRationales = options.dropRationales
        dropPromptsText = options.dropPrompts
        do {
            dropPrompts = try options.dropPrompts.map { try Regex($0) }
        } catch {
            throw StoreError(.invalid, "drop_prompts: \"\(options.dropPrompts ?? "")\" is not a regular expression (\(error)).", field: "drop_prompts")
        }
        dropAnnotators = options.dropAnnotators
        bootstrap = options.bootstrap
        seed = options.seed
        if let bytes = options.pseudonymKey {
            guard bytes.count == 32 else { throw StoreError(.invalid, "pseudonym_key must be 32 bytes (64 hex digits).", field: "pseudonym_key") }
            key = SymmetricKey(data: bytes)
            keyGiven = true
        } else {
            key = SymmetricKey(size: .bits256)
            keyGiven = false
        }
    }

    /// `v` and 16 hex digits of HMAC-SHA-256(release key, voter).
    mutating func pseudonym(_ voter: String?) -> String? {
        guard let voter, !voter.isEmpty else { return nil }
        if let known = pseudonyms[voter] { return known }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(voter.utf8), using: key)
        let hex = Self.hex(mac.prefix(8))
        pseudonyms[voter] = "v" + hex
        return "v" + hex
    }

    /// Lowercase hex of a digest.
    public static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the release into `folder` (created; it must be empty if it
    /// exists). Throws `StoreError.notFound` for an arena with nothing to
    /// release (and then leaves no folder behind). `progress` hears each stage.
    public mutating func write(
        store: SQLPreferStore, to folder: String, progress: (String) -> Void = { _ in }
    ) async throws -> Summary {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, try manager.contentsOfDirectory(atPath: folder).isEmpty else {
                throw StoreError(.invalid, "\(folder) exists and is not an empty folder; choose a new one for the release.", field: "out")
            }
        }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

        progress("reading the arena…")
        let contenders = try await store.contenders(arena: arena.id)
        let names = Dictionary(uniqueKeysWithValues: contenders.map { ($0.id, $0.name) })
        let prompts = try await store.prompts(arena: arena.id)
        var droppedPrompts = Set<Int64>()
        if let dropPrompts {
            for prompt in prompts where (try? dropPrompts.firstMatch(in: prompt.text)) != nil { droppedPrompts.insert(prompt.id) }
        }
        let promptMessages = try await store.promptMessages(arena: arena.id)
        let voteCount = try await store.voteCount(arena: arena.id)
        let itemCount = try await store.itemPreferenceCount(arena: arena.id)
        let kwayCount = try await store.kwayVoteCount(arena: arena.id)
        guard voteCount + itemCount + kwayCount > 0 else {
            try? manager.removeItem(atPath: folder)
            throw StoreError(.notFound, "Arena \"\(arena.name)\" has no votes or preferences to release; collect or import some first.", field: "arena")
        }

        // The audit and the leaderboard, over the votes the release keeps.
        progress("auditing and ranking…")
        let loaded = try await ArenaVoteTable.load(store: store, arena: arena.id)
        var keepRow = [Bool](repeating: true, count: loaded.table.count)
        for row in 0..<loaded.table.count {
            if let voter = loaded.table.voters?[row], dropAnnotators.contains(voter) { keepRow[row] = false }
            if let prompt = loaded.table.attributes["prompt"]?[row].flatMap(Int64.init), droppedPrompts.contains(prompt) { keepRow[row] = false }
        }
        var released = ArenaVoteTable(
            table: loaded.table.filtered(keepRow), characters: zip(loaded.characters, keepRow).filter(\.1).map(\.0),
            voteIds: zip(loaded.voteIds, keepRow).filter(\.1).map(\.0), sources: zip(loaded.sources, keepRow).filter(\.1).map(\.0))
        // K-way votes join the board (Plackett–Luce, as on the server); the audit covers the pairwise ones.
        if kwayCount > 0 {
            try await addKWayVotes(to: &released.table, store: store, names: names, droppedPrompts: droppedPrompts)
        }
        let audit = try released.audit(seed: seed)
        let flagged = audit?.flaggedVoters ?? []
        var board = Leaderboard.empty("No votes between contenders: nothing to rank.")
        if released.table.totalVotes > 0 {
            var ranked = audit.map { $0.cleaned(released.table) } ?? released.table
            if ranked.isEmpty && !released.table.isEmpty { ranked = released.table }
            let options = LeaderboardOptions(intervals: bootstrap >= 2 ? .bootstrap(rounds: bootstrap, seed: seed) : .none)
            do {
                board = try LeaderboardBuilder(options: options).build(ranked)
            } catch {
                board = Leaderboard.empty("The leaderboard could not be computed: \(error.message)")
            }
            board.audit = audit?.report.summary
            if released.table.hasKWayVotes {
                let n = released.table.kway.count
                board.warnings.append("The vote audit covers pairwise votes only: the \(n) K-way vote\(n == 1 ? " is" : "s are") ranked unaudited.")
            }
        }
        try Data(board.rendered(as: .json).utf8).write(to: URL(fileURLWithPath: path("leaderboard.json")))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        if let summary = audit?.report.summary {
            try encoder.encode(summary).write(to: URL(fileURLWithPath: path("audit.json")))
        } else {
            try Data(#"{"note": "the votes carry no voters, so there was nothing to audit"}"#.utf8).write(to: URL(fileURLWithPath: path("audit.json")))
        }

        // Votes.
        progress("writing votes…")
        var stats = Stats()
        let votes = try FileSink(path: path("votes.jsonl"))
        var after: Int64?
        var releaseId = 0
        while true {
            let page = try await store.votes(arena: arena.id, after: after, limit: 20_000)
            var bytes: [UInt8] = []
            for vote in page {
                if let voter = vote.voter, dropAnnotators.contains(voter) { stats.droppedByAnnotator += 1; continue }
                if let prompt = vote.promptId, droppedPrompts.contains(prompt) { stats.droppedByPrompt += 1; continue }
                releaseId += 1
                stats.votes += 1
                stats.sources[vote.source.rawValue, default: 0] += 1
                stats.first = min(stats.first ?? vote.createdAt, vote.createdAt)
                stats.last = max(stats.last ?? vote.createdAt, vote.createdAt)
                let left = names[vote.leftContenderId] ?? "contender-\(vote.leftContenderId)"
                let right = names[vote.rightContenderId] ?? "contender-\(vote.rightContenderId)"
                var line = JSONLine()
                line.key("id"); line.raw(String(releaseId))
                line.key("prompt_id"); vote.promptId.map { line.raw(String($0)) } ?? line.null()
                line.key("model_a"); line.string(left)
                line.key("model_b"); line.string(right)
                line.key("winner"); line.string(vote.choice.outcome.label)
                line.key("choice"); line.string(vote.choice.rawValue)
                line.key("criteria")
                line.raw("{" + vote.criteria.keys.sorted().map { JSONLine.quoted($0) + ":" + JSONLine.quoted(vote.criteria[$0]!.rawValue) }.joined(separator: ",") + "}")
                if !dropRationales {
                    line.key("rationale"); vote.rationale.map { line.string($0) } ?? line.null()
                }
                let voter = pseudonym(vote.voter)
                if voter != nil { stats.voters.insert(voter!) }
                line.key("voter"); voter.map { line.string($0) } ?? line.null()
                line.key("flagged"); line.bool(vote.voter.map { flagged.contains($0) } ?? false)
                line.key("source"); line.string(vote.source.rawValue)
                line.key("time_to_vote_ms"); vote.timeToVoteMs.map { line.raw(String($0)) } ?? line.null()
                line.key("left_played_ms"); vote.leftPlayedMs.map { line.raw(String($0)) } ?? line.null()
                line.key("right_played_ms"); vote.rightPlayedMs.map { line.raw(String($0)) } ?? line.null()
                line.key("tstamp"); line.number(vote.createdAt.timeIntervalSince1970)
                bytes += line.finishedBytes()
            }
            try votes.write(bytes)
            after = page.last?.id
            if page.count < 20_000 { break }
        }
        try votes.finish()

        // K-way votes: the candidates in the order shown, and the winner (best of K) or the ranking (best first).
        progress("writing K-way votes…")
        let kwayVotes = try FileSink(path: path("kway_votes.jsonl"))
        var kwayAfter: Int64?
        var kwayReleaseId = 0
        while true {
            let page = try await store.kwayVotes(arena: arena.id, after: kwayAfter, limit: 20_000)
            var bytes: [UInt8] = []
            for vote in page {
                if let voter = vote.voter, dropAnnotators.contains(voter) { stats.droppedByAnnotator += 1; continue }
                if let prompt = vote.promptId, droppedPrompts.contains(prompt) { stats.droppedByPrompt += 1; continue }
                kwayReleaseId += 1
                stats.kwayVotes += 1
                stats.kwaySources[vote.source.rawValue, default: 0] += 1
                stats.first = min(stats.first ?? vote.createdAt, vote.createdAt)
                stats.last = max(stats.last ?? vote.createdAt, vote.createdAt)
                let candidates = vote.members.map { names[$0.contenderId] ?? "contender-\($0.contenderId)" }
                let ranked = vote.ranking.compactMap { candidates.indices.contains($0 - 1) ? candidates[$0 - 1] : nil }
                var line = JSONLine()
                line.key("id"); line.raw(String(kwayReleaseId))
                line.key("prompt_id"); vote.promptId.map { line.raw(String($0)) } ?? line.null()
                line.key("k"); line.raw(String(vote.k))
                line.key("kind"); line.string(vote.kind.rawValue)
                line.key("candidates"); line.strings(candidates)
                if vote.kind == .best, let best = ranked.first {
                    line.key("winner"); line.string(best)
                } else {
                    line.key("ranking"); line.strings(ranked)
                }
                line.key("criteria")
                line.raw("{" + vote.criteria.keys.sorted().compactMap { name -> String? in
                    guard let position = vote.criteria[name], candidates.indices.contains(position - 1) else { return nil }
                    return JSONLine.quoted(name) + ":" + JSONLine.quoted(candidates[position - 1])
                }.joined(separator: ",") + "}")
                if !dropRationales {
                    line.key("rationale"); vote.rationale.map { line.string($0) } ?? line.null()
                }
                let voter = pseudonym(vote.voter)
                if let voter { stats.voters.insert(voter) }
                line.key("voter"); voter.map { line.string($0) } ?? line.null()
                line.key("flagged"); line.bool(vote.voter.map { flagged.contains($0) } ?? false)
                line.key("source"); line.string(vote.source.rawValue)
                line.key("time_to_vote_ms"); vote.timeToVoteMs.map { line.raw(String($0)) } ?? line.null()
                line.key("tstamp"); line.number(vote.createdAt.timeIntervalSince1970)
                bytes += line.finishedBytes()
            }
            try kwayVotes.write(bytes)
            kwayAfter = page.last?.id
            if page.count < 20_000 { break }
        }
        try kwayVotes.finish()

        // Item-level preferences.
        let items = try FileSink(path: path("preferences.jsonl"))
        _ = try await store.forEachPreference(arena: arena.id, includeVotes: false) { page in
            var bytes: [UInt8] = []
            for stored in page {
                let record = stored.record
                if let voter = record.voter, dropAnnotators.contains(voter) { stats.droppedByAnnotator += 1; continue }
                if let prompt = stored.promptId, droppedPrompts.contains(prompt) { stats.droppedByPrompt += 1; continue }
                stats.items += 1
                stats.itemAnnotations += record.counts.total
                var line = JSONLine()
                line.key("prompt_id"); stored.promptId.map { line.raw(String($0)) } ?? line.null()
                line.key("text_a"); line.text(record.a)
                line.key("text_b"); line.text(record.b)
                line.key("a_wins"); line.raw(String(record.counts.aWins))
                line.key("b_wins"); line.raw(String(record.counts.bWins))
                line.key("ties"); line.raw(String(record.counts.ties))
                line.key("both_bad"); line.raw(String(record.counts.bothBad))
                line.key("margin"); record.margin.map { line.number($0) } ?? line.null()
                line.key("weight"); line.number(record.weight)
                if !dropRationales {
                    line.key("rationale"); record.rationale.map { line.string($0) } ?? line.null()
                }
                let voter = pseudonym(record.voter)
                line.key("voter"); voter.map { line.string($0) } ?? line.null()
                line.key("source"); line.string(record.source.rawValue)
                bytes += line.finishedBytes()
            }
            try items.write(bytes)
        }
        try items.finish()

        // Ratings.
        let ratingSink = try FileSink(path: path("ratings.jsonl"))
        var ratingBytes: [UInt8] = []
        for rating in try await store.ratings(arena: arena.id) {
            if droppedPrompts.contains(rating.promptId) { continue }
            if let voter = rating.voter, dropAnnotators.contains(voter) { continue }
            stats.ratings += 1
            var line = JSONLine()
            line.key("prompt_id"); line.raw(String(rating.promptId))
            line.key("contender"); line.string(names[rating.contenderId] ?? "contender-\(rating.contenderId)")
            line.key("aspect"); line.string(rating.aspect)
            line.key("score"); line.number(rating.score)
            if !dropRationales {
                line.key("rationale"); rating.rationale.map { line.string($0) } ?? line.null()
            }
            line.key("voter"); pseudonym(rating.voter).map { line.string($0) } ?? line.null()
            line.key("source"); line.string(rating.source.rawValue)
            ratingBytes += line.finishedBytes()
        }
        try ratingSink.write(ratingBytes)
        try ratingSink.finish()

        // Prompts, outputs, contenders.
        let promptSink = try FileSink(path: path("prompts.jsonl"))
        for prompt in prompts where !droppedPrompts.contains(prompt.id) {
            stats.prompts += 1
            var line = JSONLine()
            line.key("prompt_id"); line.raw(String(prompt.id))
            line.key("text"); line.string(prompt.text)
            if let messages = promptMessages[prompt.id] { line.key("messages"); line.raw(messages) }
            line.key("category"); prompt.category.map { line.string($0) } ?? line.null()
            try promptSink.write(line.finishedBytes())
        }
        try promptSink.finish()
        let outputSink = try FileSink(path: path("outputs.jsonl"))
        for output in try await store.outputs(arena: arena.id) where !droppedPrompts.contains(output.promptId) {
            stats.outputs += 1
            var line = JSONLine()
            line.key("prompt_id"); line.raw(String(output.promptId))
            line.key("contender"); line.string(names[output.contenderId] ?? "contender-\(output.contenderId)")
            line.key("media"); line.string(output.media.rawValue)
            line.key("content"); line.string(output.content)
            line.key("url"); output.url.map { line.string($0) } ?? line.null()
            try outputSink.write(line.finishedBytes())
        }
        try outputSink.finish()
        let contenderSink = try FileSink(path: path("contenders.jsonl"))
        for contender in contenders {
            var line = JSONLine()
            line.key("name"); line.string(contender.name)
            try contenderSink.write(line.finishedBytes())
        }
        try contenderSink.finish()

        try Data(card(stats: stats, board: board, audit: audit?.report.summary, contenders: contenders.count).utf8)
            .write(to: URL(fileURLWithPath: path("README.md")))

        // Checksums of every file, in the order sha256sum -c reads.
        var sums = ""
        for name in Self.files where name != "SHA256SUMS" {
            let data = try Data(contentsOf: URL(fileURLWithPath: path(name)), options: .alwaysMapped)
            sums += Self.hex(SHA256.hash(data: data)) + "  " + name + "\n"
        }
        try Data(sums.utf8).write(to: URL(fileURLWithPath: path("SHA256SUMS")))
        return Summary(
            votes: stats.votes, kwayVotes: stats.kwayVotes, items: stats.items, ratings: stats.ratings, prompts: stats.prompts, outputs: stats.outputs,
            newest: stats.last, license: license)
    }

    struct Stats {
        var votes = 0
        var kwayVotes = 0
        /// K-way votes by source.
        var kwaySources: [String: Int] = [:]
        var items = 0
        var itemAnnotations = 0
        var ratings = 0
        var prompts = 0
        var outputs = 0
        var droppedByPrompt = 0
        var droppedByAnnotator = 0
        var voters = Set<String>()
        var sources: [String: Int] = [:]
        var first: Date?
        var last: Date?
    }

    /// The card's account of how the data came to be: battles in the arena
    /// only when there were any; imported and judged data said as such.
    /// How the arena drew its pairs, for the data card: adaptive sampling
    /// changes which pairs the votes cover, so the card says so.
    static func drawing(_ arena: Arena) -> String {
        if let active = arena.activeSampling {
            return "by active sampling (rule \(active.rule.rawValue): pairs chosen from the current ratings' uncertainty, "
                + String(format: "every contender keeping at least %g of its uniform share, new contenders favoured until %d votes)", active.floorShare, active.burstVotes)
        }
        return arena.sampling == .uniform ? "uniformly among the pairs with outputs" : "in proportion to the contenders' weights"
    }

    func collection(_ stats: Stats) -> String {
        var parts: [String] = []
        if stats.sources["battle", default: 0] > 0 {
            parts.append(
                "Prefer showed an annotator a prompt and two outputs of different contenders, anonymously and in random order, "
                    + "drawn \(Self.drawing(arena)); "
                    + "the annotator chose the left or the right output, a tie, or \"both bad\""
                    + "\(arena.criteria.isEmpty ? "" : ", and answered per criterion (\(arena.criteria.joined(separator: ", ")))"). "
                    + "The arena was \(arena.isPrivate ? "private (invited annotators only)" : "open to anonymous visitors")"
                    + "\(arena.annotationsPerItem > 1 ? "; each (prompt, pair) was sought from \(arena.annotationsPerItem) annotators" : "").")
        }
        if stats.kwaySources["battle", default: 0] > 0 {
            parts.append(
                "In K-way battles Prefer showed an annotator a prompt and K outputs of different contenders (`k` in "
                    + "`kway_votes.jsonl`), anonymously and in random order; the annotator picked the best (`winner`) or "
                    + "ranked them (`ranking`, best first).")
        }
        let imported = stats.sources["import", default: 0] + stats.kwaySources["import", default: 0]
        if imported > 0 || stats.items > 0 || stats.ratings > 0 {
            parts.append(
                "Votes with source `import`, the item-level preferences and the ratings were loaded from existing datasets "
                    + "with `prefer import` (see the description above); their collection is the original dataset's.")
        }
        if stats.sources["judge", default: 0] + stats.kwaySources["judge", default: 0] > 0 {
            parts.append("Votes with source `judge` were cast by AI judges, not people.")
        }
        return parts.isEmpty ? "The arena holds no votes." : parts.joined(separator: " ")
    }

    func card(stats: Stats, board: Leaderboard, audit: AuditReport.Summary?, contenders: Int) -> String {
        let day = Date.ISO8601FormatStyle().year().month().day()
        let range = stats.first.map { "\($0.formatted(day)) to \((stats.last ?? $0).formatted(day))" } ?? "—"
        var redactions: [String] = [
            keyGiven
                ? "annotators pseudonymised with a key the publisher chose and kept (the same key reproduces this release)"
                : "annotators pseudonymised with a key made for this release and discarded"
        ]
        if dropRationales { redactions.append("free-text rationales removed") }
        if let dropPromptsText { redactions.append("prompts matching `\(dropPromptsText)` removed with their outputs and votes (\(stats.droppedByPrompt) comparisons)") }
        if !dropAnnotators.isEmpty { redactions.append("\(dropAnnotators.count) annotators removed at their request (\(stats.droppedByAnnotator) comparisons)") }
        func origin(_ source: String) -> String {
            source == "battle" ? "cast in the arena's battles" : source == "import" ? "imported" : "by AI judges"
        }
        let sources = stats.sources.sorted { $0.key < $1.key }.map { "\($0.value) \(origin($0.key))" }
        let kwaySources = stats.kwaySources.sorted { $0.key < $1.key }.map { "\($0.value) \(origin($0.key))" }
        let top = board.contenders.prefix(10).map { "| \($0.rank) | \($0.name) | \(String(format: "%.1f", $0.rating)) | \(String(format: "%.1f", $0.lower))–\(String(format: "%.1f", $0.upper)) | \($0.votes) |" }
        return """
        # \(arena.name): a Prefer data release

        \(arena.description ?? "Pairwise human preferences collected with Prefer.")

        - **Votes collected:** \(range)
        - **Licence:** \(license ?? "unspecified (the arena's admin set none)")
        - **Contents:** \(stats.votes) votes\(sources.isEmpty ? "" : " (" + sources.joined(separator: ", ") + ")") and \(stats.kwayVotes) K-way votes\(kwaySources.isEmpty ? "" : " (" + kwaySources.joined(separator: ", ") + ")") by \(stats.voters.count) pseudonymous annotators; \(stats.items) item-level preferences (\(stats.itemAnnotations) annotations); \(stats.ratings) ratings; \(stats.prompts) prompts; \(stats.outputs) outputs; \(contenders) contenders.

        ## How the votes were collected

        \(collection(stats))

        Redactions: \(redactions.joined(separator: "; ")).

        ## Leaderboard

        `leaderboard.json`: \(Self.modelSentence(board)), \
        \(board.method.intervals == "bootstrap" ? "\(board.method.rounds ?? 0)-round bootstrap \(Int((board.method.level ?? 0.95) * 100))% intervals (seed \(board.method.seed ?? seed))" : "no intervals"), \
        votes of annotators flagged by the audit left out (`flagged` in `votes.jsonl`)\(board.method.model == LeaderboardModel.plackettLuce.rawValue ? " — the audit covers pairwise votes only, so every K-way vote is ranked" : ""), ties as half a win each.

        | rank | contender | rating | interval | votes |
        | --- | --- | --- | --- | --- |
        \(top.joined(separator: "\n"))

        ## Audit

        `audit.json`: \(audit.map { "\($0.votersFlagged) of \($0.voters) annotators flagged (\($0.votesByFlaggedVoters) votes), \(String(format: "%.2f", $0.shareAuthentic * 100))% judged authentic, false discovery rate \($0.falseDiscoveryRate)" } ?? "the votes carry no annotators, so there was nothing to audit").

        ## Files and fields

        - `votes.jsonl`: one vote per line — `id` (this release's numbering), `prompt_id`, `model_a` (left), `model_b` (right), \
        `winner` (`model_a`, `model_b`, `tie`, `tie (bothbad)`: the file is valid input for `prefer rank`), `choice` \
        (`left`, `right`, `tie`, `both_bad`), `criteria` (choice per criterion), \(dropRationales ? "" : "`rationale`, ")`voter` \
        (release pseudonym), `flagged` (the audit flagged this annotator), `source` (`battle`, `import`, `judge`), \
        `time_to_vote_ms`, `left_played_ms`, `right_played_ms`, `tstamp` (seconds since 1970).
        - `kway_votes.jsonl`: one K-way vote per line — `id` (this release's numbering), `prompt_id`, `k`, `kind` \
        (`best`, `ranking`), `candidates` (the contenders in the order shown: positions 1…k), `winner` (the best, for \
        `best`) or `ranking` (best first, possibly partial: the rest unranked), `criteria` (per criterion, the candidate \
        picked best on it), \(dropRationales ? "" : "`rationale`, ")`voter`, \
        `flagged`, `source`, `time_to_vote_ms`, `tstamp` (valid input for `prefer rank`, which ranks them by Plackett–Luce).
        - `preferences.jsonl`: comparisons without contenders — `prompt_id`, `text_a`, `text_b` (strings or chat \
        messages), `a_wins`, `b_wins`, `ties`, `both_bad` (annotation counts), `margin`, `weight`, \(dropRationales ? "" : "`rationale`, ")`voter`, `source` (`human`, `judge`).
        - `ratings.jsonl`: `prompt_id`, `contender`, `aspect`, `score`, \(dropRationales ? "" : "`rationale`, ")`voter`, `source`.
        - `prompts.jsonl`: `prompt_id`, `text`, `messages` (when given as chat), `category`.
        - `outputs.jsonl`: `prompt_id`, `contender`, `media` (`text`, `image`, `audio`, `video`, `model3d`), `content`, `url`.
        - `contenders.jsonl`: `name`.
        - `leaderboard.json`, `audit.json`: as above.
        - `SHA256SUMS`: SHA-256 of every file; check with `sha256sum -c SHA256SUMS`.

        """
    }
}
