import AsyncHTTPClient
import Foundation
import Logging
import PreferCore
import PreferJudge
import PreferStore
import ServiceLifecycle
import Synchronization

/// Judge runs as background work of the server: `POST
/// /api/arenas/{arena}/judge-runs` prepares a run (`JudgeRunJob.prepare`,
/// the same as `prefer judge run`) and hands it to this `Service`, whose
/// `run()` works on it in a child task — so every run belongs to the
/// application's service group, not to the request that started it.
///
/// - Progress: the store keeps the run's counters as items finish (the
///   job's recorder writes them in batches); `progress(of:)` adds the latest
///   in-memory tally of a run working here.
/// - Cancel: `store.requestJudgeRunCancel` — the job sees it within 0.5 s
///   and stops with status `cancelled`; started again, it resumes.
/// - Shutdown: on graceful shutdown the runner stops taking runs, asks each
///   of its runs to stop the same way (in tasks that are not cancelled, so
///   the job's last writes reach SQLite), and marks them cancelled —
///   "interrupted by server shutdown", resumable. It is last in the
///   services, so it stops before the store closes.
actor JudgeRunner: Service {
    let store: any PreferStore
    let logger: Logger
    /// Environment the judges' API keys are read from (by variable name).
    let environment: [String: String]

    struct Work: Sendable {
        var job: JudgeRunJob
        var runId: Int64
        var client: HTTPClient
    }

    /// Runs working here, by id, with the arena's name to say in messages.
    private var active: [Int64: String] = [:]
    /// Judge/arena/selection keys being prepared or worked on here.
    private var busy: [String: Int64?] = [:]
    private var waiters: [Int64: [CheckedContinuation<Void, Never>]] = [:]
    private var accepting = true
    private var shuttingDown = false
    private let live = LiveProgress()
    private let queue: AsyncStream<Work>
    private let submit: AsyncStream<Work>.Continuation

    final class LiveProgress: Sendable {
        let latest = Mutex<[Int64: JudgeRunJob.Progress]>([:])
    }

    init(store: any PreferStore, logger: Logger, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.store = store
        self.logger = logger
        self.environment = environment
        (queue, submit) = AsyncStream.makeStream(of: Work.self)
    }

    var judges: any JudgeStore {
        get throws {
            guard let judges = store as? any JudgeStore else { throw PreferError.unavailable }
            return judges
        }
    }

    // MARK: The service

    nonisolated func run() async throws {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                for await work in self.queue {
                    group.addTask { await self.execute(work) }
                }
            } onGracefulShutdown: {
                self.submit.finish()
            }
            // No new runs; ask those under way to stop (they keep what they did).
            await self.stopAll()
        }
    }

    private func stopAll() async {
        accepting = false
        shuttingDown = true
        for id in active.keys {
            do {
                try await judges.requestJudgeRunCancel(runId: id)
            } catch {
                logger.warning("could not ask a judge run to stop", metadata: ["run": "\(id)", "error": "\(error)"])
            }
        }
    }

    private func execute(_ work: Work) async {
        let id = work.runId
        let live = self.live
        var ended: JudgeRun?
        do {
            ended = try await work.job.run(id) { progress in
                live.latest.withLock { $0[id] = progress }
            }
        } catch {
            logger.warning("judge run stopped", metadata: ["run": "\(id)", "error": "\(error)"])
        }
        try? await work.client.shutdown()
        if shuttingDown, ended?.status != .completed {
            let arena = active[id] ?? "ARENA"
            try? await judges.setJudgeRunStatus(
                runId: id, .cancelled,
                message: "interrupted by server shutdown; POST /api/arenas/\(arena)/judge-runs with the same judge and selection to resume")
        }
        finish(id)
    }

    private func finish(_ id: Int64) {
        active[id] = nil
        busy = busy.filter { $0.value != id }
        live.latest.withLock { $0[id] = nil }
        for waiter in waiters.removeValue(forKey: id) ?? [] { waiter.resume() }
    }

    // MARK: Requests

    /// Prepares a run of `judge` over `arena` (or finds the unfinished one
    /// to resume, unless `fresh`) and starts it in the background.
    func start(
        arena: Arena, judge: StoredJudge, selection: JudgeSelection, fresh: Bool
    ) async throws -> (run: JudgeRun, resumed: Bool, skipped: Int) {
        guard accepting else { throw PreferError.shuttingDown }
        let judges = try self.judges
        let key = "\(judge.id):\(arena.id):\(selection.text)"
        if let running = busy[key] {
            throw PreferError(
                .conflict, code: "judge_run_active",
                "Judge \"\(judge.name)\" is already running on arena \"\(arena.name)\" with this selection"
                    + (running.map { " (run \($0))" } ?? "") + "; follow it with GET /api/arenas/\(arena.name)/judge-runs/{run}, or cancel it first.",
                field: "judge")
        }
        busy[key] = .some(nil)
        let client = JudgeHTTPClient.make(connections: judge.configuration.limits.concurrency)
        do {
            let endpoint: JudgeEndpoint
            do {
                endpoint = try JudgeEndpoint(configuration: judge.configuration, client: client, environment: environment, logger: logger)
            } catch {
                throw PreferError.invalidField("judge", error.message)
            }
            let job = JudgeRunJob(store: judges, judge: judge, arena: arena, endpoint: endpoint, logger: logger)
            let prepared: (run: JudgeRun, resumed: Bool, skipped: Int)
            do {
                prepared = try await job.prepare(selection, resume: !fresh)
            } catch let error as JudgeError {
                throw PreferError.invalidField(error.field ?? "selection", error.message)
            }
            guard accepting else { throw PreferError.shuttingDown }
            let id = prepared.run.id
            busy[key] = id
            active[id] = arena.name
            if case .terminated = submit.yield(Work(job: job, runId: id, client: client)) {
                finish(id)
                throw PreferError.shuttingDown
            }
            return prepared
        } catch {
            if busy[key] == .some(nil) { busy[key] = nil }
            try? await client.shutdown()
            throw error
        }
    }

    /// Whether the run is working in this server now.
    func isActive(_ id: Int64) -> Bool { active[id] != nil }

    /// The latest in-memory tally of a run working here (ahead of the store's by at most a batch).
    nonisolated func progress(of id: Int64) -> JudgeRunJob.Progress? {
        live.latest.withLock { $0[id] }
    }

    /// Returns once the run is no longer working here (at once if it is not):
    /// what a test awaits instead of polling.
    func finished(_ id: Int64) async {
        guard active[id] != nil else { return }
        await withCheckedContinuation { waiters[id, default: []].append($0) }
    }
}
