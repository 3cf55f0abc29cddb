import Foundation
import Testing

/// `prefer rank --mixture`, `prefer cycles` and `prefer items` as processes,
/// on the planted arenas the Python references wrote.
@Suite("prefer rank --mixture, cycles, items")
struct PluralismCommandTests {
    @Test func mixtureJSONContract() throws {
        let out = try PreferProcess.run([
            "rank", PreferProcess.data("mixture-two-types.csv"), "--mixture", "--max-types", "3", "--restarts", "4",
            "--explain-types", "country", "--explain-types", "age_band", "--format", "json",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        #expect(json["contenders"] != nil)
        let mixture = try #require(json["mixture"] as? [String: Any])
        #expect(mixture["types"] as? Int == 2)
        let bic = try #require(mixture["bic"] as? [[String: Any]])
        #expect(bic.map { $0["types"] as? Int } == [1, 2, 3])
        #expect(bic.allSatisfy { Set($0.keys) == ["types", "bic"] })
        let classes = try #require(mixture["classes"] as? [[String: Any]])
        #expect(classes.count == 2)
        let shares = classes.map { $0["share"] as! Double }
        #expect(shares[0] >= shares[1] && Swift.abs(shares.reduce(0, +) - 1) < 1e-9)
        for type in classes {
            let contenders = type["contenders"] as! [[String: Any]]
            #expect(contenders.count == 12)
            for c in contenders {
                #expect(Set(c.keys) == ["name", "rating", "lower", "upper"])
                #expect((c["lower"] as! Double) < (c["rating"] as! Double) && (c["rating"] as! Double) < (c["upper"] as! Double))
            }
            let ratings = contenders.map { $0["rating"] as! Double }
            #expect(ratings == ratings.sorted(by: >))
        }
        let voters = try #require(mixture["voters"] as? [[String: Any]])
        #expect(voters.count == 400)
        for v in voters {
            #expect(Set(v.keys) == ["voter", "type", "posterior"])
            #expect([0, 1].contains(v["type"] as! Int))
            #expect((v["posterior"] as! Double) >= 0.5)
        }
        // Every voter is in the mixture, the audit's flagged ones too, counted per type.
        let audit = try #require(mixture["audit"] as? [String: Any])
        let flaggedByType = try #require(audit["flagged_by_type"] as? [Int])
        #expect(flaggedByType.count == 2)
        #expect(flaggedByType.reduce(0, +) == audit["flagged_voters"] as? Int)
        // Attributes are only counts per value: no voter next to them.
        let attributes = try #require(mixture["attributes"] as? [[String: Any]])
        #expect(attributes.map { $0["field"] as? String } == ["country", "age_band"])
        let text = String(decoding: try JSONSerialization.data(withJSONObject: attributes), as: UTF8.self)
        #expect(!text.contains("\"u0"))
    }

    @Test func mixtureTableAndFixedTypes() throws {
        let out = try PreferProcess.run([
            "rank", PreferProcess.data("mixture-two-types.csv"), "--mixture", "--types", "2", "--include-flagged",
            "--mixture-intervals", "none",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("Type 0: share"))
        #expect(out.stdout.contains("Type 1: share"))
        #expect(out.stdout.contains("BIC by number of types"))
        let bad = try PreferProcess.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--types", "2"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--mixture"))
        let noVoters = try PreferProcess.run(["rank", PreferProcess.data("arena-sparse.csv"), "--mixture"])
        #expect(noVoters.status != 0)
        #expect(noVoters.stderr.contains("voter"))
    }

    @Test func cyclesFindsThePlantedCycleAndNoneOnTransitiveVotes() throws {
        let rps = try PreferProcess.run(["cycles", PreferProcess.data("cycles-rps.csv"), "--format", "json"])
        #expect(rps.status == 0, "\(rps.stderr)")
        let json = try rps.json()
        let triangles = try #require(json["triangles"] as? [String: Any])
        #expect(triangles["procedure"] as? String == "benjamini-yekutieli")
        let cycles = try #require(triangles["cycles"] as? [[String: Any]])
        #expect(cycles.contains { Set($0["cycle"] as! [String]) == ["model-00", "model-01", "model-02"] })
        let hodge = try #require(json["hodge"] as? [String: Any])
        #expect((hodge["gradient_share"] as! Double) > 0.5)
        let models = try #require(json["models"] as? [String: Any])
        #expect(models["verdict"] as? String == "cycles predict held-out votes better")
        #expect(json["timings"] == nil)

        let flat = try PreferProcess.run(["cycles", PreferProcess.data("cycles-transitive.csv")])
        #expect(flat.status == 0, "\(flat.stderr)")
        #expect(flat.stdout.contains("None found"))
        #expect(flat.stdout.contains("Transitive share"))
        let bad = try PreferProcess.run(["cycles", PreferProcess.data("cycles-rps.csv"), "--fdr", "2"])
        #expect(bad.status != 0)
    }

    @Test func itemsAsJSONAndCSV() throws {
        let out = try PreferProcess.run(["items", PreferProcess.data("items-repeated.csv"), "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let items = try #require(json["items"] as? [[String: Any]])
        #expect(items.count == 150)
        for item in items {
            for key in ["item", "votes", "split", "strength", "contested", "difficulty", "flags"] {
                #expect(item[key] != nil, "missing \(key)")
            }
        }
        let summary = try #require(json["summary"] as? [String: Any])
        #expect(summary["item_field"] as? String == "question_id")
        #expect((json["mislabelled"] as? [Any])?.isEmpty == false)

        let csv = try PreferProcess.run(["items", PreferProcess.data("items-repeated.csv"), "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "item,a,b,votes,a_wins,b_wins,ties,majority,majority_share,strength,model_probability,contested,difficulty,flags")
        #expect(lines.count == 151)

        let noItems = try PreferProcess.run(["items", PreferProcess.data("arena-basic.jsonl")])
        #expect(noItems.status != 0)
        #expect(noItems.stderr.contains("question_id"))
    }
}
