import Foundation
import PreferCore
import PreferStore
import Testing

/// The store's behaviour, run against SQLite and PostgreSQL alike: every test
/// takes the kind of store as its argument and gets a new, empty database.
@Suite("PreferStore on SQLite and PostgreSQL")
struct StoreTests {
    // MARK: Migrations

    @Test(arguments: StoreKind.tested)
    func migratingTwiceIsANoOpAndRecordsTheLatestVersion(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.schemaVersion() == SQLPreferStore.latestSchemaVersion)
            let first = try await store.appliedMigrations()
            #expect(first.map(\.version) == Array(1...SQLPreferStore.latestSchemaVersion))
            #expect(first.allSatisfy { !$0.name.isEmpty })

            _ = try await store.createArena(NewArena(name: "kept"))
            try await store.migrate()
            #expect(try await store.appliedMigrations() == first)
            #expect(try await store.schemaVersion() == SQLPreferStore.latestSchemaVersion)
            #expect(try await store.arena(named: "kept") != nil)
        }
    }

    @Test(arguments: StoreKind.tested)
    func aNewDatabaseHasNoSchemaUntilMigrated(kind: StoreKind) async throws {
        let database = try await TestDatabase.create(kind)
        let store = try await SQLPreferStore.open(database.url, logger: StoreKind.logger)
        do {
            #expect(store.dialect == (kind == .sqlite ? "sqlite" : "postgresql"))
            #expect(try await store.schemaVersion() == 0)
            #expect(try await store.appliedMigrations().isEmpty)
            try await store.migrate()
            #expect(try await store.schemaVersion() == SQLPreferStore.latestSchemaVersion)
        } catch {
            try? await store.shutdown()
            try? await database.remove()
            throw error
        }
        try await store.shutdown()
        try await database.remove()
    }

    @Test(arguments: StoreKind.tested)
    func concurrentMigratorsApplyEachStepOnce(kind: StoreKind) async throws {
        let database = try await TestDatabase.create(kind)
        var stores: [SQLPreferStore] = []
        do {
            for _ in 0..<3 { stores.append(try await SQLPreferStore.open(database.url, logger: StoreKind.logger)) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for store in stores { group.addTask { try await store.migrate() } }
                try await group.waitForAll()
            }
            for store in stores {
                #expect(try await store.appliedMigrations().map(\.version) == Array(1...SQLPreferStore.latestSchemaVersion))
            }
        } catch {
            for store in stores { try? await store.shutdown() }
            try? await database.remove()
            throw error
        }
        for store in stores { try await store.shutdown() }
        try await database.remove()
    }

    // MARK: Settings

    @Test(arguments: StoreKind.tested)
    func settings(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.setting("secret") == nil)
            #expect(try await store.insertSettingIfAbsent("secret", value: "first"))
            #expect(try await !store.insertSettingIfAbsent("secret", value: "second"))
            #expect(try await store.setting("secret") == "first")
            try await store.setSetting("secret", to: "third")
            #expect(try await store.setting("secret") == "third")
            try await store.setSetting("名前", to: "値 ✓")
            #expect(try await store.setting("名前") == "値 ✓")
        }
    }

    // MARK: Arenas

    @Test(arguments: StoreKind.tested)
    func createAndReadArenas(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let before = Date()
            let music = try await store.createArena(
                NewArena(
                    name: "music-arena", description: "Which clip sounds better? 🎵", sampling: .weighted,
                    criteria: ["musicality", "prompt following"], minPlayMs: 5000, annotationsPerItem: 3,
                    isPrivate: true))
            #expect(music.name == "music-arena")
            #expect(music.description == "Which clip sounds better? 🎵")
            #expect(music.sampling == .weighted)
            #expect(music.criteria == ["musicality", "prompt following"])
            #expect(music.minPlayMs == 5000)
            #expect(music.annotationsPerItem == 3)
            #expect(music.isPrivate)
            #expect(abs(music.createdAt.timeIntervalSince(before)) < 60)

            let text = try await store.createArena(NewArena(name: "text"))
            #expect(text.sampling == .uniform && text.criteria.isEmpty && text.minPlayMs == nil)
            #expect(text.annotationsPerItem == 1 && !text.isPrivate && text.description == nil)

            #expect(try await store.arena(id: music.id) == music)
            #expect(try await store.arena(named: "text") == text)
            #expect(try await store.arena(id: 987_654) == nil)
            #expect(try await store.arena(named: "nope") == nil)
            #expect(try await store.arenas() == [music, text])
        }
    }

    @Test(arguments: StoreKind.tested)
    func arenaRulesSurfaceAsStoreErrors(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.createArena(NewArena(name: "one"))
            let duplicate = try await storeError { try await store.createArena(NewArena(name: "one")) }
            #expect(duplicate?.kind == .duplicate)
            #expect(duplicate?.field == "name")
            #expect(duplicate?.message.contains("\"one\"") == true)

            let annotations = try await storeError {
                try await store.createArena(NewArena(name: "two", annotationsPerItem: 0))
            }
            #expect(annotations?.kind == .invalid)
            #expect(annotations?.field == "annotationsPerItem")

            let empty = try await storeError { try await store.createArena(NewArena(name: "")) }
            #expect(empty?.kind == .invalid && empty?.field == "name")

            let negative = try await storeError { try await store.createArena(NewArena(name: "three", minPlayMs: -1)) }
            #expect(negative?.kind == .invalid && negative?.field == "minPlayMs")
            #expect(try await store.arenas().map(\.name) == ["one"])
        }
    }

    @Test(arguments: StoreKind.tested)
    func deletingAnArenaDeletesWhatIsInIt(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let doomed = try await Fixture.make(store, name: "doomed")
            let kept = try await Fixture.make(store, name: "kept")
            _ = try await store.recordVotes([doomed.vote(battle: "d1"), kept.vote(battle: "k1")])
            _ = try await store.createInvite(arena: doomed.arena.id, name: "ann", tokenHash: "hash-doomed")

            try await store.deleteArena(id: doomed.arena.id)
            #expect(try await store.arena(id: doomed.arena.id) == nil)
            #expect(try await store.contenders(arena: doomed.arena.id).isEmpty)
            #expect(try await store.prompts(arena: doomed.arena.id).isEmpty)
            #expect(try await store.outputs(arena: doomed.arena.id).isEmpty)
            #expect(try await store.voteCount(arena: doomed.arena.id) == 0)
            #expect(try await store.invite(tokenHash: "hash-doomed") == nil)
            #expect(try await store.voteCount(arena: kept.arena.id) == 1)
            #expect(try await store.contenders(arena: kept.arena.id).count == 3)

            let missing = try await storeError { try await store.deleteArena(id: doomed.arena.id) }
            #expect(missing?.kind == .notFound)
        }
    }

    // MARK: Contenders

    @Test(arguments: StoreKind.tested)
    func contenderNamesAreUniquePerArena(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = try await store.createArena(NewArena(name: "first"))
            let second = try await store.createArena(NewArena(name: "second"))
            let gpt = try await store.createContender(arena: first.id, name: "gpt-4o", weight: 2)
            #expect(gpt.arenaId == first.id && gpt.name == "gpt-4o" && gpt.weight == 2)

            let duplicate = try await storeError {
                try await store.createContender(arena: first.id, name: "gpt-4o", weight: 1)
            }
            #expect(duplicate?.kind == .duplicate)
            #expect(duplicate?.field == "name")

            let elsewhere = try await store.createContender(arena: second.id, name: "gpt-4o", weight: 1)
            #expect(elsewhere.arenaId == second.id && elsewhere.id != gpt.id)
            let claude = try await store.createContender(arena: first.id, name: "claude-3.5 ✨", weight: 1)
            #expect(try await store.contenders(arena: first.id) == [gpt, claude])
            #expect(try await store.contenders(arena: second.id) == [elsewhere])

            let noArena = try await storeError { try await store.createContender(arena: 424_242, name: "x", weight: 1) }
            #expect(noArena?.kind == .notFound)
        }
    }

    @Test(arguments: StoreKind.tested)
    func weightsAreEightByteDoubles(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "weights"))
            let weight = 0.1 + 1e-12
            let created = try await store.createContender(arena: arena.id, name: "precise", weight: weight)
            #expect(created.weight == weight)
            #expect(try await store.contenders(arena: arena.id).first?.weight == weight)
            let tiny = try await store.createContender(arena: arena.id, name: "tiny", weight: 5e-300)
            #expect(try await store.contenders(arena: arena.id).last?.weight == tiny.weight)

            for bad in [0, -1, Double.nan, Double.infinity] {
                let error = try await storeError { try await store.createContender(arena: arena.id, name: "bad", weight: bad) }
                #expect(error?.kind == .invalid && error?.field == "weight", "weight \(bad)")
            }
        }
    }

    // MARK: Prompts

    @Test(arguments: StoreKind.tested)
    func promptsAreUniquePerArenaByText(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "prompts"))
            let other = try await store.createArena(NewArena(name: "other"))
            let long = String(repeating: "Write a poem about the sea. ", count: 400)  // 11 KB
            #expect(long.utf8.count > 10_000)

            let poem = try await store.createPrompt(arena: arena.id, text: long, category: "creative")
            #expect(poem.text == long && poem.category == "creative" && poem.arenaId == arena.id)
            let duplicate = try await storeError { try await store.createPrompt(arena: arena.id, text: long, category: nil) }
            #expect(duplicate?.kind == .duplicate)
            #expect(duplicate?.field == "text")

            let almost = try await store.createPrompt(arena: arena.id, text: long + "!", category: nil)
            let elsewhere = try await store.createPrompt(arena: other.id, text: long, category: nil)
            let unicode = try await store.createPrompt(arena: arena.id, text: "Übersetze: «猫» 🐈‍⬛ — ok?", category: "翻訳")
            #expect(try await store.prompts(arena: arena.id) == [poem, almost, unicode])
            #expect(try await store.prompts(arena: other.id) == [elsewhere])

            let noArena = try await storeError { try await store.createPrompt(arena: 99_999, text: "x", category: nil) }
            #expect(noArena?.kind == .notFound)
        }
    }

    // MARK: Outputs

    @Test(arguments: StoreKind.tested)
    func outputsJoinAPromptAndAContenderOfOneArena(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "outputs", outputs: false)
            let other = try await Fixture.make(store, name: "other", outputs: false)
            let prompt = fixture.prompts[0]
            let text = try await store.createOutput(
                NewOutput(promptId: prompt.id, contenderId: fixture.contenders[0].id, content: "# Hello\n*world* ✓"))
            #expect(text.content == "# Hello\n*world* ✓" && text.media == .text && text.url == nil)
            let image = try await store.createOutput(
                NewOutput(
                    promptId: prompt.id, contenderId: fixture.contenders[1].id, content: "a cat",
                    media: .image, url: "https://example.com/cat.png"))
            #expect(image.media == .image && image.url == "https://example.com/cat.png")
            #expect(try await store.outputs(arena: fixture.arena.id) == [text, image])
            #expect(try await store.outputs(arena: other.arena.id).isEmpty)

            let duplicate = try await storeError {
                try await store.createOutput(
                    NewOutput(promptId: prompt.id, contenderId: fixture.contenders[0].id, content: "again"))
            }
            #expect(duplicate?.kind == .duplicate)

            let unknownPrompt = try await storeError {
                try await store.createOutput(NewOutput(promptId: 77_777, contenderId: fixture.contenders[0].id, content: "x"))
            }
            #expect(unknownPrompt?.kind == .notFound && unknownPrompt?.field == "promptId")

            let unknownContender = try await storeError {
                try await store.createOutput(NewOutput(promptId: prompt.id, contenderId: 77_777, content: "x"))
            }
            #expect(unknownContender?.kind == .notFound && unknownContender?.field == "contenderId")

            let crossArena = try await storeError {
                try await store.createOutput(
                    NewOutput(promptId: prompt.id, contenderId: other.contenders[0].id, content: "x"))
            }
            #expect(crossArena?.kind == .invalid)

            let noURL = try await storeError {
                try await store.createOutput(
                    NewOutput(promptId: prompt.id, contenderId: fixture.contenders[2].id, content: "x", media: .audio))
            }
            #expect(noURL?.kind == .invalid && noURL?.field == "url")
            #expect(try await store.outputs(arena: fixture.arena.id).count == 2)
        }
    }

    @Test(arguments: StoreKind.tested)
    func importOutputsCreatesWhatItNames(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "import"))
            let existing = try await store.createContender(arena: arena.id, name: "existing", weight: 1)
            let summary = try await store.importOutputs(
                arena: arena.id,
                [
                    OutputImport(prompt: .name("What is 2+2?"), category: "math", contender: .name("alpha"), content: "4"),
                    OutputImport(prompt: .name("What is 2+2?"), contender: .name("beta"), content: "four"),
                    OutputImport(prompt: .name("Draw a cat"), category: "art", contender: .id(existing.id), content: "🐈",
                                 media: .image, url: "https://example.com/c.png"),
                    OutputImport(prompt: .name("Draw a cat"), contender: .name("alpha"), content: "cat"),
                ])
            #expect(summary == ImportSummary(outputs: 4, contendersCreated: 2, promptsCreated: 2))
            let contenders = try await store.contenders(arena: arena.id)
            #expect(contenders.map(\.name) == ["existing", "alpha", "beta"])
            let prompts = try await store.prompts(arena: arena.id)
            #expect(prompts.map(\.text) == ["What is 2+2?", "Draw a cat"])
            #expect(prompts.map(\.category) == ["math", "art"])
            let outputs = try await store.outputs(arena: arena.id)
            #expect(outputs.map(\.content) == ["4", "four", "🐈", "cat"])
            #expect(outputs[2].contenderId == existing.id && outputs[2].media == .image)

            // A second import reuses prompts by id and by text, and contenders by name.
            let again = try await store.importOutputs(
                arena: arena.id,
                [
                    OutputImport(prompt: .id(prompts[0].id), contender: .name("existing"), content: "2+2=4"),
                    OutputImport(prompt: .name("Draw a cat"), contender: .name("beta"), content: "=^.^="),
                ])
            #expect(again == ImportSummary(outputs: 2, contendersCreated: 0, promptsCreated: 0))
            #expect(try await store.outputs(arena: arena.id).count == 6)
        }
    }

    @Test(arguments: StoreKind.tested)
    func importOutputsIsAllOrNothing(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "atomic"))
            let good = OutputImport(prompt: .name("p1"), contender: .name("c1"), content: "fine")
            let cases: [(items: [OutputImport], item: Int, kind: StoreError.Kind)] = [
                // An unknown prompt id.
                ([good, OutputImport(prompt: .name("p2"), contender: .name("c2"), content: "ok"),
                  OutputImport(prompt: .id(123_456), contender: .name("c3"), content: "bad")], 2, .notFound),
                // An unknown contender id.
                ([good, OutputImport(prompt: .name("p2"), contender: .id(654_321), content: "bad")], 1, .notFound),
                // Two outputs for one (prompt, contender) in the batch.
                ([good, OutputImport(prompt: .name("p2"), contender: .name("c2"), content: "ok"),
                  OutputImport(prompt: .name("p1"), contender: .name("c1"), content: "again")], 2, .duplicate),
                // Media without a URL.
                ([good, OutputImport(prompt: .name("p3"), contender: .name("c1"), content: "x", media: .video)], 1, .invalid),
            ]
            for (items, item, errorKind) in cases {
                let error = try await storeError { try await store.importOutputs(arena: arena.id, items) }
                #expect(error?.kind == errorKind)
                #expect(error?.item == item)
                #expect(error?.message.contains("Item \(item)") == true)
                #expect(try await store.contenders(arena: arena.id).isEmpty)
                #expect(try await store.prompts(arena: arena.id).isEmpty)
                #expect(try await store.outputs(arena: arena.id).isEmpty)
            }

            // An output that already exists in the database with other content fails the whole
            // import too (an identical one is skipped: re-importing a file adds only what is new).
            _ = try await store.importOutputs(arena: arena.id, [good])
            let again = try await store.importOutputs(arena: arena.id, [good])
            #expect(again.outputs == 0 && again.skipped == 1)
            let changed = OutputImport(prompt: .name("p1"), contender: .name("c1"), content: "different")
            let error = try await storeError {
                try await store.importOutputs(
                    arena: arena.id, [OutputImport(prompt: .name("p9"), contender: .name("c9"), content: "new"), changed])
            }
            #expect(error?.kind == .duplicate && error?.item == 1)
            #expect(try await store.contenders(arena: arena.id).map(\.name) == ["c1"])
            #expect(try await store.prompts(arena: arena.id).map(\.text) == ["p1"])
            #expect(try await store.outputs(arena: arena.id).count == 1)
        }
    }

    // MARK: Invites

    @Test(arguments: StoreKind.tested)
    func invites(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "private", isPrivate: true))
            let other = try await store.createArena(NewArena(name: "other"))
            let ann = try await store.createInvite(arena: arena.id, name: "Ann", tokenHash: "h-ann")
            #expect(ann.arenaId == arena.id && ann.name == "Ann")
            #expect(try await store.invite(tokenHash: "h-ann") == ann)
            #expect(try await store.invite(tokenHash: "h-nobody") == nil)

            let sameName = try await storeError { try await store.createInvite(arena: arena.id, name: "Ann", tokenHash: "h-2") }
            #expect(sameName?.kind == .duplicate && sameName?.field == "name")
            let sameToken = try await storeError { try await store.createInvite(arena: other.id, name: "Bo", tokenHash: "h-ann") }
            #expect(sameToken?.kind == .duplicate && sameToken?.field == "tokenHash")
            let elsewhere = try await store.createInvite(arena: other.id, name: "Ann", tokenHash: "h-ann-2")
            let bo = try await store.createInvite(arena: arena.id, name: "Bö 🎧", tokenHash: "h-bo")
            #expect(try await store.invites(arena: arena.id) == [ann, bo])
            #expect(try await store.invites(arena: other.id) == [elsewhere])
            let noArena = try await storeError { try await store.createInvite(arena: 31_337, name: "x", tokenHash: "h-x") }
            #expect(noArena?.kind == .notFound)
        }
    }
}

/// Runs `body` and returns the `StoreError` it throws; records an issue if it
/// throws something else or nothing.
func storeError<T>(
    _ body: () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) async throws -> StoreError? {
    do {
        let value = try await body()
        Issue.record("expected a StoreError, got \(value)", sourceLocation: sourceLocation)
        return nil
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
