import Foundation
import Testing

@Suite("prefer rank")
struct RankCommandTests {
    func ratings(_ output: PreferProcess.Output) throws -> [String: Double] {
        let contenders = try output.json()["contenders"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: contenders.map { ($0["name"] as! String, $0["rating"] as! Double) })
    }

    func expected(_ file: String, _ key: String) throws -> [String: Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: PreferProcess.data(file)))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object[key] as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
    }

    func expectClose(_ got: [String: Double], _ want: [String: Double]) {
        #expect(got.count == want.count)
        for (name, rating) in want {
            #expect(Swift.abs((got[name] ?? .nan) - rating) < 0.01, "\(name)")
        }
    }

    @Test func jsonContractAndReferenceRatings() async throws {
        for file in ["arena-basic.jsonl", "arena-basic.csv"] {
            let out = await CommandRun.run(["rank", PreferProcess.data(file), "--format", "json", "--elo", "--bootstrap", "50"])
            #expect(out.status == 0, "\(out.stderr)")
            let json = try out.json()
            let contenders = json["contenders"] as! [[String: Any]]
            for entry in contenders {
                for key in ["name", "rating", "lower", "upper", "votes", "rank", "rank_ub", "elo"] {
                    #expect(entry[key] != nil, "missing \(key)")
                }
                #expect((entry["lower"] as! Double) <= (entry["rating"] as! Double))
                #expect((entry["upper"] as! Double) >= (entry["rating"] as! Double))
            }
            let method = json["method"] as! [String: Any]
            #expect(method["seed"] as? Int == 42)
            #expect(method["rounds"] as? Int == 50)
            #expect(method["iterations"] != nil && method["converged"] as? Bool == true)
            #expect((json["warnings"] as! [Any]).isEmpty)
            expectClose(try ratings(out), try expected("arena-basic.expected.json", "ratings"))
            let votes = contenders.reduce(0) { $0 + ($1["votes"] as! Int) }
            #expect(votes == 2 * 2000)
        }
    }

    @Test func lowerAndUpperEqualRatingWithoutIntervals() async throws {
        let out = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--format", "json"])
        for entry in try out.json()["contenders"] as! [[String: Any]] {
            #expect(entry["lower"] as! Double == entry["rating"] as! Double)
            #expect(entry["upper"] as! Double == entry["rating"] as! Double)
            #expect(entry["elo"] == nil)
        }
    }

    @Test func filterL2AndAnchor() async throws {
        let file = PreferProcess.data("arena-lmarena.json")
        let anony = await CommandRun.run(["rank", file, "--filter", "anony=true", "--format", "json"])
        expectClose(try ratings(anony), try expected("arena-lmarena.expected.json", "ratings"))
        let all = await CommandRun.run(["rank", file, "--format", "json"])
        expectClose(try ratings(all), try expected("arena-lmarena.expected.json", "ratings_all_rows"))
        let l2 = await CommandRun.run(["rank", file, "--filter", "anony=true", "--l2", "1", "--format", "json"])
        expectClose(try ratings(l2), try expected("arena-lmarena.expected.json", "l2_1_anony"))
        let anchored = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--anchor", "hooli-max-34b-v0.0-000=1100", "--format", "json"])
        let data = try Data(contentsOf: URL(fileURLWithPath: PreferProcess.data("arena-basic.expected.json")))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let want = ((object["anchored"] as! [String: Any])["ratings"] as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
        expectClose(try ratings(anchored), want)
    }

    @Test func invalidLinesNameFileLineAndField() async throws {
        let file = PreferProcess.data("invalid-lines.jsonl")
        let out = await CommandRun.run(["rank", file])
        #expect(out.status != 0)
        #expect(out.stderr.contains("invalid-lines.jsonl:2: winner \"modle_a\" is not one of model_a, model_b, tie, tie (bothbad)"))
        let skipped = await CommandRun.run(["rank", file, "--skip-invalid", "--format", "json"])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("skipped 4 invalid rows"))
        // Line 4 pits a contender against itself: skipped and counted apart (issue 16).
        #expect(skipped.stderr.contains("skipped 1 row where model_a and model_b are the same contender"))
        for line in [":3:", ":5:", ":7:"] { #expect(skipped.stderr.contains(line)) }
        let method = try skipped.json()["method"] as! [String: Any]
        #expect(method["votes"] as? Int == 2)
    }

    @Test func standardInputAndSeveralFiles() async throws {
        let text = try String(contentsOfFile: PreferProcess.data("arena-basic.jsonl"), encoding: .utf8)
        let piped = await CommandRun.run(["rank", "-", "--format", "json"], stdin: text)
        #expect(piped.status == 0, "\(piped.stderr)")
        expectClose(try ratings(piped), try expected("arena-basic.expected.json", "ratings"))
        // The same votes twice: same ratings, twice the votes.
        let twice = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), PreferProcess.data("arena-basic.csv"), "--format", "json"])
        expectClose(try ratings(twice), try expected("arena-basic.expected.json", "ratings"))
        #expect((try twice.json()["method"] as! [String: Any])["votes"] as? Int == 4000)
    }

    @Test func excludeDropsAContender() async throws {
        let out = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--exclude", "hooli-chat-405b-v0.5-005", "--format", "json"])
        let names = try ratings(out).keys
        #expect(names.count == 7)
        #expect(!names.contains("hooli-chat-405b-v0.5-005"))
    }

    @Test func textFormats() async throws {
        let file = PreferProcess.data("arena-basic.jsonl")
        let table = await CommandRun.run(["rank", file, "--ci", "sandwich"])
        #expect(table.stdout.hasPrefix("Rank  Rank (UB)  Contender"))
        #expect(table.stdout.contains("95% sandwich (robust) intervals"))
        let csv = await CommandRun.run(["rank", file, "--format", "csv", "--elo"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "rank,rank_ub,contender,rating,lower,upper,votes,win_rate,elo,provisional")
        #expect(lines.count == 9)
        let markdown = await CommandRun.run(["rank", file, "--format", "markdown", "--matrix"])
        #expect(markdown.stdout.hasPrefix("| Rank | Rank (UB) | Contender |"))
        #expect(markdown.stdout.contains("**Battles**"))
        let json = await CommandRun.run(["rank", file, "--format", "json", "--matrix"])
        let matrices = try json.json()["matrices"] as! [String: Any]
        let battles = matrices["battles"] as! [[Int]]
        #expect(battles.count == 8 && battles.joined().reduce(0, +) == 2 * 2000)
        let predicted = matrices["predicted_win_rate"] as! [[Double]]
        #expect(Swift.abs(predicted[0][1] + predicted[1][0] - 1) < 1e-12)
    }

    @Test func degenerateInputsWarnAndNeverPrintNaN() async throws {
        for file in ["degenerate-undefeated.jsonl", "degenerate-disconnected.jsonl"] {
            let out = await CommandRun.run(["rank", PreferProcess.data(file), "--bootstrap", "40"])
            #expect(out.status == 0)
            #expect(!out.stdout.lowercased().contains("nan"))
            #expect(out.stderr.contains("warning:"))
            let json = try await CommandRun.run(["rank", PreferProcess.data(file), "--bootstrap", "40", "--format", "json"]).json()
            #expect(!(json["warnings"] as! [String]).isEmpty)
        }
    }

    @Test func badOptionsAreExplained() async throws {
        let out = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--anchor", "nobody=1000"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("--anchor names \"nobody\""))
        let missing = await CommandRun.run(["rank", "/nonexistent/votes.jsonl"])
        #expect(missing.status != 0 && missing.stderr.contains("cannot open /nonexistent/votes.jsonl"))
        let filter = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--filter", "anony"])
        #expect(filter.status != 0 && filter.stderr.contains("FIELD=VALUE"))
    }

    @Test func sameSeedSameIntervals() async throws {
        let args = ["rank", PreferProcess.data("arena-basic.jsonl"), "--bootstrap", "100", "--seed", "9", "--format", "csv"]
        let one = await CommandRun.run(args + ["--threads", "1"])
        let two = await CommandRun.run(args + ["--threads", "2"])
        #expect(one.stdout == two.stdout)
    }
}

