import Foundation
@testable import PreferServer
import PreferStore
import Testing

@Suite("JSONWriter")
struct JSONWriterTests {
    @Test(arguments: [
        "plain", "", "quote \" and \\ backslash", "new\nline\ttab\rreturn", "\u{0}\u{1}\u{1f}", "é 漢字 🙂",
        "line\u{2028}separator\u{2029}paragraph", "</script><script>alert(1)</script>",
    ])
    func quotedRoundTrips(_ text: String) throws {
        let literal = JSONWriter.quoted(text)
        let decoded = try JSONSerialization.jsonObject(with: Data(literal.utf8), options: [.fragmentsAllowed]) as! String
        #expect(decoded == text)
        #expect(!literal.contains("\u{2028}") && !literal.contains("\u{2029}"))
    }

    @Test func objectsParse() throws {
        var w = JSONWriter()
        w.string("a", "x\"y")
        w.int("n", 3)
        w.int("missing", nil)
        w.bool("b", true)
        w.strings("list", ["p", "q"])
        w.stringMap("map", ["k": "v"])
        w.object("inner") { $0.int64("id", 7) }
        let object = try JSONSerialization.jsonObject(with: Data(w.finished.utf8)) as! [String: Any]
        #expect(object["a"] as? String == "x\"y" && object["n"] as? Int == 3 && object["missing"] == nil)
        #expect((object["inner"] as? [String: Any])?["id"] as? Int == 7)
    }
}

@Suite("Formatting helpers")
struct FormattingTests {
    @Test(arguments: [0.0, 1_700_000_000.9, 1_795_000_123.0, 4_102_444_800.0])
    func iso8601MatchesFoundation(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        #expect(JSONWriter.iso8601(date) == date.formatted(.iso8601))
    }

    @Test func hexAndHashes() {
        #expect([0x00, 0x0f, 0xa5, 0xff].hexString == "000fa5ff")
        #expect(ServerSecrets.sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }
}
