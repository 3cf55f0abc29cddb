import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing
import Logging

/// The HTML pages over in-process HTTP: what they send, the anti-forgery
/// token, the reveal, private arenas and hostile content in the markup.
@Suite("Pages")
struct PageTests {
    /// The value of a hidden input or other `name="…" value="…"` pair.
    static func field(_ name: String, in html: String) -> String? {
        let pattern = "name=\"\(NSRegularExpression.escapedPattern(for: name))\" value=\"([^\"]*)\""
        let regex = try! NSRegularExpression(pattern: pattern)
        let ns = html as NSString
        guard let match = regex.firstMatch(in: html, range: NSRange(location: 0, length: ns.length)) else { return nil }
        return ns.substring(with: match.range(at: 1)).replacingOccurrences(of: "&amp;", with: "&")
    }

    /// `prefer_session=…` from a Set-Cookie header.
    static func sessionCookie(_ reply: TestServer.Reply) -> String? {
        reply.headers[.setCookie].map { String($0.split(separator: ";")[0]) }
    }

    static func form(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.~")
        return fields.map { "\($0.key.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }

    func post(_ server: TestServer, _ path: String, _ fields: [String: String], cookie: String?, json: Bool = false, token: String? = nil) async throws -> TestServer.Reply {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        if json { headers[.accept] = "application/json" }
        if let token { headers[SessionCookies.tokenHeader] = token }
        return try await server.send(.post, path, raw: Self.form(fields), headers: headers)
    }

    /// Checks the things every page must have: HTML, the policy, no inline script or style.
    func expectSafePage(_ reply: TestServer.Reply, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.headers[.contentType] == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(reply.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
        let csp = reply.headers[SecurityHeaders.contentSecurityPolicy] ?? ""
        for directive in ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"] {
            #expect(csp.contains(directive), "CSP lacks \(directive): \(csp)", sourceLocation: sourceLocation)
        }
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), sourceLocation: sourceLocation)
        let html = reply.text
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"), sourceLocation: sourceLocation)
        #expect(html.components(separatedBy: "<h1>").count == 2, "a page has exactly one h1", sourceLocation: sourceLocation)
        let scripts = html.components(separatedBy: "<script").count - 1
        let ownScripts = html.components(separatedBy: "<script src=\"/assets/prefer.js?v=").count - 1
        #expect(scripts == 1 && ownScripts == 1, "the only script is prefer.js", sourceLocation: sourceLocation)
        // Escaped text has no raw "<", so these only find real attributes.
        #expect(html.range(of: "<[a-zA-Z][^>]*\\son[a-z]+\\s*=", options: .regularExpression) == nil, "no event-handler attributes", sourceLocation: sourceLocation)
        #expect(html.range(of: "<[a-zA-Z][^>]*\\sstyle\\s*=", options: .regularExpression) == nil, "no inline style", sourceLocation: sourceLocation)
    }

    @Test func votePageShowsABattleAndNamesNoContender() async throws {
        try await TestServer.run { server in
            try await server.makeArena("p", contenders: ["secret-alpha", "secret-beta"], prompts: 2, extra: ["criteria": ["accuracy"], "description": "A study."])
            let page = try await server.send(.get, "/arenas/p/vote")
            #expect(page.status == 200)
            expectSafePage(page)
            #expect(page.headers[.cacheControl] == "no-store")
            let cookie = try #require(Self.sessionCookie(page))
            #expect(cookie.hasPrefix("prefer_session=") && page.headers[.setCookie]!.contains("HttpOnly"))
            #expect(page.headers[.setCookie]!.lowercased().contains("samesite=lax"))
            let html = page.text
            #expect(!html.contains("secret-"), "the page names a contender before the vote")
            for text in ["<title>Vote · p · Prefer</title>", "A is better", "B is better", "Tie", "Both are bad", ">←</kbd>", ">→</kbd>",
                         ">T</kbd>", ">X</kbd>", "name=\"criteria[accuracy]\"", "<textarea id=\"rationale\" name=\"rationale\"",
                         "action=\"/arenas/p/vote\"", "aria-live=\"polite\"", "Answer "] {
                #expect(html.contains(text), "vote page lacks \(text)")
            }
            #expect(Self.field("battle", in: html) != nil && Self.field("csrf", in: html) != nil)
            // A returning visitor keeps the session and gets no new cookie.
            let again = try await server.send(.get, "/arenas/p/vote", headers: [.cookie: cookie])
            #expect(again.headers[.setCookie] == nil)
            #expect(Self.field("csrf", in: again.text) == Self.field("csrf", in: html))
        }
    }

