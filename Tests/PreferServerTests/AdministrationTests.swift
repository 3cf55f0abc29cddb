import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// Administration that can change things: arenas edited, archived and
/// deleted, contenders retired and hidden, outputs replaced and withdrawn,
/// invites listed and revoked, re-imports that skip what is there; people
/// with named keys and roles; the admin action log; private leaderboards.
@Suite("Administration")
struct AdministrationTests {
    @Test func arenasAreEditedArchivedAndDeletedWithConfirmation() async throws {
        try await TestServer.run { server in
            try await server.makeArena("edit")
            let changed = try await server.send(
                .patch, "/api/arenas/edit", template: "/api/arenas/{arena}",
                json: ["description": "New words", "sampling": "weighted", "criteria": ["accuracy"]], admin: true)
            #expect(changed.status == 200 && changed.json["description"] as? String == "New words")
            #expect(changed.json["sampling"] as? String == "weighted" && (changed.json["criteria"] as? [String]) == ["accuracy"])
            let bad = try await server.send(.patch, "/api/arenas/edit", template: "/api/arenas/{arena}", json: ["annotations_per_item": 0], admin: true)
            #expect(bad.status == 400 && bad.errorField == "annotations_per_item")

            let archived = try await server.send(.patch, "/api/arenas/edit", template: "/api/arenas/{arena}", json: ["archived": true], admin: true)
            #expect(archived.json["archived_at"] is String)
            let refused = try await server.battle("edit")
            #expect(refused.status == 409 && refused.errorCode == "no_battle_available" && refused.text.contains("archived"))
            #expect(try await server.send(.get, "/api/arenas/edit/leaderboard", template: "/api/arenas/{arena}/leaderboard").status == 200)
            let home = try await server.send(.get, "/")
            #expect(!home.text.contains("/arenas/edit/vote"), "an archived arena is not offered for voting")
            _ = try await server.send(.patch, "/api/arenas/edit", json: ["archived": false], admin: true)
            let battle = try await server.battle("edit")
            #expect(battle.status == 201)
            #expect(try await server.vote(battle.json["battle"] as? String ?? "", ["choice": "left"]).status == 201)

            let unconfirmed = try await server.send(.delete, "/api/arenas/edit?confirm=nope", template: "/api/arenas/{arena}", admin: true)
            #expect(unconfirmed.status == 400 && unconfirmed.errorField == "confirm")
            #expect(try await server.store.arena(named: "edit") != nil)
            // The votes are written to a file first, the same rows GET …/votes exports.
            let exported = try await server.send(.get, "/api/arenas/edit/votes?format=jsonl", admin: true)
            let deleted = try await server.send(.delete, "/api/arenas/edit?confirm=edit", template: "/api/arenas/{arena}", admin: true)
            #expect(deleted.status == 200 && deleted.json["deleted"] as? String == "edit")
            let export = try #require(deleted.json["export"] as? String)
            #expect(export.hasPrefix(server.services.configuration.deletedArenaExports) && export.hasSuffix(".jsonl"))
            let written = try #require(FileManager.default.contents(atPath: export))
            #expect(!written.isEmpty && written == exported.body)
            #expect(try await server.store.arena(named: "edit") == nil)
            #expect(try await server.send(.get, "/api/arenas/edit", admin: true).status == 404)

            // export=false deletes without a file; a folder that cannot be written deletes nothing.
            try await server.makeArena("gone")
            let plain = try await server.send(.delete, "/api/arenas/gone?confirm=gone&export=false", template: "/api/arenas/{arena}", admin: true)
            #expect(plain.status == 200 && plain.json["export"] == nil)
            try await server.makeArena("kept")
            let blocked = server.services.configuration.deletedArenaExports
            try? FileManager.default.removeItem(atPath: blocked)
            #expect(FileManager.default.createFile(atPath: blocked, contents: Data("a file where the folder should be".utf8)))
            let unwritable = try await server.send(.delete, "/api/arenas/kept?confirm=kept", template: "/api/arenas/{arena}", admin: true)
            #expect(unwritable.status == 409 && unwritable.errorCode == "export_failed" && unwritable.text.contains("export=false"))
            #expect(try await server.store.arena(named: "kept") != nil)
        }
    }

