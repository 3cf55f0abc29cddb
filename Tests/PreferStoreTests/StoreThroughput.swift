import Foundation
import PreferCore
import PreferStore
import Testing

/// Ad-hoc measurements, not timed tests: they only run when asked
/// (`PREFER_STORE_BENCH=1 scripts/with-postgres swift test -c release --filter StoreThroughput`)
/// and print what they measured.
@Suite(
    "Store throughput", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["PREFER_STORE_BENCH"] == "1", "set PREFER_STORE_BENCH=1"))
struct StoreThroughput {
    static var votesPerRun: Int {
        Int(ProcessInfo.processInfo.environment["PREFER_STORE_BENCH_VOTES"] ?? "") ?? 4096
    }

    @Test(arguments: StoreKind.tested)
    func recordVotes(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let fixture = try await Fixture.make(store, name: "bench")
            var serial = 0
            func batch(_ size: Int) -> [NewVote] {
                (0..<size).map { _ in
                    serial += 1
                    return fixture.vote(
                        battle: "bench-\(serial)", left: serial % 3, right: (serial + 1) % 3,
                        choice: Choice.allCases[serial % 4], clientVoteId: "client-\(serial)", createdAt: Date())
                }
            }
            for size in [1, 16, 64] {
                let batches = (0..<max(1, Self.votesPerRun / size)).map { _ in batch(size) }
                // One caller, batch after batch.
                let start = ContinuousClock.now
                for votes in batches {
                    let outcomes = try await store.recordVotes(votes)
                    #expect(outcomes.allSatisfy { $0.stored != nil })
                }
                let seconds = (ContinuousClock.now - start).seconds
                let count = batches.count * size
                print(
                    "recordVotes \(kind) batch \(size): \(count) votes in \(String(format: "%.2f", seconds)) s = "
                        + "\(Int(Double(count) / seconds)) votes/s (one caller)")

                // Eight callers at once (as concurrent server requests would be).
                let concurrent = (0..<8).map { _ in (0..<max(1, Self.votesPerRun / size / 8)).map { _ in batch(size) } }
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for batches in concurrent {
                        group.addTask {
                            for votes in batches { _ = try await store.recordVotes(votes) }
                        }
                    }
                    try await group.waitForAll()
                }
                let concurrentSeconds = (ContinuousClock.now - started).seconds
                let concurrentCount = concurrent.reduce(0) { $0 + $1.count } * size
                print(
                    "recordVotes \(kind) batch \(size): \(concurrentCount) votes in "
                        + "\(String(format: "%.2f", concurrentSeconds)) s = "
                        + "\(Int(Double(concurrentCount) / concurrentSeconds)) votes/s (8 callers)")
            }
        }
    }

    @Test(arguments: StoreKind.tested)
    func importAMillionVotes(kind: StoreKind) async throws {
        let count = Int(ProcessInfo.processInfo.environment["PREFER_STORE_BENCH_IMPORT"] ?? "") ?? 1_000_000
        var table = VoteTable()
        var random = SystemRandomNumberGenerator()
        let names = (0..<100).map { "model-\($0)" }
        for i in 0..<count {
            let a = Int.random(in: 0..<100, using: &random)
            let b = (a + Int.random(in: 1..<100, using: &random)) % 100
            table.append(
                Vote(
                    a: names[a], b: names[b], outcome: Outcome.allCases[i % 4], voter: "judge-\(i % 1000)",
                    timestamp: 1_700_000_000 + Double(i)))
        }
        try await kind.withStore { store in
            let arena = try await store.createArena(NewArena(name: "million"))
            let start = ContinuousClock.now
            let imported = try await store.importVotes(arena: arena.id, table)
            let seconds = (ContinuousClock.now - start).seconds
            #expect(imported == count)
            print(
                "importVotes \(kind): \(count) votes in \(String(format: "%.1f", seconds)) s = "
                    + "\(Int(Double(count) / seconds)) votes/s")
            let pageStart = ContinuousClock.now
            var after: Int64? = nil
            var read = 0
            while case let page = try await store.votes(arena: arena.id, after: after, limit: 10_000), !page.isEmpty {
                read += page.count
                after = page.last?.id
            }
            let pageSeconds = (ContinuousClock.now - pageStart).seconds
            #expect(read == count)
            print(
                "votes(arena:after:limit: 10000) \(kind): read \(read) in \(String(format: "%.1f", pageSeconds)) s = "
                    + "\(Int(Double(read) / pageSeconds)) votes/s")
            #expect(try await store.voteCount(arena: arena.id) == count)
        }
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