    @Test func formVotesNeedTheSessionTokenAndRevealTheContenders() async throws {
        try await TestServer.run { server in
            try await server.makeArena("f", contenders: ["alpha", "beta", "gamma"])
            let page = try await server.send(.get, "/arenas/f/vote")
            let cookie = try #require(Self.sessionCookie(page))
            let battle = try #require(Self.field("battle", in: page.text))
            let csrf = try #require(Self.field("csrf", in: page.text))
            let clientId = try #require(Self.field("client_vote_id", in: page.text))
            let left = try #require(page.text.range(of: "Answer [0-9]+ \\[[0-9]\\]", options: .regularExpression)).lowerBound
            let leftAuthor = Int(String(page.text[left...].split(separator: "[")[1].prefix(1)))!

            // Without the cookie, with a wrong token, or with another session's token: refused, nothing stored.
            let fields = ["battle": battle, "csrf": csrf, "choice": "left", "client_vote_id": clientId]
            let noCookie = try await post(server, "/arenas/f/vote", fields, cookie: nil)
            #expect(noCookie.status == 403 && noCookie.text.contains("security token"))
            expectSafePage(noCookie)
            let wrong = try await post(server, "/arenas/f/vote", fields.merging(["csrf": (csrf.first == "x" ? "y" : "x") + csrf.dropFirst()]) { $1 }, cookie: cookie)
            #expect(wrong.status == 403)
            let other = try await server.send(.get, "/arenas/f/vote")
            let otherCookie = try #require(Self.sessionCookie(other))
            let crossed = try await post(server, "/arenas/f/vote", fields, cookie: otherCookie)
            #expect(crossed.status == 403)
            let missing = try await post(server, "/arenas/f/vote", fields.filter { $0.key != "csrf" }, cookie: cookie)
            #expect(missing.status == 403)
            #expect(try await server.store.voteCount(arena: 1) == 0)

            // The real form vote is stored and the answer reveals who wrote each side.
            let voted = try await post(server, "/arenas/f/vote", fields.merging(["rationale": "  clearer  "]) { $1 }, cookie: cookie)
            #expect(voted.status == 200)
            expectSafePage(voted)
            let votes = try await server.store.votes(arena: 1, after: nil, limit: 10)
            #expect(votes.count == 1)
            let vote = try #require(votes.first)
            #expect(vote.choice == .left && vote.rationale == "clearer" && vote.clientVoteId == clientId)
            #expect(vote.timeToVoteMs != nil && vote.voter?.hasPrefix("anon-") == true)
            let contenders = try await server.store.contenders(arena: 1)
            let leftName = contenders.first { $0.id == vote.leftContenderId }!.name
            let rightName = contenders.first { $0.id == vote.rightContenderId }!.name
            #expect(leftName == ["alpha", "beta", "gamma"][leftAuthor])
            #expect(voted.text.contains("A was <strong>\(leftName)</strong>; B was <strong>\(rightName)</strong>"))
            #expect(voted.text.contains("Vote saved: A is better."))
            #expect(voted.text.contains("href=\"/arenas/f/vote\" autofocus"))

            // Sending the same form again repeats the answer without a second vote.
            let repeated = try await post(server, "/arenas/f/vote", fields, cookie: cookie)
            #expect(repeated.status == 200 && repeated.text.contains("already saved"))
            #expect(try await server.store.voteCount(arena: 1) == 1)

            // The script's way: the token in a header, JSON back.
            let next = try await server.send(.get, "/arenas/f/vote", headers: [.cookie: cookie])
            let json = try await post(server, "/arenas/f/vote", ["battle": Self.field("battle", in: next.text)!, "choice": "both_bad", "time_to_vote_ms": "4321"],
                                      cookie: cookie, json: true, token: csrf)
            #expect(json.status == 201 && json.json["choice"] as? String == "both_bad")
            #expect(((json.json["left"] as? [String: Any])?["contender"] as? String).map { ["alpha", "beta", "gamma"].contains($0) } == true)
            let stored = try await server.store.votes(arena: 1, after: vote.id, limit: 10)
            #expect(stored.count == 1 && stored[0].timeToVoteMs == 4321 && stored[0].choice == .bothBad)
            // Errors come back as JSON to the script too.
            let bad = try await post(server, "/arenas/f/vote", ["battle": "nope", "choice": "left"], cookie: cookie, json: true, token: csrf)
            #expect(bad.status == 404 && bad.errorCode == "unknown_battle")
        }
    }

