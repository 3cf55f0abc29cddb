import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

@Suite("Style control against statsmodels and scikit-learn")
struct StyleControlTests {
    static func arena() throws -> VoteTable {
        var options = VoteParseOptions()
        options.numbers = StyleFeature.lmarenaColumns()
        var data = try Fixtures.data("style-arena.jsonl")
        return try data.withUnsafeMutableBytes { try VoteParser.parse(UnsafeRawBufferPointer($0), source: "style-arena.jsonl", options: options).table }
    }

    static func expected() throws -> [String: Any] { try Fixtures.json("style-arena.expected.json") }

    static func numbers(_ object: Any?) -> [String: Double] {
        (object as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
    }

    @Test func nestedConvMetadataIsReadAndSummed() throws {
        let table = try Self.arena()
        let rows = String(decoding: try Fixtures.data("style-arena.jsonl"), as: UTF8.self).split(separator: "\n").prefix(50).map {
            try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        for (r, row) in rows.enumerated() {
            let meta = row["conv_metadata"] as! [String: Any]
            func total(_ key: String) -> Double {
                if let dict = meta[key] as? [String: Any] { return dict.values.reduce(0) { $0 + ($1 as! NSNumber).doubleValue } }
                return (meta[key] as! NSNumber).doubleValue
            }
            for key in ["sum_assistant_a_tokens", "header_count_b", "list_count_a", "bold_count_b"] {
                #expect(table.numbers["conv_metadata." + key]?[r] == total(key), "row \(r) \(key)")
            }
        }
    }

    @Test func unpenalisedFitMatchesStatsmodels() throws {
        let expected = try Self.expected()
        let board = try StyleControl(features: StyleFeature.lmarena()).build(try Self.arena(), options: LeaderboardOptions())
        let ratings = Self.numbers(expected["ratings"])
        #expect(board.contenders.count == ratings.count)
        for (name, rating) in ratings {
            let got = try #require(board.entry(named: name)).rating
            #expect(Swift.abs(got - rating) < 0.01, "\(name): \(got) vs \(rating)")
        }
        let style = try #require(board.style)
        for (name, coefficient) in Self.numbers(expected["coefficients"]) {
            let got = try #require(style.features.first { $0.name == name }).coefficient
            #expect(Swift.abs(got - coefficient) < 1e-6, "\(name): \(got) vs \(coefficient)")
        }
        #expect(style.votes == expected["votes"] as? Int)
        #expect(board.warnings.isEmpty, "\(board.warnings)")
    }

    @Test func sandwichErrorsMatchStatsmodelsHC0() throws {
        let expected = try Self.expected()
        let board = try StyleControl(features: StyleFeature.lmarena())
            .build(try Self.arena(), options: LeaderboardOptions(intervals: .sandwich))
        for (name, se) in Self.numbers(expected["sandwich_se"]) {
            let got = try #require(board.entry(named: name)?.standardError)
            #expect(Swift.abs(got - se) < 1e-4 * se, "\(name): \(got) vs \(se)")
        }
        let style = try #require(board.style)
        for (name, se) in Self.numbers(expected["coefficient_se"]) {
            let got = try #require(style.features.first { $0.name == name }?.se)
            #expect(Swift.abs(got - se) < 1e-4 * se, "\(name): \(got) vs \(se)")
        }
    }

    @Test func l2MatchesFastChatStyleControl() throws {
        let expected = try Self.expected()["l2_1"] as! [String: Any]
        let options = LeaderboardOptions(estimator: BradleyTerry(l2: 1))
        let board = try StyleControl(features: StyleFeature.lmarena()).build(try Self.arena(), options: options)
        for (name, rating) in Self.numbers(expected["ratings"]) {
            let got = try #require(board.entry(named: name)).rating
            #expect(Swift.abs(got - rating) < 0.01, "\(name): \(got) vs \(rating)")
        }
        for (name, coefficient) in Self.numbers(expected["coefficients"]) {
            let got = try #require(board.style?.features.first { $0.name == name }).coefficient
            #expect(Swift.abs(got - coefficient) < 1e-5, "\(name): \(got) vs \(coefficient)")
        }
    }

    @Test func bootstrapIsSeededAndBracketsTheEstimates() throws {
        let table = try Self.arena()
        let options = LeaderboardOptions(intervals: .bootstrap(rounds: 60, seed: 7), threads: 2)
        let first = try StyleControl(features: StyleFeature.lmarena()).build(table, options: options)
        var one = options
        one.threads = 1
        let again = try StyleControl(features: StyleFeature.lmarena()).build(table, options: one)
        #expect(first.contenders == again.contenders)
        #expect(first.style == again.style)
        #expect(first.method.rounds == 60 && first.method.seed == 7)
        for entry in first.contenders {
            #expect(entry.lower < entry.rating && entry.rating < entry.upper, "\(entry.name)")
            #expect(entry.rankLower != nil)
        }
        for f in try #require(first.style).features {
            let lower = try #require(f.lower)
            let upper = try #require(f.upper)
            #expect(lower < f.coefficient && f.coefficient < upper, "\(f.name)")
            #expect(Swift.abs(try #require(f.eloLower) - lower * BradleyTerry().eloPerNat) < 1e-9)
        }
    }

    @Test func missingColumnsSayWhichAndHow() throws {
        let table = try TestData.votes("arena-basic.jsonl")
        #expect(throws: RatingError.self) {
            try StyleControl(features: StyleFeature.lmarena()).build(table, options: LeaderboardOptions())
        }
        do {
            _ = try StyleControl(features: [StyleFeature(parsing: "len_a,len_b")!]).build(table, options: LeaderboardOptions())
        } catch {
            #expect(error.message.contains("len_a") && error.message.contains("--style-feature"))
        }
    }

    @Test func parsesStyleFeatureFlags() {
        #expect(StyleFeature(parsing: "len_a,len_b") == StyleFeature(name: "len", columnA: "len_a", columnB: "len_b"))
        #expect(StyleFeature(parsing: "size=x,y") == StyleFeature(name: "size", columnA: "x", columnB: "y"))
        #expect(StyleFeature(parsing: "x") == nil)
        #expect(StyleFeature(parsing: "a,b,c") == nil)
    }
}
