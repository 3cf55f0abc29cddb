import HummingbirdAuth

/// Who is making a request, as the authenticators found it: the holder of
/// an API key (with its role), or an annotator (an invited one, or an
/// anonymous visitor known by a session).
public enum PreferIdentity: Sendable, Hashable, RoleProviding {
    /// An API key's holder. `name` labels the key (the first-start key is "owner").
    case key(name: String, role: Role)
    /// An annotator: `voter` is the id stored with their votes (an invite's
    /// name, or a pseudonym derived from the session — never the cookie);
    /// `inviteArena` the arena an invite admits to.
    case annotator(voter: String, inviteArena: Int64?)

    /// The roles this identity holds (none for annotators).
    public var roles: Set<Role> {
        switch self {
        case .key(_, let role): role.granted
        case .annotator: []
        }
    }

    /// The voter id recorded with the votes of this identity.
    public var voter: String {
        switch self {
        case .key: "admin"
        case .annotator(let voter, _): voter
        }
    }
}