    @Test func aBattleVotesOnlyThroughItsOwnArena() async throws {
        try await TestServer.run { server in
            try await server.makeArena("one")
            try await server.makeArena("two")
            let page = try await server.send(.get, "/arenas/one/vote")
            let cookie = Self.sessionCookie(page)
            let fields = ["battle": Self.field("battle", in: page.text)!, "csrf": Self.field("csrf", in: page.text)!, "choice": "tie"]
            let elsewhere = try await post(server, "/arenas/two/vote", fields, cookie: cookie)
            #expect(elsewhere.status == 404 && elsewhere.text.contains("No such battle"))
            let badChoice = try await post(server, "/arenas/one/vote", fields.merging(["choice": "maybe"]) { $1 }, cookie: cookie)
            #expect(badChoice.status == 400 && badChoice.text.contains("choice must be one of"))
            #expect(try await server.store.voteCount(arena: 1) == 0)
        }
    }

    @Test func privateArenasKeepTheInviteOnThePagesOwnRequests() async throws {
        try await TestServer.run { server in
            try await server.makeArena("closed", extra: ["private": true])
            let denied = try await server.send(.get, "/arenas/closed/vote")
            #expect(denied.status == 403 && denied.text.contains("invite link"))
            expectSafePage(denied)
            let invites = try await server.send(.post, "/api/arenas/closed/invites", json: ["names": ["ana"]], admin: true)
            let token = try #require((invites.json["invites"] as? [[String: Any]])?.first?["token"] as? String)
            let page = try await server.send(.get, "/arenas/closed/vote?invite=\(token)")
            #expect(page.status == 200)
            #expect(page.text.contains("action=\"/arenas/closed/vote?invite=\(token)\""))
            #expect(page.text.contains("id=\"next\" class=\"next\" href=\"/arenas/closed/vote?invite=\(token)\""))
            let fields = ["battle": Self.field("battle", in: page.text)!, "csrf": Self.field("csrf", in: page.text)!, "choice": "right"]
            let voted = try await post(server, "/arenas/closed/vote?invite=\(token)", fields, cookie: Self.sessionCookie(page))
            #expect(voted.status == 200)
            #expect(voted.text.contains("href=\"/arenas/closed/vote?invite=\(token)\" autofocus"))
            let vote = try await server.store.votes(arena: 1, after: nil, limit: 1).first
            #expect(vote?.voter == "invite:ana" && vote?.choice == .right)
            // A forged invite in the address is refused, and shows escaped.
            let forged = try await server.send(.get, "/arenas/closed/vote?invite=%22%3E%3Cscript%3Ealert(1)%3C/script%3E")
            #expect(forged.status == 403 && !forged.text.contains("<script>alert"))
        }
    }

    @Test func hostileOutputsNamesAndPromptsAreEscapedEverywhere() async throws {
        try await TestServer.run(configure: { $0.leaderboardRounds = 20; $0.leaderboardRefreshInterval = .zero }) { server in
            try await server.createArena(["name": "xss"])
            let payload = "<script>alert(1)</script><img src=x onerror=alert(2)>[x](javascript:alert(3))</textarea>\"'><svg onload=alert(4)>"
            let lines = [
                ["prompt": "<script>alert('prompt')</script> Which?", "contender": "<img src=x onerror=alert('name')>", "content": payload],
                ["prompt": "<script>alert('prompt')</script> Which?", "contender": "\"><script>alert('name2')</script>", "content": "fine **bold** " + payload],
            ].map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            let imported = try await server.send(.post, "/api/arenas/xss/import", raw: lines.joined(separator: "\n"), admin: true)
            #expect(imported.status == 201)
            let page = try await server.send(.get, "/arenas/xss/vote")
            expectSafePage(page)
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;[x](javascript:alert(3))&lt;/textarea&gt;&quot;&#39;&gt;&lt;svg onload=alert(4)&gt;"))
            #expect(page.text.contains("&lt;script&gt;alert(&#39;prompt&#39;)&lt;/script&gt; Which?"))
            #expect(!page.text.contains("javascript:alert(3)\""))
            let fields = ["battle": Self.field("battle", in: page.text)!, "csrf": Self.field("csrf", in: page.text)!, "choice": "left"]
            let voted = try await post(server, "/arenas/xss/vote", fields, cookie: Self.sessionCookie(page))
            expectSafePage(voted)
            #expect(voted.text.contains("&lt;img src=x onerror=alert(&#39;name&#39;)&gt;"))
            #expect(voted.text.contains("&quot;&gt;&lt;script&gt;alert(&#39;name2&#39;)&lt;/script&gt;"))
            // The vote reaches the board through the refresher: wait for it, so that the plot draws the names too.
            try await server.boardHolds("xss", votes: 1)
            let board = try await server.send(.get, "/arenas/xss/leaderboard")
            expectSafePage(board)
            #expect(board.text.contains("<th scope=\"row\" class=\"name\">&lt;img src=x onerror=alert(&#39;name&#39;)&gt;"))
            let svg = try await server.send(.get, "/arenas/xss/leaderboard.svg")
            #expect(!svg.text.contains("<script") && !svg.text.contains("<img"))
            #expect(svg.text.contains("&lt;img src=x onerror=alert(&#39;name&#39;)&gt;"))
        }
    }

