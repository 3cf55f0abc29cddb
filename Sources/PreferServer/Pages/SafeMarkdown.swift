import Foundation

/// Renders untrusted text — a model's output, a prompt — as a small, safe
/// subset of markdown: paragraphs with line breaks, headings, bullet and
/// numbered lists, block quotes, rules, simple tables, fenced and indented
/// code blocks, and inline `code`, **strong**, *emphasis* and links.
///
/// Safety does not rest on recognising bad input: every character of the
/// text is HTML-escaped as it is emitted (`HTML.escape`), and the only
/// markup in the result is the fixed set of tags this renderer writes itself
/// (`p br h3–h6 ul ol li blockquote hr table thead tbody tr th td pre code
/// strong em a`), none with an event-handler or style attribute. A tag in the
/// text, `<script>` or `<img onerror=…>` or `</textarea>`, therefore shows as
/// text. A link becomes an `<a>` only when its target is an absolute http(s)
/// URL (`HTML.webURL`), with `rel="noopener nofollow noreferrer"`; any other
/// target (`javascript:`, `data:`, relative) leaves the whole link as text.
/// Images written as `![alt](url)` are not loaded (a tracking pixel or a
/// hostile URL): the alt text shows, linked when the URL is http(s).
///
/// Cost: linear in the text for ordinary input; a delimiter without a closer
/// is searched for once per line (`exhausted`), and link text is limited to
/// 500 characters, so hostile input cannot make rendering quadratic.
enum SafeMarkdown {
    /// The text as HTML.
    static func render(_ text: String) -> HTML {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        let lines = normalised.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return HTML(trusted: blocks(lines[...], depth: 0))
    }

    static let maxDepth = 6

    // MARK: Blocks

    private static func blocks(_ lines: ArraySlice<String>, depth: Int) -> String {
        var out = ""
        var paragraph: [String] = []
        func flush() {
            guard !paragraph.isEmpty else { return }
            out += "<p>" + paragraph.map { inline(Array($0.trimmingSpaces), depth: 0) }.joined(separator: "<br>\n") + "</p>\n"
            paragraph.removeAll()
        }
        var i = lines.startIndex
        while i < lines.endIndex {
            let line = lines[i]
            let stripped = line.trimmingSpaces
            if stripped.isEmpty {
                flush()
                i += 1
                continue
            }
            let indent = line.leadingSpaces
            if indent < 4, let fence = Fence(stripped) {
                flush()
                var j = i + 1
                var code: [String] = []
                while j < lines.endIndex, !fence.closes(lines[j]) {
                    code.append(removeIndent(lines[j], upTo: indent))
                    j += 1
                }
                out += codeBlock(code, language: fence.language)
                i = min(j + 1, lines.endIndex)
                continue
            }
            if indent >= 4 && paragraph.isEmpty {
                var j = i
                var code: [String] = []
                while j < lines.endIndex, lines[j].leadingSpaces >= 4 || lines[j].trimmingSpaces.isEmpty {
                    code.append(removeIndent(lines[j], upTo: 4))
                    j += 1
                }
                while code.last?.trimmingSpaces.isEmpty == true { code.removeLast() }
                out += codeBlock(code, language: nil)
                i = j
                continue
            }
            if indent < 4, let level = headingLevel(stripped) {
                flush()
                let title = stripped.drop(while: { $0 == "#" }).trimmingSpaces
                let tag = "h\(min(level + 2, 6))"
                out += "<\(tag)>" + inline(Array(title.trimmingTrailing("#")), depth: 0) + "</\(tag)>\n"
                i += 1
                continue
            }
            if indent < 4, isRule(stripped) {
                flush()
                out += "<hr>\n"
                i += 1
                continue
            }
            if indent < 4, stripped.hasPrefix(">"), depth < maxDepth {
                flush()
                var j = i
                var quoted: [String] = []
                while j < lines.endIndex, lines[j].trimmingSpaces.hasPrefix(">") {
                    var inner = lines[j].trimmingSpaces.dropFirst()
                    if inner.first == " " { inner = inner.dropFirst() }
                    quoted.append(String(inner))
                    j += 1
                }
                out += "<blockquote>\n" + blocks(quoted[...], depth: depth + 1) + "</blockquote>\n"
                i = j
                continue
            }
            if indent < 4, ListItem(line) != nil {
                flush()
                var j = i
                var items: [ListItem] = []
                while j < lines.endIndex {
                    if let item = ListItem(lines[j]) {
                        items.append(item)
                    } else if !lines[j].trimmingSpaces.isEmpty, lines[j].leadingSpaces >= 2, !items.isEmpty {
                        items[items.count - 1].continuation.append(lines[j].trimmingSpaces)
                    } else {
                        break
                    }
                    j += 1
                }
                out += list(items[...], depth: depth)
                i = j
                continue
            }
            if indent < 4, stripped.hasPrefix("|"), i + 1 < lines.endIndex, let parsed = table(lines, at: i) {
                flush()
                out += parsed.html
                i = parsed.end
                continue
            }
            paragraph.append(line)
            i += 1
        }
        flush()
        return out
    }