    @Test func retiredContendersGetNoBattlesAndHiddenOnesLeaveTheBoard() async throws {
        try await TestServer.run { server in
            try await server.makeArena("ret", contenders: ["alpha", "beta", "gamma"], prompts: 4)
            for _ in 0..<6 {
                let id = try #require(try await server.battle("ret").json["battle"] as? String)
                _ = try await server.vote(id, ["choice": "left"])
            }
            let retired = try await server.send(
                .patch, "/api/arenas/ret/contenders/gamma", template: "/api/arenas/{arena}/contenders/{contender}",
                json: ["retired": true], admin: true)
            #expect(retired.status == 200 && retired.json["retired_at"] is String)
            for _ in 0..<30 {
                let battle = try await server.battle("ret")
                let id = try #require(battle.json["battle"] as? String)
                let vote = try await server.vote(id, ["choice": "tie"])
                let names = [(vote.json["left"] as? [String: Any])?["contender"] as? String, (vote.json["right"] as? [String: Any])?["contender"] as? String]
                #expect(!names.contains("gamma"), "a retired contender was drawn")
            }
            let board = try await server.send(.get, "/api/arenas/ret/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard")
            let entries = try #require(board.json["contenders"] as? [[String: Any]])
            #expect(entries.first { $0["name"] as? String == "gamma" }?["retired"] as? Bool == true)
            _ = try await server.send(.patch, "/api/arenas/ret/contenders/gamma", json: ["hidden": true], admin: true)
            let hidden = try await server.send(.get, "/api/arenas/ret/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard")
            let names = (hidden.json["contenders"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(!names.contains("gamma") && names.count == 2)
            let rename = try await server.send(.patch, "/api/arenas/ret/contenders/alpha", json: ["name": "beta"], admin: true)
            #expect(rename.status == 409 && rename.text.contains("already has a contender named"))
        }
    }

    @Test func outputsAreReplacedAndWithdrawnAndVotesKeepTheirOutput() async throws {
        try await TestServer.run { server in
            try await server.makeArena("out", contenders: ["alpha", "beta"], prompts: 1)
            let listed = try await server.send(.get, "/api/arenas/out/outputs", template: "/api/arenas/{arena}/outputs", admin: true)
            let outputs = try #require(listed.json["outputs"] as? [[String: Any]])
            #expect(outputs.count == 2)
            let first = try #require(outputs.first { ($0["content"] as? String)?.contains("[0]") == true }?["id"] as? Int)
            let battle = try await server.battle("out")
            let id = try #require(battle.json["battle"] as? String)
            #expect(try await server.vote(id, ["choice": "left"]).status == 201)

            let replaced = try await server.send(
                .put, "/api/arenas/out/outputs/\(first)", template: "/api/arenas/{arena}/outputs/{output}",
                json: ["content": "A better answer"], admin: true)
            #expect(replaced.status == 200 && replaced.json["content"] as? String == "A better answer")
            let newId = try #require(replaced.json["id"] as? Int)
            #expect(newId != first)
            let all = try await server.send(.get, "/api/arenas/out/outputs?withdrawn=true", admin: true)
            let old = (all.json["outputs"] as? [[String: Any]])?.first { $0["id"] as? Int == first }
            #expect(old?["withdrawn_at"] is String && old?["replaced_by"] as? Int == newId)
            let again = try await server.send(.put, "/api/arenas/out/outputs/\(first)", json: ["content": "x"], admin: true)
            #expect(again.status == 409 && again.text.contains("already withdrawn"), "a conflict with the output's state")
            // The vote names the outputs it was cast on, the old one included.
            let stored = try #require(try await server.store.votes(arena: 1, after: nil, limit: 10).first)
            #expect(Set([stored.leftOutputId, stored.rightOutputId].compactMap { $0 }).contains(Int64(first)))
            // New battles show the replacement.
            let next = try await server.battle("out")
            #expect(next.text.contains("A better answer"))

            let withdrawn = try await server.send(.delete, "/api/arenas/out/outputs/\(newId)", template: "/api/arenas/{arena}/outputs/{output}", admin: true)
            #expect(withdrawn.status == 200 && withdrawn.json["withdrawn_at"] is String)
            let none = try await server.battle("out")
            #expect(none.status == 409 && none.errorCode == "no_battle_available")
        }
    }

    @Test func reimportsSkipWhatIsThereAndReplaceOnlyWhenAsked() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "re"])
            func line(_ contender: String, _ content: String) -> String {
                #"{"prompt": "Why?", "contender": "\#(contender)", "content": "\#(content)"}"#
            }
            func send(_ lines: [String], update: Bool = false) async throws -> TestServer.Reply {
                try await server.send(
                    .post, "/api/arenas/re/import\(update ? "?update=true" : "")", template: "/api/arenas/{arena}/import",
                    raw: lines.joined(separator: "\r\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
            }
            let first = try await send([line("a", "one"), line("b", "two")])
            #expect(first.status == 201 && first.json["outputs"] as? Int == 2)
            let same = try await send([line("a", "one"), line("b", "two"), line("c", "three")])
            #expect(same.status == 201 && same.json["outputs"] as? Int == 1 && same.json["skipped"] as? Int == 2)
            // A line that differs from what is there is left out and named, and the
            // rest of the file goes in (a re-import is not refused as a whole).
            let changed = try await send([line("a", "ONE"), line("b", "two"), line("e", "five")])
            #expect(changed.status == 201, "\(changed.text)")
            #expect(changed.json["outputs"] as? Int == 1 && changed.json["skipped"] as? Int == 1 && changed.json["replaced"] as? Int == 0)
            #expect(changed.json["differing"] as? Int == 1 && changed.json["differing_lines"] as? [Int] == [1])
            let onlyChanged = try await send([line("a", "ONE")])
            #expect(onlyChanged.status == 201 && onlyChanged.json["outputs"] as? Int == 0 && onlyChanged.json["differing"] as? Int == 1)
            let updated = try await send([line("a", "ONE"), line("b", "two")], update: true)
            #expect(updated.status == 201 && updated.json["replaced"] as? Int == 1 && updated.json["skipped"] as? Int == 1, "a was left as it was")
            #expect(updated.json["differing"] as? Int == 0 && updated.json["differing_lines"] == nil)
            let twice = try await send([line("d", "x"), line("d", "y")])
            #expect(twice.status == 409 && twice.text.contains("line 2"))
        }
    }

