import Foundation
import Testing

/// `prefer rank` on K-way and mixed vote files, and `prefer bench plackett-luce`.
@Suite("prefer rank with K-way votes")
struct PlackettLuceCommandTests {
    func reference(_ file: String, _ key: String) throws -> [String: Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: PreferProcess.data(file)))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (object[key] as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
    }

    @Test func mixedFileIsRankedWithPlackettLuceChosenAutomatically() throws {
        let out = try PreferProcess.run([
            "rank", PreferProcess.data("kway-mixed.jsonl"), "--format", "json", "--bootstrap", "50", "--include-flagged", "--quiet",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let method = json["method"] as! [String: Any]
        #expect(method["model"] as? String == "plackett-luce")
        #expect(method["model_selection"] as? String == "automatic")
        #expect((method["model_reason"] as? String)?.contains("K-way") == true, "\(method["model_reason"] ?? "none")")
        #expect((method["kway_votes"] as? Int ?? 0) > 0 && (method["pairwise_votes"] as? Int ?? 0) > 0)
        #expect(method["rounds"] as? Int == 50)
        // The scipy maximisation of the same likelihood (bench/pl_reference.py).
        let want = try reference("kway-mixed.expected.json", "scipy_half")
        let contenders = json["contenders"] as! [[String: Any]]
        #expect(contenders.count == want.count)
        for entry in contenders {
            let name = entry["name"] as! String
            let rating = entry["rating"] as! Double
            #expect(Swift.abs(rating - (want[name] ?? .nan)) < 0.01, "\(name)")
            #expect((entry["lower"] as! Double) <= rating && rating <= (entry["upper"] as! Double))
            #expect((entry["upper"] as! Double) > (entry["lower"] as! Double), "\(name): no interval")
        }
    }

    /// `--bootstrap-refit` reaches the bootstrap and `method` says which refit
    /// ran and why; `auto` on a small file refits every round.
    @Test func bootstrapRefitIsReportedInMethod() throws {
        func method(_ extra: [String]) throws -> [String: Any] {
            let out = try PreferProcess.run(["rank", PreferProcess.data("kway-mixed.jsonl"), "--format", "json", "--bootstrap", "20", "--quiet"] + extra)
            #expect(out.status == 0, "\(out.stderr)")
            return try out.json()["method"] as! [String: Any]
        }
        let auto = try method([])
        #expect(auto["bootstrap_refit"] as? String == "full")
        #expect((auto["bootstrap_refit_reason"] as? String)?.contains("fewer than 5000 votes") == true, "\(auto)")
        let oneStep = try method(["--bootstrap-refit", "one-step"])
        #expect(oneStep["bootstrap_refit"] as? String == "one-step")
        #expect(oneStep["bootstrap_refit_reason"] as? String == "requested")
        #expect(oneStep["bootstrap_mean_iterations"] as? Double == 1)
        let text = try PreferProcess.run(["rank", PreferProcess.data("kway-mixed.jsonl"), "--bootstrap", "20", "--bootstrap-refit", "one-step", "--quiet"])
        #expect(text.stdout.contains("one-step bootstrap"), "\(text.stdout)")
    }

    @Test func bradleyTerryIsRefusedForKWayVotes() throws {
        let out = try PreferProcess.run(["rank", PreferProcess.data("kway-rankings.jsonl"), "--model", "bradley-terry", "--quiet"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("--model plackett-luce"), "\(out.stderr)")
    }

    @Test func pairwiseFileGivesTheSameRatingsUnderEitherModel() throws {
        let file = PreferProcess.data("arena-basic.jsonl")
        func ratings(_ model: String) throws -> [String: Double] {
            let out = try PreferProcess.run(["rank", file, "--model", model, "--format", "json", "--quiet"])
            #expect(out.status == 0, "\(out.stderr)")
            let contenders = try out.json()["contenders"] as! [[String: Any]]
            return Dictionary(uniqueKeysWithValues: contenders.map { ($0["name"] as! String, $0["rating"] as! Double) })
        }
        let pl = try ratings("plackett-luce")
        let bt = try ratings("bradley-terry")
        #expect(pl.count == bt.count)
        for (name, rating) in bt { #expect(Swift.abs((pl[name] ?? .nan) - rating) < 1e-9, "\(name)") }
    }

    @Test func benchRunsPreferRankOnGeneratedRankings() throws {
        let out = try PreferProcess.run([
            "bench", "plackett-luce", "--contenders", "8", "--votes", "3000", "--k", "4", "--rounds", "16", "--no-reference", "--quiet",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        #expect(json["prefer_model"] as? String == "plackett-luce")
        let times = json["times_s"] as! [String: Double]
        #expect((times["prefer"] ?? 0) > 0 && times["choix"] == nil)
        // 3,000 4-way rankings over 8 contenders pin ratings to a few tens of Elo.
        let error = json["max_abs_error_vs_truth"] as! Double
        #expect(error.isFinite && error < 60, "\(error)")
    }
}
