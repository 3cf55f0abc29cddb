import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// Contested items and preference strength against the independent Python
/// reference (`bench/items_reference.py`, which wrote the votes).
@Suite("Contested items")
struct ItemAgreementTests {
    /// question_id,voter,model_a,model_b,winner CSV read by plain splitting.
    static func votes() throws -> VoteTable {
        let text = String(decoding: try Fixtures.data("items-repeated.csv"), as: UTF8.self)
        var table = VoteTable()
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            table.append(Vote(a: f[2], b: f[3], outcome: Outcome(label: f[4])!, voter: f[1], attributes: ["question_id": f[0]]))
        }
        return table
    }

    @Test func matchesTheReference() throws {
        let table = try Self.votes()
        let expected = try Fixtures.json("items-repeated.expected.json")
        let result = try ItemAgreement().analyze(table, estimator: BradleyTerry())
        let items = expected["items"] as! [[String: Any]]
        #expect(result.items.count == items.count)
        for (got, want) in zip(result.items, items) {
            #expect(got.item == want["item"] as! String)
            #expect(Set([got.a, got.b]) == Set([want["a"] as! String, want["b"] as! String]))
            #expect(got.votes == want["votes"] as! Int)
            #expect(Swift.abs(got.strength - (want["strength"] as! NSNumber).doubleValue) < 1e-10, "\(got.item)")
            #expect(got.majority == want["majority"] as? String)
            #expect(Swift.abs(got.modelProbability! - (want["model_probability"] as! NSNumber).doubleValue) < 1e-6)
            #expect(got.contested == want["contested"] as! Bool)
            #expect(got.difficulty.rawValue == want["difficulty"] as! String, "\(got.item)")
        }
        let rows = Set(result.mislabelled.map(\.row))
        #expect(rows == Set(expected["mislabelled_rows"] as! [Int]))
        #expect(result.summary.mislabelledVotes == rows.count)
        // Every item with a flagged vote says so.
        for m in result.mislabelled {
            let k = Int(result.rowItem[m.row])
            #expect(result.items[k].flags.contains("mislabelled_votes"))
        }
    }

    @Test func strengthAndSplitFollowTheirDefinitions() throws {
        var table = VoteTable()
        func add(_ q: String, _ a: String, _ b: String, _ o: Outcome, _ times: Int) {
            for _ in 0..<times { table.append(Vote(a: a, b: b, outcome: o, attributes: ["question_id": q])) }
        }
        add("even", "x", "y", .aWins, 3)
        add("even", "y", "x", .aWins, 3)   // 3–3: contested
        add("sure", "x", "y", .aWins, 4)   // 4–0 for x
        add("sure", "y", "x", .aWins, 1)   // and one for y: likely mislabelled
        add("single", "x", "y", .bWins, 1)
        add("few", "x", "y", .aWins, 2)
        add("few", "x", "y", .bWins, 1)    // 2–1, too few votes to be contested
        let agreement = ItemAgreement()
        let result = try agreement.analyze(table) { _, _ in 0.5 }
        let byItem = Dictionary(uniqueKeysWithValues: result.items.map { ($0.item, $0) })
        let even = try #require(byItem["even"])
        #expect(even.majority == nil && even.strength == 0.5 && even.contested && even.difficulty == .contested)
        let sure = try #require(byItem["sure"])
        // Beta(1 + 4, 1 + 1): P(p > ½) = 1 − I_½(5, 2) = 57/64.
        #expect(Swift.abs(sure.strength - 57.0 / 64.0) < 1e-12)
        #expect(sure.majority == "x" && !sure.contested)
        #expect(result.mislabelled.count == 1)
        #expect(result.mislabelled.first?.chose == "y")
        // Others 4–0: Beta(5, 1), P(p > ½) = 1 − ½⁵.
        #expect(Swift.abs((result.mislabelled.first?.othersStrength ?? 0) - (1 - 1.0 / 32)) < 1e-12)
        #expect(byItem["single"]!.strength == 0.75)
        #expect(byItem["few"]!.difficulty == .hard && !byItem["few"]!.contested)
        // The per-row difficulty a training export reads.
        #expect(result.difficulty(ofRow: 0) == .contested)
        #expect(result.difficulty(ofRow: 6) == sure.difficulty)
        // A model that strongly contradicts the others suppresses the flag.
        let contradicted = try agreement.analyze(table) { i, j in table.contenders[i] == "y" ? 0.9 : 0.1 }
        #expect(contradicted.mislabelled.isEmpty)
    }

    @Test func itemsNeedAPromptField() {
        var table = VoteTable()
        table.append(Vote(a: "x", b: "y", outcome: .aWins))
        #expect(throws: RatingError.self) { try ItemAgreement().analyze(table, estimator: BradleyTerry()) }
    }
}
