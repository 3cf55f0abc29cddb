import Foundation
import Logging
import PreferCore
import PreferStore
import Testing

/// `prefer simulate sampling` and `prefer reward …`, run in-process.
@Suite("prefer simulate sampling and prefer reward")
struct SamplingAndRewardCommandTests {
    static let simulation = [
        "simulate", "sampling", "--contenders", "8", "--spread", "150", "--seeds", "1-2",
        "--policies", "uniform,active:lmarena", "--target-width", "80", "--top-k", "2",
        "--rounds", "50", "--threads", "1", "--format", "json", "--quiet",
    ]

    @Test func simulateSamplingPrintsItsContractAndReproducesIt() async throws {
        let first = await CommandRun.run(Self.simulation)
        #expect(first.status == 0, "\(first.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any], "\(first.stdout)")
        let policies = try #require(json["policies"] as? [[String: Any]])
        #expect(policies.map { $0["name"] as? String } == ["uniform", "active:lmarena"])
        for policy in policies {
            #expect(policy["runs"] as? Int == 2)
            let votes = try #require(policy["votes_to_target"] as? [String: Any])
            let mean = try #require(votes["mean"] as? Double)
            let lower = try #require(votes["lower"] as? Double)
            let upper = try #require(votes["upper"] as? Double)
            #expect(lower <= mean && mean <= upper && mean > 0)
            let coverage = try #require(policy["coverage_at_stop"] as? Double)
            #expect((0...1).contains(coverage))
            #expect(policy["top_k_votes"] is [String: Any], "--top-k reports top_k_votes")
        }
        let method = try #require(json["method"] as? [String: Any])
        #expect(method["contenders"] as? Int == 8 && method["spread"] as? Double == 150)
        // The same seeds give the same figures.
        let second = await CommandRun.run(Self.simulation)
        #expect(second.status == 0 && second.stdout == first.stdout)
    }

    @Test func simulateSamplingRejectsAnUnknownPolicy() async throws {
        var arguments = Self.simulation
        arguments[arguments.firstIndex(of: "uniform,active:lmarena")!] = "uniform,active:thompson"
        let result = await CommandRun.run(arguments)
        #expect(result.status != 0)
        #expect(result.stderr.contains("thompson") && result.stderr.contains("lmarena"), "\(result.stderr)")
    }

    /// An arena whose voters prefer the detailed answers: `reward train
    /// --arena` learns from its stored votes exactly what `reward train FILE`
    /// learns from the same pairs written out, the same model byte for byte.
    @Test func rewardTrainReadsAnArenaFromTheStore() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-reward-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("prefer.sqlite").path
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let store = try await SQLPreferStore.open(database, logger: logger)
        var lines: [String] = []
        do {
            try await store.migrate()
            let arena = try await store.createArena(NewArena(name: "rw"))
            let terse = try await store.createContender(arena: arena.id, name: "terse", weight: 1)
            let detailed = try await store.createContender(arena: arena.id, name: "detailed", weight: 1)
            var rng = Xoshiro256(seed: 3)
            var votes: [NewVote] = []
            let topics = ["rivers", "bread", "orbits", "taxes", "violins", "glaciers", "chess", "bees"]
            for (p, topic) in topics.enumerated() {
                let prompt = try await store.createPrompt(arena: arena.id, text: "Explain \(topic).", category: nil)
                let short = try await store.createOutput(NewOutput(promptId: prompt.id, contenderId: terse.id, content: "\(topic) exist."))
                let long = try await store.createOutput(NewOutput(
                    promptId: prompt.id, contenderId: detailed.id,
                    content: "Here is a careful explanation of \(topic), step by step, with an example and a summary."))
                for k in 0..<12 {
                    let detailedLeft = Bool.random(using: &rng)
                    let detailedWins = Double.random(in: 0..<1, using: &rng) < 0.85
                    let (left, right) = detailedLeft ? (long, short) : (short, long)
                    let choice: Choice = detailedWins == detailedLeft ? .left : .right
                    votes.append(NewVote(
                        arenaId: arena.id, battle: "b-\(p)-\(k)", promptId: prompt.id,
                        leftContenderId: left.contenderId, rightContenderId: right.contenderId, choice: choice,
                        voter: "v\(k)", leftOutputId: left.id, rightOutputId: right.id))
                    let (chosen, rejected) = choice == .left ? (left, right) : (right, left)
                    let row = ["prompt": "Explain \(topic).", "chosen": chosen.content, "rejected": rejected.content]
                    lines.append(String(decoding: try JSONSerialization.data(withJSONObject: row, options: [.sortedKeys]), as: UTF8.self))
                }
            }
            _ = try await store.recordVotes(votes)
            try await store.shutdown()
        } catch {
            try? await store.shutdown()
            throw error
        }
        let pairsFile = directory.appendingPathComponent("pairs.jsonl").path
        try lines.joined(separator: "\n").write(toFile: pairsFile, atomically: true, encoding: .utf8)

        let options = ["--lambda", "1e-3", "--bits", "12", "--folds", "2", "--threads", "1", "--format", "json", "--quiet"]
        let fromStore = directory.appendingPathComponent("store.prm").path
        let trained = await CommandRun.run(["reward", "train", "--arena", "rw", "--database", database, "--out", fromStore] + options)
        #expect(trained.status == 0, "\(trained.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(trained.stdout.utf8)) as? [String: Any], "\(trained.stdout)")
        #expect(summary["pairs"] as? Int == 96 && summary["prompts"] as? Int == 8)

        let fromFile = directory.appendingPathComponent("file.prm").path
        let filed = await CommandRun.run(["reward", "train", pairsFile, "--out", fromFile] + options)
        #expect(filed.status == 0, "\(filed.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: fromStore)) == Data(contentsOf: URL(fileURLWithPath: fromFile)))

        // The model prefers the detailed answers it was taught to.
        let evaluated = await CommandRun.run(["reward", "eval", pairsFile, "--model", fromStore, "--format", "json", "--quiet"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        #expect(evaluated.stdout.contains("accuracy"), "\(evaluated.stdout)")

        // Bad input: an unknown arena, an empty one, files and --arena together.
        let unknown = await CommandRun.run(["reward", "train", "--arena", "nope", "--database", database, "--out", fromStore] + options)
        #expect(unknown.status != 0 && unknown.stderr.contains("no arena named \"nope\""), "\(unknown.stderr)")
        let both = await CommandRun.run(["reward", "train", pairsFile, "--arena", "rw", "--out", fromStore])
        #expect(both.status != 0 && both.stderr.contains("either files or --arena"), "\(both.stderr)")
        let neither = await CommandRun.run(["reward", "train", "--out", fromStore])
        #expect(neither.status != 0 && neither.stderr.contains("--arena"), "\(neither.stderr)")
    }
}
