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
/// O(bytes · (number of n-gram sizes)) per text: the grams are counted in a
/// hash table and the entries put in index order by a radix sort, with no
/// allocation per token or gram.
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

    /// Reusable buffers for `row`: after the first texts, featurising
    /// allocates nothing but the row it returns.
    public struct Scratch: Sendable {
        var bytes: [UInt8] = []
        var words: [Range<Int>] = []
        var promptBytes: [UInt8] = []
        var promptWords: [Range<Int>] = []
        /// The current block's gram hashes, in text order.
        var hashes: [UInt64] = []
        /// Entries of all blocks so far, in order: hashed index and value.
        var entryIndex: [UInt32] = []
        var entryValue: [Float] = []
        /// (index << 32 | entry number), sorted to merge entries by index.
        var order: [UInt64] = []
        var radix: [UInt64] = []
        /// Open-addressing table counting a block's distinct hashes; a slot is
        /// in use when its stamp is the current one (no clearing per block).
        var slotKey: [UInt64] = []
        var slotCount: [UInt32] = []
        var slotStamp: [UInt32] = []
        var stamp: UInt32 = 0
        /// Used slots in order of first occurrence.
        var distinct: [Int32] = []
        /// The row buffers of `score(prompt:output:weights:scratch:)`.
        var rowIndices: [UInt32] = []
        var rowValues: [Float] = []
        var rowDense: [Float] = []
        public init() {}
    }

    public func row(prompt: String, output: String, scratch s: inout Scratch) -> Row {
        var indices: [UInt32] = []
        var values: [Float] = []
        var dense: [Float] = []
        append(prompt: prompt, output: output, scratch: &s, indices: &indices, values: &values, dense: &dense)
        return Row(indices: indices, values: values, dense: dense)
    }

    /// Appends the features of `output` answering `prompt` to `indices`,
    /// `values` (sorted unique indices) and `dense`; returns the number of
    /// hashed entries appended. Work is on the UTF-8 bytes: no `String` per
    /// token or gram, and no sort of the grams (a hash table counts them).
    @discardableResult
    public func append(
        prompt: String, output: String, scratch s: inout Scratch,
        indices: inout [UInt32], values: inout [Float], dense: inout [Float]
    ) -> Int {
        Self.tokenise(output, into: &s.bytes, words: &s.words)
        s.entryIndex.removeAll(keepingCapacity: true)
        s.entryValue.removeAll(keepingCapacity: true)
        let mask = UInt64(hashedDimension - 1)
        if wordNgrams.count == 2 {
            s.hashes.removeAll(keepingCapacity: true)
            s.bytes.withUnsafeBufferPointer { bytes in
                s.words.withUnsafeBufferPointer { words in
                    for n in wordNgrams[0]...wordNgrams[1] where words.count >= n {
                        let tag = Self.tagHash(word: n)
                        for start in 0...(words.count - n) {
                            var h = tag
                            for k in 0..<n {
                                if k > 0 { h = Self.fnv(h, 0x20) }
                                let word = words[start + k]
                                for i in word.lowerBound..<word.upperBound { h = Self.fnv(h, bytes[i]) }
                            }
                            s.hashes.append(Self.mix(h))
                        }
                    }
                }
            }
            Self.addBlock(&s, mask: mask)
        }
        if charNgrams.count == 2 {
            s.hashes.removeAll(keepingCapacity: true)
            s.bytes.withUnsafeBufferPointer { bytes in
                s.words.withUnsafeBufferPointer { words in
                    for n in charNgrams[0]...charNgrams[1] {
                        let tag = Self.tagHash(char: n)
                        for word in words {
                            let length = word.count + 2
                            guard length >= n else { continue }
                            for start in 0...(length - n) {
                                var h = tag
                                for k in start..<(start + n) {
                                    let b: UInt8 = k == 0 ? 0x3C : (k == length - 1 ? 0x3E : bytes[word.lowerBound + k - 1])
                                    h = Self.fnv(h, b)
                                }
                                s.hashes.append(Self.mix(h))
                            }
                        }
                    }
                }
            }
            Self.addBlock(&s, mask: mask)
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
            Self.addBlock(&s, mask: mask)
        }
        // Merge entries landing on one index (in entry order) and sort by index.
        let count = s.entryIndex.count
        s.order.removeAll(keepingCapacity: true)
        for e in 0..<count { s.order.append(UInt64(s.entryIndex[e]) << 32 | UInt64(e)) }
        Self.radixSort(&s.order, scratch: &s.radix, keyBits: bits)
        // No reserveCapacity here: `indices` and `values` are the dataset's
        // growing arrays, and reserving the exact size at every row would
        // reallocate and copy them every time (quadratic); appending grows
        // them geometrically.
        let first = indices.count
        var last = UInt32.max
        for key in s.order {
            let index = UInt32(truncatingIfNeeded: key >> 32)
            let value = s.entryValue[Int(truncatingIfNeeded: key & 0xFFFF_FFFF)]
            if index == last && indices.count > first {
                values[values.count - 1] += value
            } else {
                indices.append(index)
                values.append(value)
                last = index
            }
        }
        for feature in self.dense {
            switch feature {
            case .logWords: dense.append(Float(Foundation.log1p(Double(s.words.count))))
            }
        }
        return indices.count - first
    }

    /// The reward wᵀφ(prompt, output) without building the row: the same
    /// entries, merged and summed in the same order as `row`.
    func score(prompt: String, output: String, weights: UnsafeBufferPointer<Float>, scratch s: inout Scratch) -> Double {
        var indices: [UInt32] = []
        var values: [Float] = []
        var dense: [Float] = []
        swap(&indices, &s.rowIndices)
        swap(&values, &s.rowValues)
        swap(&dense, &s.rowDense)
        indices.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        dense.removeAll(keepingCapacity: true)
        append(prompt: prompt, output: output, scratch: &s, indices: &indices, values: &values, dense: &dense)
        var total = 0.0
        for k in indices.indices { total += Double(values[k]) * Double(weights[Int(indices[k])]) }
        let hashed = hashedDimension
        for (f, value) in dense.enumerated() { total += Double(value) * Double(weights[hashed + f]) }
        swap(&indices, &s.rowIndices)
        swap(&values, &s.rowValues)
        swap(&dense, &s.rowDense)
        return total
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

    /// Counts equal hashes of the block in `s.hashes` (a hash table, in
    /// order of first occurrence), weighs each distinct gram 1 + ln c with
    /// its sign, scales the block to unit norm and appends it to the entries.
    static func addBlock(_ s: inout Scratch, mask: UInt64) {
        let n = s.hashes.count
        guard n > 0 else { return }
        var capacity = 64
        while capacity < 2 * n { capacity <<= 1 }
        if s.slotKey.count < capacity {
            s.slotKey = [UInt64](repeating: 0, count: capacity)
            s.slotCount = [UInt32](repeating: 0, count: capacity)
            s.slotStamp = [UInt32](repeating: 0, count: capacity)
            s.stamp = 0
        }
        s.stamp &+= 1
        if s.stamp == 0 {
            for k in s.slotStamp.indices { s.slotStamp[k] = 0 }
            s.stamp = 1
        }
        let stamp = s.stamp
        let tableMask = s.slotKey.count - 1
        s.distinct.removeAll(keepingCapacity: true)
        s.hashes.withUnsafeBufferPointer { hashes in
            s.slotKey.withUnsafeMutableBufferPointer { key in
                s.slotCount.withUnsafeMutableBufferPointer { count in
                    s.slotStamp.withUnsafeMutableBufferPointer { used in
                        for h in hashes {
                            var slot = Int(truncatingIfNeeded: h >> 32) & tableMask
                            while true {
                                if used[slot] != stamp {
                                    used[slot] = stamp
                                    key[slot] = h
                                    count[slot] = 1
                                    s.distinct.append(Int32(slot))
                                    break
                                }
                                if key[slot] == h {
                                    count[slot] += 1
                                    break
                                }
                                slot = (slot + 1) & tableMask
                            }
                        }
                    }
                }
            }
        }
        let first = s.entryIndex.count
        var norm = 0.0
        for slot in s.distinct {
            let h = s.slotKey[Int(slot)]
            let c = s.slotCount[Int(slot)]
            let tf = c == 1 ? 1 : 1 + Foundation.log(Double(c))
            s.entryIndex.append(UInt32(truncatingIfNeeded: h & mask))
            s.entryValue.append(Float(h >> 63 == 1 ? -tf : tf))
            norm += tf * tf
        }
        let scale = Float(1 / norm.squareRoot())
        for e in first..<s.entryValue.count { s.entryValue[e] *= scale }
    }

    /// Stable LSD radix sort of `keys` on bits 32..<(32 + keyBits), 8 bits a pass.
    static func radixSort(_ keys: inout [UInt64], scratch: inout [UInt64], keyBits: Int) {
        let n = keys.count
        guard n > 1 else { return }
        if scratch.count < n { scratch = [UInt64](repeating: 0, count: n) }
        var counts = [Int](repeating: 0, count: 257)
        var shift = 32
        var inScratch = false
        while shift < 32 + keyBits {
            for k in counts.indices { counts[k] = 0 }
            keys.withUnsafeMutableBufferPointer { a in
                scratch.withUnsafeMutableBufferPointer { b in
                    let source = inScratch ? UnsafeMutableBufferPointer(rebasing: b[0..<n]) : a
                    let target = inScratch ? a : UnsafeMutableBufferPointer(rebasing: b[0..<n])
                    for key in source { counts[Int(truncatingIfNeeded: (key >> UInt64(shift)) & 0xFF) + 1] += 1 }
                    for k in 1..<257 { counts[k] += counts[k - 1] }
                    for key in source {
                        let bucket = Int(truncatingIfNeeded: (key >> UInt64(shift)) & 0xFF)
                        target[counts[bucket]] = key
                        counts[bucket] += 1
                    }
                }
            }
            inScratch.toggle()
            shift += 8
        }
        if inScratch {
            for k in 0..<n { keys[k] = scratch[k] }
        }
    }

    static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let fnvPrime: UInt64 = 0x100_0000_01b3

    @inline(__always)
    static func fnv(_ h: UInt64, _ byte: UInt8) -> UInt64 {
        (h ^ UInt64(byte)) &* fnvPrime
    }

    /// `tagHash("w\(n)")` and `tagHash("c\(n)")` for n in 1…8, computed once.
    static let wordTags = (0...8).map { tagHash("w\($0)") }
    static let charTags = (0...8).map { tagHash("c\($0)") }
    @inline(__always) static func tagHash(word n: Int) -> UInt64 { n < wordTags.count ? wordTags[n] : tagHash("w\(n)") }
    @inline(__always) static func tagHash(char n: Int) -> UInt64 { n < charTags.count ? charTags[n] : tagHash("c\(n)") }

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
