import ArgumentParser
import Crypto
import Foundation
import Logging
import PreferCore
import PreferStore

/// `prefer release --arena A --out DIR`: a data release as LMArena, Music
/// Arena and 3D Arena publish theirs.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Write a public data release of an arena: votes, prompts, outputs, contenders, leaderboard, audit, dataset card, checksums.",
        discussion: """
        Annotators are pseudonymised with a key made for this release and then forgotten (HMAC-SHA-256), so two \
        releases cannot be joined on annotators and the server's own pseudonyms do not appear. Battle ids and client \
        vote ids are not released. Redaction: --drop-rationales, --drop-prompts REGEX (the prompt and everything on \
        it), --drop-annotator NAME (as the server stores them; repeatable). README.md describes what, when, how many, \
        how collected, the licence and every field; SHA256SUMS checks every file.

        Example:
          prefer release --arena music --out music-2026-11 --license CC-BY-4.0 --drop-rationales
        """
    )

    @Option(help: "Arena name.") var arena: String
    @Option(help: "The folder to write (created; must be empty if it exists).") var out: String
    @Option(help: "Database: an SQLite file path (default prefer.sqlite) or postgres://…; PREFER_DATABASE_URL works too.")
    var database: String?
    @Option(help: "The licence of the release, as the dataset card states it (e.g. CC-BY-4.0).") var license: String?
    @Flag(name: .customLong("drop-rationales"), help: "Leave out free-text rationales.") var dropRationales = false
    @Option(name: .customLong("drop-prompts"), help: ArgumentHelp("Leave out prompts matching this regular expression, with their outputs and votes.", valueName: "REGEX"))
    var dropPrompts: String?
    @Option(name: .customLong("drop-annotator"), help: ArgumentHelp("Leave out everything by this annotator (repeatable).", valueName: "NAME"))
    var dropAnnotators: [String] = []
    @Option(help: "Bootstrap rounds for the leaderboard's intervals.") var bootstrap: Int = 1000
    @Option(help: "Seed of the leaderboard's bootstrap and the audit's down-sampling.") var seed: UInt64 = 42
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func run() async throws {
        var logger = Logger(label: "prefer")
        logger.logLevel = .warning
        let pattern: Regex<AnyRegexOutput>?
        do {
            pattern = try dropPrompts.map { try Regex($0) }
        } catch {
            throw ValidationError("--drop-prompts: \"\(dropPrompts ?? "")\" is not a regular expression (\(error)).")
        }
        let progress = ProgressLine(quiet: quiet)
        let (_, opened) = try await StoreOpener.open(database, logger: logger)
        guard let store = opened as? SQLPreferStore else { throw CommandError("this store cannot write releases") }
        do {
            try await store.migrate()
            guard let target = try await store.arena(named: arena) else {
                throw CommandError("There is no arena named \"\(arena)\" in this database.")
            }
            var release = DataRelease(
                arena: target, license: license, dropRationales: dropRationales, dropPrompts: pattern,
                dropPromptsText: dropPrompts, dropAnnotators: Set(dropAnnotators), bootstrap: bootstrap, seed: seed)
            let summary = try await release.write(store: store, to: out, progress: progress)
            progress.finish()
            printOut("wrote the release of arena \"\(arena)\" to \(out): \(summary)")
            if license == nil && !quiet {
                printError("warning: no --license given; the dataset card says the licence is unspecified.")
            }
        } catch {
            progress.finish()
            try? await store.shutdown()
            if let error = error as? StoreError { throw CommandError(error.message) }
            throw error
        }
        try await store.shutdown()
    }
}

/// Builds a release folder from the store (see `ReleaseCommand`).
struct DataRelease {
    var arena: Arena
    var license: String?
    var dropRationales: Bool
    var dropPrompts: Regex<AnyRegexOutput>?
    var dropPromptsText: String?
    var dropAnnotators: Set<String>
    var bootstrap: Int
    var seed: UInt64

