import Foundation
import PreferCore
import PreferStore
import Testing

extension StoreTests {
    /// Batches as a reader would give them, then nil.
    final class Feed: @unchecked Sendable {
        var batches: [PreferenceBatch]
        var failure: (any Error)?

        init(_ batches: [PreferenceBatch], failingWith failure: (any Error)? = nil) {
            self.batches = batches
            self.failure = failure
        }

        func next() throws -> PreferenceBatch? {
            if batches.isEmpty {
                if let failure { throw failure }
                return nil
            }
            return batches.removeFirst()
        }
    }

    static func hhRecord(_ i: Int) -> PreferenceRecord {
        // The good answer wins, shown left or right.
        PreferenceRecord(
            line: i + 1, prompt: .plain("\n\nHuman: question \(i % 3)?\n\nAssistant:"), a: .plain(i % 2 == 0 ? " good \(i)" : " bad \(i)"),
            b: .plain(i % 2 == 0 ? " bad \(i)" : " good \(i)"), counts: PreferenceCounts(i % 2 == 0 ? .aWins : .bWins), voter: "ann-\(i % 2)")
    }

    static func rated() -> RatedPrompt {
        RatedPrompt(
            line: 7, prompt: .messages([ConversationMessage(role: "user", content: "Plan a day in Cairo.")]),
            completions: [
                .init(model: "gpt-4", text: .plain("Pyramids, then the museum."), scores: ["overall": 9, "helpfulness": 5], rationales: ["helpfulness": "Thorough."]),
                .init(model: "alpaca-7b", text: .plain("Go to Petra."), scores: ["overall": 4, "helpfulness": 2]),
                .init(model: "starchat", text: .plain("See the museum."), scores: ["overall": 6, "helpfulness": 3]),
            ],
            source: .judge, category: "travel")
    }

