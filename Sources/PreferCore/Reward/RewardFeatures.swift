import Foundation

/// The features a reward model reads from a (prompt, output): sparse hashed
/// n-grams of the output, optional prompt–output interactions, and a few
/// dense features. Stored in the model file, so that scoring computes exactly
/// the features training saw.
///
/// Text → features (byte-level, so another implementation can reproduce it;
/// `bench/reward_reference.py` does):
///
/// - Words: maximal runs of bytes that are ASCII letters or digits or ≥ 0x80
///   (any non-ASCII UTF-8 byte), ASCII letters lowercased.
/// - Word n-grams (n in `wordNgrams`): the words joined by one space.
/// - Character n-grams (n in `charNgrams`): byte n-grams of each word padded
///   as "<word>" (fastText's subwords, Bojanowski et al. 2017).
/// - Interactions (optional): each output word that also occurs in the prompt
///   (a copy feature), and each pair (prompt word, output word) of the
///   prompt's first 16 and the output's first 64 distinct words.
/// - Hashing (Weinberger et al. 2009, signed): h = mix(FNV-1a-64(tag ‖ 0x1F ‖
///   gram)) with tags "w1", "w2", … "c3", "c4", … "o", "x" and mix the
///   SplitMix64 finaliser; index = h mod 2^`bits`, sign = − if h's top bit
///   is set. A gram occurring c times weighs 1 + ln c (sublinear tf); each
///   block (words, characters, interactions) is scaled to unit L2 norm, and
///   entries landing on one index add up.
/// - Dense features after the 2^bits hashed ones, in `dense` order.
///
/// O(bytes · (number of n-gram sizes)) per text, plus a sort of its grams.
public struct RewardFeatures: Sendable, Hashable, Codable {
    /// Built-in dense features. The style features of `prefer drivers`
    /// (length, headers, lists, …) belong here as further cases once they
    /// exist in PreferCore: add a case, compute it in `denseValue`.
    public enum Dense: String, Sendable, Hashable, Codable, CaseIterable {
        /// ln(1 + words in the output).
        case logWords = "log_words"
    }

    /// log2 of the hashed dimension (10…24).
    public var bits: Int
    /// Smallest and largest word n-gram (empty: none).
    public var wordNgrams: [Int]
    /// Smallest and largest character n-gram (empty: none).
    public var charNgrams: [Int]
    public var interactions: Bool
    public var dense: [Dense]

    public init(bits: Int = 20, wordNgrams: [Int] = [1, 2], charNgrams: [Int] = [4, 4], interactions: Bool = false, dense: [Dense] = [.logWords]) {
        self.bits = bits
        self.wordNgrams = wordNgrams
        self.charNgrams = charNgrams
        self.interactions = interactions
        self.dense = dense
    }

    enum CodingKeys: String, CodingKey {
        case bits, interactions, dense
        case wordNgrams = "word_ngrams"
        case charNgrams = "char_ngrams"
    }

    public var hashedDimension: Int { 1 << bits }
    /// Weights: the hashed features, then the dense ones.
    public var dimension: Int { hashedDimension + dense.count }

    public func validate() throws(RewardError) {
        guard (10...24).contains(bits) else { throw .invalidOption("--bits must be between 10 and 24; got \(bits).") }
        for (name, range) in [("--word-ngrams", wordNgrams), ("--char-ngrams", charNgrams)] {
            guard range.isEmpty || (range.count == 2 && range[0] >= 1 && range[0] <= range[1] && range[1] <= 8) else {
                throw .invalidOption("\(name) takes MIN-MAX with 1 ≤ MIN ≤ MAX ≤ 8, or 0 for none; got \(range).")
            }
        }
        guard !wordNgrams.isEmpty || !charNgrams.isEmpty || interactions || !dense.isEmpty else {
            throw .invalidOption("the reward model needs some features: word or character n-grams, interactions or dense features.")
        }
    }

    /// One text's features: sorted unique hashed indices with their values,
    /// and the dense values.
    public struct Row: Sendable, Equatable {
        public var indices: [UInt32]
        public var values: [Float]
        public var dense: [Float]
    }

    /// The features of `output` answering `prompt`.
    public func row(prompt: String, output: String) -> Row {
        var scratch = Scratch()
        return row(prompt: prompt, output: output, scratch: &scratch)
    }

    /// Reusable buffers for `row`.
    public struct Scratch: Sendable {
        var bytes: [UInt8] = []
        var words: [Range<Int>] = []
        var promptBytes: [UInt8] = []
        var promptWords: [Range<Int>] = []
        var hashes: [UInt64] = []
        var entries: [(UInt32, Float)] = []
        public init() {}
    }

