import AsyncHTTPClient
import Foundation
import Logging
import PreferCore
import PreferJudgeTestSupport
@testable import PreferJudge
import PreferStore
import Testing

/// The engine and the endpoint client against a fake endpoint: both orders,
/// retries with Retry-After, timeouts, 5xx, malformed bodies, unparseable
/// answers, and the API key kept out of everything but the header.
@Suite("Judge engine against a fake endpoint", .serialized)
struct JudgeEngineTests {
    static let logger: Logger = {
        var logger = Logger(label: "prefer.judge.tests")
        logger.logLevel = .critical
        return logger
    }()

    static func configuration(_ base: String, _ change: (inout JudgeConfiguration) -> Void = { _ in }) -> JudgeConfiguration {
        var configuration = JudgeConfiguration(
            name: "fake", endpoint: base, model: "fake-model", limits: .init(concurrency: 4, timeoutSeconds: 5, retries: 3))
        change(&configuration)
        return configuration
    }

    static func withEngine<T>(
        _ fake: FakeJudgeEndpoint, _ configuration: JudgeConfiguration, environment: [String: String] = [:],
        _ body: (JudgeEngine) async throws -> T
    ) async throws -> T {
        let client = JudgeHTTPClient.make(connections: 8)
        do {
            let endpoint = try JudgeEndpoint(configuration: configuration, client: client, environment: environment, logger: logger)
            let value = try await body(JudgeEngine(configuration: configuration, judgeId: nil, endpoint: endpoint))
            try await client.shutdown()
            try await fake.stop()
            return value
        } catch {
            try? await client.shutdown()
            try? await fake.stop()
            throw error
        }
    }

    static let item = JudgeItem(prompt: "What is 2 + 2?", outputs: [.text("It is 4. GOOD"), .text("It is 5.")])

