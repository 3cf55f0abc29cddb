import Foundation
import PreferCore
import PreferStore
import Testing

/// Arenas' hybrid routing settings, on SQLite and PostgreSQL alike: stored,
/// replaced, kept in range by the schema's CHECKs (the error names the
/// field), deleted with the arena; routing runs grow one item at a time.
@Suite("Routing settings in the store")
struct RoutingStoreTests {
    @Test(arguments: StoreKind.tested)
    func settingsAreStoredCheckedAndDeletedWithTheArena(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "routed"))
            let judge = try await store.saveJudge(JudgeConfiguration(name: "local", endpoint: "http://127.0.0.1:8080/v1", model: "m"), replacing: false)
            #expect(try await store.arenaRouting(arenaId: arena.id) == nil)
            let routing = StoredRouting(arenaId: arena.id, judgeId: judge.id, settings: HybridRouting(judge: "local", humanShare: 0.4, auditShare: 0.1))
            try await store.setArenaRouting(routing)
            #expect(try await store.arenaRouting(arenaId: arena.id) == routing)
            var off = routing
            off.settings.enabled = false
            off.settings.humanShare = 0.25
            try await store.setArenaRouting(off)
            #expect(try await store.arenaRoutings() == [off])

            // The schema keeps the shares in range, whatever the caller checked.
            for (settings, field) in [
                (HybridRouting(judge: "local", humanShare: 1.5, auditShare: 0), "routing.human_share"),
                (HybridRouting(judge: "local", humanShare: 0.2, auditShare: 0.3), "routing.audit_share"),
                (HybridRouting(judge: "local", humanShare: 0.2, auditShare: -0.1), "routing.audit_share"),
            ] {
                do {
                    try await store.setArenaRouting(StoredRouting(arenaId: arena.id, judgeId: judge.id, settings: settings))
                    Issue.record("\(settings) was stored")
                } catch let error as StoreError {
                    #expect(error.field == field, "\(error)")
                }
            }
            #expect(try await store.arenaRouting(arenaId: arena.id) == off)

            // A routing run grows one item at a time; the same key again is the same item.
            let run = try await store.createJudgeRun(judgeId: judge.id, arenaId: arena.id, selection: #"{"kind":"routing"}"#, items: [])
            let prompt = try await store.createPrompt(arena: arena.id, text: "Q?", category: nil)
            let item = try await store.addJudgeRunItem(runId: run.id, NewJudgeRunItem(itemKey: "p\(prompt.id):1:2", promptId: prompt.id, contenders: [1, 2]))
            let again = try await store.addJudgeRunItem(runId: run.id, NewJudgeRunItem(itemKey: "p\(prompt.id):1:2", promptId: prompt.id, contenders: [1, 2]))
            #expect(item == again && item.status == .pending)
            #expect(try await store.judgeRun(id: run.id)?.totalItems == 1)

            try await store.deleteArena(id: arena.id)
            #expect(try await store.arenaRoutings().isEmpty)
        }
    }
}
