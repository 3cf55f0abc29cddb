import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// The pages in headless Chromium, driven over WebDriver against a live
/// in-process server: keyboard voting, the reveal, hostile outputs, the
/// leaderboard's SVG, the phone layout — and screenshots of the demo arena,
/// written to a temporary folder (or to `PREFER_SCREENSHOTS`, which
/// `scripts/screenshots` sets to refresh `docs/screenshots/` on purpose).
///
/// Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`./scripts/test`
/// installs them); without them these tests fail saying so, unless
/// `PREFER_SKIP_BROWSER=1` is set.
@Suite("Pages in headless Chromium", .serialized, .enabled(if: !BrowserSupport.skipped, "PREFER_SKIP_BROWSER=1 skips the browser tests"))
struct BrowserTests {
    static let screenshots: URL = {
        if let folder = ProcessInfo.processInfo.environment["PREFER_SCREENSHOTS"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("prefer-screenshots")
    }()

    func withBrowser<T: Sendable>(_ device: WebDriver.Device, _ body: (WebDriver) async throws -> T) async throws -> T {
        let browser = try await WebDriver.start(device)
        do {
            let result = try await body(browser)
            await browser.quit()
            return result
        } catch {
            await browser.quit()
            throw error
        }
    }

    func save(_ png: Data, _ name: String) throws {
        try FileManager.default.createDirectory(at: Self.screenshots, withIntermediateDirectories: true)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "\(name) is not a PNG")
        try png.write(to: Self.screenshots.appendingPathComponent(name))
    }

    /// Loads `url` and waits until the page (and its deferred script) is ready.
    func open(_ browser: WebDriver, _ url: String) async throws {
        try await browser.navigate(url)
        try await browser.waitFor("the vote script") {
            try await browser.execute("return document.body.getAttribute('data-page') !== 'vote' || typeof window.__preferVoteState === 'function'") as? Bool == true
        }
    }

    func string(_ browser: WebDriver, _ script: String) async throws -> String {
        try await browser.execute(script) as? String ?? ""
    }

    /// Whether anything a hostile output planted has run: a marker set or a dialog open.
    func somethingExecuted(_ browser: WebDriver) async throws -> String? {
        if let alert = try await browser.openAlertText() { return "an alert opened: \(alert)" }
        let marker = try await browser.execute("return window.__xss === undefined ? null : String(window.__xss)") as? String
        return marker.map { "window.__xss was set to \($0)" }
    }

    /// Names of contenders by id.
    func names(_ server: TestServer, arena: Int64) async throws -> [Int64: String] {
        Dictionary(uniqueKeysWithValues: try await server.store.contenders(arena: arena).map { ($0.id, $0.name) })
    }

    // MARK: Voting with the keyboard

