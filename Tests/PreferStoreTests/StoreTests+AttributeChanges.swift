import Foundation
import PreferCore
@testable import PreferStore
import SQLKit
import Testing

/// Annotator attributes in the change feed (issue 12): another process
/// learns that an annotator answered, or that an arena's declaration
/// changed, without waiting for a vote — told in the transaction of the
/// write itself, so a refused write tells nothing.
extension StoreTests {
    @Test(arguments: StoreKind.tested)
    func theChangeFeedTellsAnotherProcessOfAttributeChanges(kind: StoreKind) async throws {
        try await Self.withTwoStores(kind) { writer, reader in
            let fixture = try await Fixture.make(writer, name: "attribute-feed", outputs: false)
            let arena = fixture.arena.id
            var cursor = try await reader.changeCursor()

            try await writer.setAttributeDeclarations(arena: arena, [AttributeDeclaration(name: "country", values: ["US", "FR"])])
            try await writer.setMinimumGroupSize(arena: arena, 3)
            var changes = try await reader.changes(after: cursor)
            #expect(changes.arenas == [
                .init(arena: arena, kind: .attributes, voter: nil), .init(arena: arena, kind: .attributes, voter: nil),
            ])
            #expect(changes.votes.isEmpty && changes.kwayVotes.isEmpty)
            cursor = changes.cursor

            // An annotator's answers name the annotator (the pseudonym, as with votes).
            try await writer.setAnnotatorAttributes(arena: arena, voter: "p-1", ["country": "FR"])
            try await writer.setAnnotatorAttributes(arena: arena, voter: "p-2", ["country": String?.none])
            changes = try await reader.changes(after: cursor)
            #expect(changes.arenas == [
                .init(arena: arena, kind: .attributes, voter: "p-1"), .init(arena: arena, kind: .attributes, voter: "p-2"),
            ])
            cursor = changes.cursor

            // A refused answer is rolled back with its row of the feed; so is nothing at all.
            await #expect(throws: (any Error).self) {
                try await writer.setAnnotatorAttributes(arena: arena, voter: "p-3", ["country": "Atlantis"])
            }
            try await writer.setAnnotatorAttributes(arena: arena, voter: "p-3", [:])
            #expect(try await reader.changes(after: cursor).isEmpty)

            // Values set on invites change no annotator until adopted; adopting nothing new tells nothing.
            _ = try await writer.createInvites(arena: arena, [("ana", "hash-ana")])
            cursor = try await reader.changeCursor()
            try await writer.setInviteAttributes(arena: arena, names: ["ana"], ["country": "US"])
            #expect(try await reader.changes(after: cursor).isEmpty)
            #expect(try await writer.adoptInviteAttributes(arena: arena, name: "ana") == 1)
            changes = try await reader.changes(after: cursor)
            #expect(changes.arenas == [.init(arena: arena, kind: .attributes, voter: "invite:ana")])
            cursor = changes.cursor
            #expect(try await writer.adoptInviteAttributes(arena: arena, name: "ana") == 0)
            #expect(try await reader.changes(after: cursor).isEmpty)

            // The schema keeps a voter to attribute changes.
            await #expect(throws: (any Error).self) {
                try await writer.connections.write { database in
                    try await database.raw(
                        "INSERT INTO store_changes (arena_id, kind, created_at, voter) VALUES (\(bind: arena), 'contents', 0, 'p-1')"
                    ).run()
                }
            }
        }
    }

    /// A database that an older prefer filled keeps its feed through the
    /// migration (on SQLite the table is rebuilt): every row with its id,
    /// kind and arena, so a cursor read before the migration still reads
    /// exactly the changes after it.
    @Test(arguments: StoreKind.tested)
    func migratingTheFeedKeepsItsRowsAndIds(kind: StoreKind) async throws {
        try await kind.withStore(migratedThrough: Migration.attributeChanges.version - 1) { store in
            #expect(try await store.schemaVersion() == Migration.attributeChanges.version - 1)
            let fixture = try await Fixture.make(store, name: "before")
            _ = try await store.updateArena(id: fixture.arena.id, ArenaChanges(description: "changed"))
            let other = try await Fixture.make(store, name: "deleted", outputs: false)
            try await store.deleteArena(id: other.arena.id)
            // The feed as the older schema holds it (its reader knew no voter column).
            func rows() async throws -> [String] {
                try await store.connections.read { database in
                    try await database.raw("SELECT id, arena_id, kind FROM store_changes ORDER BY id").all().map { row in
                        "\(try row.decode(column: "id", as: Int64.self)) \(try row.decode(column: "arena_id", as: Int64.self)) "
                            + (try row.decode(column: "kind", as: String.self))
                    }
                }
            }
            let before = try await rows()
            #expect(before.count > 12)
            #expect(before.last?.hasSuffix("\(other.arena.id) deleted") == true)
            let olderCursor = try await store.changeCursor()

            try await store.migrate()
            #expect(try await store.schemaVersion() == SQLPreferStore.latestSchemaVersion)
            #expect(try await rows() == before)
            let after = try await store.changes(after: ChangeCursor())
            #expect(after.arenas.count == before.count)
            #expect(after.arenas.first == .init(arena: fixture.arena.id, kind: .created))
            #expect(after.arenas.last == .init(arena: other.arena.id, kind: .deleted))
            #expect(after.cursor.change == olderCursor.change)
            // Reading after a row from before reads the rows after it, by id.
            let middle = ChangeCursor(vote: 0, change: olderCursor.change / 2, kway: 0)
            let expectedTail = before.filter { Int64($0.split(separator: " ")[0])! > middle.change }.count
            #expect(try await store.changes(after: middle).arenas.count == expectedTail)
            #expect(try await store.changes(after: olderCursor).isEmpty)

            // New changes, of the new kind too, come after the cursor read before the migration.
            try await store.setAttributeDeclarations(arena: fixture.arena.id, [AttributeDeclaration(name: "country", values: ["US"])])
            try await store.setAnnotatorAttributes(arena: fixture.arena.id, voter: "p-1", ["country": "US"])
            let later = try await store.changes(after: olderCursor)
            #expect(later.arenas == [
                .init(arena: fixture.arena.id, kind: .attributes), .init(arena: fixture.arena.id, kind: .attributes, voter: "p-1"),
            ])
            #expect(later.cursor.change > olderCursor.change)
        }
    }
}
