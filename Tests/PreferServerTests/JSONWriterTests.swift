import Foundation
@testable import PreferServer
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
