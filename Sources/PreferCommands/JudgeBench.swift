import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import PreferCore
import PreferJudge
import PreferStore
import Synchronization
import AsyncHTTPClient

/// `prefer bench judge`: the judging pipeline's throughput.
struct JudgeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "judge",
        abstract: "Judgements per second of the judging pipeline, against an endpoint that answers at once (or a real one).",
        discussion: """
        Without --endpoint, starts a local OpenAI-compatible endpoint in this process that answers every request \
        at once, and measures (1) prefer judge file's pipeline on generated pairs and (2) an arena run \
        (prefer judge run --pairs all) storing every answer and vote in a temporary SQLite database. With \
        --endpoint and --model, measures a real endpoint (judgements per minute).

        Examples:
          prefer bench judge --rows 20000 --concurrency 64
          prefer bench judge --endpoint http://127.0.0.1:8080/v1 --model judge --rows 20 --concurrency 1
        """
    )

    @Option(help: "Pairs to judge (each asked in both orders).") var rows = 20_000
    @Option(help: "Requests in flight.") var concurrency = 64
    @Option(help: "A real endpoint's base URL (default: a local one answering at once).") var endpoint: String?
    @Option(help: "The model, with --endpoint.") var model = "judge"
    @Option(help: "Verdict method: \(VerdictMethod.spellings).") var verdict: VerdictMethod = .text
    @Flag(help: "Skip the arena run (store) measurement.") var noStore = false

    func run() async throws {
        var logger = Logger(label: "prefer.bench.judge")
        logger.logLevel = .warning
        var server: InstantEndpoint?
        let base: String
        if let endpoint {
            base = endpoint
        } else {
            let started = try await InstantEndpoint.start()
            server = started
            base = "http://127.0.0.1:\(started.port)/v1"
        }
        let configuration = JudgeConfiguration(
            name: "bench", endpoint: base, model: model, sampling: .init(temperature: 0, maxTokens: endpoint == nil ? 64 : 256, seed: 0),
            limits: .init(concurrency: concurrency, timeoutSeconds: endpoint == nil ? 30 : 300, retries: 2), verdictMethod: verdict)
        let client = JudgeHTTPClient.make(connections: concurrency)
        var report: [String: Any] = ["concurrency": concurrency, "rows": rows, "endpoint": endpoint ?? "local, answers at once"]
        do {
            let judgeEndpoint = try JudgeEndpoint(configuration: configuration, client: client, logger: logger)
            // (1) The file pipeline on generated pairs.
            let pairs = Self.pairs(rows)
            let runner = JudgeFileRun(engine: JudgeEngine(configuration: configuration, judgeId: nil, endpoint: judgeEndpoint), cache: nil)
            let summary = try await runner.run(pairs) { _ in }
            report["file_seconds"] = summary.seconds
            report["file_judgements_per_s"] = Double(rows) / summary.seconds
            report["file_judgements_per_min"] = 60 * Double(rows) / summary.seconds
            report["file_requests_per_s"] = Double(summary.counters.requests) / summary.seconds
            report["file_errors"] = summary.counters.errors
            report["file_unparseable"] = summary.counters.unparseable
            report["file_verdicts"] = summary.verdicts
            if let consistency = summary.positionConsistency { report["file_position_consistency"] = consistency }
            // (2) An arena run into SQLite: answers, items and votes stored as it goes.
            if !noStore {
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-bench-judge-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let store = try await SQLPreferStore.open(directory.appendingPathComponent("bench.sqlite").path, logger: logger)
                do {
                    try await store.migrate()
                    let arena = try await store.createArena(NewArena(name: "bench"))
                    let contenders = 8
                    let prompts = max(1, rows / 28)
                    var items: [OutputImport] = []
                    for p in 0..<prompts {
                        for c in 0..<contenders {
                            items.append(OutputImport(
                                prompt: .name("Prompt \(p): explain topic \(p) briefly."), category: ["a", "b", "c"][p % 3],
                                contender: .name("model-\(c)"), content: "Answer of model \(c) to prompt \(p): " + String(repeating: "words ", count: 20 + 7 * c)))
                        }
                    }
                    _ = try await store.importOutputs(arena: arena.id, items)
                    let judge = try await store.saveJudge(configuration, replacing: true)
                    let job = JudgeRunJob(store: store, judge: judge, arena: arena, endpoint: judgeEndpoint, logger: logger)
                    let run = try await job.prepare(.allPairs).run
                    let start = ContinuousClock.now
                    let finished = try await job.run(run.id)
                    let seconds = (ContinuousClock.now - start).inSeconds
                    report["run_items"] = finished.totalItems
                    report["run_seconds"] = seconds
                    report["run_judgements_per_s"] = Double(finished.doneItems) / seconds
                    report["run_votes"] = try await store.voteCount(arena: arena.id)
                    report["run_errors"] = finished.counters.errors
                    // A rerun of the same judge on the same items asks nothing: everything comes from the cache.
                    let again = try await job.prepare(.allPairs, resume: false).run
                    let rerunStart = ContinuousClock.now
                    let rerun = try await job.run(again.id)
                    report["rerun_seconds"] = (ContinuousClock.now - rerunStart).inSeconds
                    report["rerun_requests"] = rerun.counters.requests
                    report["rerun_cached"] = rerun.counters.cached
                    report["rerun_votes_after"] = try await store.voteCount(arena: arena.id)
                } catch {
                    try? await store.shutdown()
                    throw error
                }
                try await store.shutdown()
            }
        } catch {
            try? await client.shutdown()
            try? await server?.stop()
            throw error
        }
        try await client.shutdown()
        if let server {
            report["server_requests"] = server.requests
            try await server.stop()
        }
        let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        printOut(String(decoding: data, as: UTF8.self))
    }

    /// Distinct pairs of short answers (so that nothing is answered from a cache).
    static func pairs(_ count: Int) -> [JudgeFile.Row] {
        (0..<count).map { index in
            JudgeFile.Row(
                id: .number(Double(index + 1)),
                item: JudgeItem(
                    prompt: "Question \(index): what is \(index) + \(index)?",
                    outputs: [.text("It is \(2 * index)."), .text("It is \(2 * index + 1), I think.")]),
                line: index + 1)
        }
    }
}

/// An OpenAI-compatible chat-completions endpoint that answers every request
/// at once with the same verdict (for throughput measurements).
final class InstantEndpoint: Sendable {
    let channel: any Channel
    let port: Int
    let counter: Counter

    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    var requests: Int { counter.value.load(ordering: .relaxed) }

    private init(channel: any Channel, port: Int, counter: Counter) {
        self.channel = channel
        self.port = port
        self.counter = counter
    }

    static let body = #"{"id":"bench","object":"chat.completion","model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Both are short; A is right. [[A>B]]"},"logprobs":{"content":[{"token":"A","logprob":-0.1,"top_logprobs":[{"token":"A","logprob":-0.1},{"token":"B","logprob":-2.4}]}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":12,"total_tokens":132}}"#

    static func start() async throws -> InstantEndpoint {
        let counter = Counter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(counter: counter))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return InstantEndpoint(channel: channel, port: channel.localAddress?.port ?? 0, counter: counter)
    }

    func stop() async throws {
        try await channel.close()
    }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let counter: Counter

        init(counter: Counter) {
            self.counter = counter
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            counter.value.add(1, ordering: .relaxed)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(InstantEndpoint.body.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: InstantEndpoint.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
