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

    static let battleKeySetting = "battle_key"
    static let voterSecretSetting = "voter_secret"
    static let adminKeySetting = "admin_key_sha256"

    static func load(from store: any PreferStore) async throws -> ServerSecrets {
        ServerSecrets(
            battleKey: try await key(battleKeySetting, store),
            voterSecret: try await key(voterSecretSetting, store)
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

}
