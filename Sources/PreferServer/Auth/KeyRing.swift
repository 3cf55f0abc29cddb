import PreferStore

/// Turns a presented API key into the identity it stands for. Keys are
/// stored only as SHA-256 hashes: the owner key (printed at first start, or
/// PREFER_ADMIN_KEY, or `prefer admin reset-key`) in the settings, named keys
/// with their roles in `api_keys`. Both are read from the database on each
/// use, so a key made, revoked or reset through any replica (or the CLI)
/// takes effect at once everywhere; only key-holding requests pay the query.
struct KeyRing: Sendable {
    let store: any PreferStore

    /// The identity of the key `token`, or nil when it is no key of this server.
    func identity(token: String) async throws -> PreferIdentity? {
        try await identity(hash: ServerSecrets.sha256(token))
    }

    /// Keys are compared by their SHA-256, as a lookup of a key by its hash in
    /// the database is: how long the comparison takes tells nothing usable
    /// about the key itself.
    func identity(hash: String) async throws -> PreferIdentity? {
        if try await store.setting(ServerSecrets.adminKeySetting) == hash { return .key(name: "owner", role: .owner) }
        guard let key = try await store.apiKey(hash: hash), let role = Role(rawValue: key.role) else { return nil }
        return .key(name: key.name, role: role)
    }
}
