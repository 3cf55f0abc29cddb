import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// The K-way vote page and the leaderboard's Board selector in headless
/// Chromium: K anonymous outputs in a grid (stacked on a phone), keys 1…K
/// pick the best, a ranking by places, the reveal after the vote; and each
/// board the selector offers (all votes, style-controlled, a category, a
/// criterion, ratings over time, the Pareto view) shown by choosing it.
extension BrowserTests {
    /// The K-way page is ready (its script has run: the key handler is set).
    func openKWay(_ browser: WebDriver, _ url: String) async throws {
        try await browser.navigate(url)
        try await browser.waitFor("the K-way page") {
            try await browser.execute("return document.readyState === 'complete' && document.querySelectorAll('.side-k').length > 0") as? Bool == true
        }
    }

    /// Contender index of the output at each position, read from the page ("Answer p [c]").
    func shownAuthors(_ browser: WebDriver) async throws -> [Int] {
        let texts = try await browser.execute(
            "return Array.from(document.querySelectorAll('.output[data-side]')).map(function (o) { return o.textContent.trim(); })") as? [String] ?? []
        return texts.map(Self.author)
    }

    @Test func theKWayPageVotesWithKeysAndRankingsAndReveals() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true) { server in
            try await KWayTests.makeKWayArena(server, name: "grid", k: 4, prompts: 3)
            let kway = try #require(server.store as? any KWayStore)
            let arena = try await server.services.directory.index("grid").arena.id
            let byId = try await names(server, arena: arena)
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                try await openKWay(browser, "\(base)/arenas/grid/vote")
                // Four outputs, labelled 1…4, in a grid (more than one per row on a desktop), nobody named.
                #expect(try await browser.execute("return document.querySelectorAll('.side-k').length") as? Int == 4)
                let badges = try await browser.execute(
                    "return Array.from(document.querySelectorAll('.side-k .badge')).map(function (b) { return b.textContent; })") as? [String] ?? []
                #expect(badges == ["1", "2", "3", "4"])
                let rowTops = try await browser.execute(
                    "return Array.from(document.querySelectorAll('.side-k')).map(function (s) { return Math.round(s.getBoundingClientRect().top); })") as? [Int] ?? []
                #expect(Set(rowTops).count < 4, "the outputs are in a grid, not one column: tops \(rowTops)")
                let shownText = try await string(browser, "return document.body.innerText")
                for name in KWayTests.contenders { #expect(!shownText.contains(name), "\(name) is named before the vote") }
                #expect(try await horizontalOverflow(browser) == 0)

                // Key 3 picks the third output as best; the page reveals every author with its place.
                let battle = try await string(browser, "return document.querySelector('input[name=battle]').value")
                let authors = try await shownAuthors(browser)
                #expect(authors.count == 4 && Set(authors).count == 4)
                try await browser.press("3")
                try await browser.waitFor("the reveal") {
                    try await browser.execute("return document.getElementById('result') !== null") as? Bool == true
                }
                let stored = try #require(try await kway.kwayVote(battle: battle))
                #expect(stored.kind == .best && stored.ranking == [3])
                #expect(stored.members.map { byId[$0.contenderId] } == authors.map { KWayTests.contenders[$0] })
                #expect((stored.timeToVoteMs ?? 0) > 0, "time to vote is measured")
                let reveals = try await browser.execute(
                    "return Array.from(document.querySelectorAll('[data-reveal]')).map(function (r) { return r.textContent; })") as? [String] ?? []
                #expect(reveals == authors.enumerated().map { position, author in
                    " — \(KWayTests.contenders[author])" + (position == 2 ? " (place 1)" : " (unranked)")
                }, "\(reveals)")
                #expect(try await browser.execute("return document.querySelector('button[name=best][value=\"3\"]').getAttribute('aria-pressed')") as? String == "true")
                #expect(try await browser.execute("return document.querySelector('button[name=best]').disabled") as? Bool == true)
                // Keys do nothing more once the vote is in; 5 is beyond K anyway.
                try await browser.press("1")
                try await browser.press("5")
                #expect(try await kway.kwayVoteCount(arena: arena) == 1)

                // N: a new battle.
                try await browser.press("n")
                try await browser.waitFor("the next battle") {
                    let state = try? await browser.execute(
                        "return document.readyState === 'complete' && document.getElementById('result') === null ? document.querySelector('input[name=battle]').value : ''") as? String
                    return (state ?? "").isEmpty == false && state != battle
                }
                // A partial ranking by places: second, first, two unranked; submitted with the ranking button.
                // (Three places of four would be a full ranking: the last is placed too.)
                let second = try await string(browser, "return document.querySelector('input[name=battle]').value")
                let secondAuthors = try await shownAuthors(browser)
                try await browser.execute("""
                    var places = ['2', '1', '', ''];
                    places.forEach(function (p, i) { document.querySelector('select[name="rank[p' + (i + 1) + ']"]').value = p; });
                    document.querySelector('button[value=ranking]').click();
                    """)
                try await browser.waitFor("the ranking's reveal") {
                    try await browser.execute("return document.getElementById('result') !== null") as? Bool == true
                }
                let ranked = try #require(try await kway.kwayVote(battle: second))
                #expect(ranked.kind == .ranking && ranked.ranking == [2, 1])
                #expect(ranked.members.map { byId[$0.contenderId] } == secondAuthors.map { KWayTests.contenders[$0] })
                let places = try await browser.execute(
                    "return Array.from(document.querySelectorAll('[data-reveal]')).map(function (r) { return r.textContent; })") as? [String] ?? []
                #expect(places.map { $0.components(separatedBy: " (").last ?? "" } == ["place 2)", "place 1)", "unranked)", "unranked)"], "\(places)")
                // Two outputs given one place: refused, nothing stored.
                try await browser.press(WebDriver.Key.enter)
                try await browser.waitFor("a third battle") {
                    let state = try? await browser.execute(
                        "return document.readyState === 'complete' && document.getElementById('result') === null ? document.querySelector('input[name=battle]').value : ''") as? String
                    return (state ?? "").isEmpty == false && state != second
                }
                try await browser.execute("""
                    document.querySelector('select[name="rank[p1]"]').value = '1';
                    document.querySelector('select[name="rank[p2]"]').value = '1';
                    document.querySelector('button[value=ranking]').click();
                    """)
                try await browser.waitFor("the refusal") {
                    try await browser.execute("return document.readyState === 'complete' && document.querySelector('.side-k') === null") as? Bool == true
                }
                let refusal = try await string(browser, "return document.body.innerText")
                #expect(refusal.contains("place 1"), "\(refusal)")
                #expect(try await kway.kwayVoteCount(arena: arena) == 2)
                #expect(try await somethingExecuted(browser) == nil)
            }
            // On a phone the outputs are stacked in one column, without sideways scrolling.
            try await withBrowser(.phone(width: 375, height: 812)) { browser in
                try await openKWay(browser, "\(base)/arenas/grid/vote")
                #expect(try await horizontalOverflow(browser) == 0, "the K-way page scrolls sideways at 375 px")
                let stacked = try await browser.execute("""
                    var s = Array.from(document.querySelectorAll('.side-k')).map(function (e) { return e.getBoundingClientRect(); });
                    for (var i = 1; i < s.length; i++) { if (s[i].top < s[i - 1].bottom - 1) { return false; } }
                    return s.length === 4;
                    """) as? Bool
                #expect(stacked == true, "the four outputs are stacked on a phone")
                try save(try await browser.screenshot(), "vote-kway-phone.png")
            }
        }
    }

    @Test func theBoardSelectorShowsEachBoard() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true, configure: { $0.leaderboardRounds = 20; $0.leaderboardRefreshInterval = .zero }) { server in
            // A pairwise arena with two criteria and two categories of prompts.
            try await server.createArena(["name": "boards", "criteria": ["helpfulness", "harmlessness"]])
            var lines: [String] = []
            for p in 0..<4 {
                for (c, contender) in KWayTests.contenders.enumerated() {
                    // Style that differs by contender and by prompt (so that it is not the contender itself).
                    let line = try JSONSerialization.data(withJSONObject: [
                        "prompt": "Prompt \(p)?", "contender": contender, "content": KWayTests.styled(p, c), "category": p % 2 == 0 ? "code" : "prose",
                    ])
                    lines.append(String(decoding: line, as: UTF8.self))
                }
            }
            let imported = try await server.send(
                .post, "/api/arenas/boards/import", template: "/api/arenas/{arena}/import",
                raw: lines.joined(separator: "\n"), admin: true, headers: [.contentType: "application/x-ndjson"])
            #expect(imported.status == 201, "\(imported.text)")
            for round in 0..<80 {
                let drawn = try await server.battle("boards")
                let (l, r) = (TestServer.author(drawn.json["left"]), TestServer.author(drawn.json["right"]))
                let choice = (l < r) == (round % 4 != 0) ? "left" : "right"
                let harmless = (l > r) == (round % 10 != 0) ? "left" : "right"
                let reply = try await server.vote(drawn.json["battle"] as! String, [
                    "choice": choice, "criteria": ["helpfulness": choice, "harmlessness": harmless],
                ])
                #expect(reply.status == 201, "\(reply.text)")
            }
            // A K-way arena: its selector offers ratings over time, not style control.
            try await KWayTests.makeKWayArena(server, name: "grid", k: 3, prompts: 2)
            for _ in 0..<20 {
                let drawn = try await server.battle("grid")
                let order = KWayTests.authors(drawn)
                let best = (1...3).min { order[$0 - 1] < order[$1 - 1] }!
                #expect(try await server.vote(drawn.json["battle"] as! String, ["choice": "best", "best": best]).status == 201)
            }
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                try await open(browser, "\(base)/arenas/boards/leaderboard")
                let values = try await browser.execute(
                    "return Array.from(document.querySelectorAll('#view option')).map(function (o) { return o.value; })") as? [String] ?? []
                for value in ["", "style", "category:code", "category:prose", "criterion:helpfulness", "criterion:harmlessness", "trajectory", "pareto"] {
                    #expect(values.contains(value), "the selector offers \(value): \(values)")
                }
                /// Chooses `value` in the selector, submits the form as a person would, and waits for the board.
                func choose(_ value: String) async throws {
                    try await browser.execute("var s = document.getElementById('view'); s.value = arguments[0]; s.form.querySelector('button[type=submit]').click()", [value])
                    try await browser.waitFor("the \(value) board") {
                        try await browser.execute(
                            "return document.readyState === 'complete' && new URLSearchParams(location.search).get('view') === arguments[0] && document.getElementById('view').value === arguments[0]",
                            [value]) as? Bool == true
                    }
                    #expect(try await somethingExecuted(browser) == nil)
                    #expect(try await browser.execute("return document.querySelectorAll('table.board tbody tr').length > 0") as? Bool == true, "\(value): a board")
                }
                // Style control: the coefficients under the table.
                try await choose("style")
                let style = try await string(browser, "var s = document.querySelector('.style-coefficients'); return s ? s.innerText : ''")
                #expect(style.contains("Style coefficients"), "\(style)")
                // A category and a criterion: their slice, said so.
                try await choose("category:code")
                #expect(try await string(browser, "var n = document.querySelector('.slice-note'); return n ? n.textContent : ''").contains("category = code"))
                try await choose("criterion:harmlessness")
                let note = try await string(browser, "var n = document.querySelector('.slice-note'); return n ? n.textContent : ''")
                #expect(note.contains("criterion = harmlessness"), "\(note)")
                // Harmlessness reverses the overall order: epsilon leads that board.
                let first = try await string(browser, "var c = document.querySelector('table.board tbody tr'); return c ? c.textContent : ''")
                #expect(first.contains("epsilon"), "\(first)")
                // Ratings over time: the chart. The Pareto view: its table and chart.
                try await choose("trajectory")
                #expect(try await browser.execute("return document.querySelector('svg#trajectory-plot') !== null || document.getElementById('trajectory-plot-title') !== null") as? Bool == true)
                try await choose("pareto")
                #expect(try await browser.execute("return document.querySelector('table.pareto-table') !== null && document.getElementById('pareto-plot-title') !== null") as? Bool == true)
                // Back to every vote: the plain board, no slice note.
                try await choose("")
                #expect(try await browser.execute("return document.querySelector('.slice-note') === null && document.querySelector('.style-coefficients') === null") as? Bool == true)
                #expect(try await horizontalOverflow(browser) == 0)

                // The K-way arena: no style control; its trajectory is drawn with Plackett–Luce.
                try await open(browser, "\(base)/arenas/grid/leaderboard")
                let kwayValues = try await browser.execute(
                    "return Array.from(document.querySelectorAll('#view option')).map(function (o) { return o.value; })") as? [String] ?? []
                #expect(!kwayValues.contains("style") && kwayValues.contains("trajectory") && kwayValues.contains("category:code"), "\(kwayValues)")
                try await choose("trajectory")
                let chart = try await string(browser, "var f = document.querySelector('section.trajectory'); return f ? f.innerText : ''")
                #expect(chart.contains("Plackett–Luce"), "\(chart)")
                #expect(try await browser.execute("return document.getElementById('trajectory-plot-title') !== null") as? Bool == true)
                try save(try await browser.fullPageScreenshot(), "leaderboard-kway-trajectory.png")
            }
        }
    }

    /// A K-way arena asking criteria: the page asks "which is best on it?"
    /// per criterion (radio buttons, chosen by keyboard), the vote keeps the
    /// picks, and the Board selector offers each criterion's Plackett–Luce board.
    @Test func theKWayPageAsksCriteriaAndTheSelectorShowsTheirBoards() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true, configure: { $0.leaderboardRounds = 20; $0.leaderboardRefreshInterval = .zero }) { server in
            try await KWayCriteriaTests.makeArena(server, name: "judged", criteria: ["style", "honesty"])
            // Votes whose style pick is the weakest overall author shown.
            for _ in 0..<30 {
                let drawn = try await server.battle("judged")
                let order = KWayTests.authors(drawn)
                let best = (1...3).min { order[$0 - 1] < order[$1 - 1] }!
                let worst = (1...3).max { order[$0 - 1] < order[$1 - 1] }!
                let reply = try await server.vote(drawn.json["battle"] as! String, ["choice": "best", "best": best, "criteria_best": ["style": worst]])
                #expect(reply.status == 201, "\(reply.text)")
            }
            let kway = try #require(server.store as? any KWayStore)
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                try await openKWay(browser, "\(base)/arenas/judged/vote")
                let legends = try await browser.execute(
                    "return Array.from(document.querySelectorAll('.criterion legend')).map(function (l) { return l.textContent; })") as? [String] ?? []
                #expect(legends == ["Best on style", "Best on honesty"], "\(legends)")
                // Keyboard: focus style's first radio, the arrow key moves the pick to 2;
                // then, out of the radio group, key 3 picks the best overall.
                let battle = try await string(browser, "return document.querySelector('input[name=battle]').value")
                try await browser.execute("document.querySelector('input[name=\"criteria[style]\"][value=\"1\"]').focus()")
                try await browser.press(WebDriver.Key.arrowRight)
                #expect(try await browser.execute("return document.querySelector('input[name=\"criteria[style]\"]:checked').value") as? String == "2")
                // Digit keys inside the radio group do not vote.
                try await browser.press("1")
                #expect(try await kway.kwayVote(battle: battle) == nil)
                try await browser.execute("document.activeElement.blur()")
                try await browser.press("3")
                try await browser.waitFor("the reveal") {
                    try await browser.execute("return document.getElementById('result') !== null") as? Bool == true
                }
                let stored = try #require(try await kway.kwayVote(battle: battle))
                #expect(stored.ranking == [3] && stored.criteria == ["style": 2], "\(stored.criteria)")
                // The pick stays shown after the vote.
                #expect(try await browser.execute("var c = document.querySelector('input[name=\"criteria[style]\"]:checked'); return c ? c.value : ''") as? String == "2")
                #expect(try await somethingExecuted(browser) == nil)

                // The Board selector offers each criterion; style's board is led by a weak author overall.
                try await open(browser, "\(base)/arenas/judged/leaderboard")
                let values = try await browser.execute(
                    "return Array.from(document.querySelectorAll('#view option')).map(function (o) { return o.value; })") as? [String] ?? []
                #expect(values.contains("criterion:style") && values.contains("criterion:honesty") && values.contains("pareto"), "\(values)")
                try await browser.execute("var s = document.getElementById('view'); s.value = 'criterion:style'; s.form.querySelector('button[type=submit]').click()")
                try await browser.waitFor("the style board") {
                    try await browser.execute(
                        "return document.readyState === 'complete' && new URLSearchParams(location.search).get('view') === 'criterion:style' && document.querySelectorAll('table.board tbody tr').length > 0") as? Bool == true
                }
                let note = try await string(browser, "var n = document.querySelector('.slice-note'); return n ? n.textContent : ''")
                #expect(note.contains("criterion = style"), "\(note)")
                let first = try await string(browser, "var c = document.querySelector('table.board tbody tr'); return c ? c.textContent : ''")
                #expect(first.contains("epsilon") || first.contains("delta"), "\(first)")
                #expect(try await somethingExecuted(browser) == nil)
            }
        }
    }
}
