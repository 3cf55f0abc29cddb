import Foundation
import Logging
import Metrics
import PreferStore
import CoreMetrics
import ServiceLifecycle

/// Group commit for votes: concurrent submissions are written together in
/// one transaction, and each caller resumes only after that transaction
/// has committed — a vote acknowledged is a vote stored.
///
/// There is no waiting window: the first vote is written at once, and votes
/// that arrive while a write is in flight form the next batch (up to
/// `maxBatch`). Under load that turns many small commits (and fsyncs) into a
/// few large ones; when idle, latency is one transaction. If a batch fails,
/// its votes are retried one by one so a single bad vote cannot fail others.
///
/// A `Service`: the writing happens in `run()`, in the application's service
/// group. Votes submitted before it starts wait for it. On graceful shutdown
/// it writes every vote already submitted, answers each, and only then
/// returns; a vote submitted after that is refused with `shutting_down`
/// (never left waiting). The HTTP server stops before the writer (the
/// service group shuts services down in reverse order), so requests in
/// flight when SIGTERM arrives still get their vote stored and answered.
///
/// The writer drains at high priority: every voter waits on it, so its
/// steps must not queue behind the request handling it unblocks (at default
/// priority a batch took 6–7 ms under load, 2.5–3 ms at high, most of the
/// difference waiting for a thread).
actor VoteWriter: Service {
    typealias Reply = CheckedContinuation<VoteOutcome, any Error>

    let store: any PreferStore
    let maxBatch: Int
    private var pending: [(vote: NewVote, reply: Reply)] = []
    /// Set once the writer has stopped: later votes are refused.
    private var closed = false
    /// Wakes `run()` when votes are pending (at most one wake buffered).
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    init(store: any PreferStore, maxBatch: Int = 256) {
        self.store = store
        self.maxBatch = maxBatch
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Votes waiting for their batch.
    var queued: Int { pending.count }

    /// Stores `vote` with the next batch; returns once it is committed.
    func submit(_ vote: NewVote) async throws -> VoteOutcome {
        try await withCheckedThrowingContinuation { reply in
            if closed {
                reply.resume(throwing: PreferError.shuttingDown)
                return
            }
            pending.append((vote, reply))
            wake.yield()
        }
    }

    /// Writes batches until graceful shutdown (or cancellation), then writes
    /// what is still pending and closes.
    nonisolated func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask(priority: .high) {
                await withGracefulShutdownHandler {
                    for await _ in self.wakes {
                        await self.drain(closing: false)
                    }
                } onGracefulShutdown: {
                    self.wake.finish()
                }
                await self.drain(closing: true)
            }
        }
    }

    /// Writes pending votes until none is left; when `closing`, refuses
    /// later ones (set in the same step that finds the queue empty, so no
    /// vote can slip in between).
    private func drain(closing: Bool) async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            await write(batch)
        }
        if closing { closed = true }
    }

    private func write(_ batch: [(vote: NewVote, reply: Reply)]) async {
        do {
            let start = ContinuousClock.now
            let outcomes = try await store.recordVotes(batch.map(\.vote))
            ServerMetrics.voteCommit.record(duration: ContinuousClock.now - start)
            ServerMetrics.voteBatch.record(batch.count)
            for (entry, outcome) in zip(batch, outcomes) { entry.reply.resume(returning: outcome) }
        } catch where batch.count > 1 {
            for entry in batch {
                do {
                    let outcome = try await store.recordVotes([entry.vote])
                    entry.reply.resume(returning: outcome[0])
                } catch {
                    entry.reply.resume(throwing: error)
                }
            }
        } catch {
            for entry in batch { entry.reply.resume(throwing: error) }
        }
    }
}
