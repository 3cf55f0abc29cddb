import Foundation
import HTTPTypes
import OpenAPIRuntime

// The annotators' hot path — draw a battle, vote on it — answered without
// the generated handler's conversions, read by `JSONBytesDecoder` and
// written by `JSONBytesEncoder` instead of Foundation's decoder and encoder:
// together they were a fifth of the server's CPU on that path. The same
// functions (`drawBattle`, `castVote`) do the work; the generated types are
// what is read and written, so the OpenAPI document still defines the
// request and the answer. Anything unusual (a query other than
// `next`, an escaped path parameter, an unusual `Accept` or `Content-Type`,
// a body that does not decode) is passed on to the generated handler, which
// answers it — or names what is wrong — as the document says.
extension PreferAPI {
    /// `POST /api/arenas/{arena}/battles`.
    func createBattleShortcut(_ request: HTTPRequest, _ body: HTTPBody?, _ metadata: ServerRequestMetadata) async throws -> OperationRouter.ShortcutAnswer {
        guard let path = request.path, !Self.has(path, "?"), Self.acceptsJSON(request),
            let arena = metadata.pathParameters["arena"], !Self.has(arena, "%")
        else { return .passed(body) }
        let battle = try await drawBattle(arena: String(arena))
        return .answered(HTTPResponse(status: .created, headerFields: Self.jsonHeaders), Self.jsonBody(battle))
    }

    /// `POST /api/battles/{battle}/vote[?next=true|false]`.
    func voteShortcut(_ request: HTTPRequest, _ body: HTTPBody?, _ metadata: ServerRequestMetadata) async throws -> OperationRouter.ShortcutAnswer {
        guard let path = request.path, Self.acceptsJSON(request), let body,
            let battle = metadata.pathParameters["battle"], !Self.has(battle, "%"),
            let contentType = request.headerFields[.contentType],
            contentType == "application/json" || contentType == "application/json; charset=utf-8"
        else { return .passed(body) }
        let next: Bool
        switch Self.query(of: path) {
        case nil: next = false
        case "next=true": next = true
        case "next=false": next = false
        default: return .passed(body)
        }
        let bytes = try await ArraySlice<UInt8>(collecting: body, upTo: services.configuration.maxBodyBytes)
        guard let ballot = try? JSONBytesDecoder.decode(Components.Schemas.VoteCreate.self, from: bytes) else {
            return .passed(HTTPBody(bytes))
        }
        let (vote, replayed) = try await castVote(ballot, battle: String(battle), next: next)
        return .answered(HTTPResponse(status: replayed ? .ok : .created, headerFields: Self.jsonHeaders), Self.jsonBody(vote))
    }

    /// Whether `text` holds the ASCII character `byte`, by a scan of its
    /// bytes: `String.contains(_: String)` is Foundation's `range(of:)` on
    /// Linux (NSString bridging): 0.7% of the server's CPU samples on this path.
    static func has<S: StringProtocol>(_ text: S, _ byte: Unicode.Scalar) -> Bool {
        text.utf8.contains(UInt8(ascii: byte))
    }

    /// The text after the path's first `?`, nil without one, by a scan of
    /// its bytes: `split(separator:maxSplits:)` walks a `String` by
    /// `Character` (grapheme breaking) and was 2% of the server's CPU on the
    /// vote path.
    static func query(of path: String) -> Substring? {
        guard let mark = path.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return path[path.utf8.index(after: mark)...]
    }

    static let jsonHeaders: HTTPFields = [.contentType: "application/json; charset=utf-8"]

    static func acceptsJSON(_ request: HTTPRequest) -> Bool {
        guard let accept = request.headerFields[.accept] else { return true }
        return accept == "*/*" || accept == "application/json"
    }

    /// The battle's JSON, as the generated handler (configured by
    /// `JSONCoding.configuration`) would write it.
    static func jsonBody(_ battle: Components.Schemas.Battle) -> HTTPBody { HTTPBody(JSONBytesEncoder.encode(battle)) }

    /// The vote's JSON, as the generated handler would write it.
    static func jsonBody(_ vote: Components.Schemas.Vote) -> HTTPBody { HTTPBody(JSONBytesEncoder.encode(vote)) }
}