    @Test func bothOrdersAgreeWithAKnowingJudge() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        let outcome = try await Self.withEngine(fake, Self.configuration(fake.base)) { engine in
            try await engine.judge(try JudgePlan(engine.configuration, item: Self.item))
        }
        let result = JudgementResult(outcome.results)
        #expect(result.verdict == "a")
        #expect(result.strength == 1)  // A≫B in one order, B>A (a better, shown second) in the other: the weaker claim
        #expect(result.consistent == true)
        #expect(result.verdicts == ["A>>B", "B>A"])
        #expect(outcome.counters.requests == 2)
        #expect(outcome.counters.consistent == 1)
        #expect(result.tokens == 220)
        // The orders really were swapped: the good answer was shown as A, then as B.
        let shownFirst = fake.requests.map { $0.answer("A") ?? "" }
        #expect(Set(shownFirst) == ["It is 4. GOOD", "It is 5."])
    }

    @Test func aPositionBiasedJudgeFlipsToATieOrNoVote() async throws {
        for flips in FlipPolicy.allCases {
            let fake = try await FakeJudgeEndpoint.start { _ in .completion("[[A>B]]") }
            let result = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.flips = flips }) { engine in
                JudgementResult(try await engine.judge(try JudgePlan(engine.configuration, item: Self.item)).results)
            }
            #expect(result.consistent == false)
            #expect(result.verdict == (flips == .tie ? "tie" : nil))
            #expect(result.verdicts == ["A>B", "A>B"])
        }
    }

    @Test func oneOrderOnly() async throws {
        let fake = try await FakeJudgeEndpoint.start(FakeJudgeEndpoint.knowing)
        let result = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.orders = .one }) { engine in
            JudgementResult(try await engine.judge(try JudgePlan(engine.configuration, item: Self.item)).results)
        }
        #expect(result.verdict == "a" && result.strength == 2 && result.consistent == nil)
        #expect(fake.requestCount == 1)
    }

    @Test func retryAfterIsHonoured() async throws {
        let fake = try await FakeJudgeEndpoint.start { request in
            request.number == 1 ? .status(429, body: #"{"error":"slow down"}"#, retryAfter: "1") : FakeJudgeEndpoint.knowing(request)
        }
        let start = ContinuousClock.now
        let outcome = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.orders = .one }) { engine in
            try await engine.judge(try JudgePlan(engine.configuration, item: Self.item))
        }
        let elapsed = (ContinuousClock.now - start).inSeconds
        #expect(elapsed >= 1.0, "waited \(elapsed) s after Retry-After: 1")
        #expect(fake.requestCount == 2)
        #expect(JudgementResult(outcome.results).verdict == "a")
        #expect(outcome.answers.first?.attempts == 2)
    }

    @Test func serverErrorsTimeoutsAndSlowStreamsAreRetried() async throws {
        let good = FakeJudgeEndpoint.knowing
        let fake = try await FakeJudgeEndpoint.start { request in
            switch request.number {
            case 1: .status(503, body: "overloaded")
            case 2: .hang
            case 3: .trickle(#"{"choices":[{"message":{"content":"[[A>B]]"}}]}"#, interval: 0.2)
            default: good(request)
            }
        }
        let outcome = try await Self.withEngine(fake, Self.configuration(fake.base) {
            $0.orders = .one
            $0.limits.timeoutSeconds = 0.6
        }) { engine in
            try await engine.judge(try JudgePlan(engine.configuration, item: Self.item))
        }
        #expect(fake.requestCount == 4)
        #expect(outcome.answers.first?.attempts == 4)
        #expect(JudgementResult(outcome.results).verdicts == ["A>>B"])
    }

    @Test func malformedBodiesFailAfterTheRetriesAndAreRecorded() async throws {
        let fake = try await FakeJudgeEndpoint.start { _ in .raw("{not json") }
        let outcome = try await Self.withEngine(fake, Self.configuration(fake.base) {
            $0.orders = .one
            $0.limits.retries = 2
        }) { engine in
            try await engine.judge(try JudgePlan(engine.configuration, item: Self.item))
        }
        #expect(fake.requestCount == 3)
        let result = JudgementResult(outcome.results)
        #expect(result.verdict == nil)
        #expect(result.error?.contains("not a chat completion") == true)
        #expect(result.error?.contains("after 3 attempts") == true)
        #expect(outcome.failures.count == 1 && outcome.answers.isEmpty)
        #expect(outcome.counters.errors == 1)
    }

    @Test func anUnparseableAnswerIsAskedOnceMoreThenRecordedWithItsText() async throws {
        let fake = try await FakeJudgeEndpoint.start { request in
            request.texts.count > 2 ? .completion("Still thinking, A seems fine.") : .completion("Both are OK I guess.")
        }
        let outcome = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.orders = .one }) { engine in
            try await engine.judge(try JudgePlan(engine.configuration, item: Self.item))
        }
        #expect(fake.requestCount == 2)
        // The retry is a follow-up turn: the first answer, then the reminder.
        let second = fake.requests[1].texts
        #expect(second.count == 4 && second[2] == "Both are OK I guess." && second[3].contains("[[A>B]]"))
        let result = JudgementResult(outcome.results)
        #expect(result.verdict == nil)
        #expect(result.raw == ["Still thinking, A seems fine."])
        #expect(outcome.outcomes[0].raw == ["Both are OK I guess.", "Still thinking, A seems fine."])
        #expect(result.error?.contains("unparseable") == true)
        #expect(outcome.counters.unparseable == 1)
        // Both answers are kept (and so cached), each with its reason.
        #expect(outcome.answers.count == 2 && outcome.answers.allSatisfy { $0.unparseable != nil })
    }

    @Test func aReminderThatWorksGivesTheVerdict() async throws {
        let fake = try await FakeJudgeEndpoint.start { request in
            request.texts.count > 2 ? .completion("[[B>A]]") : .completion("B, clearly.")
        }
        let result = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.orders = .one }) { engine in
            JudgementResult(try await engine.judge(try JudgePlan(engine.configuration, item: Self.item)).results)
        }
        #expect(result.verdict == "b" && result.error == nil)
    }

    @Test func logprobVerdictsAverageBothOrders() async throws {
        // P(A)=0.8 when a is shown first; P(A)=0.4 when b is shown first, i.e. P(a)=0.6 → mean 0.7.
        let fake = try await FakeJudgeEndpoint.start { request in
            let aFirst = request.answer("A")?.contains("GOOD") == true
            let pA = aFirst ? 0.8 : 0.4
            return .completion("A", logprobs: [("A", log(pA)), ("B", log(1 - pA))])
        }
        let (result, bodies) = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.verdictMethod = .logprobs }) { engine in
            (JudgementResult(try await engine.judge(try JudgePlan(engine.configuration, item: Self.item)).results), fake.requests.map(\.json))
        }
        #expect(result.verdict == "a" && result.strength == 1 && result.consistent == true)
        #expect(bodies.allSatisfy { $0["logprobs"] as? Bool == true && $0["top_logprobs"] as? Int == 20 && $0["max_tokens"] as? Int == 1 })
    }

    @Test func theAPIKeyGoesInTheHeaderOnlyAndIsScrubbedFromErrors() async throws {
        let key = "sk-test-0123456789abcdef"
        let fake = try await FakeJudgeEndpoint.start { request in
            .status(401, body: #"{"error":"invalid key \#(request.headers["authorization"] ?? "")"}"#)
        }
        let (outcome, requests) = try await Self.withEngine(
            fake, Self.configuration(fake.base) { $0.apiKeyEnv = "PREFER_TEST_KEY"; $0.orders = .one },
            environment: ["PREFER_TEST_KEY": key]
        ) { engine in
            (try await engine.judge(try JudgePlan(engine.configuration, item: Self.item)), fake.requests)
        }
        #expect(requests.first?.headers["authorization"] == "Bearer \(key)")
        #expect(!String(decoding: requests.first!.body, as: UTF8.self).contains(key))
        #expect(requests.count == 1)  // a 401 is not retried
        let error = JudgementResult(outcome.results).error ?? ""
        #expect(error.contains("credentials") && error.contains("[redacted]") && !error.contains(key))
        #expect(outcome.failures.allSatisfy { !$0.error.contains(key) })
    }

    @Test func aMissingKeyVariableSaysWhatToSet() throws {
        let client = JudgeHTTPClient.make(connections: 1)
        defer { try? client.syncShutdown() }
        #expect(throws: JudgeError.self) {
            _ = try JudgeEndpoint(
                configuration: Self.configuration("http://127.0.0.1:9/v1") { $0.apiKeyEnv = "PREFER_NO_SUCH_KEY" }, client: client,
                environment: [:], logger: Self.logger)
        }
    }

    @Test func requestsInFlightStayWithinTheLimit() async throws {
        let fake = try await FakeJudgeEndpoint.start { request in .delayed(0.05, FakeJudgeEndpoint.knowing(request)) }
        let rows = (0..<40).map { index in
            JudgeFile.Row(id: .number(Double(index)), item: JudgeItem(prompt: "q\(index)", outputs: [.text("GOOD \(index)"), .text("x")]), line: index + 1)
        }
        let summary = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.limits.concurrency = 3 }) { engine in
            try await JudgeFileRun(engine: engine, cache: nil).run(rows) { _ in }
        }
        #expect(summary.verdicts == 40)
        #expect(fake.requestCount == 80)
        // 80 requests of 50 ms, 3 at a time: at least 80/3·0.05 s.
        #expect(summary.seconds >= 80.0 / 3 * 0.05 * 0.9)
    }

    @Test func fileResultsComeInInputOrder() async throws {
        let fake = try await FakeJudgeEndpoint.start { request in
            // Later rows answer sooner.
            let n = Int(request.texts.joined().split(separator: "q").last?.prefix(while: \.isNumber) ?? "0") ?? 0
            return .delayed(Double(20 - n) * 0.005, FakeJudgeEndpoint.knowing(request))
        }
        let data = Data((0..<20).map { #"{"id": "r\#($0)", "prompt": "q\#($0)", "a": "x", "b": "GOOD y"}"# }.joined(separator: "\n").utf8)
        let rows = try JudgeFile.parse(data, source: "pairs.jsonl")
        let ids = try await Self.withEngine(fake, Self.configuration(fake.base) { $0.limits.concurrency = 8 }) { engine in
            let collected = Collected()
            _ = try await JudgeFileRun(engine: engine, cache: nil).run(rows) { collected.values.append($0) }
            return collected.values
        }
        #expect(ids.map(\.id) == (0..<20).map { .text("r\($0)") })
        #expect(ids.allSatisfy { $0.verdict == "b" })
    }

    final class Collected: @unchecked Sendable {
        var values: [JudgementResult] = []
    }

    @Test func fileRowsAreCheckedWithLineAndField() {
        #expect(throws: JudgeFile.ParseError.self) { try JudgeFile.parse(Data(#"{"prompt":"p","a":"x"}"#.utf8), source: "f.jsonl") }
        do {
            _ = try JudgeFile.parse(Data("{\"prompt\":\"p\",\"a\":\"x\",\"b\":\"y\"}\n\n{\"prompt\":1,\"a\":\"x\",\"b\":\"y\"}".utf8), source: "f.jsonl")
            Issue.record("a number as prompt was accepted")
        } catch let error as JudgeFile.ParseError {
            #expect(error.message.hasPrefix("f.jsonl:3:"))
            #expect(error.message.contains("prompt"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
