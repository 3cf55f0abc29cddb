/// A failure of one of Prefer's operations, as the server's API and the
/// command-line tool report it: what kind of failure, a stable code, a message
/// that says what to change, and the field at fault. No HTTP here: the API
/// maps the kind to a status (`PreferError+HTTP`), the CLI prints the message.
public struct PreferError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The input breaks a rule.
        case invalid
        /// No credentials where some are needed.
        case unauthenticated
        /// Credentials that do not allow this.
        case forbidden
        case notFound
        /// A duplicate, or a battle that already has a vote.
        case conflict
        /// A battle past its expiry.
        case gone
        case tooLarge
        /// An HTTP method the endpoint does not take.
        case methodNotAllowed
        /// A body in a format the endpoint does not read.
        case unsupportedMediaType
        /// The database is not reachable.
        case unavailable
        /// A fault of the server's own.
        case `internal`
    }

    public var kind: Kind
    /// Stable machine-readable code, e.g. `unknown_arena`.
    public var code: String
    public var message: String
    /// The request field at fault, if one.
    public var field: String?
    /// Per-item problems (the lines of an import, say).
    public var details: [Detail]?

    public struct Detail: Codable, Sendable, Equatable {
        public var line: Int?
        public var field: String?
        public var message: String

        public init(line: Int? = nil, field: String? = nil, message: String) {
            self.line = line
            self.field = field
            self.message = message
        }
    }

    public init(_ kind: Kind, code: String, _ message: String, field: String? = nil, details: [Detail]? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.field = field
        self.details = details
    }

    public var description: String { message }

    // MARK: The errors Prefer gives

    public static func malformedJSON(_ detail: String) -> PreferError {
        PreferError(.invalid, code: "malformed_json", "The request body is not valid JSON: \(Self.clause(detail)). Send a JSON object with Content-Type: application/json.")
    }

    /// A line of a JSON Lines body that is not a JSON object (the line number goes with it, in `details`).
    public static func malformedLine(_ detail: String) -> PreferError {
        PreferError(.invalid, code: "malformed_json", "This line is not valid JSON: \(Self.clause(detail)). Each line must be one JSON object.")
    }

    /// `text` without a final period, to end a clause of a longer message.
    private static func clause(_ text: String) -> String {
        var text = text
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }

    public static func invalidField(_ field: String, _ message: String) -> PreferError {
        PreferError(.invalid, code: "invalid_field", message, field: field)
    }

    public static func missingField(_ field: String) -> PreferError {
        PreferError(.invalid, code: "missing_field", "The field \"\(field)\" is required.", field: field)
    }

    public static func unknownField(_ field: String, allowed: [String]) -> PreferError {
        let list = allowed.isEmpty ? "" : "; this request accepts \(allowed.sorted().joined(separator: ", "))"
        return PreferError(.invalid, code: "unknown_field", "Unknown field \"\(field)\"\(list).", field: field)
    }

    public static func unknownArena(_ reference: String) -> PreferError {
        PreferError(.notFound, code: "unknown_arena", "No arena named or numbered \"\(reference)\". GET /api/arenas (or prefer arenas) lists the arenas.", field: "arena")
    }

    public static func unknownContender(_ reference: String, field: String = "contender") -> PreferError {
        PreferError(.notFound, code: "unknown_contender", "No contender named or numbered \"\(reference)\" in this arena; add it first (POST /api/arenas/{arena}/contenders).", field: field)
    }

    public static func unknownPrompt(_ reference: String, field: String = "prompt") -> PreferError {
        PreferError(.notFound, code: "unknown_prompt", "No prompt with that id or text in this arena; add it first (POST /api/arenas/{arena}/prompts).", field: field)
    }

    public static let unknownBattle = PreferError(.notFound, code: "unknown_battle", "No such battle: the id is not one this server issued. Fetch a new battle with POST /api/arenas/{arena}/battles.", field: "battle")

    public static let expiredBattle = PreferError(.gone, code: "expired_battle", "This battle has expired; fetch a new one with POST /api/arenas/{arena}/battles.", field: "battle")

    public static func battleAlreadyVoted(_ existingChoice: String) -> PreferError {
        PreferError(.conflict, code: "battle_already_voted", "This battle already has a different vote (\(existingChoice)); a battle takes one vote. Fetch a new battle to vote again.", field: "battle")
    }

    public static let clientVoteIdReused = PreferError(.conflict, code: "client_vote_id_reused", "This client_vote_id was already used for a vote on another battle; use a fresh id per vote.", field: "client_vote_id")

    public static let missingAdminKey = PreferError(.unauthenticated, code: "missing_admin_key", "This endpoint needs an API key: send Authorization: Bearer <key> (the owner key is printed when the server first starts, or set with PREFER_ADMIN_KEY).")

    public static let wrongAdminKey = PreferError(.forbidden, code: "wrong_admin_key", "The API key is not valid for this server.")

    public static func insufficientRole(_ needed: Role) -> PreferError {
        PreferError(.forbidden, code: "insufficient_role", "This key's role does not allow this; it needs a key with the \(needed.rawValue) role (or one above it).")
    }

    public static let inviteRequired = PreferError(.forbidden, code: "invite_required", "This arena is private: open it with your invite link (?invite=TOKEN) or send Authorization: Bearer <invite token>.")

    public static let wrongInvite = PreferError(.forbidden, code: "wrong_invite", "The invite token is not valid for this arena.")

    public static func bodyTooLarge(limit: Int) -> PreferError {
        PreferError(.tooLarge, code: "body_too_large", "The request body is larger than the \(limit / 1_000_000) MB this server accepts (set --max-body-mb to change it).")
    }

    public static func noBattleAvailable(_ reason: String) -> PreferError {
        PreferError(.conflict, code: "no_battle_available", reason)
    }

    public static func duplicate(_ message: String, field: String?) -> PreferError {
        PreferError(.conflict, code: "duplicate", message, field: field)
    }

    public static func notFound(_ message: String, field: String?) -> PreferError {
        PreferError(.notFound, code: "not_found", message, field: field)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> PreferError {
        PreferError(.invalid, code: "bad_request", message, field: field)
    }

    public static let unavailable = PreferError(.unavailable, code: "unavailable", "The database is not reachable right now; try again shortly.")

    public static let internalFailure = PreferError(.internal, code: "internal_error", "The server failed to handle this request; the failure is logged. Try again, and report it if it persists.")
}

extension PreferError {
    /// A request that reached a service after the server began to stop (the
    /// server drains requests before its services, so this is rare).
    public static let shuttingDown = PreferError(
        .unavailable, code: "shutting_down",
        "This server is shutting down; send the request again (a vote with the same client_vote_id is stored once) to another replica or after the restart.")
}
