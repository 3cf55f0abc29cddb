/// Escaping for text placed in HTML or XML (SVG), shared by the pages and
/// the Swift-drawn charts so that both follow one rule.
public enum MarkupEscaping {
    /// Escapes text for element content and quoted attribute values: `&`,
    /// `<`, `>`, `"` and `'` become entities; C0 controls other than tab and
    /// line breaks, DEL, U+FFFE and U+FFFF are dropped (XML forbids them and
    /// browsers turn them into U+FFFD or worse). O(length).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