    public func row(prompt: String, output: String, scratch s: inout Scratch) -> Row {
        Self.tokenise(output, into: &s.bytes, words: &s.words)
        s.entries.removeAll(keepingCapacity: true)
        let mask = UInt64(hashedDimension - 1)
        if wordNgrams.count == 2 {
            s.hashes.removeAll(keepingCapacity: true)
            for n in wordNgrams[0]...wordNgrams[1] where s.words.count >= n {
                let tag = Self.tagHash("w\(n)")
                for start in 0...(s.words.count - n) {
                    var h = tag
                    for k in 0..<n {
                        if k > 0 { h = Self.fnv(h, 0x20) }
                        for b in s.bytes[s.words[start + k]] { h = Self.fnv(h, b) }
                    }
                    s.hashes.append(Self.mix(h))
                }
            }
            Self.addBlock(&s.hashes, mask: mask, into: &s.entries)
        }
        if charNgrams.count == 2 {
            s.hashes.removeAll(keepingCapacity: true)
            for n in charNgrams[0]...charNgrams[1] {
                let tag = Self.tagHash("c\(n)")
                for word in s.words {
                    let length = word.count + 2
                    guard length >= n else { continue }
                    for start in 0...(length - n) {
                        var h = tag
                        for k in start..<(start + n) {
                            let b: UInt8 = k == 0 ? 0x3C : (k == length - 1 ? 0x3E : s.bytes[word.lowerBound + k - 1])
                            h = Self.fnv(h, b)
                        }
                        s.hashes.append(Self.mix(h))
                    }
                }
            }
            Self.addBlock(&s.hashes, mask: mask, into: &s.entries)
        }
        if interactions {
            Self.tokenise(prompt, into: &s.promptBytes, words: &s.promptWords)
            s.hashes.removeAll(keepingCapacity: true)
            var promptSet = Set<[UInt8]>()
            var promptFirst: [[UInt8]] = []
            for w in s.promptWords {
                let word = Array(s.promptBytes[w])
                if promptSet.insert(word).inserted && promptFirst.count < 16 { promptFirst.append(word) }
            }
            var seen = Set<[UInt8]>()
            var outputFirst: [[UInt8]] = []
            let copyTag = Self.tagHash("o")
            for w in s.words {
                let word = Array(s.bytes[w])
                guard seen.insert(word).inserted else { continue }
                if outputFirst.count < 64 { outputFirst.append(word) }
                if promptSet.contains(word) {
                    var h = copyTag
                    for b in word { h = Self.fnv(h, b) }
                    s.hashes.append(Self.mix(h))
                }
            }
            let crossTag = Self.tagHash("x")
            for p in promptFirst {
                var hp = crossTag
                for b in p { hp = Self.fnv(hp, b) }
                hp = Self.fnv(hp, 0x1F)
                for o in outputFirst {
                    var h = hp
                    for b in o { h = Self.fnv(h, b) }
                    s.hashes.append(Self.mix(h))
                }
            }
            Self.addBlock(&s.hashes, mask: mask, into: &s.entries)
        }
        s.entries.sort { $0.0 < $1.0 }
        var indices: [UInt32] = []
        var values: [Float] = []
        indices.reserveCapacity(s.entries.count)
        values.reserveCapacity(s.entries.count)
        for (index, value) in s.entries {
            if let last = indices.last, last == index {
                values[values.count - 1] += value
            } else {
                indices.append(index)
                values.append(value)
            }
        }
        let dense = self.dense.map { feature -> Float in
            switch feature {
            case .logWords: Float(Foundation.log1p(Double(s.words.count)))
            }
        }
        return Row(indices: indices, values: values, dense: dense)
    }

    /// Words of `text` as byte ranges of the lowercased UTF-8 in `bytes`.
    static func tokenise(_ text: String, into bytes: inout [UInt8], words: inout [Range<Int>]) {
        bytes.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        bytes.append(contentsOf: text.utf8)
        var start = -1
        for k in 0..<bytes.count {
            var b = bytes[k]
            let isWord: Bool
            if b >= 0x80 {
                isWord = true
            } else if b >= 0x41 && b <= 0x5A {
                b += 0x20
                bytes[k] = b
                isWord = true
            } else {
                isWord = (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39)
            }
            if isWord {
                if start < 0 { start = k }
            } else if start >= 0 {
                words.append(start..<k)
                start = -1
            }
        }
        if start >= 0 { words.append(start..<bytes.count) }
    }

    /// Counts equal hashes, weighs each distinct gram 1 + ln c with its sign,
    /// scales the block to unit norm and appends it.
    static func addBlock(_ hashes: inout [UInt64], mask: UInt64, into entries: inout [(UInt32, Float)]) {
        guard !hashes.isEmpty else { return }
        hashes.sort()
        let first = entries.count
        var norm = 0.0
        var k = 0
        while k < hashes.count {
            var end = k + 1
            while end < hashes.count && hashes[end] == hashes[k] { end += 1 }
            let h = hashes[k]
            let tf = 1 + Foundation.log(Double(end - k))
            let value = h >> 63 == 1 ? -tf : tf
            entries.append((UInt32(h & mask), Float(value)))
            norm += tf * tf
            k = end
        }
        let scale = Float(1 / norm.squareRoot())
        for e in first..<entries.count { entries[e].1 *= scale }
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x100_0000_01b3

    @inline(__always)
    static func fnv(_ h: UInt64, _ byte: UInt8) -> UInt64 {
        (h ^ UInt64(byte)) &* fnvPrime
    }

    /// FNV state after the tag and the 0x1F separator.
    static func tagHash(_ tag: String) -> UInt64 {
        var h = fnvOffset
        for b in tag.utf8 { h = fnv(h, b) }
        return fnv(h, 0x1F)
    }

    /// SplitMix64's finaliser: spreads FNV's bits (its top bit gives the sign).
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
