import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

@Suite("Drivers against statsmodels and scipy")
struct DriverAnalysisTests {
    static let features = ["length", "bold", "digits", "questions", "decoy"]

    static func table(contenders: Bool = true) throws -> ComparisonTable {
        var options = VoteParseOptions()
        options.numbers = Set(features.flatMap { ["feature_a.\($0)", "feature_b.\($0)"] })
        options.fields = ["source"]
        var data = try Fixtures.data("drivers-votes.jsonl")
        let votes = try data.withUnsafeMutableBytes {
            try VoteParser.parse(UnsafeRawBufferPointer($0), source: "drivers-votes.jsonl", options: options).table
        }
        return try ComparisonTable(
            votes: votes,
            columns: features.map { .init(name: $0, columnA: "feature_a.\($0)", columnB: "feature_b.\($0)") },
            contenders: contenders,
            sourceField: "source")
    }

    static func expected() throws -> [String: Any] { try Fixtures.json("drivers-votes.expected.json") }

    func close(_ got: Double?, _ want: Any?, relative: Double, _ label: String) {
        let want = (want as! NSNumber).doubleValue
        guard let got else {
            Issue.record("\(label): missing, want \(want)")
            return
        }
        #expect(Swift.abs(got - want) <= relative * max(Swift.abs(want), 1e-300), "\(label): \(got) vs \(want)")
    }

    func checkModel(_ features: [DriverReport.Feature], _ expected: [String: Any], _ label: String) {
        for name in Self.features {
            let want = expected[name] as! [String: Any]
            guard let got = features.first(where: { $0.name == name }) else {
                Issue.record("\(label): no \(name)")
                continue
            }
            let coefficient = (want["coefficient"] as! NSNumber).doubleValue
            #expect(Swift.abs((got.coefficient ?? .nan) - coefficient) < 1e-6, "\(label) \(name): \(got.coefficient ?? .nan) vs \(coefficient)")
            close(got.coefficientSE, want["coefficient_se"], relative: 1e-5, "\(label) \(name) se")
            close(got.coefficientPValue, want["coefficient_p_value"], relative: 1e-4, "\(label) \(name) p")
            close(got.qValue, want["q_value"], relative: 1e-4, "\(label) \(name) q")
        }
    }

    @Test func rawWinRatesMatchScipyAndStatsmodels() throws {
        let report = try DriverAnalysis().run(try Self.table())
        let raw = try Self.expected()["raw"] as! [String: [String: Any]]
        for name in Self.features {
            let want = raw[name]!
            let got = try #require(report.feature(named: name))
            #expect(got.decisivePairs == (want["decisive_pairs"] as! NSNumber).doubleValue)
            #expect(got.moreWins == (want["more_wins"] as! NSNumber).doubleValue)
            #expect(got.moreLosses == (want["more_losses"] as! NSNumber).doubleValue)
            close(got.winRate, want["win_rate"], relative: 1e-12, "\(name) win rate")
            close(got.winRateLower, want["win_rate_lower"], relative: 1e-9, "\(name) Wilson lower")
            close(got.winRateUpper, want["win_rate_upper"], relative: 1e-9, "\(name) Wilson upper")
            close(got.pValue, want["p_value"], relative: 1e-8, "\(name) binomial p")
        }
    }

    @Test func jointModelMatchesStatsmodelsLogit() throws {
        let expected = try Self.expected()
        let report = try DriverAnalysis().run(try Self.table())
        #expect(report.method.contenders)
        #expect(report.method.converged)
        checkModel(report.features, expected["model"] as! [String: Any], "with contenders")
        let sd = expected["sd_difference"] as! [String: Any]
        for name in Self.features { close(report.feature(named: name)?.sdDifference, sd[name], relative: 1e-12, "\(name) sd") }

        let plain = try DriverAnalysis(contenders: false).run(try Self.table())
        #expect(!plain.method.contenders)
        checkModel(plain.features, expected["model_without_contenders"] as! [String: Any], "without contenders")
        let again = try DriverAnalysis().run(try Self.table(contenders: false))
        #expect(again.features == plain.features)
    }

