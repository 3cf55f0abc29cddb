import PreferStore

/// Turns a presented API key into the identity it stands for. Keys are
/// stored only as SHA-256 hashes; the first-start key (or PREFER_ADMIN_KEY)
/// is the owner's.
struct KeyRing: Sendable {
    let secrets: ServerSecrets

    /// The identity of the key `token`, or nil when it is no key of this server.
    func identity(token: String) async throws -> PreferIdentity? {
        identity(hash: ServerSecrets.sha256(token))
    }

    func identity(hash: String) -> PreferIdentity? {
        if secrets.isAdminKey(hash: hash) { return .key(name: "owner", role: .owner) }
        return nil
    }
}
