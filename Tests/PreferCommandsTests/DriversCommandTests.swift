import Foundation
import Testing

@Suite("prefer drivers")
struct DriversCommandTests {
    func temporary(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("drivers-\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Votes whose longer, bolder side tends to win (drawn with a fixed generator).
    func votesWithTexts(_ count: Int, seed: UInt64 = 3) -> [[String: Any]] {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func text() -> String {
            var parts = [String](repeating: "word", count: 5 + Int(next() * 60))
            if next() < 0.4 { parts[0] = "**bold**" }
            if next() < 0.3 { parts.append("\n- item\n- item") }
            return parts.joined(separator: " ")
        }
        var rows: [[String: Any]] = []
        for k in 0..<count {
            let a = text()
            let b = text()
            let advantage = Double(a.count - b.count) / 80
            let p = 1 / (1 + exp(-advantage))
            let u = next()
            let winner = u < 0.1 ? "tie" : (next() < p ? "model_a" : "model_b")
            rows.append(["model_a": "m\(k % 4)", "model_b": "m\((k + 1 + k / 4 % 3) % 4)", "winner": winner,
                         "text_a": a, "text_b": b, "source": k % 3 == 0 ? "judge" : "human", "prompt": "Say something"])
        }
        return rows
    }

    func jsonl(_ rows: [[String: Any]]) throws -> String {
        try rows.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            .joined(separator: "\n") + "\n"
    }

    @Test func jsonContractOnVotesWithTexts() throws {
        let file = try temporary("votes.jsonl", try jsonl(votesWithTexts(600)))
        let out = try PreferProcess.run(["drivers", file, "--format", "json", "--quiet"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let features = json["features"] as! [[String: Any]]
        #expect(features.map { $0["name"] as! String }.contains("length_chars"))
        #expect(features.map { $0["name"] as! String }.contains("script_match"))
        for entry in features {
            for key in ["name", "decisive_pairs", "more_wins", "more_losses", "win_rate", "win_rate_lower", "win_rate_upper",
                        "p_value", "coefficient", "coefficient_lower", "coefficient_upper", "q_value"] {
                #expect(entry.keys.contains(key), "\(entry["name"] ?? "?") lacks \(key)")
            }
        }
        let length = try #require(features.first { $0["name"] as? String == "length_chars" })
        #expect((length["win_rate"] as! Double) > 0.55)
        #expect((length["coefficient"] as! Double) > 0)
        let method = json["method"] as! [String: Any]
        #expect(method["contenders"] as? Bool == true)
        #expect(method["rows"] as? Int == 600)
        #expect(json["warnings"] is [Any])
        let sources = try #require(json["sources"] as? [[String: Any]])
        #expect(Set(sources.map { $0["source"] as! String }) == ["human", "judge"])
        #expect((json["source_comparison"] as? [Any])?.isEmpty == false)
        #expect(out.stderr.isEmpty, "\(out.stderr)")
    }

    @Test func columnMappingWithCountsCSV() throws {
        var csv = "left,right,ya,yb,tied,who\n"
        for row in votesWithTexts(300) {
            let a = (row["text_a"] as! String).replacingOccurrences(of: "\"", with: "\"\"")
            let b = (row["text_b"] as! String).replacingOccurrences(of: "\"", with: "\"\"")
            let winner = row["winner"] as! String
            csv += "\"\(a)\",\"\(b)\",\(winner == "model_a" ? 2 : 0),\(winner == "model_b" ? 2 : 1),\(winner == "tie" ? 1 : 0),\(row["source"]!)\n"
        }
        let file = try temporary("pairs.csv", csv)
        let out = try PreferProcess.run(["drivers", file, "--text-a", "left", "--text-b", "right", "--a-wins", "ya", "--b-wins", "yb",
                                         "--ties", "tied", "--source-field", "who", "--format", "json", "-q"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let method = json["method"] as! [String: Any]
        #expect(method["contenders"] as? Bool == false)
        #expect(method["rows"] as? Int == 300)
        #expect((method["inputs"] as! [String]).contains { $0.contains("counts ya/yb/tied") })
        #expect(json["sources"] != nil)
    }

    @Test func userFeaturesFromColumnsAndPatterns() throws {
        var rows = votesWithTexts(400)
        for k in rows.indices {
            rows[k]["feature_a.score"] = Double(k % 7)
            rows[k]["feature_b.score"] = Double((k * 3) % 5)
        }
        let file = try temporary("votes.jsonl", try jsonl(rows))
        let out = try PreferProcess.run(["drivers", file, "--features", "length_chars,bold", "--feature", "items=(?m)^- ",
                                         "--format", "json", "-q"])
        #expect(out.status == 0, "\(out.stderr)")
        let names = (try out.json()["features"] as! [[String: Any]]).map { $0["name"] as! String }
        #expect(names == ["length_chars", "bold", "items", "score", "script_match"])
    }

    @Test func tableAndSVG() throws {
        let file = try temporary("votes.jsonl", try jsonl(votesWithTexts(300)))
        let table = try PreferProcess.run(["drivers", file, "-q"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("length_chars") && table.stdout.contains("Win rate") && table.stdout.contains("By source"))
        let svg = try PreferProcess.run(["drivers", file, "--format", "svg", "-q"])
        #expect(svg.stdout.hasPrefix("<svg") && svg.stdout.contains("length_chars") && svg.stdout.contains("</svg>"))
    }

    @Test func errorsNameFileLineAndField() throws {
        let bad = try temporary("bad.jsonl", #"""
        {"text_a":"x","text_b":"y","winner":"a"}
        {"text_a":"x","text_b":3,"winner":"a"}
        """#)
        let out = try PreferProcess.run(["drivers", bad, "--winner", "winner", "-q"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("bad.jsonl:2") && out.stderr.contains("text_b"), "\(out.stderr)")
        let noTexts = try PreferProcess.run(["drivers", PreferProcess.data("arena-basic.jsonl"), "-q"])
        #expect(noTexts.status != 0)
        #expect(noTexts.stderr.contains("--text-a"), "\(noTexts.stderr)")
        let badFeature = try PreferProcess.run(["drivers", bad, "--features", "lenght"])
        #expect(badFeature.status != 0 && badFeature.stderr.contains("length_chars"))
    }

    @Test func referenceFileMatchesStatsmodels() throws {
        let out = try PreferProcess.run(["drivers", PreferProcess.data("drivers-votes.jsonl"), "--format", "json", "-q"])
        #expect(out.status == 0, "\(out.stderr)")
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: PreferProcess.data("drivers-votes.expected.json")))) as! [String: Any]
        let model = expected["model"] as! [String: [String: Any]]
        for entry in try out.json()["features"] as! [[String: Any]] {
            let name = entry["name"] as! String
            let want = (model[name]!["coefficient"] as! NSNumber).doubleValue
            #expect(Swift.abs((entry["coefficient"] as! Double) - want) < 1e-4, "\(name)")
        }
    }
}

@Suite("prefer rank --style-control")
struct StyleControlCommandTests {
    @Test func conversationMetadataAgainstStatsmodels() throws {
        let out = try PreferProcess.run(["rank", PreferProcess.data("style-arena.jsonl"), "--style-control", "--format", "json", "-q"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: PreferProcess.data("style-arena.expected.json")))) as! [String: Any]
        let ratings = (expected["ratings"] as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
        for entry in json["contenders"] as! [[String: Any]] {
            let name = entry["name"] as! String
            #expect(Swift.abs((entry["rating"] as! Double) - ratings[name]!) < 0.01, "\(name)")
        }
        let style = try #require(json["style"] as? [String: Any])
        let features = style["features"] as! [[String: Any]]
        #expect(features.map { $0["name"] as! String } == ["length", "headers", "lists", "bold"])
        #expect(style["normalization"] as? String == "relative")
    }

    @Test func customColumnsTableAndBootstrap() throws {
        var lines: [String] = []
        var state: UInt64 = 9
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        let names = ["a", "b", "c", "d"]
        for k in 0..<800 {
            let i = k % 4
            let j = (i + 1 + k / 4 % 3) % 4
            let la = 100 + Int(next() * 400)
            let lb = 100 + Int(next() * 400)
            let p = 1 / (1 + exp(-(Double(i - j) * 0.3 + Double(la - lb) / 200)))
            let winner = next() < p ? "model_a" : "model_b"
            lines.append(#"{"model_a":"\#(names[i])","model_b":"\#(names[j])","winner":"\#(winner)","len_a":\#(la),"len_b":\#(lb)}"#)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("style-\(UUID().uuidString).jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        let out = try PreferProcess.run(["rank", url.path, "--style-feature", "len_a,len_b", "--bootstrap", "50", "-q"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Style feature") && out.stdout.contains("len"), "\(out.stdout)")
        let missing = try PreferProcess.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--style-control", "-q"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("--style-feature"), "\(missing.stderr)")
    }
}
