import Foundation

/// Measures the built-in `TextFeature`s and the dominant `Script` of a text
/// from its UTF-8 bytes.
///
/// Two passes over the bytes, both O(length) and allocation-free: one by
/// character, run by run (lengths, token estimate, digits, brackets,
/// punctuation, questions, links, letters by script, and the refusal
/// phrases, tried at each word start), one by line with `memchr` (non-blank
/// lines, fenced code blocks and, outside them, Markdown headers, list items
/// and bold spans). Lines end at LF; a CR before it is ignored. Invalid UTF-8
/// is read byte by byte without failing: a stray continuation byte is not a
/// character, a truncated sequence counts as one.
public enum TextFeatures {
    /// The features of one text.
    public struct Measurement: Sendable, Equatable {
        public var lengthChars = 0
        public var lengthWords = 0
        public var lengthTokens = 0
        public var lines = 0
        public var headers = 0
        public var listItems = 0
        public var bold = 0
        public var codeBlocks = 0
        public var links = 0
        public var digits = 0
        public var brackets = 0
        public var punctuation = 0
        public var questions = 0
        public var refusal = false
        /// The script most letters belong to (ties go to the earlier case of `Script`).
        public var script = Script.none

        public init() {}

        public subscript(feature: TextFeature) -> Double {
            switch feature {
            case .lengthChars: Double(lengthChars)
            case .lengthWords: Double(lengthWords)
            case .lengthTokens: Double(lengthTokens)
            case .lines: Double(lines)
            case .headers: Double(headers)
            case .listItems: Double(listItems)
            case .bold: Double(bold)
            case .codeBlocks: Double(codeBlocks)
            case .links: Double(links)
            case .digits: Double(digits)
            case .brackets: Double(brackets)
            case .punctuation: Double(punctuation)
            case .questions: Double(questions)
            case .refusal: refusal ? 1 : 0
            }
        }
    }

    public static func measure(_ text: String) -> Measurement {
        var text = text
        return text.withUTF8 { measure($0) }
    }

    public static func measure(_ bytes: UnsafeBufferPointer<UInt8>) -> Measurement {
        guard let p = bytes.baseAddress, bytes.count > 0 else { return Measurement() }
        var m = Measurement()
        RefusalPhrases.automaton.withTables { refusal in
            measureCharacters(p, bytes.count, &m, refusal)
        }
        measureLines(p, bytes.count, &m)
        return m
    }

    // MARK: - Characters

    /// Byte classes for the character pass.
    private enum Kind: UInt8 {
        case letter = 0, digit, space, newline, punctuation, other, continuation, lead
    }

    private static let kinds: [Kind] = (0..<256).map { b -> Kind in
        switch b {
        case 0x41...0x5A, 0x61...0x7A: .letter
        case 0x30...0x39: .digit
        case 0x20, 0x09, 0x0B, 0x0C: .space
        case 0x0A, 0x0D: .newline
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: .punctuation
        case 0x80...0xBF: .continuation
        case 0xC0...0xFF: .lead
        default: .other  // other control characters
        }
    }

    /// Token-estimate runs.
    private enum Run { case none, letters, digits, punctuation, newlines, spaces }

