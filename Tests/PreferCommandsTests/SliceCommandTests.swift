import Foundation
import PreferTestSupport
import Testing

@Suite("prefer rank: slices, trajectories and groups")
struct SliceCommandTests {
    /// A vote file written for the test: JSONL rows drawn from known ratings.
    static func write(_ rows: [[String: Any]]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-slices-\(UUID()).jsonl").path
        let text = try rows.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Rows among `ratings`, ties 10%, with `extra` fields; a simple LCG so the file is the same every run.
    static func rows(_ ratings: [String: Double], count: Int, seed: UInt64, extra: (Int) -> [String: Any]) -> [[String: Any]] {
        var state = seed &* 6364136223846793005 &+ 1442695040888963407
        func unit() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let names = ratings.keys.sorted()
        return (0..<count).map { k in
            let i = Int(unit() * Double(names.count))
            var j = Int(unit() * Double(names.count - 1))
            if j >= i { j += 1 }
            let p = 1 / (1 + pow(10, (ratings[names[j]]! - ratings[names[i]]!) / 400))
            let u = unit()
            var row: [String: Any] = ["model_a": names[i], "model_b": names[j], "winner": u < 0.1 ? "tie" : (u < 0.1 + 0.9 * p ? "model_a" : "model_b")]
            for (key, value) in extra(k) { row[key] = value }
            return row
        }
    }

    static let ratings = ["ada": 1150.0, "bob": 1050, "cyd": 1000, "dot": 900]

    @Test func boardPerCategoryWithSmallSlicesSaid() throws {
        let path = try Self.write(
            Self.rows(Self.ratings, count: 1200, seed: 1) { _ in ["category": "coding"] }
                + Self.rows(Self.ratings, count: 40, seed: 2) { _ in ["category": "poetry"] })
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try PreferProcess.run(["rank", path, "--by", "category", "--bootstrap", "50", "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        #expect((json["contenders"] as! [Any]).count == 4)  // the whole board, as before
        #expect((json["method"] as! [String: Any])["votes"] as? Int == 1240)
        let slices = json["slices"] as! [[String: Any]]
        #expect(slices.map { $0["value"] as! String } == ["coding", "poetry"])
        #expect(slices.map { $0["small"] as! Bool } == [false, true])
        let poetry = slices[1]["board"] as! [String: Any]
        #expect((poetry["contenders"] as! [[String: Any]]).allSatisfy { $0["provisional"] as! Bool })
        #expect((slices[1]["interval_width_ratio"] as! Double) > 2)
        #expect((json["slicing"] as! [String: Any])["by"] as? String == "category")
        let table = try PreferProcess.run(["rank", path, "--by", "category"])
        #expect(table.stdout.contains("-- category = poetry (40 votes, SMALL)"))
        #expect(table.stdout.contains("Small slice"))
        let csv = try PreferProcess.run(["rank", path, "--by", "category", "--format", "csv"])
        #expect(csv.stdout.contains("\nfield,value,small,rank,"))
        #expect(csv.stdout.contains("\ncategory,poetry,true,"))
    }

    @Test func criteriaAsTheServerExportsThemWithTheParetoView() throws {
        // p is better on helpfulness, q on style, r worse on both.
        let help = ["p": 1200.0, "q": 1000, "r": 850]
        let style = ["p": 1000.0, "q": 1200, "r": 850]
        var rows: [[String: Any]] = []
        let h = Self.rows(help, count: 900, seed: 3) { _ in [:] }
        var k = 0
        while rows.count < 900 {
            var row = h[rows.count]
            let s = Self.rows(style, count: 1, seed: UInt64(1000 + k)) { _ in [:] }[0]
            k += 1
            guard s["model_a"] as? String == row["model_a"] as? String, s["model_b"] as? String == row["model_b"] as? String else { continue }
            func choice(_ w: Any?) -> String { ["model_a": "left", "model_b": "right", "tie": "tie"][w as! String]! }
            row["criteria"] = ["helpfulness": choice(row["winner"]), "style": choice(s["winner"])]
            rows.append(row)
        }
        let path = try Self.write(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try PreferProcess.run(["rank", path, "--by", "criterion", "--bootstrap", "100", "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        #expect(Set((json["slices"] as! [[String: Any]]).map { $0["value"] as! String }) == ["helpfulness", "style"])
        let pareto = json["pareto"] as! [String: Any]
        #expect(Set(pareto["front"] as! [String]) == ["p", "q"])
        let r = (pareto["contenders"] as! [[String: Any]]).first { $0["name"] as? String == "r" }!
        #expect(r["front"] as? Bool == false)
        #expect(!(r["dominated_by"] as! [Any]).isEmpty)
        let text = try PreferProcess.run(["rank", path, "--by", "criterion", "--bootstrap", "100"])
        #expect(text.stdout.contains("== Pareto view across"))
        // A criterion value that is not a choice is an error naming the vote and criterion.
        let bad = try Self.write([["model_a": "p", "model_b": "q", "winner": "model_a", "criteria": ["style": "best"]]])
        defer { try? FileManager.default.removeItem(atPath: bad) }
        let failed = try PreferProcess.run(["rank", bad, "--by", "criterion"])
        #expect(failed.status != 0)
        #expect(failed.stderr.contains("vote 1: criteria.style is \"best\""))
    }

    @Test func trajectoryOverTimeIsDeterministicAndMarksNewcomers() throws {
        let start = 1_714_521_600.0  // 2024-05-01T00:00:00Z
        var rows = Self.rows(Self.ratings, count: 1500, seed: 4) { k in ["tstamp": start + Double(k) * 200] }
        rows += Self.rows(["ada": 1150, "new": 1100], count: 300, seed: 5) { k in ["tstamp": start + 86400 * 2 + Double(k) * 100] }
        let path = try Self.write(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let args = ["rank", path, "--over", "time", "--every", "12h", "--bootstrap", "50", "--provisional-votes", "80", "--format", "json"]
        let one = try PreferProcess.run(args + ["--threads", "1"])
        #expect(one.status == 0, "\(one.stderr)")
        let two = try PreferProcess.run(args + ["--threads", "2"])
        #expect(one.stdout == two.stdout)
        let trajectory = try one.json()["trajectory"] as! [String: Any]
        let points = trajectory["points"] as! [[String: Any]]
        #expect(points.count == 7)
        #expect(points[0]["end"] as? String == "2024-05-01T12:00:00Z")
        #expect(points.last!["votes"] as? Int == 1800)
        #expect(trajectory["cumulative"] as? Bool == true && trajectory["seed"] as? Int == 42)
        let series = trajectory["series"] as! [[String: Any]]
        let newcomer = series.first { $0["name"] as? String == "new" }!
        let values = newcomer["values"] as! [[String: Any]]
        #expect((values.first!["point"] as! Int) >= 4)
        for v in values { #expect((v["provisional"] as! Bool) == ((v["votes"] as! Int) < 80)) }
        let windowed = try PreferProcess.run(["rank", path, "--over", "time", "--every", "1d", "--window", "1d", "--format", "json"]).json()
        let windowPoints = (windowed["trajectory"] as! [String: Any])["points"] as! [[String: Any]]
        #expect(windowPoints.map { $0["votes"] as! Int }.reduce(0, +) == 1800)
        let byVotes = try PreferProcess.run(["rank", path, "--every", "500votes", "--format", "csv"])
        #expect(byVotes.status == 0 && byVotes.stdout.contains("\npoint,end_time,point_votes,contender,"))
    }

    @Test func groupsMinimumSizeDisagreementAndWeighting() throws {
        var flipped = Self.ratings
        (flipped["ada"], flipped["dot"]) = (flipped["dot"]!, flipped["ada"]!)
        var rows = Self.rows(Self.ratings, count: 2000, seed: 6) { k in ["country": "US", "voter": "us-\(k % 25)"] }
        rows += Self.rows(flipped, count: 1500, seed: 7) { k in ["country": "JP", "voter": "jp-\(k % 25)"] }
        rows += Self.rows(Self.ratings, count: 60, seed: 8) { k in ["country": "LU", "voter": "lu-\(k % 3)"] }
        let path = try Self.write(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try PreferProcess.run(["rank", path, "--group-by", "country", "--bootstrap", "200", "--format", "json", "--include-flagged"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let groups = json["groups"] as! [String: Any]
        #expect((groups["groups"] as! [[String: Any]]).map { $0["name"] as! String } == ["US", "JP"])
        let merged = groups["merged"] as! [String: Any]
        #expect(merged["groups"] as? Int == 1 && merged["shown"] as? Bool == false)
        #expect(!out.stdout.contains("\"LU\""))
        let pair = ((groups["disagreement"] as! [String: Any])["pairs"] as! [[String: Any]])[0]
        #expect(Set(pair["differing"] as! [String]) == ["ada", "dot"])
        #expect((pair["kendall_tau"] as! Double) < 0.5)
        let equal = json["weighting"] as! [String: Any]
        #expect(equal["scheme"] as? String == "equal groups")
        #expect(equal["left_out"] as? Int == 60)
        let weighted = try PreferProcess.run(["rank", path, "--group-by", "country", "--weights", "country=US:0.2,JP:0.8", "--format", "json", "--include-flagged"]).json()
        let w = weighted["weighting"] as! [String: Any]
        #expect(w["scheme"] as? String == "target shares")
        let ess = w["effective_sample_size"] as! Double
        #expect(ess > 2000 && ess < 3500)
        let board = (w["board"] as! [String: Any])["board"] as! [String: Any]
        let top = (board["contenders"] as! [[String: Any]])[0]["name"] as! String
        #expect(top == "dot")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("targets-\(UUID()).csv").path
        try "country,share\nUS,0.2\nJP,0.8\n".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let fromFile = try PreferProcess.run(["rank", path, "--group-by", "country", "--weights-file", file, "--format", "json", "--include-flagged"]).json()
        #expect((fromFile["weighting"] as! [String: Any])["effective_sample_size"] as! Double == ess)
        let text = try PreferProcess.run(["rank", path, "--group-by", "country", "--bootstrap", "100", "--include-flagged"])
        #expect(text.stdout.contains("Disagreement between groups") && text.stdout.contains("US vs JP"))
        #expect(text.stdout.contains("effective sample size (Kish)"))
    }

    /// K-way votes (best of 3, rankings of 4) by country: each group's board is
    /// the Plackett–Luce fit of its own votes, and the weighting counts them —
    /// the numbers of `bench/groups_kway_reference.py` (scipy, numpy).
    @Test func groupsAndWeightingOfKWayVotes() throws {
        let reference = try Fixtures.json("groups-kway-reference.json")
        let path = try Self.write(reference["votes"] as! [[String: Any]])
        defer { try? FileManager.default.removeItem(atPath: path) }
        func ratings(_ board: Any?) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: ((board as? [String: Any])?["contenders"] as? [[String: Any]] ?? []).map {
                ($0["name"] as! String, $0["rating"] as! Double)
            })
        }
        func close(_ served: [String: Double], _ expected: Any?, _ what: String) {
            let expected = (expected as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
            #expect(served.count == expected.count, "\(what): \(served)")
            for (name, rating) in expected {
                #expect(abs((served[name] ?? .nan) - rating) < 0.01, "\(what) \(name): \(served[name] ?? .nan) vs \(rating)")
            }
        }
        let out = try PreferProcess.run(["rank", path, "--group-by", "country", "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let groups = json["groups"] as! [String: Any]
        let boards = groups["boards"] as! [[String: Any]]
        #expect(boards.map { $0["value"] as! String } == ["US", "FR"])
        for board in boards {
            #expect(((board["board"] as? [String: Any])?["method"] as? [String: Any])?["model"] as? String == "plackett-luce")
            close(ratings(board["board"]), (reference["group_ratings"] as! [String: Any])[board["value"] as! String], board["value"] as! String)
        }
        #expect((groups["merged"] as! [String: Any])["votes"] as? Int == 12)
        let equal = json["weighting"] as! [String: Any]
        #expect(equal["scheme"] as? String == "equal groups")
        #expect(abs((equal["effective_sample_size"] as! Double) - (reference["equal_ess"] as! Double)) < 1e-9)
        close(ratings((equal["board"] as? [String: Any])?["board"]), reference["equal_ratings"], "equal groups")
        let target = try PreferProcess.run(["rank", path, "--group-by", "country", "--weights", "country=US:0.25,FR:0.75", "--format", "json"]).json()
        let weighting = target["weighting"] as! [String: Any]
        #expect(abs((weighting["effective_sample_size"] as! Double) - (reference["target_ess"] as! Double)) < 1e-9)
        close(ratings((weighting["board"] as? [String: Any])?["board"]), reference["target_ratings"], "target shares")
    }

    @Test func provisionalVotesInTheMainBoard() throws {
        let file = PreferProcess.data("arena-basic.jsonl")
        let plain = try PreferProcess.run(["rank", file, "--format", "json"]).json()
        #expect((plain["warnings"] as! [Any]).isEmpty)
        let strict = try PreferProcess.run(["rank", file, "--provisional-votes", "400", "--format", "json"]).json()
        let contenders = strict["contenders"] as! [[String: Any]]
        for c in contenders { #expect((c["provisional"] as! Bool) == ((c["votes"] as! Int) < 400)) }
        #expect((strict["warnings"] as! [String]).contains { $0.contains("fewer than 400 votes") })
    }

    @Test func realLMArenaFieldsLanguageAndTimestamps() throws {
        let file = PreferProcess.data("arena-lmarena.json")
        let out = try PreferProcess.run(["rank", file, "--by", "language", "--every", "1000votes", "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let slices = json["slices"] as! [[String: Any]]
        #expect(slices.map { $0["votes"] as! Int }.reduce(0, +) + ((json["slicing"] as! [String: Any])["missing"] as! Int) == 3000)
        #expect(((json["trajectory"] as! [String: Any])["order"] as? String) == "timestamp")
    }

    @Test func mistakesAreExplained() throws {
        let file = PreferProcess.data("arena-basic.jsonl")
        let noField = try PreferProcess.run(["rank", file, "--by", "language"])
        #expect(noField.status != 0 && noField.stderr.contains("no vote carries the field \"language\""))
        let noEvery = try PreferProcess.run(["rank", file, "--over", "time"])
        #expect(noEvery.status != 0 && noEvery.stderr.contains("--every"))
        let noTime = try PreferProcess.run(["rank", file, "--every", "1d"])
        #expect(noTime.status != 0 && noTime.stderr.contains("needs timestamps"))
        let badWeights = try PreferProcess.run(["rank", file, "--weights", "country=US"])
        #expect(badWeights.status != 0 && badWeights.stderr.contains("VALUE:SHARE"))
        let noCriteria = try PreferProcess.run(["rank", file, "--by", "criterion"])
        #expect(noCriteria.status != 0 && noCriteria.stderr.contains("no vote carries criteria"))
        let fileWithoutGroup = try PreferProcess.run(["rank", file, "--weights-file", "x.json"])
        #expect(fileWithoutGroup.status != 0 && fileWithoutGroup.stderr.contains("--group-by"))
    }
}
