import Foundation
import Hummingbird
import NIOCore
import PreferCore
import PreferStore

/// The HTML pages people use in a browser, and their static files:
///
/// - `GET /` — the public arenas with their vote counts.
/// - `GET /arenas/{arena}/vote` — a battle to vote on (`VotePage`);
///   `POST` the same address to vote (a form, or `prefer.js` asking for JSON).
/// - `GET /arenas/{arena}/leaderboard` — table, interval plot and heatmap;
///   `…/leaderboard.svg` — the drawings as one SVG file for embedding.
/// - `GET /admin` — the admin page (its script calls the JSON API).
/// - `GET /assets/{file}` — `prefer.js` and `prefer.css`.
///
/// These are not API routes: they stay out of `RouteTable` and the OpenAPI
/// document. Errors are pages too (or JSON, when the script asked for JSON).
struct PagesController<Context: RequestContext> {
    let services: PreferServices

    var battles: BattleController<Context> { BattleController(services: services) }

    func register(_ router: Router<Context>) {
        router.get("/", use: home)
        router.get("/arenas/:arena/vote", use: votePage)
        router.post("/arenas/:arena/vote", use: vote)
        router.get("/arenas/:arena/leaderboard", use: leaderboardPage)
        router.get("/arenas/:arena/leaderboard.svg", use: leaderboardSVG)
        router.get("/admin", use: admin)
        router.get("/assets/:file", use: asset)
    }