    /// The release's pseudonym key: random, used for this release only, never written.
    private let key = SymmetricKey(size: .bits256)
    private var pseudonyms: [String: String] = [:]

    init(
        arena: Arena, license: String?, dropRationales: Bool, dropPrompts: Regex<AnyRegexOutput>?, dropPromptsText: String?,
        dropAnnotators: Set<String>, bootstrap: Int, seed: UInt64
    ) {
        self.arena = arena
        self.license = license
        self.dropRationales = dropRationales
        self.dropPrompts = dropPrompts
        self.dropPromptsText = dropPromptsText
        self.dropAnnotators = dropAnnotators
        self.bootstrap = bootstrap
        self.seed = seed
    }

    /// `v` and 16 hex digits of HMAC-SHA-256(release key, voter).
    mutating func pseudonym(_ voter: String?) -> String? {
        guard let voter, !voter.isEmpty else { return nil }
        if let known = pseudonyms[voter] { return known }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(voter.utf8), using: key)
        let hex = mac.prefix(8).map { String(format: "%02x", $0) }.joined()
        pseudonyms[voter] = "v" + hex
        return "v" + hex
    }

    static let files = [
        "README.md", "votes.jsonl", "preferences.jsonl", "ratings.jsonl", "prompts.jsonl", "outputs.jsonl", "contenders.jsonl",
        "leaderboard.json", "audit.json", "SHA256SUMS",
    ]

    mutating func write(store: SQLPreferStore, to folder: String, progress: ProgressLine) async throws -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, try manager.contentsOfDirectory(atPath: folder).isEmpty else {
                throw CommandError("\(folder) exists and is not an empty folder; choose a new one for the release.")
            }
        }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

        progress.update("reading the arena…", force: true)
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
        guard voteCount + itemCount > 0 else {
            try? manager.removeItem(atPath: folder)
            throw CommandError("Arena \"\(arena.name)\" has no votes or preferences to release.")
        }

        // The audit and the leaderboard, over the votes the release keeps.
        progress.update("auditing and ranking…", force: true)
        let loaded = try await ArenaVoteTable.load(store: store, arena: arena.id)
        var keepRow = [Bool](repeating: true, count: loaded.table.count)
        for row in 0..<loaded.table.count {
            if let voter = loaded.table.voters?[row], dropAnnotators.contains(voter) { keepRow[row] = false }
            if let prompt = loaded.table.attributes["prompt"]?[row].flatMap(Int64.init), droppedPrompts.contains(prompt) { keepRow[row] = false }
        }
        let released = ArenaVoteTable(
            table: loaded.table.filtered(keepRow), characters: zip(loaded.characters, keepRow).filter(\.1).map(\.0),
            voteIds: zip(loaded.voteIds, keepRow).filter(\.1).map(\.0), sources: zip(loaded.sources, keepRow).filter(\.1).map(\.0))
        let audit = try released.audit(seed: seed)
        let flagged = audit?.flaggedVoters ?? []
        var board = Leaderboard.empty("No votes between contenders: nothing to rank.")
        if !released.table.isEmpty {
            var ranked = audit.map { $0.cleaned(released.table) } ?? released.table
            if ranked.isEmpty { ranked = released.table }
            let options = LeaderboardOptions(intervals: bootstrap >= 2 ? .bootstrap(rounds: bootstrap, seed: seed) : .none)
            do {
                board = try LeaderboardBuilder(options: options).build(ranked)
            } catch {
                board = Leaderboard.empty("The leaderboard could not be computed: \(error.message)")
            }
            board.audit = audit?.report.summary
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
        progress.update("writing votes…", force: true)
        var stats = Stats()
        let votes = try OutputSink(path: path("votes.jsonl"))
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

        // Item-level preferences.
        let items = try OutputSink(path: path("preferences.jsonl"))
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
        let ratingSink = try OutputSink(path: path("ratings.jsonl"))
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
        let promptSink = try OutputSink(path: path("prompts.jsonl"))
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
        let outputSink = try OutputSink(path: path("outputs.jsonl"))
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
        let contenderSink = try OutputSink(path: path("contenders.jsonl"))
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
            sums += DatasetImportHex.hex(SHA256.hash(data: data)) + "  " + name + "\n"
        }
        try Data(sums.utf8).write(to: URL(fileURLWithPath: path("SHA256SUMS")))
        return "\(stats.votes) votes, \(stats.items) item preferences, \(stats.ratings) ratings, \(stats.prompts) prompts, \(stats.outputs) outputs"
    }

    struct Stats {
        var votes = 0
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
        let imported = stats.sources["import", default: 0]
        if imported > 0 || stats.items > 0 || stats.ratings > 0 {
            parts.append(
                "Votes with source `import`, the item-level preferences and the ratings were loaded from existing datasets "
                    + "with `prefer import` (see the description above); their collection is the original dataset's.")
        }
        if stats.sources["judge", default: 0] > 0 {
            parts.append("Votes with source `judge` were cast by AI judges, not people.")
        }
        return parts.isEmpty ? "The arena holds no votes." : parts.joined(separator: " ")
    }

    func card(stats: Stats, board: Leaderboard, audit: AuditReport.Summary?, contenders: Int) -> String {
        let day = Date.ISO8601FormatStyle().year().month().day()
        let released = Date().formatted(day)
        let range = stats.first.map { "\($0.formatted(day)) to \((stats.last ?? $0).formatted(day))" } ?? "—"
        var redactions: [String] = ["annotators pseudonymised with a key made for this release and discarded"]
        if dropRationales { redactions.append("free-text rationales removed") }
        if let dropPromptsText { redactions.append("prompts matching `\(dropPromptsText)` removed with their outputs and votes (\(stats.droppedByPrompt) comparisons)") }
        if !dropAnnotators.isEmpty { redactions.append("\(dropAnnotators.count) annotators removed at their request (\(stats.droppedByAnnotator) comparisons)") }
        let sources = stats.sources.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key == "battle" ? "cast in the arena's battles" : $0.key == "import" ? "imported" : "by AI judges")" }
        let top = board.contenders.prefix(10).map { "| \($0.rank) | \($0.name) | \(String(format: "%.1f", $0.rating)) | \(String(format: "%.1f", $0.lower))–\(String(format: "%.1f", $0.upper)) | \($0.votes) |" }
        return """
        # \(arena.name): a Prefer data release

        \(arena.description ?? "Pairwise human preferences collected with Prefer.")

        - **Released:** \(released)
        - **Votes collected:** \(range)
        - **Licence:** \(license ?? "unspecified (the arena's admin set none)")
        - **Contents:** \(stats.votes) votes\(sources.isEmpty ? "" : " (" + sources.joined(separator: ", ") + ")") by \(stats.voters.count) pseudonymous annotators; \(stats.items) item-level preferences (\(stats.itemAnnotations) annotations); \(stats.ratings) ratings; \(stats.prompts) prompts; \(stats.outputs) outputs; \(contenders) contenders.

        ## How the votes were collected

        \(collection(stats))

        Redactions: \(redactions.joined(separator: "; ")).

        ## Leaderboard

        `leaderboard.json`: Bradley–Terry ratings on the Elo scale (rating = 1000 + 400·log10 odds), \
        \(board.method.intervals == "bootstrap" ? "\(board.method.rounds ?? 0)-round bootstrap \(Int((board.method.level ?? 0.95) * 100))% intervals (seed \(board.method.seed ?? seed))" : "no intervals"), \
        votes of annotators flagged by the audit left out (`flagged` in `votes.jsonl`), ties as half a win each.

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

/// Lowercase hex of a digest.
enum DatasetImportHex {
    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
