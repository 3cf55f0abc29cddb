import Foundation
import PreferCore
import PreferStore

/// People and their keys, and what they did: named API keys with roles
/// (made, listed, revoked; only their SHA-256 is kept), the log of admin
/// actions, and admins' decisions about annotators the audit flagged — for
/// the API, the admin pages and the command-line tool alike.
public struct AdministrationService: Sendable {
    let store: any PreferStore

    public init(store: any PreferStore) {
        self.store = store
    }

    /// A new key: its record and the key itself (shown once).
    public func createKey(name: String, role: String) async throws -> (key: APIKey, secret: String) {
        guard !name.isEmpty, name.count <= 100, name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._@-".unicodeScalars.contains($0)) }) else {
            throw PreferError.invalidField("name", "name must be 1–100 letters, digits, '.', '_', '@' or '-' (who holds the key); got \"\(name.prefix(100))\".")
        }
        guard name != "owner" else {
            throw PreferError.invalidField("name", "\"owner\" names the key printed at first start; choose another name.")
        }
        guard Role(rawValue: role) != nil else {
            throw PreferError.invalidField("role", "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(role.prefix(40))\".")
        }
        let secret = ServerSecrets.randomToken(prefix: "prefer_key_")
        do {
            let key = try await store.createAPIKey(name: name, role: role, keyHash: ServerSecrets.sha256(secret))
            return (key, secret)
        } catch let error as StoreError where error.kind == .duplicate {
            throw PreferError(.conflict, code: "duplicate", "A key named \"\(name)\" exists already (revoked keys keep their names); choose another name.", field: "name")
        }
    }

    public func keys() async throws -> [APIKey] {
        try await store.apiKeys()
    }

    public func revokeKey(name: String) async throws -> APIKey {
        try await store.revokeAPIKey(name: name)
    }

    /// Makes a new owner key and stores its hash: the old one stops working.
    public func resetOwnerKey() async throws -> String {
        let key = ServerSecrets.randomToken(prefix: "prefer_admin_")
        try await store.setSetting(ServerSecrets.adminKeySetting, to: ServerSecrets.sha256(key))
        return key
    }

    // MARK: The log

    /// The newest `limit` (1–1000) entries before the id `before` (≥ 1).
    public func log(before: Int64?, limit: Int) async throws -> [AuditEntry] {
        guard (1...1000).contains(limit) else {
            throw PreferError.invalidField("limit", "limit must be 1 to 1000; got \(limit).")
        }
        if let before, before < 1 {
            throw PreferError.invalidField("before", "before must be an entry id (1 or more); got \(before).")
        }
        return try await store.auditLog(before: before, limit: limit)
    }

    func record(_ entry: NewAuditEntry) async throws {
        try await store.appendAudit(entry)
    }

    // MARK: Annotators

    /// Keeps or excludes an annotator's votes in an arena, or (nil) lets the audit decide again.
    public func decide(arena: Arena, voter: String, decision: VoterDecision.Kind?, actor: String, note: String?) async throws -> [VoterDecision] {
        guard !voter.isEmpty, voter.count <= 300 else {
            throw PreferError.invalidField("voter", "voter must be 1 to 300 characters (the id the audit shows).")
        }
        if let note, note.count > 2000 { throw PreferError.invalidField("note", "note is limited to 2,000 characters.") }
        try await store.setVoterDecision(arena: arena.id, voter: voter, decision: decision, actor: actor, note: note)
        return try await store.voterDecisions(arena: arena.id)
    }
}
