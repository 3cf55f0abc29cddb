import Foundation
@testable import PreferServer
import PreferCore
import PreferStore
import Testing

/// The admin page's upload as a newcomer uses it to re-import a file of
/// outputs: it says what was added, skipped and left out (issue 16).
extension BrowserTests {
    @Test func theAdminPageSaysWhatAReimportDid() async throws {
        try BrowserSupport.requireInstalled()
        try await TestServer.run(live: true) { server in
            let arena = try await server.makeArena("up", prompts: 2)
            let id = try #require(arena["id"] as? Int)
            let base = "http://localhost:\(try #require(server.port))"
            try await withBrowser(.desktop(width: 1280, height: 900)) { browser in
                try await open(browser, "\(base)/admin")
                try await browser.execute(
                    "document.getElementById('admin-key').value = arguments[0]; document.getElementById('key-form').requestSubmit()",
                    [TestServer.adminKey])
                try await browser.waitFor("the arena's card") {
                    try await browser.execute("return document.getElementById('upload-\(id)') !== null") as? Bool == true
                }
                // Line 1 is what is there, line 2 differs from it, line 3 is new.
                let file = [
                    #"{"prompt": "Prompt 0?", "contender": "alpha", "content": "Answer 0 [0]", "category": "general"}"#,
                    #"{"prompt": "Prompt 0?", "contender": "beta", "content": "A better answer"}"#,
                    #"{"prompt": "Prompt 9?", "contender": "alpha", "content": "New"}"#,
                ].joined(separator: "\n")
                try await browser.execute(
                    """
                    var input = document.getElementById('upload-\(id)');
                    var files = new DataTransfer();
                    files.items.add(new File([arguments[0]], 'outputs.jsonl', { type: 'application/x-ndjson' }));
                    input.files = files.files;
                    input.parentNode.querySelector('button').click();
                    """, [file])
                try await browser.waitFor("the import's report") {
                    let text = try await string(browser, "return document.getElementById('admin-status').textContent")
                    return text.hasPrefix("Imported") || text.hasPrefix("Nothing imported")
                }
                let report = try await string(browser, "return document.getElementById('admin-status').textContent")
                #expect(report.contains("Imported 1 outputs into up"), "\(report)")
                #expect(report.contains("1 identical to what was there, skipped"), "\(report)")
                #expect(report.contains("1 differ from the stored outputs and were left out (line 2)"), "\(report)")
                #expect(report.contains("?update=true"), "\(report)")
            }
            #expect(try await server.store.outputs(arena: Int64(id)).filter(\.isCurrent).count == 7)
        }
    }
}