    @Test func leaderboardPageAndSVG() async throws {
        try await TestServer.run(configure: { $0.leaderboardRounds = 50; $0.leaderboardRefreshInterval = .zero }) { server in
            try await server.makeArena("lb", prompts: 4)
            let empty = try await server.send(.get, "/arenas/lb/leaderboard")
            #expect(empty.status == 200 && empty.text.contains("No votes yet"))
            expectSafePage(empty)
            // One vote: no interval (it would read "−0.0 / +0.0"), and the page says why.
            let first = try await server.battle("lb")
            #expect(try await server.vote(first.json["battle"] as! String, ["choice": "left"]).status == 201)
            try await server.boardHolds("lb", votes: 1)
            let one = try await server.send(.get, "/arenas/lb/leaderboard")
            #expect(one.text.contains("title=\"no interval: only 1 vote; 10 are needed for an interval\">no interval</abbr>"))
            #expect(!one.text.contains("−0.0"))
            for k in 1..<30 {
                let battle = try await server.battle("lb")
                let alphaLeft = TestServer.author(battle.json["left"]) == 0
                let alphaRight = TestServer.author(battle.json["right"]) == 0
                let choice = alphaLeft ? (k % 5 == 0 ? "right" : "left") : alphaRight ? (k % 5 == 0 ? "left" : "right") : (k % 2 == 0 ? "tie" : "left")
                #expect(try await server.vote(battle.json["battle"] as! String, ["choice": choice]).status == 201)
            }
            try await server.boardHolds("lb", votes: 30)
            let page = try await server.send(.get, "/arenas/lb/leaderboard")
            expectSafePage(page)
            let html = page.text
            for text in ["<h1>Leaderboard · lb</h1>", "30 votes · Bradley–Terry", "95% intervals from 50 bootstrap rounds (seed 42)",
                         ">Rank</th>", "Rank (UB)</abbr>", ">Contender</th>", ">Rating</th>", "−/+ interval", ">Votes</th>", ">Win rate</th>",
                         "id=\"interval-plot-title\"", "id=\"heatmap-title\"", "href=\"/arenas/lb/leaderboard.svg\""] {
                #expect(html.contains(text), "leaderboard page lacks \(text)")
            }
            #expect(html.components(separatedBy: "<th scope=\"row\" class=\"name\">").count == 4)
            let alphaRow = try #require(html.range(of: "<th scope=\"row\" class=\"name\">alpha"))
            let betaRow = try #require(html.range(of: "<th scope=\"row\" class=\"name\">beta"))
            #expect(alphaRow.lowerBound < betaRow.lowerBound, "alpha, who wins most, is listed first")
            let svg = try await server.send(.get, "/arenas/lb/leaderboard.svg")
            #expect(svg.status == 200 && svg.headers[.contentType] == "image/svg+xml; charset=utf-8")
            #expect(svg.text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.text.components(separatedBy: "<circle").count - 1 == 3)
            let missing = try await server.send(.get, "/arenas/nope/leaderboard")
            #expect(missing.status == 404 && missing.text.contains("No arena named"))
        }
    }

