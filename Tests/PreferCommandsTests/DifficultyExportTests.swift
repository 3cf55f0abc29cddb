import Foundation
import Testing

/// `prefer export pairs --difficulty`: each pair's easy/contested/hard label
/// is the one `prefer items` gives its item on the same votes.
@Suite("prefer export pairs --difficulty")
struct DifficultyExportTests {
    /// Votes on (prompt, pair) items with every kind of split: unanimous, even, lopsided, single.
    static func votes() -> String {
        var csv = "model_a,model_b,winner,voter,prompt,text_a,text_b\n"
        var voter = 0
        func add(_ prompt: Int, _ a: Int, _ b: Int, aWins: Int, bWins: Int, ties: Int = 0) {
            let rows = Array(repeating: "model_a", count: aWins) + Array(repeating: "model_b", count: bWins) + Array(repeating: "tie", count: ties)
            for (i, winner) in rows.enumerated() {
                voter += 1
                // Sides alternate, as battles show them.
                let (left, right, result) = i % 2 == 0 ? (a, b, winner) : (b, a, winner == "model_a" ? "model_b" : winner == "model_b" ? "model_a" : winner)
                csv += "m\(left),m\(right),\(result),person-\(voter % 7),prompt \(prompt),answer of m\(left) to \(prompt),answer of m\(right) to \(prompt)\n"
            }
        }
        add(0, 0, 1, aWins: 8, bWins: 0)            // easy: the crowd is sure
        add(1, 0, 1, aWins: 3, bWins: 3)            // contested
        add(2, 1, 2, aWins: 0, bWins: 1)            // one vote
        add(3, 0, 2, aWins: 4, bWins: 1)
        add(4, 1, 2, aWins: 3, bWins: 2, ties: 1)   // contested
        add(5, 0, 1, aWins: 1, bWins: 2)            // against the model: hard
        add(6, 2, 0, aWins: 5, bWins: 0)
        return csv
    }

    @Test func labelsAreThoseOfPreferItemsAndFilterThePairs() throws {
        let work = try DataCommandTests.Workspace()
        let data = try work.file("votes.csv", Self.votes())
        let imported = try PreferProcess.run([
            "import", "counts", data, "--arena", "hard", "--database", work.database, "--quiet", "--a", "model_a", "--b", "model_b",
            "--winner", "winner", "--voter-field", "voter", "--prompt", "prompt", "--text-a", "text_a", "--text-b", "text_b",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        // The votes as a file (the release's votes.jsonl), and prefer items on it.
        let release = try PreferProcess.run(["release", "--arena", "hard", "--database", work.database, "--out", work.path("r"), "--bootstrap", "0", "--quiet"])
        #expect(release.status == 0, "\(release.stderr)")
        let items = try PreferProcess.run(["items", work.path("r/votes.jsonl"), "--item-field", "prompt_id", "--format", "json"])
        #expect(items.status == 0, "\(items.stderr)")
        let analysed = try #require(try items.json()["items"] as? [[String: Any]])
        var expected: [String: String] = [:]  // "prompt_id|a|b" (a < b) → difficulty
        for item in analysed {
            let names = [item["a"] as! String, item["b"] as! String].sorted()
            expected["\(item["item"]!)|\(names[0])|\(names[1])"] = item["difficulty"] as? String
        }
        #expect(Set(expected.values) == ["easy", "contested", "hard"], "the data covers every label: \(expected)")
        let promptIds = Dictionary(uniqueKeysWithValues: try work.lines("r/prompts.jsonl").map { ($0["text"] as! String, "\($0["prompt_id"]!)") })
        var contender: [String: String] = [:]  // "prompt_id|content" → contender
        for output in try work.lines("r/outputs.jsonl") { contender["\(output["prompt_id"]!)|\(output["content"]!)"] = output["contender"] as? String }

        // Every pair labelled (ties kept, so even splits are written too), each as prefer items labels its item.
        let all = try PreferProcess.run([
            "export", "pairs", "--arena", "hard", "--database", work.database, "--difficulty", "all", "--ties", "keep",
            "--include-flagged", "--out", work.path("all.jsonl"),
        ])
        #expect(all.status == 0, "\(all.stderr)")
        let rows = try work.lines("all.jsonl")
        #expect(rows.count == 7)
        var labels: [String: Int] = [:]
        for row in rows {
            let prompt = try #require(promptIds[row["prompt"] as! String])
            let a = try #require(contender["\(prompt)|\(row["chosen"] as! String)"])
            let b = try #require(contender["\(prompt)|\(row["rejected"] as! String)"])
            let names = [a, b].sorted()
            let label = try #require(row["difficulty"] as? String, "\(row)")
            #expect(label == expected["\(prompt)|\(names[0])|\(names[1])"], "\(row)")
            labels[label, default: 0] += 1
        }
        // One kind only: exactly the pairs with that label.
        for kind in ["easy", "contested", "hard"] {
            let out = try PreferProcess.run([
                "export", "pairs", "--arena", "hard", "--database", work.database, "--difficulty", kind, "--ties", "keep",
                "--include-flagged", "--out", work.path("\(kind).jsonl"),
            ])
            #expect(out.status == 0, "\(out.stderr)")
            let kept = try work.lines("\(kind).jsonl")
            #expect(kept.count == labels[kind, default: 0] && kept.allSatisfy { $0["difficulty"] as? String == kind })
            #expect(labels[kind, default: 0] == 7 || out.stderr.contains("pairs not \(kind) left out"), "\(out.stderr)")
        }
        // Without --difficulty, no labels.
        let plain = try PreferProcess.run(["export", "pairs", "--arena", "hard", "--database", work.database, "--ties", "keep", "--include-flagged", "--quiet"])
        #expect(!plain.stdout.contains("\"difficulty\""))
        let wrong = try PreferProcess.run(["export", "pairs", "--arena", "hard", "--database", work.database, "--difficulty", "medium"])
        #expect(wrong.status != 0 && wrong.stderr.contains("difficulty"))
    }
}