    // MARK: Arenas

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        var rows: [HomePage.Row] = []
        for arena in try await services.store.arenas() where !arena.isPrivate {
            let contenders = try await services.directory.index(id: arena.id)?.contenders.count ?? 0
            rows.append(.init(arena: arena, contenders: contenders, votes: try await services.store.voteCount(arena: arena.id)))
        }
        return PageResponse.html(HomePage(rows: rows).render(), cache: "no-cache")
    }

    // MARK: Voting

    @Sendable func votePage(_ request: Request, context: Context) async throws -> Response {
        let session = PageSession.establish(request, services: services)
        let invite = Self.inviteQuery(request)
        do {
            let index = try await services.directory.index(context.parameters.require("arena"))
            let identity = try await AnnotatorIdentity.resolve(request, arena: index.arena, services: services, session: session.id)
            let battle = try await battles.drawBattle(index, voter: identity.voter)
            let page = VotePage(
                arena: index.arena, prompt: index.prompts[battle.draw.prompt], left: battle.draw.left, right: battle.draw.right,
                battle: battle.id, csrfToken: session.csrfToken, clientVoteId: UUID().uuidString, inviteQuery: invite, revealed: nil
            )
            return PageResponse.html(page.render(), cookie: session.newCookie)
        } catch {
            let problem = translate(error, context: context)
            var response = PageResponse.error(problem, title: Self.title(problem))
            if let cookie = session.newCookie { response.setCookie(cookie) }
            return response
        }
    }

    /// `POST /arenas/{arena}/vote`: form fields `battle`, `csrf` (or the
    /// `X-CSRF-Token` header), `choice`, `client_vote_id`, `criterion:NAME`,
    /// `rationale`, `time_to_vote_ms`, `left_played_ms`, `right_played_ms`.
    @Sendable func vote(_ request: Request, context: Context) async throws -> Response {
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
        let reference = try context.parameters.require("arena")
        let again: HTML = "<p><a class=\"next\" href=\"/arenas/\(reference)/vote\(Self.inviteQuery(request))\">Vote on a new battle</a></p>"
        do {
            let buffer = try await request.body.collect(upTo: services.configuration.maxBodyBytes)
            let form = FormBody(String(buffer: buffer))
            let presented = request.headers[PageSession.tokenHeader] ?? form.first("csrf")
            guard PageSession.verify(request, presented: presented, services: services) else { throw Self.forgedVote }
            guard let battle = form.first("battle"), let token = BattleToken.open(battle, with: services.secrets.battleKey),
                  let index = try await services.directory.index(id: token.arenaId),
                  index.arena.name == reference || String(index.arena.id) == reference else { throw APIError.unknownBattle }
            let body = try voteRequest(form, token: token, index: index)
            let (stored, replayed) = try await battles.record(body, battle: battle, token: token, index: index)
            if wantsJSON { return JSONResponse.text(stored.json, status: replayed ? .ok : .created) }
            guard let left = index.outputs[token.leftOutputId], let right = index.outputs[token.rightOutputId] else { throw APIError.unknownBattle }
            let page = VotePage(
                arena: index.arena, prompt: index.prompts[token.promptId], left: left, right: right, battle: battle,
                csrfToken: presented ?? "", clientVoteId: body.clientVoteId ?? "", inviteQuery: Self.inviteQuery(request),
                revealed: .init(
                    left: stored.left.contender, right: stored.right.contender, choice: stored.choice,
                    notice: replayed ? "This vote was already saved: \(VotePage.choiceText(stored.choice))." : nil
                )
            )
            return PageResponse.html(page.render())
        } catch {
            let problem = translate(error, context: context)
            if wantsJSON { return try problem.response(from: request, context: context) }
            return PageResponse.error(problem, title: "Your vote was not saved", links: again)
        }
    }

    /// The vote the form describes. Time to vote falls back to the time since
    /// the battle was issued (whole seconds) when the script did not measure it.
    func voteRequest(_ form: FormBody, token: BattleToken, index: ArenaIndex) throws -> VoteRequest {
        var criteria: [String: String] = [:]
        for (name, value) in form.withPrefix("criterion:") where !value.isEmpty { criteria[name] = value }
        func milliseconds(_ field: String) throws -> Int? {
            guard let text = form.first(field), !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw APIError.invalidField(field, "\(field) must be a whole number of milliseconds; got \"\(text.prefix(40))\".") }
            return value
        }
        let measured = try milliseconds("time_to_vote_ms")
        let sinceIssued = max(0, Int(Date().timeIntervalSince1970) - Int(token.issuedAt)) * 1000
        let leftPlayed = try milliseconds("left_played_ms")
        let rightPlayed = try milliseconds("right_played_ms")
        if let minimum = index.arena.minPlayMs, minimum > 0 {
            for (letter, outputId, played, field) in [("A", token.leftOutputId, leftPlayed, "left_played_ms"), ("B", token.rightOutputId, rightPlayed, "right_played_ms")] {
                guard let media = index.outputs[outputId]?.media, media == .audio || media == .video else { continue }
                if (played ?? 0) < minimum {
                    throw APIError.invalidField(field, "Play response \(letter) for at least \(minimum / 1000) seconds before voting (this arena asks for it); the page enables the buttons once you have.")
                }
            }
        }
        let rationale = form.first("rationale")?.trimmingCharacters(in: .whitespacesAndNewlines)
        let clientVoteId = form.first("client_vote_id")
        return VoteRequest(
            choice: form.first("choice") ?? "",
            clientVoteId: clientVoteId?.isEmpty == false ? clientVoteId : nil,
            criteria: criteria.isEmpty ? nil : criteria,
            rationale: rationale?.isEmpty == false ? rationale : nil,
            timeToVoteMs: measured ?? min(sinceIssued, 86_400_000),
            leftPlayedMs: leftPlayed,
            rightPlayedMs: rightPlayed
        )
    }

    static var forgedVote: APIError { APIError(
        .forbidden, code: "forged_vote",
        "This vote did not come with the voting page's security token (or your browser blocked Prefer's cookie). Open the voting page again, with cookies allowed for this site, and vote there."
    ) }

    // MARK: Leaderboard

    @Sendable func leaderboardPage(_ request: Request, context: Context) async throws -> Response {
        do {
            let arena = try await services.directory.arena(context.parameters.require("arena"))
            let (entry, stale) = try await services.leaderboards.leaderboard(
                arena: arena.id, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed, includeFlagged: false
            )
            let total = await services.leaderboards.voteCount(arena: arena.id)
            let page = LeaderboardPage(arena: arena, board: entry.board, computedAt: entry.computedAt, votesTotal: total, stale: stale)
            return PageResponse.html(page.render(), cache: "no-cache")
        } catch {
            let problem = translate(error, context: context)
            return PageResponse.error(problem, title: Self.title(problem))
        }
    }

    @Sendable func leaderboardSVG(_ request: Request, context: Context) async throws -> Response {
        let arena = try await services.directory.arena(context.parameters.require("arena"))
        let (entry, _) = try await services.leaderboards.leaderboard(
            arena: arena.id, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed, includeFlagged: false
        )
        let svg = LeaderboardSVG.document(entry.board, title: "Leaderboard · \(arena.name)")
        return Response(
            status: .ok,
            headers: [.contentType: "image/svg+xml; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: svg))
        )
    }

    // MARK: Admin and files

    @Sendable func admin(_ request: Request, context: Context) async throws -> Response {
        PageResponse.html(AdminPage.render(), cache: "no-cache")
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        guard let response = StaticAssets.serve(try context.parameters.require("file")) else {
            throw APIError(.notFound, code: "not_found", "No such file; the pages use /assets/prefer.js and /assets/prefer.css.")
        }
        return response
    }

    // MARK: Helpers

    func translate(_ error: any Error, context: Context) -> APIError {
        JSONErrorMiddleware<Context>.translate(error, bodyLimit: services.configuration.maxBodyBytes, logger: context.logger)
    }

    static func title(_ error: APIError) -> String {
        switch error.code {
        case "invite_required", "wrong_invite": "This arena needs an invite"
        case "unknown_arena": "No such arena"
        case "no_battle_available": "Nothing to vote on yet"
        default: "Something went wrong"
        }
    }

    /// `?invite=TOKEN` of the request, percent-encoded again, or "": kept on
    /// the page's own links and form so a private arena keeps working.
    static func inviteQuery(_ request: Request) -> String {
        guard let invite = request.uri.queryParameters["invite"].map(String.init), !invite.isEmpty else { return "" }
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")
        return "?invite=" + (invite.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")
    }
}