@Suite("prefer bench")
struct BenchCommandTests {
    @Test func rankBenchPrintsTimings() async throws {
        let out = await CommandRun.run(["bench", "rank", "--contenders", "6", "--votes", "3000", "--rounds", "20"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let times = json["times_s"] as! [String: Double]
        for key in ["parse", "aggregate", "fit", "bootstrap", "online_elo", "total"] { #expect(times[key] != nil) }
        #expect(json["votes"] as? Int == 3000)
    }

    @Test func rankBenchWritesTheVotes() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-bench-\(UUID()).jsonl").path
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".truth.json")
        }
        _ = await CommandRun.run(["bench", "--contenders", "5", "--votes", "1000", "--rounds", "0", "--write", path])
        let ranked = await CommandRun.run(["rank", path, "--format", "json"])
        #expect((try ranked.json()["method"] as! [String: Any])["votes"] as? Int == 1000)
        #expect(FileManager.default.fileExists(atPath: path + ".truth.json"))
    }

    @Test func coverageBench() async throws {
        let out = await CommandRun.run(["bench", "coverage", "--arenas", "4", "--contenders", "5", "--votes", "500", "--rounds", "50"])
        let json = try out.json()
        #expect(json["bootstrap_coverage"] != nil && json["sandwich_coverage"] != nil)
        #expect(json["intervals"] as? Int == 20)
    }
}

@Suite("prefer rank on self-battles")
struct SelfBattleTests {
    @Test func selfBattlesAreSkippedAndCountedUnlessStrict() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("self-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("votes.jsonl")
        try """
        {"model_a":"x","model_b":"x","winner":"model_a"}
        {"model_a":"x","model_b":"y","winner":"model_a"}
        {"model_a":"y","model_b":"x","winner":"tie"}
        {"model_a":"y","model_b":"y","winner":"tie"}

        """.write(to: file, atomically: true, encoding: .utf8)
        let run = await CommandRun.run(["rank", file.path, "--format", "json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("skipped 2 rows where model_a and model_b are the same contender"))
        let board = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        #expect((board?["method"] as? [String: Any])?["votes"] as? Int == 2)
        let strict = await CommandRun.run(["rank", file.path, "--strict"])
        #expect(strict.status != 0 && strict.stderr.contains("votes.jsonl:1") && strict.stderr.contains("both \"x\""))
    }
}
