import PreferCore

/// Who may do what in an arena: a public arena is open to everyone; a
/// private one admits its invitees and API-key holders — to vote, and to
/// read its leaderboard unless the arena made its leaderboard public.
/// Checked in one place for the API and the pages.
enum ArenaAccess {
    /// To draw battles and vote.
    static func requireVoter(_ arena: Arena, _ identity: PreferIdentity?) throws {
        switch identity {
        case .key: return
        case .annotator(_, let invited?):
            if invited != arena.id { throw PreferError.wrongInvite }
        case .annotator(_, nil), nil:
            if arena.isPrivate { throw PreferError.inviteRequired }
        }
    }

    /// To read the leaderboard.
    static func requireReader(_ arena: Arena, _ identity: PreferIdentity?) throws {
        guard arena.isPrivate, !arena.leaderboardPublic else { return }
        switch identity {
        case .key(_, let role) where role >= .viewer: return
        case .annotator(_, let invited?) where invited == arena.id: return
        case .annotator(_, .some): throw PreferError.wrongInvite
        default: throw PreferError.inviteRequired
        }
    }
}
