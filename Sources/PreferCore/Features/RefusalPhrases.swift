/// The phrases that make `TextFeature.refusal` 1: the openings with which
/// chat models decline a request ("I'm sorry, but…", "I can't help with…",
/// "As an AI language model…"), in English.
///
/// A text matches when one of them starts at the start of a word (the text's
/// start, or after a character that is not an ASCII letter or digit),
/// ignoring ASCII case, with the typographic apostrophe ’ (U+2019) read as
/// '. The list is a heuristic, as every lexicon is (it misses refusals in
/// other languages and catches an apology that goes on to help); add your own
/// with `prefer drivers --feature NAME=REGEX`.
///
/// Matching walks a trie of the phrases from each word start whose first
/// letter begins some phrase: O(text length) with a small constant.
public enum RefusalPhrases {
    /// The phrases, lower case, with ASCII apostrophes.
    public static let phrases: [String] = [
        "i'm sorry, but",
        "i am sorry, but",
        "i'm sorry, i can't",
        "i'm sorry, i cannot",
        "sorry, but i can't",
        "sorry, but i cannot",
        "i apologize, but",
        "i can't help with",
        "i cannot help with",
        "i can't assist",
        "i cannot assist",
        "i can't provide",
        "i cannot provide",
        "i can't comply",
        "i cannot comply",
        "i can't fulfill",
        "i cannot fulfill",
        "i can't create",
        "i cannot create",
        "i can't write",
        "i cannot write",
        "i can't engage",
        "i cannot engage",
        "i can't do that",
        "i won't be able to",
        "i'm not able to provide",
        "i am not able to provide",
        "i'm unable to",
        "i am unable to",
        "i must decline",
        "i'm not comfortable",
        "i am not comfortable",
        "against my guidelines",
        "as an ai language model",
        "as an ai, i",
    ]

    /// The phrases as a trie: node 0 is the root; `children[node]` lists
    /// (byte, child) and `terminal[node]` marks the end of a phrase.
    struct Trie: Sendable {
        var children: [[(byte: UInt8, child: Int32)]] = [[]]
        var terminal: [Bool] = [false]
        /// Bit `b` set when some phrase starts with byte `b` (lower case).
        var firstBytes: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init(_ phrases: [String]) {
            for phrase in phrases {
                var node = 0
                for byte in phrase.utf8 {
                    if let next = children[node].first(where: { $0.byte == byte }) {
                        node = Int(next.child)
                    } else {
                        children.append([])
                        terminal.append(false)
                        children[node].append((byte, Int32(children.count - 1)))
                        node = children.count - 1
                    }
                }
                terminal[node] = true
                if let first = phrase.utf8.first { setFirst(first) }
            }
        }

        private mutating func setFirst(_ b: UInt8) {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: firstBytes.0 |= bit
            case 1: firstBytes.1 |= bit
            case 2: firstBytes.2 |= bit
            default: firstBytes.3 |= bit
            }
        }

        @inline(__always)
        func mayStart(_ b: UInt8) -> Bool {
            let bit = UInt64(1) << UInt64(b & 63)
            switch b >> 6 {
            case 0: return firstBytes.0 & bit != 0
            case 1: return firstBytes.1 & bit != 0
            case 2: return firstBytes.2 & bit != 0
            default: return firstBytes.3 & bit != 0
            }
        }
    }

    static let trie = Trie(phrases)

    /// Whether the `n` bytes at `p` contain a refusal phrase at a word start.
    public static func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        let trie = trie
        var i = 0
        var previousIsAlnum = false
        while i < n {
            let c = p[i]
            let lower = c &- 65 < 26 ? c | 0x20 : c
            if !previousIsAlnum && trie.mayStart(lower) && walk(trie, p, from: i, n) { return true }
            previousIsAlnum = lower &- 97 < 26 || c &- 48 < 10
            i &+= 1
        }
        return false
    }

    /// Follows the trie from position `start`; true when a phrase ends.
    @inline(__always)
    private static func walk(_ trie: Trie, _ p: UnsafePointer<UInt8>, from start: Int, _ n: Int) -> Bool {
        var node = 0
        var i = start
        while i < n {
            var c = p[i]
            if c == 0xE2 && i &+ 2 < n && p[i &+ 1] == 0x80 && p[i &+ 2] == 0x99 {
                c = UInt8(ascii: "'")
                i &+= 3
            } else {
                if c &- 65 < 26 { c |= 0x20 }
                i &+= 1
            }
            guard let next = trie.children[node].first(where: { $0.byte == c }) else { return false }
            node = Int(next.child)
            if trie.terminal[node] { return true }
        }
        return false
    }
}
