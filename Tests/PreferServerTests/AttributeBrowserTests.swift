import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// The vote page's optional "About you" form and the leaderboard's group
/// selector in headless Chromium: plain forms, no script needed.
extension BrowserTests {
    @Test func theAttributeFormAndTheGroupSelector() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true, configure: { $0.leaderboardRefreshInterval = .zero }) { server in
            let hostile = "<img src=x onerror=\"window.__xss='value'\">"
            try await server.makeArena("who", prompts: 4, extra: [
                "annotator_attributes": [["name": "country", "values": ["US", "FR", hostile]]], "min_group_size": 2,
            ])
            // Two annotators per country have voted: both groups can be shown.
            for (k, country) in ["US", "US", "FR", "FR"].enumerated() {
                let cookie: HTTPFields = [.cookie: "prefer_session=browser-voter-\(k)-000000000"]
                let set = try await server.send(.put, "/api/arenas/who/attributes", json: ["attributes": ["country": country]], headers: cookie)
                #expect(set.status == 200)
                for _ in 0..<6 {
                    let battle = try await server.battle("who", headers: cookie)
                    let (l, r) = (TestServer.author(battle.json["left"]), TestServer.author(battle.json["right"]))
                    let choice = (country == "FR") == (l < r) ? "right" : "left"
                    #expect(try await server.vote(battle.json["battle"] as! String, ["choice": choice]).status == 201)
                }
            }
            let arena = try await server.services.directory.index("who").arena.id
            let attributes = server.store as! any AnnotatorAttributeStore
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                // The form is offered above the battle; the hostile value shows as text.
                try await open(browser, "\(base)/arenas/who/vote")
                try await browser.waitFor("the attribute form") {
                    try await browser.execute("return document.getElementById('attributes') !== null && document.querySelector('.sides') !== null") as? Bool == true
                }
                let options = try await browser.execute(
                    "return Array.from(document.querySelectorAll('#attribute-country option')).map(function (o) { return o.textContent; })") as? [String] ?? []
                #expect(options == ["Prefer not to say", "US", "FR", hostile], "\(options)")
                #expect(try await somethingExecuted(browser) == nil)
                // Answer FR and save: back on the vote page, without the form, the answer stored by pseudonym.
                try await browser.execute("document.getElementById('attribute-country').value = 'FR'; document.getElementById('attributes-save').click()")
                try await browser.waitFor("the vote page without the form") {
                    try await browser.execute("return document.readyState === 'complete' && document.getElementById('attributes') === null && document.querySelector('.sides') !== null") as? Bool == true
                }
                let stored = try await attributes.annotatorAttributes(arena: arena)
                #expect(stored.count == 5)
                #expect(stored.values.filter { $0["country"] == "FR" }.count == 3)

                // The leaderboard's Board selector offers the groups; choosing FR shows its board.
                try await open(browser, "\(base)/arenas/who/leaderboard")
                let values = try await browser.execute(
                    "return Array.from(document.querySelectorAll('#view option')).map(function (o) { return o.value; })") as? [String] ?? []
                #expect(values.contains("group:country:US") && values.contains("group:country:FR"), "\(values)")
                try await browser.execute("var s = document.getElementById('view'); s.value = 'group:country:FR'; s.form.requestSubmit()")
                try await browser.waitFor("the FR board") {
                    try await browser.execute("return location.search.indexOf('group') >= 0 && document.readyState === 'complete'") as? Bool == true
                }
                let note = try await string(browser, "var n = document.querySelector('.slice-note'); return n ? n.textContent : ''")
                #expect(note.contains("country = FR"), "\(note)")
                let selected = try await string(browser, "return document.getElementById('view').value")
                #expect(selected == "group:country:FR")
                // FR prefers gamma: first in rank (its battles are random, so gamma and
                // beta may never have met and share the first rank), alpha last.
                let rows = try await browser.execute(
                    "return Array.from(document.querySelectorAll('table.board tbody tr')).map(function (r) { return Array.from(r.children).map(function (c) { return c.textContent.trim(); }); })") as? [[String]] ?? []
                let gamma = rows.first { $0.contains { $0.hasPrefix("gamma") } }
                #expect(gamma?.first == "1", "FR prefers gamma: \(rows)")
                #expect(rows.last?.contains { $0.hasPrefix("alpha") } == true, "FR likes alpha least: \(rows)")
                #expect(try await somethingExecuted(browser) == nil)

                // The equally weighted board: its effective sample size, the strata, and the raw board beside it.
                #expect(values.contains("weights:country"), "\(values)")
                try await browser.execute("var s = document.getElementById('view'); s.value = 'weights:country'; s.form.requestSubmit()")
                try await browser.waitFor("the weighted board") {
                    try await browser.execute("return location.search.indexOf('weights') >= 0 && document.readyState === 'complete' && document.querySelector('.weighting-note') !== null") as? Bool == true
                }
                let weighting = try await string(browser, "return document.querySelector('.weighting-note').textContent")
                #expect(weighting.contains("Effective sample size") && weighting.contains("every group of country shown weighs the same"), "\(weighting)")
                let strata = try await browser.execute(
                    "return Array.from(document.querySelectorAll('table.strata tbody th')).map(function (c) { return c.textContent; })") as? [String] ?? []
                #expect(Set(strata) == ["US", "FR"], "\(strata)")
                let compared = try await browser.execute(
                    "return document.querySelectorAll('table.weighting-comparison tbody tr').length") as? Int
                #expect(compared == 3)
                // Target shares typed into the form.
                try await browser.execute("var w = document.getElementById('weights'); w.value = 'country=US:0.2,FR:0.8'; w.form.requestSubmit()")
                try await browser.waitFor("the board weighted to target shares") {
                    try await browser.execute("var n = document.querySelector('.weighting-note'); return document.readyState === 'complete' && n !== null && n.textContent.indexOf('target share') >= 0") as? Bool == true
                }
                let targets = try await browser.execute(
                    "return Array.from(document.querySelectorAll('table.strata tbody tr')).map(function (r) { return r.children[4].textContent; })") as? [String] ?? []
                #expect(Set(targets) == ["20.0%", "80.0%"], "\(targets)")
                #expect(try await somethingExecuted(browser) == nil)
            }
        }
    }
}
