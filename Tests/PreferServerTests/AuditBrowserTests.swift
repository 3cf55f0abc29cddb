import Foundation
import HTTPTypes
@testable import PreferServer
import PreferCore
import Testing

/// The admin page's keys and the audit page's actions in headless Chromium:
/// what `prefer.js` sends with the key kept in the tab.
extension BrowserTests {
    @Test func keysAndAuditDecisionsFromTheAdminPages() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true, configure: AuditPageTests.configure) { server in
            let hostile = "<img src=x onerror=\"window.__xss='voter'\">"
            _ = try await AuditPageTests.seed(server, hostile: hostile)
            func votesCounted() async throws -> Int? {
                let board = try await server.send(.get, "/api/arenas/aud/leaderboard?bootstrap=0")
                return (board.json["method"] as? [String: Any])?["votes"] as? Int
            }
            let before = try #require(try await votesCounted())
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                try await open(browser, "\(base)/admin")
                try await browser.waitFor("the admin script") {
                    try await browser.execute("return document.getElementById('admin-status').textContent.length > 0") as? Bool == true
                }
                try await browser.execute(
                    "document.getElementById('admin-key').value = arguments[0]; document.getElementById('key-form').requestSubmit()",
                    [TestServer.adminKey])
                try await browser.waitFor("the keys and the arenas") {
                    try await browser.execute("return document.querySelector('#keys p, #keys table') !== null && document.querySelector('a[href=\"/admin/arenas/aud/audit\"]') !== null") as? Bool == true
                }
                // Make a viewer key: shown once, and it works.
                try await browser.execute(
                    "var f = document.getElementById('key-create-form'); f.elements.name.value = 'vera'; f.elements.role.value = 'viewer'; f.requestSubmit()")
                try await browser.waitFor("the new key") {
                    try await browser.execute("var c = document.getElementById('new-key-secret'); return c !== null && c.textContent.length > 0") as? Bool == true
                }
                let secret = try await string(browser, "return document.getElementById('new-key-secret').textContent")
                #expect(secret.hasPrefix("prefer_key_"))
                try await browser.waitFor("the key listed") {
                    try await browser.execute("var r = document.querySelector('#keys tr[data-key=\"vera\"]'); return r !== null && r.textContent.indexOf('viewer') >= 0 && r.textContent.indexOf('active') >= 0") as? Bool == true
                }
                let asVera: HTTPFields = [.authorization: "Bearer \(secret)"]
                #expect(try await server.send(.get, "/api/arenas/aud/audit", headers: asVera).status == 200)
                // Revoke it (the confirmation answered yes): it stops working.
                try await browser.execute("window.confirm = function () { return true; }; document.querySelector('button.revoke[data-key=\"vera\"]').click()")
                try await browser.waitFor("the key revoked") {
                    try await browser.execute("var s = document.querySelector('#keys tr[data-key=\"vera\"] .key-state'); return s !== null && s.textContent.indexOf('revoked') === 0") as? Bool == true
                }
                let revoked = try await server.send(.get, "/api/arenas/aud/audit", headers: asVera)
                #expect(revoked.status == 403 && revoked.errorCode == "wrong_admin_key")

                // The audit page, loaded with the key of this tab.
                try await open(browser, "\(base)/admin/arenas/aud/audit")
                try await browser.waitFor("the audit") {
                    try await browser.execute("return document.querySelectorAll('article.voter').length > 0") as? Bool == true
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await somethingExecuted(browser) == nil)
                let names = try await browser.execute("return Array.from(document.querySelectorAll('.voter-name')).map(function (h) { return h.textContent; })") as? [String] ?? []
                #expect(names.contains(hostile), "the hostile voter is not shown as text: \(names)")
                let effect = try await string(browser, "return document.getElementById('effect-heading').parentNode.textContent")
                #expect(effect.contains("of 2,800 votes"))
                // Keep the hostile always-left voter: their 40 votes count again.
                try await browser.execute("""
                    var name = arguments[0];
                    var card = Array.from(document.querySelectorAll('article.voter')).find(function (a) { return a.querySelector('.voter-name').textContent === name; });
                    card.querySelector('input[name=note]').value = 'checked in the browser';
                    card.querySelector('button[value=keep]').click();
                    """, [hostile])
                try await browser.waitFor("the decision") {
                    (try await string(browser, "var s = document.getElementById('audit-status'); return s ? s.textContent : ''")).hasPrefix("Kept ")
                }
                #expect(try await votesCounted() == before + 40)
                let status = try await browser.execute("""
                    var name = arguments[0];
                    var card = Array.from(document.querySelectorAll('article.voter')).find(function (a) { return a.querySelector('.voter-name').textContent === name; });
                    return card.querySelector('.voter-status').textContent + ' | ' + card.querySelector('.decided').textContent;
                    """, [hostile]) as? String ?? ""
                #expect(status.contains("kept by a decision") && status.contains("checked in the browser"), "\(status)")
                #expect(try await somethingExecuted(browser) == nil)
                try save(try await browser.fullPageScreenshot(), "audit-desktop.png")
            }
        }
    }
}