    @Test(arguments: StoreKind.tested)
    func datasetImportStoresItemsVotesAndRatings(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "datasets"))
            let chat = PreferenceRecord(
                line: 3, prompt: .messages([ConversationMessage(role: "system", content: "Be brief."), ConversationMessage(role: "user", content: "Sky colour?")]),
                a: .messages([ConversationMessage(role: "assistant", content: "Blue.")]), b: .messages([ConversationMessage(role: "assistant", content: "Green.")]),
                counts: PreferenceCounts(.aWins), source: .judge)
            let aggregated = PreferenceRecord(
                line: 4, prompt: .plain("Write an ad."), a: .plain("Cheap flights now"), b: .plain("Flights for less"),
                contenderA: "copywriter", contenderB: "llm", counts: PreferenceCounts(aWins: 3, bWins: 1, ties: 1), weight: 0.5)
            let rated = Self.rated()
            let derived = Binarization(mode: .allPairs, aspect: "overall").pairs(rated)
            let feed = Feed([
                PreferenceBatch(records: (0..<6).map(Self.hhRecord) + [chat]),
                PreferenceBatch(records: [aggregated] + derived, rated: [rated]),
                PreferenceBatch(records: (6..<9).map(Self.hhRecord)),
            ])
            let summary = try await store.importDataset(arena: arena.id, source: "mixed.jsonl") { try feed.next() }
            #expect(summary.itemPreferences == 10 && summary.itemAnnotations == 10)
            #expect(summary.votes == 5 + 3)
            #expect(summary.ratings == 6)
            // Three HH questions, the chat prompt, the ad prompt, the Cairo prompt.
            #expect(summary.promptsCreated == 6)
            #expect(summary.contendersCreated == 5)
            #expect(summary.outputsCreated == 2 + 3)
            #expect(try await store.voteCount(arena: arena.id) == 8)
            #expect(try await store.itemPreferenceCount(arena: arena.id) == 10)

            var stored: [StoredPreference] = []
            let coverage = try await store.forEachPreference(arena: arena.id, pageSize: 4) { stored += $0 }
            #expect(coverage.votes == 8 && coverage.itemPreferences == 10 && coverage.votesWithoutPrompt == 0)
            let votes = stored.filter { if case .vote = $0.origin { true } else { false } }
            let items = stored.filter { if case .item = $0.origin { true } else { false } }
            #expect(votes.count == 8 && items.count == 10)
            // Prompt by prompt.
            let promptOrder = stored.prefix(8).compactMap(\.promptId)
            #expect(promptOrder == promptOrder.sorted())
            // Chat texts come back as messages.
            let chatBack = try #require(items.first { $0.record.source == .judge })
            #expect(chatBack.record.prompt == chat.prompt && chatBack.record.a == chat.a && chatBack.record.b == chat.b)
            // The aggregated row: one vote per annotation, weight kept.
            let adVotes = votes.filter { $0.record.contenderA == "copywriter" }
            #expect(adVotes.count == 5)
            #expect(adVotes.map(\.record.counts).reduce(PreferenceCounts(), +) == aggregated.counts)
            #expect(adVotes.allSatisfy { $0.record.weight == 0.5 && $0.record.a == aggregated.a })
            // Ratings-derived votes: margins, criteria and the ratings themselves.
            let gpt = try #require(votes.first { $0.record.contenderA == "gpt-4" && $0.record.contenderB == "alpaca-7b" })
            #expect(gpt.record.margin == 5 && gpt.record.criteria == ["overall": .aWins, "helpfulness": .aWins] && gpt.record.source == .judge)
            #expect(gpt.record.prompt == rated.prompt)
            let ratings = try await store.ratings(arena: arena.id)
            #expect(ratings.count == 6 && ratings.contains { $0.aspect == "helpfulness" && $0.score == 5 && $0.rationale == "Thorough." })

            // A second import reuses prompts, contenders and equal outputs.
            let second = Feed([PreferenceBatch(records: [Self.hhRecord(0), aggregated])])
            let again = try await store.importDataset(arena: arena.id, source: "again.jsonl") { try second.next() }
            #expect(again.promptsCreated == 0 && again.contendersCreated == 0 && again.outputsCreated == 0)
        }
    }

    @Test(arguments: StoreKind.tested)
    func aFailedDatasetImportStoresNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "atomic"))
            let first = PreferenceRecord(
                line: 1, prompt: .plain("p"), a: .plain("x"), b: .plain("y"), contenderA: "m1", contenderB: "m2", counts: PreferenceCounts(.aWins))
            var second = first
            second.line = 9
            second.a = .plain("another text from m1")
            let conflict = Feed([PreferenceBatch(records: (0..<5).map(Self.hhRecord) + [first]), PreferenceBatch(records: [second])])
            let error = try await storeError {
                try await store.importDataset(arena: arena.id, source: "bad.jsonl") { try conflict.next() }
            }
            #expect(error?.message.hasPrefix("bad.jsonl:9: text A: contender \"m1\" already has a different output for this prompt") == true)
            #expect(try await store.voteCount(arena: arena.id) == 0)
            #expect(try await store.itemPreferenceCount(arena: arena.id) == 0)
            #expect(try await store.prompts(arena: arena.id).isEmpty)
            #expect(try await store.contenders(arena: arena.id).isEmpty)

            // A reader's error mid-way rolls back the windows stored before it.
            let parse = VoteParseError(source: "pairs.jsonl", line: 12, field: "chosen", message: "missing field \"chosen\"")
            let failing = Feed([PreferenceBatch(records: (0..<5).map(Self.hhRecord))], failingWith: parse)
            do {
                _ = try await store.importDataset(arena: arena.id, source: "pairs.jsonl") { try failing.next() }
                Issue.record("expected the reader's error")
            } catch let error as VoteParseError {
                #expect(error == parse)
            }
            #expect(try await store.itemPreferenceCount(arena: arena.id) == 0)
            #expect(try await store.prompts(arena: arena.id).isEmpty)
        }
    }

    @Test(arguments: StoreKind.tested)
    func trainingExportReadsBackAndLeavesFlaggedVotersOut(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "export")
            // Honest voters prefer alpha; a clicker votes in 100 ms.
            var votes: [NewVote] = []
            for i in 0..<24 {
                var vote = fixture.vote(battle: "h\(i)", left: i % 2, right: 1 - i % 2, choice: i % 2 == 0 ? .left : .right, voter: "person-\(i % 3)")
                vote.timeToVoteMs = 6000
                votes.append(vote)
            }
            for i in 0..<10 {
                var vote = fixture.vote(battle: "c\(i)", left: 0, right: 2, choice: .right, voter: "clicker")
                vote.timeToVoteMs = 100
                votes.append(vote)
            }
            _ = try await store.recordVotes(votes)
            // And item preferences with a shared prompt.
            let hhFeed = Feed([PreferenceBatch(records: (0..<9).map(Self.hhRecord))])
            _ = try await store.importDataset(arena: fixture.arena.id, source: "hh.jsonl") { try hhFeed.next() }

            var rows: [TrainingPairs.Row] = []
            var options = TrainingExport.Options()
            options.pairs.format = .trl
            let report = try await TrainingExport(options: options).run(store: store, arena: fixture.arena) { rows += $0 }
            #expect(report.flaggedVoters == ["clicker"] && report.droppedFlagged == 10)
            let objects = try rows.map { try #require(JSONSerialization.jsonObject(with: Data($0.bytes)) as? [String: Any]) }
            // alpha vs beta: 24 honest votes merged into one pair, alpha chosen with a log-odds margin.
            let arenaPairs = objects.filter { ($0["prompt"] as? String) == "Explain entropy to a child." }
            #expect(arenaPairs.count == 1)
            let pair = try #require(arenaPairs.first)
            #expect(pair["chosen"] as? String == "alpha on \(fixture.prompts[0].id)" && pair["rejected"] as? String == "beta on \(fixture.prompts[0].id)")
            #expect(abs((pair["margin"] as? Double ?? 0) - log(24.5 / 0.5)) < 1e-9)
            // The nine HH pairs: each its own pair of texts, chosen = the winner.
            let hh = objects.filter { ($0["prompt"] as? String)?.hasPrefix("\n\nHuman:") == true }
            #expect(hh.count == 9)
            #expect(hh.allSatisfy { ($0["chosen"] as? String)?.hasPrefix(" good") == true && ($0["margin"] as? Double) == 0 })
            #expect(report.tally.rows == 10 && report.tally.merged == 23)

            // The clicker back in with --include-flagged: alpha vs gamma, gamma chosen.
            options.includeFlagged = true
            options.pairs.format = .kto
            options.pairs.split = PromptSplit(testFraction: 0.5, seed: 3)
            var kto: [TrainingPairs.Row] = []
            let withFlagged = try await TrainingExport(options: options).run(store: store, arena: fixture.arena) { kto += $0 }
            #expect(withFlagged.droppedFlagged == 0 && withFlagged.tally.rows == 22)
            var sides: [String: Set<Bool>] = [:]
            for row in kto {
                let object = try #require(JSONSerialization.jsonObject(with: Data(row.bytes)) as? [String: Any])
                sides[object["prompt"] as! String, default: []].insert(row.isTest)
            }
            #expect(sides.values.allSatisfy { $0.count == 1 })

            // An empty arena says so.
            let empty = try await store.createArena(NewArena(name: "empty"))
            let error = try await storeError {
                try await TrainingExport(options: TrainingExport.Options()).run(store: store, arena: empty) { _ in }
            }
            #expect(error?.kind == .notFound && error?.message.contains("no votes or preferences") == true)
        }
    }
}