    @Test func sourcesSideBySideAndCompared() throws {
        let expected = try Self.expected()
        let report = try DriverAnalysis().run(try Self.table(), sourceField: "source")
        let sources = try #require(report.sources)
        #expect(Set(sources.map(\.source)) == ["human", "judge"])
        let bySource = expected["by_source"] as! [String: [String: Any]]
        let rawBySource = expected["raw_by_source"] as! [String: [String: [String: Any]]]
        for source in sources {
            checkModel(source.features, bySource[source.source]!, source.source)
            for name in Self.features {
                let got = source.features.first { $0.name == name }!
                #expect(got.moreWins == (rawBySource[source.source]![name]!["more_wins"] as! NSNumber).doubleValue)
            }
        }
        let comparison = try #require(report.sourceComparison)
        let want = expected["comparison_judge_minus_human"] as! [String: [String: Any]]
        for name in Self.features {
            let got = try #require(comparison.first { $0.name == name })
            #expect(got.source == "judge" && got.reference == "human")
            #expect(Swift.abs((got.difference ?? .nan) - (want[name]!["difference"] as! NSNumber).doubleValue) < 1e-6)
            close(got.pValue, want[name]!["p_value"], relative: 1e-4, "\(name) comparison p")
            close(got.qValue, want[name]!["q_value"], relative: 1e-4, "\(name) comparison q")
        }
        #expect(report.method.sourceField == "source")
    }

    @Test func jsonContractHasEveryKey() throws {
        let report = try DriverAnalysis().run(try Self.table())
        let data = try JSONEncoder().encode(report)
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["method"] is [String: Any])
        #expect(object["warnings"] is [Any])
        for entry in object["features"] as! [[String: Any]] {
            for key in ["name", "decisive_pairs", "more_wins", "more_losses", "win_rate", "win_rate_lower", "win_rate_upper",
                        "p_value", "coefficient", "coefficient_lower", "coefficient_upper", "q_value"] {
                #expect(entry.keys.contains(key), "missing \(key)")
            }
        }
    }

    @Test func aliasedFeaturesAreLeftOutAndNamed() throws {
        var builder = ComparisonTableBuilder(textFeatures: TextFeatureSet(builtIns: [], script: false), numericFeatures: ["x", "twice", "noise", "team"])
        var state: UInt64 = 17
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let team = [0.0, 1, 1, 0]
        for r in 0..<2000 {
            let a = r % 4
            let b = (a + 1 + r / 4 % 3) % 4
            let xa = next() * 10
            let xb = next() * 10
            let win = next() < 1 / (1 + exp(-(xa - xb) / 5)) ? 1.0 : 0
            builder.append(featuresA: [xa, 2 * xa, next(), team[a]], featuresB: [xb, 2 * xb, next(), team[b]],
                           aWins: win, bWins: 1 - win, contenderA: "c\(a)", contenderB: "c\(b)")
        }
        let report = try DriverAnalysis().run(builder.build())
        #expect(report.feature(named: "x")?.coefficient != nil)
        #expect(report.feature(named: "noise")?.coefficient != nil)
        #expect(report.feature(named: "twice")?.coefficient == nil)
        #expect(report.feature(named: "team")?.coefficient == nil, "a per-contender constant is aliased with the strengths")
        #expect(report.feature(named: "twice")?.winRate != nil)
        #expect(report.warnings.contains { $0.contains("twice") && $0.contains("team") && $0.contains("exact combination") }, "\(report.warnings)")
        #expect(report.method.converged)
        let plain = try DriverAnalysis(contenders: false).run(builder.build())
        #expect(plain.feature(named: "team")?.coefficient != nil, "without strengths the team feature is identified")
    }

    @Test func adjustedPValuesMatchTheStepUp() {
        let p = [0.01, 0.04, 0.03, 0.5, .nan, 0.002]
        let q = BenjaminiHochberg.adjusted(p)
        // Sorted: 0.002, 0.01, 0.03, 0.04, 0.5 (m = 5).
        #expect(Swift.abs(q[5] - 0.01) < 1e-15)
        #expect(Swift.abs(q[0] - 0.025) < 1e-15)
        #expect(Swift.abs(q[2] - 0.04 * 5 / 4) < 1e-15)
        #expect(Swift.abs(q[1] - 0.05) < 1e-15)
        #expect(q[3] == 0.5)
        #expect(q[4].isNaN)
        let rejected = BenjaminiHochberg(level: 0.05).apply([0.01, 0.04, 0.03, 0.5, 0.002]).rejected
        #expect(rejected == [true, true, true, false, true])
    }
}