    @Test func invitesAreListedAndRevoked() async throws {
        try await TestServer.run { server in
            try await server.makeArena("inv", extra: ["private": true])
            let made = try await server.send(.post, "/api/arenas/inv/invites", json: ["names": ["ann", "bo"]], admin: true)
            let token = try #require(((made.json["invites"] as? [[String: Any]])?.first)?["token"] as? String)
            let listed = try await server.send(.get, "/api/arenas/inv/invites", template: "/api/arenas/{arena}/invites", admin: true)
            let invites = try #require(listed.json["invites"] as? [[String: Any]])
            #expect(invites.count == 2 && !listed.text.contains(token), "the list shows no token")
            #expect(try await server.battle("inv", headers: [.authorization: "Bearer \(token)"]).status == 201)
            let revoked = try await server.send(.delete, "/api/arenas/inv/invites/ann", template: "/api/arenas/{arena}/invites/{name}", admin: true)
            #expect(revoked.status == 200 && revoked.json["revoked_at"] is String)
            let refused = try await server.battle("inv", headers: [.authorization: "Bearer \(token)"])
            #expect(refused.status == 403 && refused.errorCode == "wrong_invite")
        }
    }

    @Test func namedKeysHaveRolesAndEveryChangeIsLogged() async throws {
        try await TestServer.run { server in
            func key(_ name: String, _ role: String) async throws -> String {
                let made = try await server.send(.post, "/api/keys", template: "/api/keys", json: ["name": name, "role": role], admin: true)
                #expect(made.status == 201, "\(made.text)")
                return try #require(made.json["key"] as? String)
            }
            let viewer = try await key("vera", "viewer")
            let admin = try await key("adam", "admin")
            let asViewer: HTTPFields = [.authorization: "Bearer \(viewer)"]
            let asAdmin: HTTPFields = [.authorization: "Bearer \(admin)"]
            // The viewer reads, the admin changes arenas, only the owner manages keys.
            let viewerCreates = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "v"], headers: asViewer)
            #expect(viewerCreates.status == 403 && viewerCreates.errorCode == "insufficient_role")
            let adminCreates = try await server.send(.post, "/api/arenas", template: "/api/arenas", json: ["name": "by-adam", "private": true], headers: asAdmin)
            #expect(adminCreates.status == 201)
            #expect(try await server.send(.get, "/api/arenas/by-adam/votes", headers: asViewer).status == 200)
            let adminMakesKeys = try await server.send(.post, "/api/keys", json: ["name": "x", "role": "owner"], headers: asAdmin)
            #expect(adminMakesKeys.status == 403 && adminMakesKeys.errorCode == "insufficient_role")
            let listed = try await server.send(.get, "/api/keys", template: "/api/keys", admin: true)
            #expect((listed.json["keys"] as? [[String: Any]])?.count == 2 && !listed.text.contains(viewer))
            let duplicate = try await server.send(.post, "/api/keys", json: ["name": "adam", "role": "viewer"], admin: true)
            #expect(duplicate.status == 409)
            // Nothing but hashes in the database.
            let hashes = try await server.store.apiKeys()
            #expect(hashes.count == 2)

            let revoked = try await server.send(.delete, "/api/keys/adam", template: "/api/keys/{name}", admin: true)
            #expect(revoked.status == 200 && revoked.json["revoked_at"] is String)
            let afterRevoke = try await server.send(.post, "/api/arenas", json: ["name": "late"], headers: asAdmin)
            #expect(afterRevoke.status == 403 && afterRevoke.errorCode == "wrong_admin_key")

