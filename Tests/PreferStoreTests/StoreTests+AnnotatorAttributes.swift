import Foundation
import PreferCore
import PreferStore
import Testing

extension StoreTests {
    @Test(arguments: StoreKind.tested)
    func annotatorAttributesAreKeptByPseudonymAndChecked(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "attributes")
            let arena = fixture.arena.id
            #expect(try await store.attributeDeclarations(arena: arena) == [])
            #expect(try await store.minimumGroupSize(arena: arena) == 5)

            let declared = [
                AttributeDeclaration(name: "country", values: ["US", "FR", "JP"]),
                AttributeDeclaration(name: "age_band", values: ["18-29", "30-49", "50+"]),
            ]
            try await store.setAttributeDeclarations(arena: arena, declared)
            #expect(try await store.attributeDeclarations(arena: arena) == declared)
            #expect(try await store.allAttributeDeclarations() == [arena: declared])
            try await store.setMinimumGroupSize(arena: arena, 3)
            #expect(try await store.minimumGroupSize(arena: arena) == 3)
            // The schema's CHECK refuses a minimum under 2.
            await #expect(throws: StoreError.self) { try await store.setMinimumGroupSize(arena: arena, 1) }

            // Answers, keyed by the voter pseudonym; nil is "prefer not to say".
            let declining: [String: String?] = ["country": "FR", "age_band": String?.none]
            try await store.setAnnotatorAttributes(arena: arena, voter: "p-1", declining)
            try await store.setAnnotatorAttributes(arena: arena, voter: "p-2", ["country": "US"])
            #expect(try await store.annotatorAttributes(arena: arena, voter: "p-1") == declining)
            #expect(try await store.annotatorAttributes(arena: arena) == ["p-1": ["country": "FR"], "p-2": ["country": "US"]])
            // An update keeps the other answers.
            try await store.setAnnotatorAttributes(arena: arena, voter: "p-1", ["age_band": "30-49"])
            #expect(try await store.annotatorAttributes(arena: arena, voter: "p-1") == ["country": "FR", "age_band": "30-49"])

            // The schema refuses a value the arena does not allow, and an undeclared attribute.
            await #expect(throws: (any Error).self) {
                try await store.setAnnotatorAttributes(arena: arena, voter: "p-3", ["country": "Atlantis"])
            }
            await #expect(throws: (any Error).self) {
                try await store.setAnnotatorAttributes(arena: arena, voter: "p-3", ["shoe_size": "42"])
            }
            #expect(try await store.annotatorAttributes(arena: arena, voter: "p-3") == [:])

            // A new declaration: dropped values and attributes take their answers with them; kept ones stay.
            try await store.setAttributeDeclarations(arena: arena, [AttributeDeclaration(name: "country", values: ["FR", "DE"])])
            #expect(try await store.attributeDeclarations(arena: arena) == [AttributeDeclaration(name: "country", values: ["FR", "DE"])])
            #expect(try await store.annotatorAttributes(arena: arena) == ["p-1": ["country": "FR"]])
            #expect(try await store.annotatorAttributes(arena: arena, voter: "p-2") == [:])

            // Invites: values set by an admin, copied to `invite:NAME` on first use for unanswered attributes only.
            try await store.setAttributeDeclarations(arena: arena, declared)
            _ = try await store.createInvites(arena: arena, [("ana", "hash-ana"), ("bo", "hash-bo")])
            try await store.setInviteAttributes(arena: arena, names: ["ana", "bo"], ["country": "JP", "age_band": "50+"])
            #expect(try await store.inviteAttributes(arena: arena, name: "ana") == ["country": "JP", "age_band": "50+"])
            try await store.setAnnotatorAttributes(arena: arena, voter: "invite:bo", ["country": "US"])
            #expect(try await store.adoptInviteAttributes(arena: arena, name: "ana") == 2)
            #expect(try await store.adoptInviteAttributes(arena: arena, name: "ana") == 0)
            #expect(try await store.adoptInviteAttributes(arena: arena, name: "bo") == 1)
            #expect(try await store.annotatorAttributes(arena: arena, voter: "invite:ana") == ["country": "JP", "age_band": "50+"])
            #expect(try await store.annotatorAttributes(arena: arena, voter: "invite:bo") == ["country": "US", "age_band": "50+"])
            await #expect(throws: StoreError.self) {
                try await store.setInviteAttributes(arena: arena, names: ["nobody"], ["country": "JP"])
            }
            // No table keyed by voter holds a token or a cookie: the invite's token hash stays in `invites`.
            #expect(try await store.annotatorAttributes(arena: arena).keys.allSatisfy { !$0.contains("hash") })

            // Deleting the arena deletes its declaration and answers.
            try await store.deleteArena(id: arena)
            #expect(try await store.allAttributeDeclarations() == [:])
            #expect(try await store.annotatorAttributes(arena: arena) == [:])
        }
    }
}
