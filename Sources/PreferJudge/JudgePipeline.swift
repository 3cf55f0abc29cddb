/// Runs `count` pieces of work with at most `width` at once, handing each
/// result to `deliver` as it completes (in completion order). A failing
/// piece or a cancelled task stops the rest.
enum JudgePipeline {
    static func run<T: Sendable>(
        count: Int, width: Int, work: @escaping @Sendable (Int) async throws -> T,
        deliver: (Int, T) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, T).self) { group in
            var next = 0
            while next < min(count, max(width, 1)) {
                let index = next
                group.addTask { (index, try await work(index)) }
                next += 1
            }
            while let (index, value) = try await group.next() {
                try await deliver(index, value)
                if next < count {
                    try Task.checkCancellation()
                    let index = next
                    group.addTask { (index, try await work(index)) }
                    next += 1
                }
            }
        }
    }
}
