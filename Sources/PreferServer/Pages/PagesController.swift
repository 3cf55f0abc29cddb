import Foundation
import Hummingbird
import NIOCore
import PreferCore
import PreferStore
import NIOFoundationEssentialsCompat
import HummingbirdAuth

/// The HTML pages people use in a browser, and their static files:
///
/// - `GET /` — the public arenas with their vote counts.
/// - `GET /arenas/{arena}/vote` — a battle to vote on (`VotePage`);
///   `POST` the same address to vote (a form, or `prefer.js` asking for JSON).
/// - `GET /arenas/{arena}/leaderboard` — table, interval plot and heatmap;
///   `…/leaderboard.svg` — the drawings as one SVG file for embedding.
/// - `GET /admin` — the admin page (its script calls the JSON API).
/// - `GET /admin/arenas/{arena}/audit` — the vote audit (`AuditPage`),
///   rendered for the key the script sends (a shell without one).
/// - `GET /assets/{file}` — `prefer.js` and `prefer.css`.
///
/// These are not API operations: they stay out of the OpenAPI document.
/// The voting pages sit behind the annotator authenticator (with a session
/// always, for the forms' anti-forgery token); errors are pages too (or
/// JSON, when the script asked for JSON). Like the API's handlers, each
/// calls the services and renders.
struct PagesController {
    typealias Context = PreferRequestContext
    let services: PreferServices

    /// The pages' routes, as `PreferRouter.apiRoutes` spells routes.
    static let routes: Set<String> = [
        "get /", "get /arenas/{arena}/leaderboard", "get /arenas/{arena}/leaderboard.svg", "get /admin", "get /admin/arenas/{arena}/audit",
        "get /assets/{file}", "get /arenas/{arena}/vote", "post /arenas/{arena}/vote",
        "post /arenas/{arena}/attributes", "get /arenas/{arena}/disagreement",
    ]

    func register(on router: Router<Context>) {
        router.get("/", use: home)
        router.get("/admin", use: admin)
        router.get("/admin/arenas/:arena/audit", use: auditPage)
        let reading = router.group()
            .add(middleware: AnnotatorAuthenticator(keys: services.keyRing, store: services.store, cookies: services.sessions, sessions: .never))
        reading.get("/arenas/:arena/leaderboard", use: leaderboardPage)
        reading.get("/arenas/:arena/leaderboard.svg", use: leaderboardSVG)
        reading.get("/arenas/:arena/disagreement", use: disagreementPage)
        router.get("/assets/:file", use: asset)
        var votingAuthenticator = AnnotatorAuthenticator(keys: services.keyRing, store: services.store, cookies: services.sessions, sessions: .always)
        votingAuthenticator.onInvite = { [attributes = services.attributes] in await attributes.adopt(invite: $0) }
        let voting = router.group().add(middleware: votingAuthenticator)
        voting.get("/arenas/:arena/vote", use: votePage)
        voting.post("/arenas/:arena/vote", use: vote)
        voting.post("/arenas/:arena/attributes", use: saveAttributes)
    }

