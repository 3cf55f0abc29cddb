import Crypto
import ExtrasBase64
import Foundation
import PreferStore

/// Keys the server keeps in the database so that every process sharing it
/// agrees: the battle-sealing key, the secret that turns session cookies into
/// voter pseudonyms, and the admin key's SHA-256 (the key itself is never
/// stored).
struct ServerSecrets: Sendable {
    let battleKey: SymmetricKey
    let voterSecret: SymmetricKey
    let adminKeyHash: String?

    static let battleKeySetting = "battle_key"
    static let voterSecretSetting = "voter_secret"
    static let adminKeySetting = "admin_key_sha256"

    static func load(from store: any PreferStore) async throws -> ServerSecrets {
        ServerSecrets(
            battleKey: try await key(battleKeySetting, store),
            voterSecret: try await key(voterSecretSetting, store),
            adminKeyHash: try await store.setting(adminKeySetting)
        )
    }

    private static func key(_ name: String, _ store: any PreferStore) async throws -> SymmetricKey {
        let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
        _ = try await store.insertSettingIfAbsent(name, value: fresh)
        guard let stored = try await store.setting(name), let data = Data(base64Encoded: stored), data.count == 32 else {
            throw StoreError(.invalid, "The setting \(name) is not a 32-byte base64 key; delete it to have a new one made.")
        }
        return SymmetricKey(data: data)
    }

    static func sha256(_ text: String) -> String {
        ContentHash.sha256(text)
    }

    /// A new random token: 32 bytes, URL-safe base64, after a short prefix
    /// saying what it is (and keeping it from starting with "-").
    static func randomToken(prefix: String = "") -> String {
        prefix + SymmetricKey(size: .bits256).withUnsafeBytes { Base64.encodeToString(bytes: $0, options: .url) }
    }

    /// Whether `hash` (`sha256` of a presented token) is the admin key's.
    /// Keys are compared by their SHA-256, as a lookup of a key by its hash in
    /// the database is: how long the comparison takes tells nothing usable
    /// about the key itself.
    func isAdminKey(hash: String) -> Bool {
        adminKeyHash == hash
    }
}
