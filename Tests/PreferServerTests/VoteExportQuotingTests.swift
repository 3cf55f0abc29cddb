import Foundation
@testable import PreferServer
import PreferStore
import Testing

@Suite("JSON string literals of the vote export")
struct VoteExportQuotingTests {
    @Test(arguments: [
        "plain", "", "quote \" and \\ backslash", "new\nline\ttab\rreturn", "\u{0}\u{1}\u{1f}", "é 漢字 🙂",
        "line\u{2028}separator\u{2029}paragraph", "</script><script>alert(1)</script>",
    ])
    func quotedRoundTrips(_ text: String) throws {
        let literal = VoteExport.quoted(text)
        let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: [.fragmentsAllowed]) as! String
        #expect(decoded == text)
        #expect(!literal.contains("\u{2028}") && !literal.contains("\u{2029}"))
    }
}

@Suite("Formatting helpers")
struct FormattingTests {
    @Test func hexAndHashes() {
        #expect([0x00, 0x0f, 0xa5, 0xff].hexString == "000fa5ff")
        #expect(ServerSecrets.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
