import Foundation
import PreferCore

/// A fragment of HTML that is safe to place in a page.
///
/// Built by string interpolation in which every `String` is escaped (text and
/// attribute values alike, so `"` and `'` too) and only other `HTML` values go
/// in as they are:
///
/// ```swift
/// let row: HTML = "<td title=\"\(name)\">\(name)</td>"   // name escaped twice over
/// let page: HTML = "<tr>\(row)</tr>"                     // row inserted as built
/// ```
///
/// The literal parts are the page's own markup. Text from anywhere else
/// (model outputs, prompts, names, query parameters) can only enter as a
/// `String`, and so only escaped; `HTML(trusted:)` is for markup Prefer itself
/// produced (the markdown renderer's output, the SVG drawings).
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    private(set) var rendered: String

    /// Markup Prefer produced itself, inserted as it is.
    init(trusted markup: String) {
        rendered = markup
    }

    init(stringLiteral value: String) {
        rendered = value
    }

    init(stringInterpolation: StringInterpolation) {
        rendered = stringInterpolation.output
    }

    var description: String { rendered }

    static let empty = HTML(trusted: "")

    static func + (lhs: HTML, rhs: HTML) -> HTML {
        HTML(trusted: lhs.rendered + rhs.rendered)
    }

    static func += (lhs: inout HTML, rhs: HTML) {
        lhs.rendered += rhs.rendered
    }

    /// Fragments one after another.
    static func joined(_ parts: [HTML], separator: HTML = .empty) -> HTML {
        HTML(trusted: parts.map(\.rendered).joined(separator: separator.rendered))
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var output = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) {
            output += literal
        }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: String) {
            output += HTML.escape(text)
        }

        /// Text: escaped.
        mutating func appendInterpolation(_ text: Substring) {
            output += HTML.escape(String(text))
        }

        mutating func appendInterpolation(_ number: Int) {
            output += String(number)
        }

        mutating func appendInterpolation(_ number: Int64) {
            output += String(number)
        }

        /// Markup: inserted as it is.
        mutating func appendInterpolation(_ fragment: HTML) {
            output += fragment.rendered
        }

        /// Markup fragments, one after another.
        mutating func appendInterpolation(_ fragments: [HTML]) {
            for fragment in fragments { output += fragment.rendered }
        }
    }

    /// Escapes text for HTML text and quoted attribute values (`MarkupEscaping`).
    static func escape(_ text: String) -> String {
        MarkupEscaping.escape(text)
    }

    /// `url` when it is an absolute http(s) URL without whitespace or control
    /// characters, else nil. Only such URLs go into `href`/`src` attributes of
    /// content that did not come from Prefer itself.
    static func webURL(_ url: String) -> String? {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else { return nil }
        guard trimmed.count > 8, trimmed.count <= 4000 else { return nil }
        for scalar in trimmed.unicodeScalars where scalar.value <= 0x20 || scalar.value == 0x7F || scalar == "\\" {
            return nil
        }
        return trimmed
    }
}
