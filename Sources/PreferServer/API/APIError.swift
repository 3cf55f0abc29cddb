import Foundation
import Hummingbird
import NIOCore

/// An API failure: an HTTP status and a JSON body
/// `{"error": {"code", "message", "field"?}}` whose message says what to change.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// Stable machine-readable code, e.g. `unknown_arena`.
    public var code: String
    public var message: String
    /// The request field at fault, if one.
    public var field: String?
    /// Extra structured details (per-line import errors, say).
    public var details: [Detail]?

    public struct Detail: Codable, Sendable, Equatable {
        public var line: Int?
        public var field: String?
        public var message: String
    }

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil, details: [Detail]? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.details = details
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            var code: String
            var message: String
            var field: String?
            var details: [Detail]?
        }
        var error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Body(error: .init(code: code, message: message, field: field, details: details)))
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"prefer\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    // MARK: The errors the API gives

    public static func malformedJSON(_ detail: String) -> APIError {
        APIError(.badRequest, code: "malformed_json", "The request body is not valid JSON: \(detail). Send a JSON object with Content-Type: application/json.")
    }

    public static func invalidField(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "invalid_field", message, field: field)
    }

    public static func missingField(_ field: String) -> APIError {
        APIError(.badRequest, code: "missing_field", "The field \"\(field)\" is required.", field: field)
    }

    public static func unknownField(_ field: String, allowed: [String]) -> APIError {
        APIError(.badRequest, code: "unknown_field", "Unknown field \"\(field)\"; this request accepts \(allowed.sorted().joined(separator: ", ")).", field: field)
    }

    public static func unknownArena(_ reference: String) -> APIError {
        APIError(.notFound, code: "unknown_arena", "No arena named or numbered \"\(reference)\". GET /api/arenas lists the arenas.", field: "arena")
    }

    public static func unknownContender(_ reference: String, field: String = "contender") -> APIError {
        APIError(.notFound, code: "unknown_contender", "No contender named or numbered \"\(reference)\" in this arena; create it with POST /api/arenas/{arena}/contenders.", field: field)
    }

    public static func unknownPrompt(_ reference: String, field: String = "prompt") -> APIError {
        APIError(.notFound, code: "unknown_prompt", "No prompt with that id or text in this arena; create it with POST /api/arenas/{arena}/prompts.", field: field)
    }

    public static let unknownBattle = APIError(.notFound, code: "unknown_battle", "No such battle: the id is not one this server issued. Fetch a new battle with POST /api/arenas/{arena}/battles.", field: "battle")

    public static let expiredBattle = APIError(.gone, code: "expired_battle", "This battle has expired; fetch a new one with POST /api/arenas/{arena}/battles.", field: "battle")

    public static func battleAlreadyVoted(_ existingChoice: String) -> APIError {
        APIError(.conflict, code: "battle_already_voted", "This battle already has a different vote (\(existingChoice)); a battle takes one vote. Fetch a new battle to vote again.", field: "battle")
    }

    public static let clientVoteIdReused = APIError(.conflict, code: "client_vote_id_reused", "This client_vote_id was already used for a vote on another battle; use a fresh id per vote.", field: "client_vote_id")

    public static let missingAdminKey = APIError(.unauthorized, code: "missing_admin_key", "This endpoint needs the admin key: send Authorization: Bearer <admin key> (printed when the server first started, or set with PREFER_ADMIN_KEY).")

    public static let wrongAdminKey = APIError(.forbidden, code: "wrong_admin_key", "The admin key is not valid for this server.")

    public static let inviteRequired = APIError(.forbidden, code: "invite_required", "This arena is private: open it with your invite link (?invite=TOKEN) or send Authorization: Bearer <invite token>.")

    public static let wrongInvite = APIError(.forbidden, code: "wrong_invite", "The invite token is not valid for this arena.")

    public static func bodyTooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", "The request body is larger than the \(limit / 1_000_000) MB this server accepts (set --max-body-mb to change it).")
    }

    public static func noBattleAvailable(_ reason: String) -> APIError {
        APIError(.conflict, code: "no_battle_available", reason)
    }

    public static func duplicate(_ message: String, field: String?) -> APIError {
        APIError(.conflict, code: "duplicate", message, field: field)
    }

    public static func notFound(_ message: String, field: String?) -> APIError {
        APIError(.notFound, code: "not_found", message, field: field)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "bad_request", message, field: field)
    }

    public static let unavailable = APIError(.serviceUnavailable, code: "unavailable", "The database is not reachable right now; try again shortly.")
}