    private static func codeBlock(_ lines: [String], language: String?) -> String {
        let body = lines.map(HTML.escape).joined(separator: "\n")
        let label = language.map { " class=\"language-\(HTML.escape($0))\"" } ?? ""
        return "<pre><code\(label)>\(body)</code></pre>\n"
    }

    private static func removeIndent(_ line: String, upTo count: Int) -> String {
        var removed = 0
        var rest = Substring(line)
        while removed < count, rest.first == " " {
            rest = rest.dropFirst()
            removed += 1
        }
        return String(rest)
    }

    private static func headingLevel(_ line: Substring) -> Int? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        return rest.isEmpty || rest.first == " " ? hashes : nil
    }

    private static func isRule(_ line: Substring) -> Bool {
        let marks = line.filter { $0 != " " }
        guard marks.count >= 3, let first = marks.first, "-*_".contains(first) else { return false }
        return marks.allSatisfy { $0 == first }
    }

    /// An opening code fence: three or more backticks or tildes, and an optional language.
    private struct Fence {
        var marker: Character
        var length: Int
        var language: String?

        init?(_ line: Substring) {
            guard let first = line.first, first == "`" || first == "~" else { return nil }
            length = line.prefix(while: { $0 == first }).count
            guard length >= 3 else { return nil }
            marker = first
            let info = line.dropFirst(length).trimmingSpaces
            if first == "`" && info.contains("`") { return nil }
            let word = info.prefix(while: { $0 != " " })
            let allowed = word.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-_.#".contains($0)) }
            language = !word.isEmpty && word.count <= 30 && allowed ? String(word) : nil
        }

        func closes(_ line: String) -> Bool {
            let stripped = line.trimmingSpaces
            guard line.leadingSpaces < 4, stripped.count >= length else { return false }
            return stripped.allSatisfy { $0 == marker }
        }
    }

    /// One line of a list: its indentation, kind and text.
    private struct ListItem {
        var indent: Int
        /// The number of a numbered item; nil for a bullet.
        var number: Int?
        var text: Substring
        var continuation: [Substring] = []

        init?(_ line: String) {
            indent = line.leadingSpaces
            let rest = line.dropFirst(indent)
            if let first = rest.first, "-*+".contains(first), rest.dropFirst().first == " " {
                number = nil
                text = rest.dropFirst(2).trimmingSpaces
                return
            }
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard (1...9).contains(digits.count), let n = Int(digits) else { return nil }
            let after = rest.dropFirst(digits.count)
            guard let mark = after.first, mark == "." || mark == ")", after.dropFirst().first == " " else { return nil }
            number = n
            text = after.dropFirst(2).trimmingSpaces
        }
    }

    /// Items at the first item's indentation form the list; deeper ones nest
    /// under the item before them.
    private static func list(_ items: ArraySlice<ListItem>, depth: Int) -> String {
        guard let first = items.first else { return "" }
        let ordered = first.number != nil
        var out = ordered ? (first.number == 1 ? "<ol>\n" : "<ol start=\"\(first.number!)\">\n") : "<ul>\n"
        var i = items.startIndex
        while i < items.endIndex {
            let item = items[i]
            var j = i + 1
            while j < items.endIndex, items[j].indent > first.indent { j += 1 }
            out += "<li>" + ([item.text] + item.continuation).map { inline(Array($0), depth: 0) }.joined(separator: "<br>\n")
            if j > i + 1 {
                out += "\n" + (depth < maxDepth ? list(items[(i + 1)..<j], depth: depth + 1) : "")
            }
            out += "</li>\n"
            i = j
            if i < items.endIndex, (items[i].number != nil) != ordered {
                out += ordered ? "</ol>\n" : "</ul>\n"
                return out + list(items[i...], depth: depth)
            }
        }
        return out + (ordered ? "</ol>\n" : "</ul>\n")
    }

    /// A table: a header row of `|`-separated cells, a delimiter row
    /// (`|---|:---:|`) and body rows that start with `|`.
    private static func table(_ lines: ArraySlice<String>, at start: Int) -> (html: String, end: Int)? {
        let header = cells(lines[start])
        let delimiter = cells(lines[start + 1])
        guard header.count >= 1, delimiter.count == header.count,
              delimiter.allSatisfy({ cell in !cell.isEmpty && cell.allSatisfy { "-: ".contains($0) } && cell.contains("-") })
        else { return nil }
        let alignments = delimiter.map { cell -> String in
            let t = cell.trimmingSpaces
            switch (t.hasPrefix(":"), t.hasSuffix(":")) {
            case (true, true): return " class=\"center\""
            case (false, true): return " class=\"right\""
            default: return ""
            }
        }
        func row(_ cells: [Substring], tag: String) -> String {
            var out = "<tr>"
            for k in 0..<header.count {
                let text = k < cells.count ? inline(Array(cells[k].trimmingSpaces), depth: 0) : ""
                out += "<\(tag)\(alignments[k])>\(text)</\(tag)>"
            }
            return out + "</tr>\n"
        }
        var out = "<div class=\"md-table\"><table>\n<thead>\n" + row(header, tag: "th") + "</thead>\n<tbody>\n"
        var j = start + 2
        while j < lines.endIndex, lines[j].trimmingSpaces.hasPrefix("|") {
            out += row(cells(lines[j]), tag: "td")
            j += 1
        }
        return (out + "</tbody>\n</table></div>\n", j)
    }

    /// The cells of a table row; `\|` is a pipe inside a cell.
    private static func cells(_ line: String) -> [Substring] {
        var text = Substring(line.trimmingSpaces)
        if text.hasPrefix("|") { text = text.dropFirst() }
        if text.hasSuffix("|") && !text.hasSuffix("\\|") { text = text.dropLast() }
        var out: [Substring] = []
        var start = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            if text[i] == "\\", text.index(after: i) < text.endIndex {
                i = text.index(i, offsetBy: 2)
                continue
            }
            if text[i] == "|" {
                out.append(text[start..<i])
                start = text.index(after: i)
            }
            i = text.index(after: i)
        }
        out.append(text[start...])
        return out
    }

    // MARK: Inline

    /// Inline markdown of `chars` as HTML; `depth` bounds nested emphasis.
    private static func inline(_ chars: [Character], depth: Int) -> String {
        var out = ""
        var exhausted: Set<String> = []
        var i = 0
        let n = chars.count
        func isSpace(_ k: Int) -> Bool { k < 0 || k >= n || chars[k].isWhitespace }
        func isWordChar(_ k: Int) -> Bool { k >= 0 && k < n && (chars[k].isLetter || chars[k].isNumber) }
        while i < n {
            let c = chars[i]
            if c == "\\", i + 1 < n, chars[i + 1].isASCII, chars[i + 1].isPunctuation || chars[i + 1].isSymbol {
                out += HTML.escape(String(chars[i + 1]))
                i += 2
                continue
            }
            if c == "`" {
                var run = 0
                while i + run < n, chars[i + run] == "`" { run += 1 }
                let key = "`\(run)"
                if !exhausted.contains(key), let close = closingBackticks(chars, from: i + run, run: run) {
                    var code = String(chars[(i + run)..<close])
                    if code.count >= 2, code.first == " ", code.last == " ", code.contains(where: { $0 != " " }) {
                        code = String(code.dropFirst().dropLast())
                    }
                    out += "<code>" + HTML.escape(code) + "</code>"
                    i = close + run
                } else {
                    exhausted.insert(key)
                    out += String(repeating: "`", count: run)
                    i += run
                }
                continue
            }
            if (c == "*" || c == "_") && depth < maxDepth {
                let strong = i + 1 < n && chars[i + 1] == c
                let width = strong ? 2 : 1
                let key = String(repeating: String(c), count: width)
                let opens = !isSpace(i + width) && chars[i + width] != c && (c == "*" || !isWordChar(i - 1))
                if opens, !exhausted.contains(key) {
                    if let close = closingEmphasis(chars, from: i + width + 1, marker: c, width: width) {
                        let inner = inline(Array(chars[(i + width)..<close]), depth: depth + 1)
                        out += strong ? "<strong>\(inner)</strong>" : "<em>\(inner)</em>"
                        i = close + width
                        continue
                    }
                    exhausted.insert(key)
                }
                out += key
                i += width
                continue
            }
            if c == "[", let found = link(chars, at: i, depth: depth) {
                out += found.html
                i = found.end
                continue
            }
            if c == "<", let auto = autolink(chars, at: i) {
                out += auto.html
                i = auto.end
                continue
            }
            out += HTML.escape(String(c))
            i += 1
        }
        return out
    }

    private static func closingBackticks(_ chars: [Character], from start: Int, run: Int) -> Int? {
        var k = start
        while k < chars.count {
            if chars[k] == "`" {
                var length = 0
                while k + length < chars.count, chars[k + length] == "`" { length += 1 }
                if length == run { return k }
                k += length
            } else {
                k += 1
            }
        }
        return nil
    }

    /// The start of the closing delimiter: `width` copies of `marker` after a
    /// non-space, not followed by another `marker` (nor, for `_`, a letter).
    private static func closingEmphasis(_ chars: [Character], from start: Int, marker: Character, width: Int) -> Int? {
        var k = start
        let n = chars.count
        while k + width <= n {
            if chars[k] == marker {
                var length = 0
                while k + length < n, chars[k + length] == marker { length += 1 }
                if length == width, !chars[k - 1].isWhitespace {
                    let after = k + width
                    let wordAfter = after < n && (chars[after].isLetter || chars[after].isNumber)
                    if marker == "*" || !wordAfter { return k }
                }
                k += length
            } else {
                k += 1
            }
        }
        return nil
    }

    /// `[text](url)`: a link when `url` is http(s), else the source as text.
    private static func link(_ chars: [Character], at start: Int, depth: Int) -> (html: String, end: Int)? {
        let n = chars.count
        var k = start + 1
        var nesting = 0
        while k < n, k - start <= 500 {
            if chars[k] == "\\" { k += 2; continue }
            if chars[k] == "[" { nesting += 1 }
            if chars[k] == "]" {
                if nesting == 0 { break }
                nesting -= 1
            }
            k += 1
        }
        guard k < n, chars[k] == "]", k + 1 < n, chars[k + 1] == "(" else { return nil }
        let textEnd = k
        var u = k + 2
        var parens = 0
        while u < n, u - k <= 2000 {
            if chars[u] == "(" { parens += 1 }
            if chars[u] == ")" {
                if parens == 0 { break }
                parens -= 1
            }
            if chars[u] == "\n" { return nil }
            u += 1
        }
        guard u < n, chars[u] == ")" else { return nil }
        var target = String(chars[(k + 2)..<u]).trimmingSpaces
        // An optional title: [text](url "title").
        if let space = target.firstIndex(of: " ") { target = target[..<space] }
        if target.hasPrefix("<") && target.hasSuffix(">") { target = target.dropFirst().dropLast() }
        let text = Array(chars[(start + 1)..<textEnd])
        guard let url = HTML.webURL(String(target)) else {
            return (HTML.escape(String(chars[start...u])), u + 1)
        }
        let label = depth < maxDepth ? inlineWithoutLinks(text, depth: depth + 1) : HTML.escape(String(text))
        return ("<a href=\"\(HTML.escape(url))\" rel=\"noopener nofollow noreferrer\" target=\"_blank\">\(label)</a>", u + 1)
    }

    /// Link text: inline markdown in which brackets stay text.
    private static func inlineWithoutLinks(_ chars: [Character], depth: Int) -> String {
        guard chars.contains("[") || chars.contains("<") else { return inline(chars, depth: depth) }
        var out = ""
        var segment: [Character] = []
        for c in chars {
            if c == "[" || c == "<" {
                out += inline(segment, depth: depth) + HTML.escape(String(c))
                segment.removeAll()
            } else {
                segment.append(c)
            }
        }
        return out + inline(segment, depth: depth)
    }

    /// `<https://…>`: a link; anything else starting with `<` is text.
    private static func autolink(_ chars: [Character], at start: Int) -> (html: String, end: Int)? {
        var k = start + 1
        while k < chars.count, k - start <= 2000, chars[k] != ">", !chars[k].isWhitespace, chars[k] != "<" { k += 1 }
        guard k < chars.count, chars[k] == ">" else { return nil }
        guard let url = HTML.webURL(String(chars[(start + 1)..<k])) else { return nil }
        let shown = HTML.escape(url)
        return ("<a href=\"\(shown)\" rel=\"noopener nofollow noreferrer\" target=\"_blank\">\(shown)</a>", k + 1)
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        guard let first = firstIndex(where: { $0 != " " && $0 != "\t" }) else { return self[endIndex...] }
        let last = lastIndex(where: { $0 != " " && $0 != "\t" })!
        return self[first...last]
    }

    fileprivate func trimmingTrailing(_ character: Character) -> Substring {
        var text = self
        while text.last == character { text = text.dropLast() }
        return text.trimmingSpaces
    }

    /// Leading spaces, a tab counting as four.
    fileprivate var leadingSpaces: Int {
        var count = 0
        for c in self {
            if c == " " { count += 1 } else if c == "\t" { count += 4 } else { break }
        }
        return count
    }
}

extension String {
    fileprivate var trimmingSpaces: Substring { self[...].trimmingSpaces }
    fileprivate var leadingSpaces: Int { self[...].leadingSpaces }
}
