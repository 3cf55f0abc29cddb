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
/// Matching runs a small automaton of the phrases from each word start that
/// is a letter: O(text length) with a small constant (most attempts stop at
/// the first or second letter).
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

    /// The phrases as a deterministic automaton over a small alphabet: byte
    /// `b` (lower-cased) has code `alphabet[b]` (0: in no phrase), node k's
    /// transition on code c is `next[k * width + c]` (0: none; node 0 is the
    /// root, never a target), and `terminal[k]` marks the end of a phrase.
    struct Automaton: Sendable {
        let alphabet: [UInt8]
        let next: [Int16]
        let terminal: [Bool]
        let width: Int

        init(_ phrases: [String]) {
            var alphabet = [UInt8](repeating: 0, count: 256)
            var symbols = 1
            for phrase in phrases {
                for b in phrase.utf8 where alphabet[Int(b)] == 0 {
                    alphabet[Int(b)] = UInt8(symbols)
                    symbols += 1
                }
            }
            var next: [Int16] = Array(repeating: 0, count: symbols)
            var terminal = [false]
            for phrase in phrases {
                var node = 0
                for b in phrase.utf8 {
                    let code = Int(alphabet[Int(b)])
                    if next[node * symbols + code] == 0 {
                        next += Array(repeating: 0, count: symbols)
                        terminal.append(false)
                        next[node * symbols + code] = Int16(terminal.count - 1)
                    }
                    node = Int(next[node * symbols + code])
                }
                terminal[node] = true
            }
            self.alphabet = alphabet
            self.next = next
            self.terminal = terminal
            width = symbols
        }

        /// Plain pointers to the tables, valid inside `withTables`.
        struct Tables {
            let alphabet: UnsafePointer<UInt8>
            let next: UnsafePointer<Int16>
            let terminal: UnsafePointer<Bool>
            let width: Int

            /// Whether a phrase starts at `start` (lower-casing ASCII, ’ read as ').
            @inline(__always)
            func matches(_ p: UnsafePointer<UInt8>, from start: Int, _ n: Int) -> Bool {
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
                    let code = Int(alphabet[Int(c)])
                    guard code != 0 else { return false }
                    node = Int(next[node &* width &+ code])
                    guard node != 0 else { return false }
                    if terminal[node] { return true }
                }
                return false
            }
        }

        func withTables<R>(_ body: (Tables) -> R) -> R {
            alphabet.withUnsafeBufferPointer { a in
                next.withUnsafeBufferPointer { x in
                    terminal.withUnsafeBufferPointer { t in
                        body(Tables(alphabet: a.baseAddress!, next: x.baseAddress!, terminal: t.baseAddress!, width: width))
                    }
                }
            }
        }
    }

    static let automaton = Automaton(phrases)

    /// Whether the `n` bytes at `p` contain a refusal phrase at a word start.
    /// (`TextFeatures` checks the same while counting characters.)
    public static func matches(_ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        automaton.withTables { tables in
            var previousIsAlnum = false
            for i in 0..<n {
                let c = p[i]
                if !previousIsAlnum && (c &- 65 < 26 || c &- 97 < 26) && tables.matches(p, from: i, n) { return true }
                previousIsAlnum = c &- 65 < 26 || c &- 97 < 26 || c &- 48 < 10
            }
            return false
        }
    }
}
