/// The built-in features of a text (an output, a response, a completion),
/// with stable names: `prefer drivers` reports them under these names, the
/// JSON contract uses them, and style control reads four of them when the
/// votes carry texts.
///
/// Every feature is computed from the text's UTF-8 bytes by `TextFeatures`
/// in one pass (see `definition` and docs/style-and-drivers.md for the exact
/// rules). "Outside code" means outside fenced code blocks: Markdown syntax
/// inside code is code, not formatting.
public enum TextFeature: String, CaseIterable, Sendable, Codable, Hashable {
    case lengthChars = "length_chars"
    case lengthWords = "length_words"
    case lengthTokens = "length_tokens"
    case lines
    case headers
    case listItems = "list_items"
    case bold
    case codeBlocks = "code_blocks"
    case links
    case digits
    case brackets
    case punctuation
    case questions
    case refusal

    /// The feature's name in files, flags and JSON.
    public var name: String { rawValue }

    /// The features `prefer drivers` measures by default: every built-in one
    /// but `length_words` and `length_tokens`, which are nearly collinear
    /// with `length_chars` and would blur each other's joint coefficients.
    public static let driverDefaults: [TextFeature] = [
        .lengthChars, .lines, .headers, .listItems, .bold, .codeBlocks, .links, .digits, .brackets, .punctuation, .questions, .refusal,
    ]

    /// One sentence defining the feature.
    public var definition: String {
        switch self {
        case .lengthChars:
            "Unicode scalar values (code points) in the text."
        case .lengthWords:
            "Runs of characters other than ASCII whitespace (space, tab, LF, CR, VT, FF)."
        case .lengthTokens:
            "An estimate of cl100k-style tokens: each run of letters counts ⌈L/6⌉, each run of ASCII digits ⌈L/3⌉, each run of ASCII punctuation ⌈L/2⌉, each run of line breaks 1, each run of two or more spaces or tabs 1, each character from U+2000 up (CJK, kana, Hangul, symbols, emoji) 1."
        case .lines:
            "Lines holding at least one character other than whitespace."
        case .headers:
            "Markdown ATX headers outside code: lines starting with 1 to 6 '#' followed by whitespace or the line's end."
        case .listItems:
            "Markdown list items outside code: lines whose first non-blank characters are '-', '*' or '+', or digits and '.', followed by whitespace or the line's end."
        case .bold:
            "Bold spans outside code: '**' + one or more characters other than '*' + '**', and the same with '_', on one line, counted left to right without overlap."
        case .codeBlocks:
            "Fenced code blocks: a line starting (after at most 3 spaces) with 3 or more backticks or tildes opens one; a fence of the same character, at least as long, closes it."
        case .links:
            "Web addresses: occurrences of 'http://' or 'https://' (any case), bare or inside Markdown links."
        case .digits:
            "ASCII digits 0 to 9."
        case .brackets:
            "Opening brackets: ( [ { and the full-width and CJK （ ［ ｛ 「 『 【 〔 〈 《 〖."
        case .punctuation:
            "Sentence punctuation: . , ; : ! ? … and the full-width or CJK 。 、 ， ． ！ ？ ； ：."
        case .questions:
            "Runs of question marks ('?' or '？'): '??' counts once."
        case .refusal:
            "1 if the text contains one of the refusal phrases of `RefusalPhrases` (at the start of a word, ignoring ASCII case, ’ read as '), else 0."
        }
    }

    /// The feature named `name`, if it is a built-in one.
    public init?(name: String) {
        self.init(rawValue: name)
    }
}

/// The writing system most of a text's letters belong to, by Unicode block
/// (ASCII letters are Latin). `none` when the text has no letters.
public enum Script: UInt8, CaseIterable, Sendable, Codable, Hashable {
    case none = 0
    case latin, greek, cyrillic, armenian, hebrew, arabic, devanagari, bengali, tamil, thai, georgian, hangul, kana, han

    public var name: String {
        switch self {
        case .none: "none"
        case .latin: "Latin"
        case .greek: "Greek"
        case .cyrillic: "Cyrillic"
        case .armenian: "Armenian"
        case .hebrew: "Hebrew"
        case .arabic: "Arabic"
        case .devanagari: "Devanagari"
        case .bengali: "Bengali"
        case .tamil: "Tamil"
        case .thai: "Thai"
        case .georgian: "Georgian"
        case .hangul: "Hangul"
        case .kana: "Kana"
        case .han: "Han"
        }
    }

    /// The script of the letter `scalar`, or `none` if it is not a letter of
    /// a script Prefer tells apart. Blocks: Latin U+0041–005A, U+0061–007A,
    /// U+00C0–024F (but × and ÷), U+1E00–1EFF; Greek U+0370–03FF, U+1F00–1FFF;
    /// Cyrillic U+0400–052F; Armenian U+0530–058F; Hebrew U+0590–05FF; Arabic
    /// U+0600–06FF, U+0750–077F; Devanagari U+0900–097F; Bengali U+0980–09FF;
    /// Tamil U+0B80–0BFF; Thai U+0E00–0E7F; Georgian U+10A0–10FF; Hangul
    /// U+1100–11FF, U+3130–318F, U+AC00–D7AF; Kana (hiragana and katakana)
    /// U+3040–30FF, U+31F0–31FF; Han U+3400–4DBF, U+4E00–9FFF, U+F900–FAFF,
    /// U+20000–2FA1F.
    @inlinable
    public static func of(_ scalar: UInt32) -> Script {
        switch scalar {
        case 0x41...0x5A, 0x61...0x7A: .latin
        case 0xD7, 0xF7: .none
        case 0xC0...0x24F, 0x1E00...0x1EFF: .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: .greek
        case 0x400...0x52F: .cyrillic
        case 0x530...0x58F: .armenian
        case 0x590...0x5FF: .hebrew
        case 0x600...0x6FF, 0x750...0x77F: .arabic
        case 0x900...0x97F: .devanagari
        case 0x980...0x9FF: .bengali
        case 0xB80...0xBFF: .tamil
        case 0xE00...0xE7F: .thai
        case 0x10A0...0x10FF: .georgian
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: .hangul
        case 0x3040...0x30FF, 0x31F0...0x31FF: .kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: .han
        default: .none
        }
    }
}
