import ArgumentParser
import Dispatch
import Foundation
import Logging
import PreferCore
import PreferJudge
import PreferStore
import AsyncHTTPClient

/// `prefer judge run --arena A --judge J [--battles N | --pairs all | --on-human-battles]`
struct JudgeRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Judge an arena's battles; the verdicts become votes with source judge and the judge as voter.",
        discussion: """
        Every request and answer is stored: a run stopped by Ctrl-C, a crash or kill -9 resumes where it \
        stopped when the same command is run again, and a rerun with the same judge and inputs asks nothing \
        (its answers come from the cache). A judge votes once per prompt and pair.

        Examples:
          prefer judge run --arena demo --judge local --on-human-battles
          prefer judge run --arena demo --judge local --battles 500 --seed 7
          prefer judge run --arena demo --judge local --pairs all
        """
    )

    @Option(help: "The arena.") var arena: String
    @Option(help: "The judge (defined with prefer judge add).") var judge: String
    @Option(help: "Judge N battles drawn at random (a prompt and a pair with outputs).") var battles: Int?
    @Option(help: "all: judge every pair of contenders on every prompt.") var pairs: String?
    @Flag(help: "Judge the battles people voted on (for agreement with them).") var onHumanBattles = false
    @Option(help: "Seed of the --battles draw.") var seed: UInt64 = 1
    @Flag(help: "Start a new run even if an unfinished one with the same selection exists.") var fresh = false
    @Option(help: "Database (default prefer.sqlite; PREFER_DATABASE_URL works too).") var database: String?
    @Flag(name: .shortAndLong, help: "No progress line.") var quiet = false

    func validate() throws {
        let chosen = [battles != nil, pairs != nil, onHumanBattles].filter { $0 }.count
        guard chosen == 1 else { throw ValidationError("Choose one of --battles N, --pairs all, --on-human-battles.") }
        if let pairs, pairs != "all" { throw ValidationError("--pairs takes \"all\".") }
        if let battles, battles < 1 { throw ValidationError("--battles must be at least 1.") }
    }

    var selection: JudgeSelection {
        if let battles { return .battles(count: battles, seed: seed) }
        if pairs != nil { return .allPairs }
        return .humanBattles
    }

    func run() async throws {
        let logger = JudgeStoreOpener.logger()
        let progress = ProgressLine(quiet: quiet)
        try await JudgeStoreOpener.with(database) { store in
            let judge = try await JudgeStoreOpener.judge(self.judge, in: store)
            let arena = try await JudgeStoreOpener.arena(self.arena, in: store)
            let client = JudgeHTTPClient.make(connections: judge.configuration.limits.concurrency)
            do {
                let endpoint: JudgeEndpoint
                do {
                    endpoint = try JudgeEndpoint(configuration: judge.configuration, client: client, logger: logger)
                } catch let error as JudgeError {
                    throw CommandError(error.message)
                }
                let job = JudgeRunJob(store: store, judge: judge, arena: arena, endpoint: endpoint, logger: logger)
                let prepared: (run: JudgeRun, resumed: Bool, skipped: Int)
                do {
                    prepared = try await job.prepare(selection, resume: !fresh)
                } catch let error as JudgeError {
                    throw CommandError(error.message)
                }
                let run = prepared.run
                if prepared.resumed {
                    printError("resuming run \(run.id): \(run.doneItems + run.failedItems) of \(run.totalItems) items already judged")
                } else {
                    printError("run \(run.id): \(run.totalItems) items to judge" + (prepared.skipped > 0 ? " (\(prepared.skipped) human votes without both outputs left out)" : ""))
                }
                let start = ContinuousClock.now
                let finished = try await SignalCancellation.run {
                    try await job.run(run.id) { p in
                        progress.update("judged \(p.done + p.failed) of \(p.total) items (\(p.failed) failed), \(p.counters.requests) requests, \(p.counters.cached) cached, \(p.counters.tokens) tokens")
                    }
                }
                progress.finish()
                let seconds = (ContinuousClock.now - start).inSeconds
                let c = finished.counters
                printError(String(format: "run %lld %@ in %.1f s: %d of %d items judged, %d failed", finished.id, finished.status.rawValue, seconds, finished.doneItems, finished.totalItems, finished.failedItems))
                printError("requests \(c.requests) sent, \(c.cached) from the cache; \(c.errors) failed after retries; \(c.unparseable) unparseable; tokens \(c.tokens) (prompt \(c.promptTokens), completion \(c.completionTokens))")
                if let consistency = c.positionConsistency {
                    printError(String(format: "position consistency %.1f%% (%d of %d pairs)", 100 * consistency, c.consistent, c.consistent + c.inconsistent))
                }
                printOut("run \(finished.id): \(finished.status.rawValue), \(finished.doneItems) of \(finished.totalItems) judged")
            } catch {
                progress.finish()
                try? await client.shutdown()
                if error is CancellationError {
                    throw CommandError("interrupted; the judged items are kept. Run the same command again to resume.")
                }
                throw error
            }
            try await client.shutdown()
        }
    }
}

/// Runs `body`, cancelling it on SIGINT or SIGTERM (so that a job can keep
/// what it did and stop cleanly) instead of dying mid-write.
enum SignalCancellation {
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        let sources = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        defer {
            for source in sources { source.cancel() }
            signal(SIGINT, SIG_DFL)
            signal(SIGTERM, SIG_DFL)
        }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}
