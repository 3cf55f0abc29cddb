import Foundation
import Testing

/// `prefer import <dataset>`, `prefer export pairs`, `prefer release` and
/// `prefer rank --input`, run as a user would, on small files in the real
/// datasets' shapes.
@Suite("prefer import, export and release of datasets")
struct DataCommandTests {
    /// A temporary folder with a database, removed at the end.
    final class Workspace {
        let url: URL
        var database: String { url.appendingPathComponent("data.sqlite").path }

        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("prefer-data-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        func file(_ name: String, _ text: String) throws -> String {
            let path = url.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }

        func path(_ name: String) -> String { url.appendingPathComponent(name).path }

        func lines(_ name: String) throws -> [[String: Any]] {
            let text = try String(contentsOfFile: path(name), encoding: .utf8)
            return try text.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }
    }

    static func hh(_ count: Int) -> String {
        (0..<count).map { i in
            let shared = "\\n\\nHuman: question \(i % 4)?\\n\\nAssistant:"
            return #"{"chosen": "\#(shared) good answer \#(i)", "rejected": "\#(shared) bad answer \#(i)"}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test func pairsImportThenEveryExportFormat() throws {
        let work = try Workspace()
        let data = try work.file("hh.jsonl", Self.hh(40))
        let imported = try PreferProcess.run(["import", "pairs", data, "--arena", "hh", "--database", work.database, "--quiet"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 40 item-level preferences (40 annotations)"))

        let trl = try PreferProcess.run(["export", "pairs", "--arena", "hh", "--database", work.database, "--format", "trl", "--out", work.path("trl.jsonl")])
        #expect(trl.status == 0, "\(trl.stderr)")
        let rows = try work.lines("trl.jsonl")
        #expect(rows.count == 40)
        for row in rows {
            #expect(Set(row.keys) == ["prompt", "chosen", "rejected", "margin"])
            let prompt = try #require(row["prompt"] as? String)
            #expect(prompt.hasPrefix("\n\nHuman: question") && prompt.hasSuffix("\n\nAssistant:"))
            #expect((row["chosen"] as? String)?.hasPrefix(" good answer") == true)
            #expect((row["rejected"] as? String)?.hasPrefix(" bad answer") == true)
        }

        let chat = try PreferProcess.run(["export", "pairs", "--arena", "hh", "--database", work.database, "--format", "trl-chat", "--out", work.path("chat.jsonl")])
        #expect(chat.status == 0, "\(chat.stderr)")
        let first = try #require(try work.lines("chat.jsonl").first)
        let prompt = try #require(first["prompt"] as? [[String: String]])
        #expect(prompt.count == 1 && prompt[0]["role"] == "user" && prompt[0]["content"]?.hasPrefix("question") == true)
        let chosen = try #require(first["chosen"] as? [[String: String]])
        #expect(chosen == [["role": "assistant", "content": chosen[0]["content"]!]] && chosen[0]["content"]!.hasPrefix("good answer"))

        let kto = try PreferProcess.run(["export", "pairs", "--arena", "hh", "--database", work.database, "--format", "kto", "--out", work.path("kto.jsonl")])
        #expect(kto.status == 0)
        let labels = try work.lines("kto.jsonl").map { $0["label"] as? Bool }
        #expect(labels.count == 80 && labels.filter { $0 == true }.count == 40)

        let split = try PreferProcess.run([
            "export", "pairs", "--arena", "hh", "--database", work.database, "--test-fraction", "0.5", "--seed", "1", "--out", work.path("split"),
        ])
        #expect(split.status == 0, "\(split.stderr)")
        let train = try work.lines("split/train.jsonl").map { $0["prompt"] as! String }
        let test = try work.lines("split/test.jsonl").map { $0["prompt"] as! String }
        #expect(train.count + test.count == 40 && !train.isEmpty && !test.isEmpty)
        #expect(Set(train).isDisjoint(with: test))
    }

    @Test func aBadRowNamesFileLineAndFieldAndStoresNothing() throws {
        let work = try Workspace()
        var text = Self.hh(30)
        text += #"{"chosen": "\n\nHuman: hi\n\nAssistant: yes", "rejected": 42}"# + "\n"
        let data = try work.file("bad.jsonl", text)
        let out = try PreferProcess.run(["import", "pairs", data, "--arena", "bad", "--database", work.database])
        #expect(out.status != 0)
        #expect(out.stderr.contains("bad.jsonl:31: rejected: expected a string or a list of {\"role\", \"content\"} messages, found a number"))
        // Not even the arena the import created is left behind.
        let export = try PreferProcess.run(["export", "pairs", "--arena", "bad", "--database", work.database])
        #expect(export.status != 0)
        #expect(export.stderr.contains("There is no arena named \"bad\""))
        let empty = try work.file("empty.jsonl", "")
        let nothing = try PreferProcess.run(["import", "pairs", empty, "--arena", "empty", "--database", work.database, "--quiet"])
        #expect(nothing.status == 0, "\(nothing.stderr)")
        let emptyExport = try PreferProcess.run(["export", "pairs", "--arena", "empty", "--database", work.database])
        #expect(emptyExport.status != 0)
        #expect(emptyExport.stderr.contains("has no votes or preferences to export"))
        let unknown = try PreferProcess.run(["export", "pairs", "--arena", "nope", "--database", work.database])
        #expect(unknown.status != 0 && unknown.stderr.contains("There is no arena named \"nope\""))
    }

    @Test func aggregatedCountsRankWithAnnotationsAsTheSampleSize() throws {
        let work = try Workspace()
        // AdParaphrase-like counts between named systems.
        var csv = "id,model_ad1,model_ad2,generated_ad1,generated_ad2,count.preference_ad1,count.preference_ad2,count.preference_skip\n"
        for i in 0..<30 {
            csv += "\(i),writer-\(i % 3),writer-\((i + 1) % 3),ad \(i) one,ad \(i) two,\(6 + i % 3),\(3 - i % 3),1\n"
        }
        let data = try work.file("counts.csv", csv)
        let mapping = ["--a", "model_ad1", "--b", "model_ad2", "--text-a", "generated_ad1", "--text-b", "generated_ad2",
                       "--a-wins", "count.preference_ad1", "--b-wins", "count.preference_ad2", "--tie-count", "count.preference_skip"]
        let ranked = try PreferProcess.run(["rank", data, "--input", "counts", "--format", "json", "--ci", "sandwich"] + mapping)
        #expect(ranked.status == 0, "\(ranked.stderr)")
        let json = try ranked.json()
        let method = try #require(json["method"] as? [String: Any])
        // 30 rows of 10 annotations each: the fit's sample size is 300.
        #expect(method["votes"] as? Int == 300)
        let imported = try PreferProcess.run(["import", "counts", data, "--arena", "ads", "--database", work.database, "--quiet"] + mapping)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("imported 300 votes"))
        let noMapping = try PreferProcess.run(["import", "counts", data, "--arena", "ads2", "--database", work.database, "--a-wins", "x"])
        #expect(noMapping.status != 0 && noMapping.stderr.contains("--b-wins"))
    }

    @Test func releaseLayoutChecksumsAndUnlinkablePseudonyms() throws {
        let work = try Workspace()
        var csv = "model_a,model_b,winner,voter,prompt,text_a,text_b\n"
        for i in 0..<40 {
            csv += "m\(i % 3),m\((i + 1) % 3),\(i % 4 == 0 ? "model_b" : "model_a"),person-\(i % 5),prompt \(i % 6)\(i % 6 == 5 ? " secret" : ""),a \(i % 6) m\(i % 3),b \(i % 6) m\((i + 1) % 3)\n"
        }
        let data = try work.file("votes.csv", csv)
        let imported = try PreferProcess.run([
            "import", "counts", data, "--arena", "open", "--database", work.database, "--quiet", "--a", "model_a", "--b", "model_b",
            "--winner", "winner", "--voter-field", "voter", "--prompt", "prompt", "--text-a", "text_a", "--text-b", "text_b",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        var releases: [[String: Any]] = []
        for name in ["r1", "r2"] {
            let out = try PreferProcess.run([
                "release", "--arena", "open", "--database", work.database, "--out", work.path(name), "--license", "CC-BY-4.0",
                "--bootstrap", "20", "--drop-prompts", "secret$", "--drop-annotator", "person-4",
            ])
            #expect(out.status == 0, "\(out.stderr)")
            let files = try FileManager.default.contentsOfDirectory(atPath: work.path(name)).sorted()
            #expect(files == ["README.md", "SHA256SUMS", "audit.json", "contenders.jsonl", "kway_votes.jsonl", "leaderboard.json",
                              "outputs.jsonl", "preferences.jsonl", "prompts.jsonl", "ratings.jsonl", "votes.jsonl"])
            // Every checksum matches, as sha256sum -c checks them.
            let check = Process()
            check.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
            check.arguments = ["--check", "--quiet", "SHA256SUMS"]
            check.currentDirectoryURL = URL(fileURLWithPath: work.path(name))
            try check.run()
            check.waitUntilExit()
            #expect(check.terminationStatus == 0)
            let sums = try String(contentsOfFile: work.path("\(name)/SHA256SUMS"), encoding: .utf8)
            #expect(sums.split(separator: "\n").count == 10)
            let card = try String(contentsOfFile: work.path("\(name)/README.md"), encoding: .utf8)
            #expect(card.contains("CC-BY-4.0") && card.contains("votes.jsonl") && card.contains("pseudonymised"))
            let votes = try work.lines("\(name)/votes.jsonl")
            // person-4 and the "secret" prompts are gone; the server's voter names never appear.
            #expect(votes.count == 40 - 8 - 6 + 1)
            #expect(!votes.contains { ($0["voter"] as? String)?.hasPrefix("person") == true })
            let prompts = try work.lines("\(name)/prompts.jsonl")
            #expect(!prompts.contains { ($0["text"] as? String)?.contains("secret") == true })
            releases.append(["voters": Set(votes.compactMap { $0["voter"] as? String })])
            let board = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path("\(name)/leaderboard.json")))) as? [String: Any])
            #expect((board["contenders"] as? [Any])?.count == 3)
            // The release's votes are valid input for prefer rank.
            let rank = try PreferProcess.run(["rank", work.path("\(name)/votes.jsonl"), "--format", "json"])
            #expect(rank.status == 0, "\(rank.stderr)")
        }
        let first = releases[0]["voters"] as! Set<String>
        let second = releases[1]["voters"] as! Set<String>
        #expect(first.count == 4 && second.count == 4 && first.isDisjoint(with: second))
    }

    /// A release of an arena holding K-way votes (rankings imported as K-way
    /// votes) carries them in `kway_votes.jsonl` — candidates in the order
    /// shown, the winner of a best-of-K vote or the ranking — with the
    /// redactions applied, counted on the card and checked by `SHA256SUMS`;
    /// the file is valid `prefer rank` input.
    @Test func releaseHoldsTheKWayVotes() throws {
        let work = try Workspace()
        var rows: [String] = []
        var expected: [(models: [String], ranking: [String]?)] = []
        for i in 0..<12 {
            let models = (0..<3).map { "m\((i + $0) % 3)" }
            let prompt = "prompt \(i % 4)\(i % 4 == 3 ? " secret" : "")"
            let paths = models.map { "\($0)-\(i % 4).jpg" }
            // Even rows: a full ranking in the order shown; odd rows: the first is best, the rest tie (a best-of-K vote).
            let rank = i % 2 == 0 ? [0, 1, 2] : [0, 1, 1]
            func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
            rows.append(#"{"prompt": "\#(prompt)", "image_path": \#(list(paths)), "models": \#(list(models)), "rank": \#(rank), "user": "person-\#(i % 3)"}"#)
            if i % 3 != 2 && i % 4 != 3 { expected.append((models, i % 2 == 0 ? models : nil)) }
        }
        // Shared first place: no K-way vote.
        rows.append(#"{"prompt": "prompt 0", "image_path": ["m0-0.jpg", "m1-0.jpg", "m2-0.jpg"], "models": ["m0", "m1", "m2"], "rank": [0, 0, 1], "user": "person-0"}"#)
        let data = try work.file("hpd.json", "[" + rows.joined(separator: ",\n") + "]")
        let imported = try PreferProcess.run([
            "import", "rankings", data, "--arena", "five", "--database", work.database, "--contenders-field", "models",
            "--voter-field", "user", "--quiet",
        ])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("12 K-way votes"), "\(imported.stdout)")

        let out = try PreferProcess.run([
            "release", "--arena", "five", "--database", work.database, "--out", work.path("r"), "--license", "CC0-1.0",
            "--bootstrap", "0", "--drop-prompts", "secret$", "--drop-annotator", "person-2",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("\(expected.count) K-way votes"), "\(out.stdout)")
        let kway = try work.lines("r/kway_votes.jsonl")
        #expect(kway.count == expected.count)
        for (line, want) in zip(kway, expected) {
            #expect(line["k"] as? Int == 3)
            #expect(line["candidates"] as? [String] == want.models)
            if let ranking = want.ranking {
                #expect(line["kind"] as? String == "ranking" && line["ranking"] as? [String] == ranking && line["winner"] == nil)
            } else {
                #expect(line["kind"] as? String == "best" && line["winner"] as? String == want.models[0] && line["ranking"] == nil)
            }
            #expect(line["source"] as? String == "import")
            let voter = try #require(line["voter"] as? String)
            #expect(voter.hasPrefix("v") && !voter.hasPrefix("person"))
        }
        #expect(Set(kway.compactMap { $0["voter"] as? String }).count == 2)
        #expect(try work.lines("r/votes.jsonl").isEmpty)
        let prompts = try work.lines("r/prompts.jsonl")
        #expect(!prompts.contains { ($0["text"] as? String)?.contains("secret") == true })
        let card = try String(contentsOfFile: work.path("r/README.md"), encoding: .utf8)
        #expect(card.contains("0 votes and \(expected.count) K-way votes (\(expected.count) imported) by 2 pseudonymous annotators"), "\(card)")
        #expect(card.contains("`kway_votes.jsonl`"))
        // SHA256SUMS covers the K-way file, and sha256sum -c accepts it all.
        let sums = try String(contentsOfFile: work.path("r/SHA256SUMS"), encoding: .utf8)
        #expect(sums.contains("  kway_votes.jsonl\n"))
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        check.arguments = ["--check", "--strict", "SHA256SUMS"]
        check.currentDirectoryURL = URL(fileURLWithPath: work.path("r"))
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
        // The K-way votes are valid input for prefer rank (Plackett–Luce).
        let rank = try PreferProcess.run(["rank", work.path("r/kway_votes.jsonl"), "--format", "json"])
        #expect(rank.status == 0, "\(rank.stderr)")
        let board = try #require(try JSONSerialization.jsonObject(with: Data(rank.stdout.utf8)) as? [String: Any])
        #expect((board["contenders"] as? [Any])?.count == 3)
        // The release's leaderboard is that Plackett–Luce board (the server's for a K-way arena), its method named.
        let released = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path("r/leaderboard.json")))) as? [String: Any])
        let method = try #require(released["method"] as? [String: Any])
        #expect(method["model"] as? String == "plackett-luce")
        #expect(method["model_selection"] as? String == "automatic")
        #expect(try Self.ratings(released) == Self.ratings(board))
        #expect(try Self.ratings(released).count == 3)
        #expect(card.contains("Plackett–Luce ratings"), "\(card)")
        #expect(!card.contains("Bradley–Terry ratings"))
    }

    /// Ratings by contender of a leaderboard's JSON, rounded to 1e-6.
    static func ratings(_ board: [String: Any]) throws -> [String: Double] {
        let rows = try #require(board["contenders"] as? [[String: Any]])
        var out: [String: Double] = [:]
        for row in rows {
            out[try #require(row["name"] as? String)] = (try #require(row["rating"] as? Double) * 1e6).rounded() / 1e6
        }
        return out
    }

    /// An arena holding pairwise and K-way votes: the release's leaderboard
    /// fits Plackett–Luce to both together, the board `prefer rank` gives on
    /// the released `votes.jsonl` and `kway_votes.jsonl`; the pairwise-only
    /// release of the same votes stays Bradley–Terry.
    @Test func releaseRanksPairwiseAndKWayVotesTogether() throws {
        let work = try Workspace()
        var rankings: [String] = []
        for i in 0..<9 {
            let models = (0..<3).map { "m\((i + $0) % 3)" }
            func list(_ items: [String]) -> String { "[" + items.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }
            rankings.append(#"{"prompt": "image \#(i)", "image_path": \#(list(models.map { "\($0)-\(i).jpg" })), "models": \#(list(models)), "rank": [\#(i % 3 == 0 ? "1, 0, 2" : "0, 1, 2")]}"#)
        }
        let pairs = (0..<10).map { i in
            #"{"prompt": "text \#(i)", "chosen": "good \#(i)", "rejected": "bad \#(i)", "a": "m\#(i % 3)", "b": "m\#((i + 1) % 3)"}"#
        }
        let pairFile = try work.file("pairs.jsonl", pairs.joined(separator: "\n") + "\n")
        let pairImport = try PreferProcess.run([
            "import", "pairs", pairFile, "--arena", "mixed", "--database", work.database, "--contender-a-field", "a",
            "--contender-b-field", "b", "--quiet",
        ])
        #expect(pairImport.status == 0, "\(pairImport.stderr)")
        let pairwiseOnly = try PreferProcess.run([
            "release", "--arena", "mixed", "--database", work.database, "--out", work.path("p"), "--bootstrap", "0",
        ])
        #expect(pairwiseOnly.status == 0, "\(pairwiseOnly.stderr)")
        let before = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path("p/leaderboard.json")))) as? [String: Any])
        #expect((before["method"] as? [String: Any])?["model"] as? String == "bradley-terry")

        let rankingFile = try work.file("hpd.json", "[" + rankings.joined(separator: ",\n") + "]")
        let rankingImport = try PreferProcess.run([
            "import", "rankings", rankingFile, "--arena", "mixed", "--database", work.database, "--contenders-field", "models", "--quiet",
        ])
        #expect(rankingImport.status == 0, "\(rankingImport.stderr)")
        let out = try PreferProcess.run([
            "release", "--arena", "mixed", "--database", work.database, "--out", work.path("r"), "--bootstrap", "0",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let released = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: work.path("r/leaderboard.json")))) as? [String: Any])
        #expect((released["method"] as? [String: Any])?["model"] as? String == "plackett-luce")
        #expect(try work.lines("r/votes.jsonl").count == 10 && work.lines("r/kway_votes.jsonl").count == 9)
        let rank = try PreferProcess.run(["rank", work.path("r/votes.jsonl"), work.path("r/kway_votes.jsonl"), "--format", "json"])
        #expect(rank.status == 0, "\(rank.stderr)")
        let board = try #require(try JSONSerialization.jsonObject(with: Data(rank.stdout.utf8)) as? [String: Any])
        #expect((board["method"] as? [String: Any])?["model"] as? String == "plackett-luce")
        #expect(try Self.ratings(released) == Self.ratings(board))
        // Not the pairwise board: the K-way votes moved the ratings.
        #expect(try Self.ratings(released) != Self.ratings(before))
    }

    @Test func rankingsBecomeAKWayVoteFile() throws {
        let work = try Workspace()
        let data = try work.file("test.json", """
        [{"prompt": "a cat", "image_path": ["1.jpg", "2.jpg", "3.jpg"], "rank": [1, 0, 2]},
         {"prompt": "a dog", "image_path": ["4.jpg", "5.jpg"], "rank": [0, 1]}]
        """)
        let out = try PreferProcess.run(["import", "rankings", data, "--out", work.path("kway.jsonl")])
        #expect(out.status == 0, "\(out.stderr)")
        let rows = try work.lines("kway.jsonl")
        #expect(rows.count == 2)
        #expect(rows[0]["ranks"] as? [Int] == [2, 1, 3] && rows[0]["winner"] as? Int == 1)
        let refused = try PreferProcess.run(["import", "rankings", data, "--arena", "x", "--out", work.path("k.jsonl")])
        #expect(refused.status != 0 && refused.stderr.contains("one of the two"))
    }
}