            let log = try await server.send(.get, "/api/audit-log", template: "/api/audit-log", admin: true)
            let entries = try #require(log.json["entries"] as? [[String: Any]])
            let actions = entries.map { "\($0["actor"] as? String ?? "?") \($0["operation"] as? String ?? "?")" }
            for expected in ["owner createKey", "adam createArena", "owner revokeKey"] {
                #expect(actions.contains(expected), "the log lacks \(expected): \(actions)")
            }
            #expect(!actions.contains { $0.hasSuffix("listKeys") }, "reads are not logged")
            #expect(!actions.contains("vera createArena"), "refused actions are not logged")
        }
    }

    @Test func privateLeaderboardsNeedAnInviteOrAKeyUnlessMadePublic() async throws {
        try await TestServer.run { server in
            try await server.makeArena("secret", extra: ["private": true])
            let made = try await server.send(.post, "/api/arenas/secret/invites", json: ["names": ["ann"]], admin: true)
            let token = try #require(((made.json["invites"] as? [[String: Any]])?.first)?["token"] as? String)
            let anonymous = try await server.send(.get, "/api/arenas/secret/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard")
            #expect(anonymous.status == 403 && anonymous.errorCode == "invite_required")
            let page = try await server.send(.get, "/arenas/secret/leaderboard")
            #expect(page.status == 403)
            let invited = try await server.send(.get, "/api/arenas/secret/leaderboard?bootstrap=0&invite=\(token)", template: "/api/arenas/{arena}/leaderboard")
            #expect(invited.status == 200)
            let keyed = try await server.send(.get, "/api/arenas/secret/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard", admin: true)
            #expect(keyed.status == 200)
            #expect(try await server.send(.get, "/api/arenas/secret/votes").status == 401)
            _ = try await server.send(.patch, "/api/arenas/secret", json: ["leaderboard_public": true], admin: true)
            let open = try await server.send(.get, "/api/arenas/secret/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard")
            #expect(open.status == 200)
            #expect(try await server.battle("secret").status == 403, "a public leaderboard opens no voting")
        }
    }

    @Test func decisionsAboutAnnotatorsOverTheAudit() async throws {
        try await TestServer.run { server in
            try await server.makeArena("dec", contenders: ["alpha", "beta", "gamma"], prompts: 6)
            let arena = try #require(try await server.store.arena(named: "dec"))
            // Two visitors: one votes for alpha whenever it shows, the other always left.
            for (cookie, rule) in [("prefer_session=session-number-one-0000", "alpha"), ("prefer_session=session-number-two-0000", "left")] {
                for _ in 0..<25 {
                    let battle = try await server.battle("dec", headers: [.cookie: cookie])
                    let id = try #require(battle.json["battle"] as? String)
                    let choice = rule == "left" ? "left" : ((battle.json["left"] as? [String: Any])?["content"] as? String ?? "").hasSuffix("[0]") ? "left" : "right"
                    _ = try await server.vote(id, ["choice": choice])
                }
            }
            let votes = try await server.store.votes(arena: arena.id, after: nil, limit: 100)
            let voters = Set(votes.compactMap(\.voter))
            #expect(voters.count == 2)
            let (first, second) = (voters.sorted()[0], voters.sorted()[1])
            func decide(_ voter: String, _ decision: Any) async throws -> TestServer.Reply {
                try await server.send(
                    .put, "/api/arenas/dec/voters/\(voter)/decision", template: "/api/arenas/{arena}/voters/{voter}/decision",
                    json: ["decision": decision, "note": "checked by hand"], admin: true)
            }
            func votesUsed() async throws -> Int? {
                let board = try await server.send(.get, "/api/arenas/dec/leaderboard?bootstrap=0", template: "/api/arenas/{arena}/leaderboard")
                return (board.json["method"] as? [String: Any])?["votes"] as? Int
            }
            // However the audit judges these two, a decision overrides it.
            let kept = try await decide(first, "keep")
            #expect(kept.status == 200 && (kept.json["decisions"] as? [[String: Any]])?.first?["actor"] as? String == "owner")
            _ = try await decide(second, "keep")
            #expect(try await votesUsed() == 50, "kept annotators' votes count whatever the audit says")
            _ = try await decide(second, "exclude")
            #expect(try await votesUsed() == 25, "an excluded annotator's votes stay out")
            _ = try await decide(first, NSNull())
            let cleared = try await decide(second, NSNull())
            #expect((cleared.json["decisions"] as? [[String: Any]])?.isEmpty == true, "null hands the annotator back to the audit")
            let log = try await server.send(.get, "/api/audit-log", admin: true)
            #expect(log.text.contains("decideVoter"))
        }
    }
}