    // MARK: Arenas

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        var rows: [HomePage.Row] = []
        for summary in try await services.arenas.summaries() where !summary.arena.isPrivate && !summary.arena.isArchived {
            rows.append(.init(arena: summary.arena, contenders: summary.contenders, votes: summary.votes, openForVoting: summary.openForVoting))
        }
        return PageResponse.html(HomePage(rows: rows).render(), cache: "no-cache")
    }

    // MARK: Voting

    @Sendable func votePage(_ request: Request, context: Context) async throws -> Response {
        do {
            guard let identity = context.identity, let session = context.session else { throw PreferError.internalFailure }
            let index = try await services.directory.index(try context.parameters.require("arena"))
            if index.isKWay {
                try ArenaAccess.requireVoter(index.arena, identity)
                let drawn = try await services.battles.drawKWay(index, voter: identity.voter)
                let page = KWayVotePage(
                    arena: index.arena, prompt: drawn.prompt, outputs: drawn.outputs, battle: drawn.id,
                    csrfToken: services.sessions.csrfToken(for: session), clientVoteId: UUID.timeOrdered().uuidString,
                    inviteQuery: Self.inviteQuery(request), revealed: nil)
                if let form = try await attributesForm(arena: index.arena, voter: identity.voter, session: session, request: request) {
                    return PageResponse.html(PageLayout.page(title: "Vote · \(index.arena.name)", body: form + page.main(), page: "vote-kway"))
                }
                return PageResponse.html(page.render())
            }
            let battle = try await services.battles.draw(arena: try context.parameters.require("arena"), for: identity)
            let page = VotePage(
                arena: battle.index.arena, prompt: battle.prompt, left: battle.left, right: battle.right,
                battle: battle.id, csrfToken: services.sessions.csrfToken(for: session), clientVoteId: UUID.timeOrdered().uuidString,
                inviteQuery: Self.inviteQuery(request), revealed: nil
            )
            if let form = try await attributesForm(arena: battle.index.arena, voter: identity.voter, session: session, request: request) {
                return PageResponse.html(PageLayout.page(title: VotePage.title(battle.index.arena), body: form + page.main(), page: "vote"))
            }
            return PageResponse.html(page.render())
        } catch {
            let problem = translate(error, context: context)
            return PageResponse.error(problem, title: Self.title(problem))
        }
    }

    /// The fields of a vote form (`application/x-www-form-urlencoded`),
    /// read by Hummingbird's form decoder.
    struct VoteForm: Decodable {
        var battle: String?
        var csrf: String?
        var choice: String?
        var clientVoteId: String?
        var criteria: [String: String]?
        var rationale: String?
        var timeToVoteMs: String?
        var leftPlayedMs: String?
        var rightPlayedMs: String?
        /// K-way battles: the position picked best, or the place per position.
        var best: String?
        var rank: [String: String]?
        /// "1": also draw the next battle and send its page with the vote
        /// (the script asks for it, so a voter waits one round trip a vote).
        var next: String?

        enum CodingKeys: String, CodingKey {
            case battle, csrf, choice, criteria, rationale, next, best, rank
            case clientVoteId = "client_vote_id"
            case timeToVoteMs = "time_to_vote_ms"
            case leftPlayedMs = "left_played_ms"
            case rightPlayedMs = "right_played_ms"
        }
    }

    /// `POST /arenas/{arena}/vote`: form fields `battle`, `csrf` (or the
    /// `X-CSRF-Token` header), `choice`, `client_vote_id`, `criteria[NAME]`,
    /// `rationale`, `time_to_vote_ms`, `left_played_ms`, `right_played_ms`.
    @Sendable func vote(_ request: Request, context: Context) async throws -> Response {
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
        let reference = try context.parameters.require("arena")
        let again: HTML = "<p><a class=\"next\" href=\"/arenas/\(reference)/vote\(Self.inviteQuery(request))\">Vote on a new battle</a></p>"
        do {
            let form = try await URLEncodedFormDecoder().decode(VoteForm.self, from: request, context: context)
            let presented = request.headers[SessionCookies.tokenHeader] ?? form.csrf
            guard services.sessions.verify(session: SessionCookies.existing(request), presented: presented) else { throw Self.forgedVote }
            guard let battle = form.battle else { throw PreferError.unknownBattle }
            let (token, index): (BattleToken, ArenaIndex)
            switch try await services.battles.opened(battle, inArena: reference) {
            case .kway(let token, let index):
                return try await kwayVote(form, battle: battle, token: token, index: index, presented: presented, request: request, wantsJSON: wantsJSON)
            case .pairwise(let pairwise, let arena): (token, index) = (pairwise, arena)
            }
            let ballot = try self.ballot(form, token: token, index: index)
            let recorded = try await services.battles.vote(ballot, battle: battle, token: token, index: index, next: wantsJSON && form.next == "1")
            if wantsJSON {
                var reply = PageVoteReply(vote: Components.Schemas.Vote(recorded))
                reply.vote.next = nil
                if let drawn = recorded.next, let session = SessionCookies.existing(request) {
                    reply.nextPage = VotePage(
                        arena: drawn.index.arena, prompt: drawn.prompt, left: drawn.left, right: drawn.right, battle: drawn.id,
                        csrfToken: services.sessions.csrfToken(for: session), clientVoteId: UUID.timeOrdered().uuidString,
                        inviteQuery: Self.inviteQuery(request), revealed: nil
                    ).main().description
                }
                let data = try JSONCoding.encoder.encode(reply)
                return Response(
                    status: recorded.replayed ? .ok : .created, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                    body: .init(byteBuffer: ByteBuffer(data: data)))
            }
            guard let left = index.outputs[token.leftOutputId], let right = index.outputs[token.rightOutputId] else { throw PreferError.unknownBattle }
            let names = Components.Schemas.Vote(recorded)
            let page = VotePage(
                arena: index.arena, prompt: index.prompts[token.promptId], left: left, right: right, battle: battle,
                csrfToken: presented ?? "", clientVoteId: ballot.clientVoteId ?? "", inviteQuery: Self.inviteQuery(request),
                revealed: .init(
                    left: names.left?.contender ?? "?", right: names.right?.contender ?? "?", choice: recorded.vote.choice.rawValue,
                    notice: recorded.replayed ? "This vote was already saved: \(VotePage.choiceText(recorded.vote.choice.rawValue))." : nil
                )
            )
            return PageResponse.html(page.render())
        } catch {
            let problem = translate(error, context: context)
            if wantsJSON { return try problem.response(from: request, context: context) }
            return PageResponse.error(problem, title: "Your vote was not saved", links: again)
        }
    }

    /// A vote on a K-way battle from its page: `best` (a button) or the
    /// places `rank[pPOSITION]` (1 = best; empty = unranked).
    func kwayVote(
        _ form: VoteForm, battle: String, token: KWayBattleToken, index: ArenaIndex, presented: String?, request: Request,
        wantsJSON: Bool
    ) async throws -> Response {
        var ballot = BattleService.KWayBallot()
        if let best = form.best, !best.isEmpty {
            guard let position = Int(best) else { throw PreferError.invalidField("best", "best must be a position from 1 to \(token.k); got \"\(best.prefix(20))\".") }
            ballot.best = position
        } else {
            var placed: [(place: Int, position: Int)] = []
            for (key, value) in form.rank ?? [:] where !value.isEmpty {
                // rank[p3]: a letter first, or the form decoder reads the key as an array index.
                guard key.hasPrefix("p"), let position = Int(key.dropFirst()), let place = Int(value) else {
                    throw PreferError.invalidField("rank[\(key.prefix(10))]", "Each place must be a number from 1 to \(token.k).")
                }
                placed.append((place, position))
            }
            placed.sort { $0.place < $1.place }
            if let repeated = zip(placed, placed.dropFirst()).first(where: { $0.place == $1.place }) {
                throw PreferError.invalidField("ranking", "Two responses have place \(repeated.0.place); give each place once.")
            }
            ballot.ranking = placed.map(\.position)
        }
        for (name, value) in form.criteria ?? [:] where !value.isEmpty {
            guard let position = Int(value) else {
                throw PreferError.invalidField("criteria.\(name.prefix(100))", "Each criterion takes the position (1 to \(token.k)) of the response best on it.")
            }
            ballot.criteria[name] = position
        }
        let rationale = form.rationale?.trimmingCharacters(in: .whitespacesAndNewlines)
        ballot.rationale = rationale?.isEmpty == false ? rationale : nil
        ballot.clientVoteId = form.clientVoteId?.isEmpty == false ? form.clientVoteId : nil
        if let ms = form.timeToVoteMs, let value = Int(ms) {
            ballot.timeToVoteMs = value
        } else {
            ballot.timeToVoteMs = min(max(0, Int(Date().timeIntervalSince1970) - Int(token.issuedAt)) * 1000, 86_400_000)
        }
        let recorded = try await services.battles.voteKWay(ballot, battle: battle, token: token, index: index, next: false)
        let vote = Components.Schemas.Vote(recorded)
        if wantsJSON {
            let data = try JSONCoding.encoder.encode(vote)
            return Response(
                status: recorded.replayed ? .ok : .created, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        let outputs = token.shown.compactMap { index.outputs[$0.outputId] }
        let page = KWayVotePage(
            arena: index.arena, prompt: index.prompts[token.promptId], outputs: outputs, battle: battle,
            csrfToken: presented ?? "", clientVoteId: ballot.clientVoteId ?? "", inviteQuery: Self.inviteQuery(request),
            revealed: .init(
                names: (vote.candidates ?? []).map(\.contender), places: (vote.candidates ?? []).map(\.place),
                criteria: recorded.vote.criteria,
                notice: recorded.replayed ? "This vote was already saved." : nil))
        return PageResponse.html(page.render())
    }

    /// The vote the form describes. Time to vote falls back to the time since
    /// the battle was issued (whole seconds) when the script did not measure it.
    func ballot(_ form: VoteForm, token: BattleToken, index: ArenaIndex) throws -> BattleService.Ballot {
        func choice(_ text: String?, field: String) throws -> Choice {
            guard let text, let choice = Choice(rawValue: text) else {
                throw PreferError.invalidField(field, "\(field) must be one of \(Choice.spellings); got \"\((text ?? "").prefix(40))\".")
            }
            return choice
        }
        func milliseconds(_ text: String?, field: String) throws -> Int? {
            guard let text, !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw PreferError.invalidField(field, "\(field) must be a whole number of milliseconds; got \"\(text.prefix(40))\".") }
            return value
        }
        var criteria: [String: Choice] = [:]
        for (name, value) in form.criteria ?? [:] where !value.isEmpty {
            criteria[name] = try choice(value, field: "criteria.\(name)")
        }
        let measured = try milliseconds(form.timeToVoteMs, field: "time_to_vote_ms")
        let sinceIssued = max(0, Int(Date().timeIntervalSince1970) - Int(token.issuedAt)) * 1000
        let leftPlayed = try milliseconds(form.leftPlayedMs, field: "left_played_ms")
        let rightPlayed = try milliseconds(form.rightPlayedMs, field: "right_played_ms")
        if let minimum = index.arena.minPlayMs, minimum > 0 {
            for (letter, outputId, played, field) in [("A", token.leftOutputId, leftPlayed, "left_played_ms"), ("B", token.rightOutputId, rightPlayed, "right_played_ms")] {
                guard let media = index.outputs[outputId]?.media, media == .audio || media == .video else { continue }
                if (played ?? 0) < minimum {
                    throw PreferError.invalidField(field, "Play response \(letter) for at least \(minimum / 1000) seconds before voting (this arena asks for it); the page enables the buttons once you have.")
                }
            }
        }
        let rationale = form.rationale?.trimmingCharacters(in: .whitespacesAndNewlines)
        return BattleService.Ballot(
            choice: try choice(form.choice, field: "choice"),
            criteria: criteria,
            rationale: rationale?.isEmpty == false ? rationale : nil,
            timeToVoteMs: measured ?? min(sinceIssued, 86_400_000),
            leftPlayedMs: leftPlayed,
            rightPlayedMs: rightPlayed,
            clientVoteId: form.clientVoteId?.isEmpty == false ? form.clientVoteId : nil
        )
    }

    /// The script's answer to a vote: the API's vote (contenders revealed),
    /// and the next battle's `<main>`, rendered here like every page (the
    /// outputs through `SafeMarkdown`), for the script to show in place.
    struct PageVoteReply: Encodable {
        var vote: Components.Schemas.Vote
        var nextPage: String?

        enum CodingKeys: String, CodingKey {
            case nextPage = "next_page"
        }

        func encode(to encoder: any Encoder) throws {
            try vote.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(nextPage, forKey: .nextPage)
        }
    }

    static var forgedVote: PreferError { PreferError(
        .forbidden, code: "forged_vote",
        "This vote did not come with the voting page's security token (or your browser blocked Prefer's cookie). Open the voting page again, with cookies allowed for this site, and vote there."
    ) }

    // MARK: Leaderboard

    @Sendable func leaderboardPage(_ request: Request, context: Context) async throws -> Response {
        do {
            let index = try await services.directory.index(context.parameters.require("arena"))
            let arena = index.arena
            try ArenaAccess.requireReader(arena, context.identity)
            // People's board unless `?source=judge|all` asks for the judges' votes.
            let source = request.uri.queryParameters["source"].flatMap { VoteSourceFilter(rawValue: String($0)) } ?? .human
            let view = request.uri.queryParameters.get("view") ?? ""
            // A trajectory or the Pareto view goes under the whole board.
            let modelView = view == "trajectory" || view == "pareto"
            let weights = try await weightsView(request, view: view, index: index)
            let variant = if let weights { weights.variant } else if view.hasPrefix("group:") {
                try await PreferAPI(services: services).groupVariant(String(view.dropFirst(6)), index: index)
            } else {
                try PreferAPI.variant(
                    style: view == "style", slice: view.isEmpty || view == "style" || modelView ? nil : view, index: index)
            }
            let judges = source == .all ? try await services.judges.boardJudges(arena: arena) : nil
            let (entry, stale) = try await services.leaderboards.leaderboard(
                arena: arena.id, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed, includeFlagged: false,
                source: source, variant: variant, judges: judges?.voters
            )
            let total = await services.leaderboards.voteCount(arena: arena.id, source: source)
            let stored = await services.leaderboards.votesByContender(arena: arena.id, source: source)
            let shown = index.shown(entry.board)
            let rated = Set(shown.contenders.map(\.name))
            let unrated = index.contenders.values.filter { !$0.hidden && !rated.contains($0.name) }.map(\.name).sorted()
            var page = LeaderboardPage(
                arena: arena, board: shown, computedAt: entry.computedAt, votesTotal: total, stale: stale)
            page.votesUsed = entry.votesUsed
            page.unrated = unrated.map { ($0, stored[$0] ?? 0) }
            page.openForVoting = index.openForVoting
            page.source = source
            page.judges = JudgeSection(arena: arena.name, rows: try await services.judges.pageRows(arena: arena), source: source)
            page.judges?.routing = try await services.routing.describe(arenaId: arena.id)
            page.judges?.counted = judges?.document
            page.views = LeaderboardPage.views(index) + (try await groupViews(index))
            page.view = view
            page.slice = entry.slice
            if let group = entry.group { page.board.warnings += Self.groupNotes(group) }
            if let weights {
                page.slice = nil
                page.weighting = try await weightingSection(weights, entry: entry, index: index, source: source, judges: judges?.voters)
            }
            page.sections = try await disagreementSections(index, view: view, source: source)
            if modelView {
                let every = request.uri.queryParameters.get("every") ?? "auto"
                let extra: LeaderboardCache.Variant
                if view == "trajectory" {
                    extra = try PreferAPI.trajectoryVariant(every: every, window: nil, index: index)
                } else {
                    try PreferAPI.requireCriteria(index)
                    extra = .pareto
                }
                let (models, _) = try await services.leaderboards.leaderboard(
                    arena: arena.id, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed,
                    includeFlagged: false, source: source, variant: extra, judges: judges?.voters)
                page.every = every
                page.viewWarnings = models.board.warnings.filter { !shown.warnings.contains($0) }
                page.trajectory = models.report?.trajectory.map(index.shown)
                page.pareto = models.report.map { report in
                    var report = report
                    report.pareto = report.pareto.map(index.shown)
                    return report
                }
            }
            return PageResponse.html(page.render(), cache: "no-cache")
        } catch {
            let problem = translate(error, context: context)
            return PageResponse.error(problem, title: Self.title(problem))
        }
    }

    @Sendable func leaderboardSVG(_ request: Request, context: Context) async throws -> Response {
        let index = try await services.directory.index(context.parameters.require("arena"))
        try ArenaAccess.requireReader(index.arena, context.identity)
        let (entry, _) = try await services.leaderboards.leaderboard(
            arena: index.arena.id, rounds: services.configuration.leaderboardRounds, seed: services.configuration.leaderboardSeed, includeFlagged: false
        )
        let svg = LeaderboardSVG.document(index.shown(entry.board), title: "Leaderboard · \(index.arena.name)")
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

    /// The audit page: without a key, the shell (401) the script fills; with
    /// a key of any role, the audit rendered for it (actions for admins).
    @Sendable func auditPage(_ request: Request, context: Context) async throws -> Response {
        let reference = try context.parameters.require("arena")
        do {
            guard let bearer = request.headers.bearer, !bearer.token.isEmpty else {
                return PageResponse.html(AuditPage.shell(arena: reference), status: .unauthorized, cache: "no-store")
            }
            guard case .key(let name, let role)? = try await services.keyRing.identity(token: bearer.token) else {
                throw PreferError.wrongAdminKey
            }
            let document = try await services.auditReview(arena: reference)
            let page = AuditPage(document: document, canDecide: role >= .admin, keyName: name, role: role)
            return PageResponse.html(page.render(), cache: "no-store")
        } catch {
            let problem = translate(error, context: context)
            return PageResponse.error(problem, title: problem.code == "wrong_admin_key" ? "This key is not known here" : Self.title(problem))
        }
    }

    @Sendable func asset(_ request: Request, context: Context) async throws -> Response {
        guard let response = StaticAssets.serve(try context.parameters.require("file")) else {
            throw PreferError(.notFound, code: "not_found", "No such file; the pages use /assets/prefer.js, /assets/prefer.css and /assets/favicon.svg.")
        }
        return response
    }

    // MARK: Helpers

    func translate(_ error: any Error, context: Context) -> PreferError {
        JSONErrorMiddleware<Context>(bodyLimit: services.configuration.maxBodyBytes, document: APIDocument.shared)
            .translate(error, logger: context.logger)
    }

    static func title(_ error: PreferError) -> String {
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