    @Test func homeListsPublicArenasWithVoteCounts() async throws {
        try await TestServer.run { server in
            let none = try await server.send(.get, "/")
            #expect(none.status == 200 && none.text.contains("No public arenas yet"))
            try await server.makeArena("open-one", extra: ["description": "First <b>study</b>"])
            try await server.makeArena("hidden", extra: ["private": true])
            let battle = try await server.battle("open-one")
            _ = try await server.vote(battle.json["battle"] as! String, ["choice": "tie"])
            let home = try await server.send(.get, "/")
            expectSafePage(home)
            #expect(home.text.contains("href=\"/arenas/open-one/vote\""))
            #expect(home.text.contains("href=\"/arenas/open-one/leaderboard\""))
            #expect(home.text.contains("<span class=\"count\">1</span> vote · 3 contenders"))
            #expect(home.text.contains("First &lt;b&gt;study&lt;/b&gt;"))
            #expect(!home.text.contains("/arenas/hidden/"))
            // An arena with no outputs yet offers no Vote button (issue 16).
            _ = try await server.createArena(["name": "empty-one"])
            let later = try await server.send(.get, "/")
            #expect(!later.text.contains("href=\"/arenas/empty-one/vote\""))
            #expect(later.text.contains("Not open for voting yet") && later.text.contains("href=\"/arenas/empty-one/leaderboard\""))
        }
    }

    @Test func adminPageAndAssets() async throws {
        try await TestServer.run { server in
            let admin = try await server.send(.get, "/admin")
            expectSafePage(admin)
            for text in ["<label for=\"admin-key\">Admin key</label>", "type=\"password\"", "id=\"create-form\"", "id=\"arenas\"", "<noscript>"] {
                #expect(admin.text.contains(text), "admin page lacks \(text)")
            }
            let version = try #require(admin.text.range(of: "/assets/prefer\\.js\\?v=[0-9a-f]{12}", options: .regularExpression))
            let script = try await server.send(.get, String(admin.text[version]))
            #expect(script.status == 200 && script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.headers[.cacheControl] == "public, max-age=31536000, immutable")
            #expect(script.text.contains("sessionStorage") && !script.text.contains("innerHTML"))
            let css = try await server.send(.get, "/assets/prefer.css")
            #expect(css.status == 200 && css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains(":focus-visible"))
            #expect(try await server.send(.get, "/assets/other.js").status == 404)
            #expect(admin.text.range(of: #"<link rel="icon" type="image/svg\+xml" href="/assets/favicon\.svg\?v=[0-9a-f]{12}">"#, options: .regularExpression) != nil)
            let icon = try await server.send(.get, "/assets/favicon.svg")
            #expect(icon.status == 200 && icon.headers[.contentType] == "image/svg+xml" && icon.text.hasPrefix("<svg"))
            // Page routes stay out of the API's route table.
            let built = try await buildRouter(configuration: ServerConfiguration(), store: server.store, logger: .init(label: "t"))
            let paths = built.apiRoutes.map { String($0.split(separator: " ")[1]) }
            #expect(!paths.isEmpty && paths.allSatisfy { !$0.hasPrefix("/arenas/") && !$0.hasPrefix("/assets/") && $0 != "/admin" && $0 != "/" })
        }
    }