    @Test func votesCastWithTheKeyboardAreStoredWithTheirChoiceAndSides() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true) { server in
            let contenders = ["alpha", "beta", "gamma"]
            try await server.makeArena("keys", contenders: contenders, prompts: 3)
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                try await open(browser, "\(base)/arenas/keys/vote")
                var battles: Set<String> = []
                let presses: [(key: String, choice: Choice, next: String)] = [
                    (WebDriver.Key.arrowLeft, .left, "n"), ("t", .tie, WebDriver.Key.enter),
                    (WebDriver.Key.arrowRight, .right, "n"), ("x", .bothBad, "n"),
                ]
                for (k, press) in presses.enumerated() {
                    let battle = try await string(browser, "return document.querySelector('input[name=battle]').value")
                    #expect(!battle.isEmpty && !battles.contains(battle), "each page brings a new battle")
                    battles.insert(battle)
                    let shown = try await string(browser, "return document.body.innerText")
                    for name in contenders { #expect(!shown.contains(name), "\(name) is named before the vote") }
                    let leftText = try await string(browser, "return document.querySelector('.output[data-side=left]').textContent.trim()")
                    let rightText = try await string(browser, "return document.querySelector('.output[data-side=right]').textContent.trim()")

                    if k == 0 {
                        // A and B name the sides on this page, so neither letter is a voting key
                        // (B once meant "both are bad" and recorded that for "B is better").
                        for letter in ["a", "b", "A", "B"] { try await browser.press(letter) }
                        try await Task.sleep(for: .milliseconds(500))
                        #expect(try await server.store.voteCount(arena: 1) == 0, "a letter naming a side cast a vote")
                        #expect(try await browser.execute("return document.getElementById('result').hidden") as? Bool == true)
                    }
                    try await browser.press(press.key)
                    try await browser.waitFor("the reveal") {
                        try await browser.execute("return !document.getElementById('result').hidden") as? Bool == true
                    }
                    let votes = try await server.store.votes(arena: 1, after: nil, limit: 100)
                    #expect(votes.count == k + 1)
                    let vote = try #require(votes.last)
                    let byId = try await names(server, arena: 1)
                    #expect(vote.choice == press.choice, "key \(k) stored \(vote.choice)")
                    #expect(vote.battle == battle)
                    // The stored sides are the ones shown: the left output's author is the left contender.
                    #expect(byId[vote.leftContenderId] == contenders[Self.author(leftText)])
                    #expect(byId[vote.rightContenderId] == contenders[Self.author(rightText)])
                    #expect((vote.timeToVoteMs ?? 0) > 0, "time to vote is measured")
                    // The reveal names the right contenders, and the live region says the same.
                    let revealedLeft = try await string(browser, "return document.querySelector('[data-reveal=left]').textContent")
                    let revealedRight = try await string(browser, "return document.querySelector('[data-reveal=right]').textContent")
                    #expect(revealedLeft == " — \(byId[vote.leftContenderId]!)" && revealedRight == " — \(byId[vote.rightContenderId]!)")
                    let announced = try await string(browser, "return document.getElementById('result-text').textContent")
                    #expect(announced.contains("A was \(byId[vote.leftContenderId]!); B was \(byId[vote.rightContenderId]!)"))
                    let focused = try await string(browser, "return document.activeElement.id")
                    #expect(focused == "next")
                    // Voting keys do nothing more once the vote is in.
                    try await browser.press("t")
                    #expect(try await server.store.voteCount(arena: 1) == k + 1)

                    try await browser.press(press.next)
                    try await browser.waitFor("the next battle") {
                        let state = try? await browser.execute(
                            "return document.readyState === 'complete' && typeof window.__preferVoteState === 'function' ? document.querySelector('input[name=battle]').value : ''"
                        ) as? String
                        return (state ?? "").isEmpty == false && state != battle
                    }
                }
            }
        }
    }

    /// The index of the contender who wrote "Answer p [k]".
    static func author(_ text: String) -> Int {
        Int(text.split(separator: "[").last!.prefix(while: { $0.isNumber }))!
    }

    // MARK: Hostile outputs

    @Test func hostileOutputsExecuteNothingAndShowAsText() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true, configure: { $0.leaderboardRounds = 20; $0.leaderboardRefreshInterval = .zero }) { server in
            try await server.createArena(["name": "hostile"])
            let first = """
            <script>window.__xss = 'script'; alert('script')</script>
            <img src=x onerror="window.__xss = 'img'; alert('img')">
            [click me](javascript:window.__xss='link';alert('link'))
            <a href="javascript:window.__xss='anchor'">html link</a>
            """
            let second = """
            </textarea><script>window.__xss = 'textarea'</script>
            "><svg onload="window.__xss = 'svg'"></svg>
            <iframe src="javascript:window.parent.__xss='iframe'"></iframe>
            ```
            </code></pre><script>window.__xss = 'fence'</script>
            ```
            **bold <img src=x onerror="window.__xss='bold'">** and `<script>window.__xss='code'</script>`
            """
            let items: [[String: Any]] = [
                ["prompt": "<script>window.__xss='prompt'</script>Pick one <img src=x onerror=\"window.__xss='prompt-img'\">", "contender": "<img src=x onerror=\"window.__xss='name'\">", "content": first],
                ["prompt": "<script>window.__xss='prompt'</script>Pick one <img src=x onerror=\"window.__xss='prompt-img'\">", "contender": "<script>window.__xss='name2'</script>", "content": second],
            ]
            let lines = items.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
            let imported = try await server.send(.post, "/api/arenas/hostile/import", raw: lines.joined(separator: "\n"), admin: true)
            #expect(imported.status == 201)
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                // The detector itself works: a page whose script runs is caught both ways.
                try await browser.navigate("data:text/html,%3Cscript%3Ewindow.__xss%3D'control'%3C/script%3E")
                #expect(try await somethingExecuted(browser) == "window.__xss was set to control")
                try await browser.execute("setTimeout(() => alert('control'), 10)")
                try await browser.waitFor("the control alert") { try await browser.openAlertText() != nil }
                #expect(try await somethingExecuted(browser) == "an alert opened: control")
                try await browser.dismissAlert()

                try await open(browser, "\(base)/arenas/hostile/vote")
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await somethingExecuted(browser) == nil)
                let planted = try await browser.execute(
                    "return document.querySelectorAll('main img, main script, main iframe, main svg, main style, main object, main embed').length"
                ) as? Int
                #expect(planted == 0, "hostile markup became elements")
                let scriptLinks = try await browser.execute("return Array.from(document.querySelectorAll('a')).filter(a => !/^https?:/i.test(a.href)).length") as? Int
                #expect(scriptLinks == 0, "a link with a non-http(s) target exists")
                let text = try await string(browser, "return document.querySelector('.sides').textContent")
                for shown in ["<script>window.__xss = 'script'; alert('script')</script>", "<img src=x onerror=", "[click me](javascript:",
                              "</textarea><script>", "\"><svg onload=", "</code></pre><script>", "<script>window.__xss='code'</script>"] {
                    #expect(text.contains(shown), "\(shown) is not shown as text")
                }
                let prompt = try await string(browser, "return document.querySelector('.prompt').textContent")
                #expect(prompt.contains("<script>window.__xss='prompt'</script>Pick one"))

                // Voting reveals the hostile contender names as text.
                try await browser.press(WebDriver.Key.arrowRight)
                try await browser.waitFor("the reveal") {
                    try await browser.execute("return !document.getElementById('result').hidden") as? Bool == true
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await somethingExecuted(browser) == nil)
                let revealed = try await string(browser, "return document.getElementById('result').textContent")
                #expect(revealed.contains("<img src=x onerror=\"window.__xss='name'\">") && revealed.contains("<script>window.__xss='name2'</script>"))
                #expect(try await server.store.voteCount(arena: 1) == 1)

                // And the leaderboard shows them as text too.
                try await open(browser, "\(base)/arenas/hostile/leaderboard")
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await somethingExecuted(browser) == nil)
                let table = try await string(browser, "return document.querySelector('table.board').textContent")
                #expect(table.contains("<img src=x onerror=\"window.__xss='name'\">"))
                let svgText = try await string(browser, "return document.querySelector('svg.chart').textContent")
                #expect(svgText.contains("<script>window.__xss='name2'</script>"))
            }
        }
    }

    // MARK: The demo arena on a desktop and a phone, with screenshots

    @Test func demoPagesOnDesktopAndPhoneWithScreenshots() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(loadDemo: true, live: true, configure: { $0.leaderboardRounds = 500; $0.leaderboardRefreshInterval = .zero }) { server in
            let voteCount = 60
            try await castDemoVotes(server, count: voteCount)
            try await makeWideArena(server)
            // Wait until the leaderboard holds every vote.
            var computed = 0
            for _ in 0..<300 where computed != voteCount {
                let board = try await server.send(.get, "/api/arenas/demo/leaderboard")
                computed = (board.json["method"] as? [String: Any])?["votes"] as? Int ?? 0
                if computed != voteCount { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(computed == voteCount)
            let base = "http://localhost:\(try #require(server.port))"

            try await withBrowser(.desktop(width: 1280, height: 860)) { browser in
                try await open(browser, "\(base)/arenas/demo/vote")
                #expect(try await horizontalOverflow(browser) == 0)
                try save(try await browser.screenshot(), "vote-desktop.png")

                try await open(browser, "\(base)/arenas/demo/leaderboard")
                try await checkLeaderboardRenders(browser, base: base, contenders: 4)
                try save(try await browser.fullPageScreenshot(), "leaderboard-desktop.png")
            }

            try await withBrowser(.phone(width: 375, height: 812)) { browser in
                try await open(browser, "\(base)/arenas/demo/vote")
                // The page's own viewport (about:blank has none, and is 980 wide).
                let width = try await browser.execute("return window.innerWidth") as? Int
                #expect(width == 375)
                #expect(try await horizontalOverflow(browser) == 0, "the vote page scrolls sideways at 375 px")
                let stacked = try await browser.execute("""
                    const a = document.querySelector('.side-a').getBoundingClientRect();
                    const b = document.querySelector('.side-b').getBoundingClientRect();
                    return b.top >= a.bottom - 1;
                    """) as? Bool
                #expect(stacked == true, "A and B are stacked on a phone")
                try save(try await browser.screenshot(), "vote-phone.png")
                // Long words, wide tables and long code lines stay inside the page too.
                for _ in 0..<3 {
                    try await open(browser, "\(base)/arenas/wide/vote")
                    #expect(try await horizontalOverflow(browser) == 0, "wide content scrolls the page sideways at 375 px")
                }
                try await open(browser, "\(base)/arenas/demo/leaderboard")
                try await checkLeaderboardRenders(browser, base: base, contenders: 4)
                #expect(try await horizontalOverflow(browser) == 0, "the leaderboard scrolls sideways at 375 px")
                try save(try await browser.fullPageScreenshot(), "leaderboard-phone.png")
            }
        }
    }

    /// How many CSS pixels the page is wider than the viewport.
    func horizontalOverflow(_ browser: WebDriver) async throws -> Int {
        try await browser.execute("return Math.max(0, document.documentElement.scrollWidth - window.innerWidth)") as? Int ?? -1
    }

    func checkLeaderboardRenders(_ browser: WebDriver, base: String, contenders: Int) async throws {
        #expect(try await somethingExecuted(browser) == nil)
        let rows = try await browser.execute("return document.querySelectorAll('table.board tbody tr').length") as? Int
        #expect(rows == contenders)
        let charts = try await browser.execute("""
            return Array.from(document.querySelectorAll('svg.chart')).map(s => Math.round(s.getBoundingClientRect().width) + 'x' + Math.round(s.getBoundingClientRect().height));
            """) as? [String] ?? []
        #expect(charts.count == 2, "the interval plot and the heatmap are drawn: \(charts)")
        for size in charts {
            let parts = size.split(separator: "x").compactMap { Int($0) }
            #expect(parts.count == 2 && parts[0] >= 300 && parts[1] >= 100, "an SVG rendered at \(size)")
        }
        let points = try await browser.execute("return document.querySelectorAll('#main svg.chart circle').length") as? Int
        #expect(points == contenders)
        // The SVG file for embedding renders as an image.
        let image = try await browser.executeAsync("""
            const done = arguments[arguments.length - 1];
            const img = new Image();
            img.onload = () => done(img.naturalWidth + 'x' + img.naturalHeight);
            img.onerror = () => done('error');
            img.src = arguments[0];
            """, ["\(base)/arenas/demo/leaderboard.svg"]) as? String ?? "none"
        let size = image.split(separator: "x").compactMap { Int($0) }
        #expect(size.count == 2 && size[0] >= 600 && size[1] >= 300, "leaderboard.svg as an image: \(image)")
    }

    /// Votes on the demo arena by a consistent taste (thorough > concise >
    /// casual > sloppy, with some ties), so that the leaderboard has shape.
    func castDemoVotes(_ server: TestServer, count: Int) async throws {
        let arena = try #require(try await server.store.arena(named: "demo"))
        let byId = try await names(server, arena: arena.id)
        var authorOf: [String: String] = [:]
        for output in try await server.store.outputs(arena: arena.id) { authorOf[output.content] = byId[output.contenderId] }
        let strength = ["demo-thorough": 2.4, "demo-concise": 1.8, "demo-casual": 1.0, "demo-sloppy": 0.3]
        var rng = SplitMix(seed: 11)
        func unit() -> Double { Double(rng.next() >> 11) / Double(1 << 53) }
        for _ in 0..<count {
            let battle = try await server.battle("demo")
            let left = authorOf[(battle.json["left"] as! [String: Any])["content"] as! String] ?? ""
            let right = authorOf[(battle.json["right"] as! [String: Any])["content"] as! String] ?? ""
            let p = strength[left, default: 1] / (strength[left, default: 1] + strength[right, default: 1])
            let u = unit()
            let choice = u < 0.08 ? "tie" : (unit() < p ? "left" : "right")
            let reply = try await server.vote(battle.json["battle"] as! String, ["choice": choice, "time_to_vote_ms": 8000 + Int(unit() * 20000)])
            #expect(reply.status == 201)
        }
    }

    /// An arena whose outputs are as wide as text gets: a long unbroken word,
    /// a long code line and a wide table.
    func makeWideArena(_ server: TestServer) async throws {
        try await server.createArena(["name": "wide"])
        let word = String(repeating: "supercalifragilistic", count: 15)
        let table = "| " + (1...12).map { "column \($0)" }.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: 12) + "\n| " + (1...12).map { "value-\($0)-long" }.joined(separator: " | ") + " |"
        let items: [[String: Any]] = [
            ["prompt": "Wide?", "contender": "words", "content": "A word: \(word) and a link https://example.com/\(word)"],
            ["prompt": "Wide?", "contender": "code", "content": "```\nlet x = [\((1...80).map(String.init).joined(separator: ", "))]\n```"],
            ["prompt": "Wide?", "contender": "table", "content": table],
        ]
        let lines = items.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let reply = try await server.send(.post, "/api/arenas/wide/import", raw: lines.joined(separator: "\n"), admin: true)
        #expect(reply.status == 201)
    }
}
