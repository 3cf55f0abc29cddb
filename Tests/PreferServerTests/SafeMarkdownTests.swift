import Foundation
@testable import PreferServer
import Testing

@Suite("Safe markdown")
struct SafeMarkdownTests {
    func render(_ text: String) -> String { SafeMarkdown.render(text).description }

    /// Tags the renderer may write, and the attributes it may give them.
    static let allowedTags: Set<String> = [
        "p", "br", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "hr", "div", "table", "thead", "tbody",
        "tr", "th", "td", "pre", "code", "strong", "em", "a",
    ]
    static let allowedAttributes: Set<String> = ["href", "rel", "target", "class", "start"]

    /// Every `<` in `html` opens an allowed tag with allowed attributes, every
    /// `href` is http(s), and no raw quote or `>` sits outside markup.
    func expectOnlyAllowedMarkup(_ html: String, _ source: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let tag = try! NSRegularExpression(pattern: "<(/?)([a-zA-Z0-9]+)((?:\\s+[a-z-]+=\"[^\"<>]*\")*)\\s*>")
        let attribute = try! NSRegularExpression(pattern: "([a-z-]+)=\"([^\"]*)\"")
        let ns = html as NSString
        var covered = 0
        for match in tag.matches(in: html, range: NSRange(location: 0, length: ns.length)) {
            let between = ns.substring(with: NSRange(location: covered, length: match.range.location - covered))
            #expect(!between.contains("<") && !between.contains(">") && !between.contains("\""),
                    "raw markup character outside a tag in \(html) (from \(source.debugDescription))", sourceLocation: sourceLocation)
            let name = ns.substring(with: match.range(at: 2))
            #expect(Self.allowedTags.contains(name), "tag <\(name)> from \(source.debugDescription)", sourceLocation: sourceLocation)
            let attributes = ns.substring(with: match.range(at: 3))
            let attrNS = attributes as NSString
            for a in attribute.matches(in: attributes, range: NSRange(location: 0, length: attrNS.length)) {
                let key = attrNS.substring(with: a.range(at: 1))
                let value = attrNS.substring(with: a.range(at: 2))
                #expect(Self.allowedAttributes.contains(key), "attribute \(key) from \(source.debugDescription)", sourceLocation: sourceLocation)
                if key == "href" {
                    #expect(value.hasPrefix("http://") || value.hasPrefix("https://"), "href \(value) from \(source.debugDescription)", sourceLocation: sourceLocation)
                }
            }
            covered = match.range.location + match.range.length
        }
        let rest = ns.substring(from: covered)
        #expect(!rest.contains("<") && !rest.contains(">") && !rest.contains("\""),
                "raw markup character outside a tag in \(html) (from \(source.debugDescription))", sourceLocation: sourceLocation)
    }

    @Test func tagsInTheTextShowAsText() {
        let hostile = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "</textarea><script>alert(1)</script>",
            "\"><svg onload=alert(1)>",
            "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
            "<a href=\"javascript:alert(1)\">click</a>",
            "<style>body{display:none}</style>",
            "'><b onmouseover=alert(1)>x</b>",
            "<!-- comment --><![CDATA[x]]>",
            "&lt;script&gt; already escaped &amp;",
        ]
        for text in hostile {
            let html = render(text)
            expectOnlyAllowedMarkup(html, text)
            #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<iframe") && !html.contains("<svg") && !html.contains("<style"))
        }
        #expect(render("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n")
        #expect(render("&lt;b&gt;") == "<p>&amp;lt;b&amp;gt;</p>\n")
    }

    @Test func onlyWebLinksBecomeLinks() {
        let safe = render("See [the docs](https://example.com/a?b=1&c=2) now.")
        #expect(safe == "<p>See <a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"noopener nofollow noreferrer\" target=\"_blank\">the docs</a> now.</p>\n")
        for target in ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
                       "vbscript:x", "//evil.example/x", "/relative", "java\nscript:alert(1)", "http:evil", "https://"] {
            let source = "[click](\(target))"
            let html = render(source)
            #expect(!html.contains("<a "), "\(target) became a link: \(html)")
            expectOnlyAllowedMarkup(html, source)
        }
        // Quotes cannot leave the attribute.
        let quoted = render("[x](https://ok.example/\"onmouseover=\"alert(1))")
        expectOnlyAllowedMarkup(quoted, "quoted")
        #expect(quoted.contains("href=\"https://ok.example/&quot;onmouseover=&quot;alert(1)\""))
        #expect(render("<https://example.com/x>").contains("<a href=\"https://example.com/x\""))
        #expect(!render("<javascript:alert(1)>").contains("<a "))
        // Images are never loaded; their alt text shows, linked when the address is http(s).
        let image = render("![tracker](https://evil.example/pixel.png)")
        #expect(!image.contains("<img") && image.contains(">tracker</a>"))
    }

    @Test func structure() {
        #expect(render("Line one\nline two\n\nNext paragraph") == "<p>Line one<br>\nline two</p>\n<p>Next paragraph</p>\n")
        #expect(render("- one\n- **two**\n- three `x<y`") == "<ul>\n<li>one</li>\n<li><strong>two</strong></li>\n<li>three <code>x&lt;y</code></li>\n</ul>\n")
        #expect(render("3. c\n4. d") == "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n")
        #expect(render("- a\n  - nested\n- b") == "<ul>\n<li>a\n<ul>\n<li>nested</li>\n</ul>\n</li>\n<li>b</li>\n</ul>\n")
        #expect(render("*em* and _em_ and **strong** and snake_case_name") == "<p><em>em</em> and <em>em</em> and <strong>strong</strong> and snake_case_name</p>\n")
        #expect(render("# Title\ntext") == "<h3>Title</h3>\n<p>text</p>\n")
        #expect(render("> quoted\n> more") == "<blockquote>\n<p>quoted<br>\nmore</p>\n</blockquote>\n")
        #expect(render("a\n\n---\n\nb") == "<p>a</p>\n<hr>\n<p>b</p>\n")
        #expect(render("2 * 3 * 4 = 24") == "<p>2 * 3 * 4 = 24</p>\n")
        #expect(render("\\*not em\\*") == "<p>*not em*</p>\n")
    }

    @Test func codeBlocksKeepTheirTextVerbatim() {
        let fenced = render("```html\n<script>alert('x')</script>\n  indented & <b>\n```\nafter")
        #expect(fenced == "<pre><code class=\"language-html\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;\n  indented &amp; &lt;b&gt;</code></pre>\n<p>after</p>\n")
        // A hostile info string is dropped, not echoed into the class.
        let info = render("```\" onclick=\"alert(1)\nx\n```")
        #expect(info == "<pre><code>x</code></pre>\n")
        // An unclosed fence runs to the end and still escapes.
        #expect(render("```\n</textarea><script>") == "<pre><code>&lt;/textarea&gt;&lt;script&gt;</code></pre>\n")
        #expect(render("    let a = b < c") == "<pre><code>let a = b &lt; c</code></pre>\n")
        #expect(render("use `**not bold**` here") == "<p>use <code>**not bold**</code> here</p>\n")
    }

    @Test func tables() {
        let html = render("| a | b |\n|---|--:|\n| <i>1</i> | 2 |")
        #expect(html.contains("<th>a</th><th class=\"right\">b</th>"))
        #expect(html.contains("<td>&lt;i&gt;1&lt;/i&gt;</td>"))
        expectOnlyAllowedMarkup(html, "table")
    }

    /// Random strings over markdown's and HTML's special characters never
    /// produce markup outside the allowed set.
    @Test func randomInputsStaySafe() {
        let alphabet = Array("<>\"'&=/ \n*_`[]()!#->|:\\abcjavscriptJSONhtp.1\t~")
        var rng = SplitMix(seed: 7)
        for _ in 0..<2000 {
            let length = Int(rng.next() % 60)
            var text = ""
            for _ in 0..<length { text.append(alphabet[Int(rng.next() % UInt64(alphabet.count))]) }
            for prefix in ["", "[x](", "```\n", "- ", "> "] {
                expectOnlyAllowedMarkup(render(prefix + text), prefix + text)
            }
        }
    }

    /// Long runs of openers that never close: every scan is bounded, so this
    /// finishes (a quadratic renderer would hang the suite, not pass slowly).
    @Test func unclosedOpenersStayText() {
        let text = String(repeating: "*[`_<", count: 20_000) + "\n" + String(repeating: "[", count: 50_000)
        let html = render(text)
        #expect(!html.contains("<a "))
    }

    @Test func htmlInterpolationEscapes() {
        let name = "\"><script>alert(1)</script>"
        let fragment: HTML = "<td title=\"\(name)\">\(name)</td>"
        #expect(fragment.description == "<td title=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\">&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>")
        let nested: HTML = "<tr>\(fragment)</tr>"
        #expect(nested.description == "<tr>" + fragment.description + "</tr>")
        #expect(HTML.webURL("https://a.example/x.png") == "https://a.example/x.png")
        #expect(HTML.webURL("javascript:alert(1)") == nil)
        #expect(HTML.webURL("https://a.example/x y") == nil)
    }
}

/// A tiny seeded generator for reproducible random inputs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
