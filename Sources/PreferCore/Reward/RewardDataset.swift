import Dispatch
import Foundation

/// Preference pairs with their texts turned into features: each distinct
/// (prompt, output) once, as a row of a sparse matrix (compressed rows), and
/// the pairs as row indices with their labels and prompt groups.
///
/// Featurisation runs on all cores in a fixed number of chunks, so the result
/// does not depend on the thread count. O(text bytes) time; memory
/// 8 bytes per stored feature (a 200-word output has about 600).
public struct RewardDataset: Sendable {
    public let features: RewardFeatures
    /// Row r's features are `indices[rowStart[r]..<rowStart[r+1]]`.
    var rowStart: [Int]
    var indices: [UInt32]
    var values: [Float]
    /// Dense features, row-major (rows × features.dense.count).
    var dense: [Float]
    /// Words per output, for the "longer wins" baseline.
    public internal(set) var wordCounts: [Int]
    /// Per pair: the preferred (or, for ties, first) row and the other.
    public internal(set) var chosen: [Int32]
    public internal(set) var rejected: [Int32]
    public internal(set) var label: [Double]
    public internal(set) var weight: [Double]
    /// Per pair: its prompt's group number (prompts in order of first appearance).
    public internal(set) var group: [Int32]
    public internal(set) var isJudge: [Bool]
    public internal(set) var chosenContender: [String?]
    public internal(set) var rejectedContender: [String?]
    public let promptCount: Int

    public var pairCount: Int { chosen.count }
    public var rowCount: Int { rowStart.count - 1 }
    public var storedFeatures: Int { indices.count }

    static let chunks = 16

    public init(
        pairs: [PreferencePair], features: RewardFeatures, threads: Int? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) {
        self.features = features
        var promptGroup: [String: Int32] = [:]
        var rowOf: [TextKey: Int32] = [:]
        var texts: [(prompt: Int32, text: String)] = []
        var prompts: [String] = []
        chosen = []
        rejected = []
        label = []
        weight = []
        group = []
        isJudge = []
        chosenContender = []
        rejectedContender = []
        for pair in pairs {
            let g: Int32
            if let known = promptGroup[pair.prompt] {
                g = known
            } else {
                g = Int32(prompts.count)
                promptGroup[pair.prompt] = g
                prompts.append(pair.prompt)
            }
            func row(_ text: String) -> Int32 {
                let key = TextKey(prompt: g, text: text)
                if let r = rowOf[key] { return r }
                let r = Int32(texts.count)
                rowOf[key] = r
                texts.append((g, text))
                return r
            }
            chosen.append(row(pair.chosen))
            rejected.append(row(pair.rejected))
            label.append(pair.label)
            weight.append(pair.weight)
            group.append(g)
            isJudge.append(pair.isJudge)
            chosenContender.append(pair.chosenContender)
            rejectedContender.append(pair.rejectedContender)
        }
        promptCount = prompts.count
        let rows = texts.count
        let chunkCount = min(Self.chunks, max(1, rows))
        let parts = SharedBuffer<Part?>(repeating: nil, count: chunkCount)
        defer { parts.deallocate() }
        let next = AtomicCounter()
        let done = AtomicCounter()
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, chunkCount))
        let shared = Unshared(texts: texts, prompts: prompts)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var scratch = RewardFeatures.Scratch()
            while true {
                let c = next.increment() - 1
                guard c < chunkCount else { break }
                let range = (rows * c / chunkCount)..<(rows * (c + 1) / chunkCount)
                var part = Part()
                part.rowLengths.reserveCapacity(range.count)
                for r in range {
                    let item = shared.texts[r]
                    let length = features.append(
                        prompt: shared.prompts[Int(item.prompt)], output: item.text, scratch: &scratch,
                        indices: &part.indices, values: &part.values, dense: &part.dense)
                    part.rowLengths.append(length)
                    part.words.append(scratch.words.count)
                }
                parts[c] = part
                progress?(done.increment(), chunkCount)
            }
        }
        var rowStart = [0]
        rowStart.reserveCapacity(rows + 1)
        var indices: [UInt32] = []
        var values: [Float] = []
        var dense: [Float] = []
        var words: [Int] = []
        let total = (0..<chunkCount).reduce(0) { $0 + parts[$1]!.indices.count }
        indices.reserveCapacity(total)
        values.reserveCapacity(total)
        for c in 0..<chunkCount {
            let part = parts[c]!
            for length in part.rowLengths { rowStart.append(rowStart.last! + length) }
            indices += part.indices
            values += part.values
            dense += part.dense
            words += part.words
        }
        self.rowStart = rowStart
        self.indices = indices
        self.values = values
        self.dense = dense
        wordCounts = words
    }

    private struct TextKey: Hashable {
        var prompt: Int32
        var text: String
    }

    private struct Part {
        var rowLengths: [Int] = []
        var indices: [UInt32] = []
        var values: [Float] = []
        var dense: [Float] = []
        var words: [Int] = []
    }

    /// The texts, shared read-only by the featurising threads.
    private struct Unshared: @unchecked Sendable {
        let texts: [(prompt: Int32, text: String)]
        let prompts: [String]
    }

    /// wᵀx for row r.
    @inline(__always)
    func score(row r: Int, weights: UnsafeBufferPointer<Double>) -> Double {
        var s = 0.0
        let hashed = features.hashedDimension
        for k in rowStart[r]..<rowStart[r + 1] {
            s += Double(values[k]) * weights[Int(indices[k])]
        }
        let d = features.dense.count
        for f in 0..<d { s += Double(dense[r * d + f]) * weights[hashed + f] }
        return s
    }

    /// Pairs whose prompt group satisfies `keep`.
    public func pairs(where keep: (Int32) -> Bool) -> [Int] {
        (0..<pairCount).filter { keep(group[$0]) }
    }
}
