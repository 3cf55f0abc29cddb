import Crypto
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
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    /// Lower-case hexadecimal of bytes.
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A new random token: 32 bytes, URL-safe base64, after a short prefix
    /// saying what it is (and keeping it from starting with "-").
    static func randomToken(prefix: String = "") -> String {
        prefix + SymmetricKey(size: .bits256).withUnsafeBytes { BattleToken.base64URL(Data($0)) }
    }

    /// Whether `candidate` is the admin key, compared in constant time.
    func isAdminKey(_ candidate: String) -> Bool {
        isAdminKey(hash: Self.sha256(candidate))
    }

    /// Whether `hash` (`sha256` of a token) is the admin key's.
    func isAdminKey(hash: String) -> Bool {
        guard let adminKeyHash else { return false }
        return Self.constantTimeEqual(hash, adminKeyHash)
    }

    /// Whether two strings are equal, in time that depends only on their lengths.
    static func constantTimeEqual(_ first: String, _ second: String) -> Bool {
        let a = Array(first.utf8)
        let b = Array(second.utf8)
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for (x, y) in zip(a, b) { diff |= x ^ y }
        return diff == 0
    }

    /// A stable pseudonym for a session id that does not reveal it.
    func pseudonym(forSession session: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(session.utf8), using: voterSecret)
        return "anon-" + Self.hex(mac.prefix(6))
    }
}
