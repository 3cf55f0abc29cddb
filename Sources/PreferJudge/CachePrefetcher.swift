import PreferStore

/// Looks up the cache for a block of items at once (one query per
/// `blockSize` items instead of one per question): the first item of a block
/// to ask loads the whole block's keys, the others wait for that load.
actor CachePrefetcher {
    private let cache: any JudgeAnswerCache
    private let blockSize: Int
    private let keys: @Sendable (Range<Int>) -> [String]
    private var blocks: [Int: Task<[String: JudgeAnswerRecord], any Error>] = [:]
    private var uses: [Int: Int] = [:]

    init(cache: any JudgeAnswerCache, blockSize: Int = 512, keys: @escaping @Sendable (Range<Int>) -> [String]) {
        self.cache = cache
        self.blockSize = blockSize
        self.keys = keys
    }

    /// The cached answers for item `index`'s block (freed once each item of the block has asked).
    func cached(for index: Int, count: Int) async throws -> [String: JudgeAnswerRecord] {
        let block = index / blockSize
        let task: Task<[String: JudgeAnswerRecord], any Error>
        if let existing = blocks[block] {
            task = existing
        } else {
            let range = (block * blockSize)..<min(count, (block + 1) * blockSize)
            let (cache, keys) = (self.cache, self.keys)
            task = Task { try await cache.answers(keys(range)) }
            blocks[block] = task
        }
        let value = try await task.value
        let size = min(count, (block + 1) * blockSize) - block * blockSize
        uses[block, default: 0] += 1
        if uses[block] == size {
            blocks[block] = nil
            uses[block] = nil
        }
        return value
    }
}