    @inline(__always)
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) &- 97 < 26 }

    private static func measureCharacters(_ p: UnsafePointer<UInt8>, _ n: Int, _ m: inout Measurement, _ refusal: RefusalPhrases.Automaton.Tables) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Script.allCases.count) { letters in
            letters.initialize(repeating: 0)
            measureCharacters(p, n, &m, refusal, letters)
        }
    }

    private static func measureCharacters(
        _ p: UnsafePointer<UInt8>, _ n: Int, _ m: inout Measurement, _ refusal: RefusalPhrases.Automaton.Tables,
        _ letters: UnsafeMutableBufferPointer<Int>
    ) {
        var chars = 0
        var words = 0
        var tokens = 0
        var digits = 0
        var brackets = 0
        var punctuation = 0
        var questions = 0
        var links = 0
        var inWord = false
        var run = Run.none
        var runLength = 0
        var previousQuestion = false
        var previousAlnum = false
        var refused = false

        @inline(__always) func closeRun() {
            switch run {
            case .letters: tokens &+= (runLength &+ 5) / 6
            case .digits: tokens &+= (runLength &+ 2) / 3
            case .punctuation: tokens &+= (runLength &+ 1) / 2
            case .newlines: tokens &+= 1
            case .spaces: if runLength >= 2 { tokens &+= 1 }
            case .none: break
            }
            run = .none
            runLength = 0
        }
        @inline(__always) func extend(_ kind: Run, by count: Int) {
            if run != kind { closeRun(); run = kind }
            runLength &+= count
        }

        kinds.withUnsafeBufferPointer { kinds in
            do {
                var i = 0
                while i < n {
                    let c = p[i]
                    switch kinds[Int(c)] {
                    case .letter:
                        // Letter runs, and single spaces between them, without going back to the dispatch.
                        var j = i
                        while true {
                            // A refusal phrase may start at a letter after a non-alphanumeric character.
                            if !refused && !previousAlnum && refusal.matches(p, from: j, n) { refused = true }
                            var k = j &+ 1
                            while k < n && isLetter(p[k]) { k &+= 1 }
                            let length = k &- j
                            chars &+= length
                            letters[Int(Script.latin.rawValue)] &+= length
                            extend(.letters, by: length)
                            if !inWord { words &+= 1; inWord = true }
                            previousQuestion = false
                            previousAlnum = true
                            j = k
                            guard j &+ 1 < n && p[j] == 0x20 && isLetter(p[j &+ 1]) else { break }
                            // One space, then letters: the space is a run of one (no token).
                            chars &+= 1
                            inWord = false
                            closeRun()
                            previousAlnum = false
                            j &+= 1
                        }
                        i = j
                    case .digit:
                        var j = i &+ 1
                        while j < n && p[j] &- 48 < 10 { j &+= 1 }
                        let length = j &- i
                        chars &+= length
                        digits &+= length
                        extend(.digits, by: length)
                        if !inWord { words &+= 1; inWord = true }
                        previousQuestion = false
                        previousAlnum = true
                        i = j
                    case .space:
                        var j = i &+ 1
                        while j < n, case let d = p[j], d == 0x20 || d == 0x09 || d == 0x0B || d == 0x0C { j &+= 1 }
                        let length = j &- i
                        chars &+= length
                        inWord = false
                        extend(.spaces, by: length)
                        previousQuestion = false
                        previousAlnum = false
                        i = j
                    case .newline:
                        chars &+= 1
                        inWord = false
                        extend(.newlines, by: 1)
                        previousQuestion = false
                        previousAlnum = false
                        i &+= 1
                    case .punctuation:
                        chars &+= 1
                        if !inWord { words &+= 1; inWord = true }
                        extend(.punctuation, by: 1)
                        switch c {
                        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                            brackets &+= 1
                        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "!"):
                            punctuation &+= 1
                        case UInt8(ascii: ":"):
                            punctuation &+= 1
                            if isWebScheme(p, colon: i, n) { links &+= 1 }
                        case UInt8(ascii: "?"):
                            punctuation &+= 1
                            if !previousQuestion { questions &+= 1 }
                        default:
                            break
                        }
                        previousQuestion = c == UInt8(ascii: "?")
                        previousAlnum = false
                        i &+= 1
                    case .other:
                        chars &+= 1
                        if !inWord { words &+= 1; inWord = true }
                        closeRun()
                        previousQuestion = false
                        previousAlnum = false
                        i &+= 1
                    case .continuation:
                        // A stray continuation byte: not a character.
                        i &+= 1
                    case .lead:
                        let (scalar, length) = decode(p, i, n)
                        chars &+= 1
                        if !inWord { words &+= 1; inWord = true }
                        var isQuestion = false
                        switch scalar {
                        case 0xFF08, 0xFF3B, 0xFF5B, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008, 0x300A, 0x3016:
                            brackets &+= 1
                        case 0x2026, 0x3002, 0x3001, 0xFF0C, 0xFF0E, 0xFF01, 0xFF1B, 0xFF1A:
                            punctuation &+= 1
                        case 0xFF1F:
                            punctuation &+= 1
                            isQuestion = true
                            if !previousQuestion { questions &+= 1 }
                        default:
                            break
                        }
                        previousQuestion = isQuestion
                        previousAlnum = false
                        if scalar < 0x2000 {
                            extend(.letters, by: 1)
                        } else {
                            closeRun()
                            tokens &+= 1
                        }
                        letters[Int(Script.of(scalar).rawValue)] &+= 1
                        i &+= length
                    }
                }
            }
        }
        closeRun()
        m.lengthChars = chars
        m.lengthWords = words
        m.lengthTokens = tokens
        m.digits = digits
        m.brackets = brackets
        m.punctuation = punctuation
        m.questions = questions
        m.links = links
        m.refusal = refused
        var best = Script.none
        var bestCount = 0
        for script in Script.allCases where script != .none && letters[Int(script.rawValue)] > bestCount {
            best = script
            bestCount = letters[Int(script.rawValue)]
        }
        m.script = best
    }

    /// Whether the ':' at `colon` ends "http" or "https" (any case) and is followed by "//".
    @inline(__always)
    private static func isWebScheme(_ p: UnsafePointer<UInt8>, colon: Int, _ n: Int) -> Bool {
        guard colon &+ 2 < n, p[colon &+ 1] == UInt8(ascii: "/"), p[colon &+ 2] == UInt8(ascii: "/") else { return false }
        var s = colon
        if s >= 1 && p[s &- 1] | 0x20 == UInt8(ascii: "s") { s &-= 1 }
        guard s >= 4 else { return false }
        return p[s &- 4] | 0x20 == UInt8(ascii: "h") && p[s &- 3] | 0x20 == UInt8(ascii: "t")
            && p[s &- 2] | 0x20 == UInt8(ascii: "t") && p[s &- 1] | 0x20 == UInt8(ascii: "p")
    }

    /// The scalar whose UTF-8 sequence starts with the lead byte at `i`, and
    /// the bytes it takes (a truncated or malformed sequence: what is there).
    @inline(__always)
    private static func decode(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (UInt32, Int) {
        let c = p[i]
        let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
        var scalar = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        var k = 1
        while k < length {
            guard i &+ k < n, p[i &+ k] & 0xC0 == 0x80 else { return (0xFFFD, k) }
            scalar = scalar << 6 | UInt32(p[i &+ k] & 0x3F)
            k &+= 1
        }
        return (scalar, length)
    }

    // MARK: - Lines

    private static func measureLines(_ p: UnsafePointer<UInt8>, _ n: Int, _ m: inout Measurement) {
        var lines = 0
        var headers = 0
        var listItems = 0
        var bold = 0
        var codeBlocks = 0
        var fence: (byte: UInt8, length: Int)?
        var start = 0
        while start < n {
            var end = n
            if let hit = memchr(p + start, Int32(ByteScan.newline), n &- start) {
                end = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p
            }
            let next = end &+ 1
            if end > start && p[end &- 1] == ByteScan.carriageReturn { end &-= 1 }
            // First character that is not a space or a tab.
            var first = start
            while first < end && (p[first] == ByteScan.space || p[first] == ByteScan.tab) { first &+= 1 }
            var blank = true
            var k = first
            while k < end {
                let c = p[k]
                if !(c == ByteScan.space || c == ByteScan.tab || c == 0x0B || c == 0x0C || c == ByteScan.carriageReturn) {
                    blank = false
                    break
                }
                k &+= 1
            }
            if !blank { lines &+= 1 }

            // Fences: 3+ backticks or tildes after at most 3 spaces.
            var isFence = false
            let indent = first &- start
            if indent <= 3 && first < end && (p[first] == UInt8(ascii: "`") || p[first] == UInt8(ascii: "~")) {
                let f = p[first]
                var run = first
                while run < end && p[run] == f { run &+= 1 }
                let length = run &- first
                if length >= 3 {
                    if let open = fence {
                        if f == open.byte && length >= open.length && onlyBlank(p, from: run, to: end) {
                            fence = nil
                            isFence = true
                        }
                    } else {
                        fence = (f, length)
                        codeBlocks &+= 1
                        isFence = true
                    }
                }
            }
            if !isFence && fence == nil {
                if isHeader(p, start, end) { headers &+= 1 }
                if isListItem(p, first, end) { listItems &+= 1 }
                if let hit = memchr(p + start, Int32(UInt8(ascii: "*")), end &- start) {
                    bold &+= boldSpans(p, UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p, end, UInt8(ascii: "*"))
                }
                if let hit = memchr(p + start, Int32(UInt8(ascii: "_")), end &- start) {
                    bold &+= boldSpans(p, UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - p, end, UInt8(ascii: "_"))
                }
            }
            start = next
        }
        m.lines = lines
        m.headers = headers
        m.listItems = listItems
        m.bold = bold
        m.codeBlocks = codeBlocks
    }

    @inline(__always)
    private static func isWhitespace(_ c: UInt8) -> Bool {
        c == ByteScan.space || c == ByteScan.tab || c == 0x0B || c == 0x0C || c == ByteScan.carriageReturn
    }

    private static func onlyBlank(_ p: UnsafePointer<UInt8>, from: Int, to end: Int) -> Bool {
        var k = from
        while k < end {
            if !isWhitespace(p[k]) { return false }
            k &+= 1
        }
        return true
    }

    /// `#{1,6}` at the line's very start, then whitespace or the line's end.
    @inline(__always)
    private static func isHeader(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var k = start
        while k < end && p[k] == UInt8(ascii: "#") { k &+= 1 }
        let hashes = k &- start
        return hashes >= 1 && hashes <= 6 && (k == end || isWhitespace(p[k]))
    }

    /// `-`, `*`, `+` or digits + `.` at `first`, then whitespace or the line's end.
    @inline(__always)
    private static func isListItem(_ p: UnsafePointer<UInt8>, _ first: Int, _ end: Int) -> Bool {
        guard first < end else { return false }
        var k = first
        let c = p[k]
        if c == UInt8(ascii: "-") || c == UInt8(ascii: "*") || c == UInt8(ascii: "+") {
            k &+= 1
        } else if c &- 48 < 10 {
            while k < end && p[k] &- 48 < 10 { k &+= 1 }
            guard k < end, p[k] == UInt8(ascii: ".") else { return false }
            k &+= 1
        } else {
            return false
        }
        return k == end || isWhitespace(p[k])
    }

    /// Non-overlapping `MM[^M]+MM` spans on the line, left to right (M = `marker`).
    @inline(__always)
    private static func boldSpans(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ marker: UInt8) -> Int {
        var count = 0
        var i = start
        while i &+ 1 < end {
            guard p[i] == marker && p[i &+ 1] == marker else {
                i &+= 1
                continue
            }
            var j = i &+ 2
            while j < end && p[j] != marker { j &+= 1 }
            if j > i &+ 2 && j &+ 1 < end && p[j &+ 1] == marker {
                count &+= 1
                i = j &+ 2
            } else {
                i &+= 1
            }
        }
        return count
    }
}