    @Test func recordingsMustPlayTheArenasMinimumBeforeAVote() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "music", "min_play_ms": 3000])
            let lines = ["a", "b"].map { c in
                String(decoding: try! JSONSerialization.data(withJSONObject: ["prompt": "lofi beat", "contender": c, "media": "audio", "url": "https://cdn.example/\(c).mp3"]), as: UTF8.self)
            }
            _ = try await server.send(.post, "/api/arenas/music/import", raw: lines.joined(separator: "\n"), admin: true)
            let page = try await server.send(.get, "/arenas/music/vote")
            let html = page.text
            #expect(html.contains("data-min-play-ms=\"3000\""))
            #expect(html.contains("<audio controls preload=\"metadata\" src=\"https://cdn.example/"))
            #expect(html.components(separatedBy: "class=\"choice ").count - 1 == 4)
            #expect(html.components(separatedBy: " disabled>").count - 1 == 4, "vote buttons start disabled")
            #expect(html.contains("Play each recording for at least 3 s"))
            let fields = ["battle": Self.field("battle", in: html)!, "csrf": Self.field("csrf", in: html)!, "choice": "left"]
            let cookie = Self.sessionCookie(page)
            let short = try await post(server, "/arenas/music/vote", fields.merging(["left_played_ms": "3500", "right_played_ms": "1200"]) { $1 }, cookie: cookie)
            #expect(short.status == 400 && short.text.contains("Play response B for at least 3 seconds"))
            let long = try await post(server, "/arenas/music/vote", fields.merging(["left_played_ms": "3500", "right_played_ms": "3100", "time_to_vote_ms": "9000"]) { $1 }, cookie: cookie)
            #expect(long.status == 200)
            let vote = try await server.store.votes(arena: 1, after: nil, limit: 1).first
            #expect(vote?.leftPlayedMs == 3500 && vote?.rightPlayedMs == 3100 && vote?.timeToVoteMs == 9000)
        }
    }

    @Test func mediaOutputsRenderNatively() async throws {
        try await TestServer.run { server in
            try await server.createArena(["name": "media"])
            let items: [[String: Any]] = [
                ["prompt": "p", "contender": "img", "media": "image", "url": "https://cdn.example/a.png", "content": "a *cat*"],
                ["prompt": "p", "contender": "vid", "media": "video", "url": "https://cdn.example/a.mp4"],
                ["prompt": "p", "contender": "obj", "media": "model3d", "url": "https://cdn.example/a.glb"],
            ]
            let lines = items.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            _ = try await server.send(.post, "/api/arenas/media/import", raw: lines.joined(separator: "\n"), admin: true)
            var seen: Set<String> = []
            for _ in 0..<40 where seen.count < 3 {
                let html = try await server.send(.get, "/arenas/media/vote").text
                if html.contains("<img src=\"https://cdn.example/a.png\" alt=\"Response ") && html.contains("<em>cat</em>") { seen.insert("image") }
                if html.contains("<video controls preload=\"metadata\" playsinline src=\"https://cdn.example/a.mp4\"") { seen.insert("video") }
                if html.contains("<a class=\"asset\" href=\"https://cdn.example/a.glb\" rel=\"noopener nofollow noreferrer\"") { seen.insert("model3d") }
            }
            #expect(seen == ["image", "video", "model3d"])
        }
    }
}

/// Issue 16: after the audit left votes out, the leaderboard page said
/// "(7 newer votes being added; reload in a moment)" forever, a contender
/// vanished with no word, and "see the audit summary" pointed at nothing.
@Suite("Leaderboard page and the audit")
struct LeaderboardAuditPageTests {
    func board() throws -> Leaderboard {
        var votes: [Vote] = []
        for k in 0..<40 { votes.append(Vote(a: "alpha", b: "beta", outcome: k % 4 == 0 ? .bWins : .aWins)) }
        var board = try LeaderboardBuilder(options: LeaderboardOptions(intervals: .bootstrap(rounds: 20, seed: 1))).build(VoteTable(votes))
        board.audit = try JSONDecoder().decode(AuditReport.Summary.self, from: Data("""
            {"voters": 9, "voters_flagged": 2, "share_authentic": 0.8, "votes": 47, "votes_without_voter": 0,
             "votes_by_flagged_voters": 7, "votes_filtered_by_content": {}, "votes_downsampled": 0, "votes_removed": 7,
             "votes_kept": 40, "flagged_by": {"position": 1, "speed": 2}, "lmarena_sequential_flags": 0,
             "false_discovery_rate": 0.05, "passes": 1}
            """.utf8))
        return board
    }

    @Test func theAuditIsExplainedAndNoRefreshIsClaimed() throws {
        let arena = Arena(id: 1, name: "audited")
        var page = LeaderboardPage(arena: arena, board: try board(), computedAt: Date(), votesTotal: 47, stale: false)
        page.votesUsed = 47
        page.unrated = [("gamma", 5), ("delta", 0)]
        let html = String(describing: page.render())
        #expect(!html.contains("being added"), "votes the audit left out are not newer votes")
        #expect(html.contains("The vote audit left out 7 of 47 votes: 7 from 2 of 9 voters flagged (position: 1 voter, speed: 2 voters)"))
        #expect(html.contains("include_flagged=true"))
        #expect(html.contains("No rating: gamma (all 5 of its votes left out by the audit), delta (no votes yet)."))

        page.stale = true
        page.votesTotal = 50
        let refreshing = String(describing: page.render())
        #expect(refreshing.contains("(3 newer votes being added; reload in a moment)"))
    }
}
