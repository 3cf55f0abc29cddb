import Foundation
import Testing
@testable import PreferCore

/// The dataset readers on small files written in the real datasets' shapes:
/// Anthropic/hh-rlhf, trl-lib's standard and conversational preference
/// sets, openbmb/UltraFeedback, HPDv2, cyberagent/AdParaphrase-v2.0.
@Suite("Dataset readers")
struct DatasetReaderTests {
    func pairs(_ text: String, _ options: PairReadOptions = PairReadOptions(), threads: Int = 1) throws(VoteParseError) -> [PreferenceRecord] {
        try DatasetReader.readAll(text) { DatasetReader.pairs($0, source: "pairs.jsonl", options: options, threads: threads) }
    }

    func keepOrder() -> PairReadOptions {
        var options = PairReadOptions()
        options.chosenFirst = true
        return options
    }

    func error(_ body: () throws -> Void) -> VoteParseError? {
        do {
            try body()
            return nil
        } catch {
            return error as? VoteParseError
        }
    }

    // MARK: - Pairs

    @Test func hhRLHFTranscriptsSplitAtTheLastSharedAssistantTurn() throws {
        // Anthropic/hh-rlhf rows: {"chosen", "rejected"}, whole dialogues.
        let row = #"{"chosen": "\n\nHuman: What are some cuss words in english?\n\nAssistant: Here's an incomplete list.\n\nHuman: What's your favorite one?\n\nAssistant: I haven't even thought about it.", "rejected": "\n\nHuman: What are some cuss words in english?\n\nAssistant: Here's an incomplete list.\n\nHuman: What's your favorite one?\n\nAssistant: Ass."}"#
        let records = try pairs(row + "\n", keepOrder())
        #expect(records.count == 1)
        let record = records[0]
        #expect(record.prompt == .plain("\n\nHuman: What are some cuss words in english?\n\nAssistant: Here's an incomplete list.\n\nHuman: What's your favorite one?\n\nAssistant:"))
        #expect(record.a == .plain(" I haven't even thought about it."))
        #expect(record.b == .plain(" Ass."))
        #expect(record.counts == PreferenceCounts(.aWins))
        #expect(record.line == 1 && !record.hasContenders)
        // As chat messages: the turns, the empty cue dropped, the leading space gone.
        let prompt = record.prompt!.messages(role: "user")
        #expect(prompt.map(\.role) == ["user", "assistant", "user"])
        #expect(prompt[2].content == "What's your favorite one?")
        #expect(record.a.messages(role: "assistant") == [ConversationMessage(role: "assistant", content: "I haven't even thought about it.")])
    }

    @Test func trlStandardConversationalAndImplicitPrompts() throws {
        let text = """
        {"prompt": "The sky is", "chosen": " blue.", "rejected": " green."}
        {"prompt": [{"role": "user", "content": "What color is the sky?"}], "chosen": [{"role": "assistant", "content": "It is blue."}], "rejected": [{"role": "assistant", "content": "It is green."}]}
        {"chosen": "The sky is blue.", "rejected": "The sky is green."}
        {"chosen": [{"role": "user", "content": "What color is the sky?"}, {"role": "assistant", "content": "It is blue."}], "rejected": [{"role": "user", "content": "What color is the sky?"}, {"role": "assistant", "content": "It is green."}]}

        """
        let records = try pairs(text, keepOrder())
        #expect(records.count == 4)
        #expect(records[0].prompt == .plain("The sky is") && records[0].a == .plain(" blue.") && records[0].b == .plain(" green."))
        #expect(records[1].prompt == .messages([ConversationMessage(role: "user", content: "What color is the sky?")]))
        #expect(records[1].a == .messages([ConversationMessage(role: "assistant", content: "It is blue.")]))
        // TRL's extract_prompt: the common prefix, cut before the space.
        #expect(records[2].prompt == .plain("The sky is") && records[2].a == .plain(" blue.") && records[2].b == .plain(" green."))
        #expect(records[3].prompt == .messages([ConversationMessage(role: "user", content: "What color is the sky?")]))
        #expect(records[3].b == .messages([ConversationMessage(role: "assistant", content: "It is green.")]))
        #expect(records.map(\.line) == [1, 2, 3, 4])
    }

    @Test func sidesAreDrawnFromSeedAndLineOnly() throws {
        let line = #"{"prompt": "p", "chosen": "good", "rejected": "bad"}"#
        let text = String(repeating: line + "\n", count: 400)
        let one = try pairs(text, threads: 1)
        let two = try pairs(text, threads: 2)
        #expect(one == two)
        let leftWins = one.filter { $0.counts.aWins == 1 }.count
        #expect(leftWins > 150 && leftWins < 250)
        for record in one {
            // The chosen text always wins, whichever side it is on.
            #expect((record.counts.aWins == 1 ? record.a : record.b) == .plain("good"))
        }
        var other = PairReadOptions()
        other.seed = 7
        #expect(try pairs(text, other) != one)
    }

    @Test func contenderFieldsAndOptionalFields() throws {
        var options = keepOrder()
        options.contenderA = "chosen_model"
        options.contenderB = "rejected_model"
        options.voter = "annotator"
        options.weight = "w"
        options.sourceField = "by"
        let text = #"{"prompt": "p", "chosen": "x", "rejected": "y", "chosen_model": "m1", "rejected_model": "m2", "annotator": "ann-3", "w": 0.5, "by": "judge"}"# + "\n"
        let record = try #require(try pairs(text, options).first)
        #expect(record.contenderA == "m1" && record.contenderB == "m2")
        #expect(record.voter == "ann-3" && record.weight == 0.5 && record.source == .judge)
        var table = VoteTable()
        table.append([record])
        #expect(table.count == 1 && table.contenders == ["m1", "m2"] && table.outcomes == [.aWins])
    }

    @Test func badRowsNameFileLineAndField() throws {
        let cases: [(String, String)] = [
            (#"{"prompt": "p", "rejected": "y"}"#, #"pairs.jsonl:2: missing field "chosen""#),
            (#"{"prompt": "p", "chosen": 3, "rejected": "y"}"#, "pairs.jsonl:2: chosen: expected a string or a list of {\"role\", \"content\"} messages, found a number"),
            (#"{"prompt": "p", "chosen": [{"role": "assistant", "content": 5}], "rejected": [{"role": "assistant", "content": "ok"}]}"#, "pairs.jsonl:2: chosen[0].content: expected a string, found a number"),
            (#"{"prompt": "p", "chosen": "x", "rejected": [{"role": "assistant", "content": "ok"}]}"#, "pairs.jsonl:2: chosen, rejected: both must be strings or both lists of messages"),
            (#"{"chosen": "\n\nHuman: a\n\nAssistant: b", "rejected": "\n\nHuman: c\n\nAssistant: d"}"#, "pairs.jsonl:2: chosen, rejected: the two dialogues share no turn"),
            (#"{"prompt": "p", "chosen": "x", "rejected": "y""#, "pairs.jsonl:2: not valid JSON"),
            (#"[1, 2]"#, "pairs.jsonl:2: expected a JSON object, found a list"),
        ]
        let good = #"{"prompt": "p", "chosen": "x", "rejected": "y"}"#
        for (bad, message) in cases {
            let error = error { _ = try pairs(good + "\n" + bad + "\n" + good + "\n") }
            #expect(error?.description.hasPrefix(message) == true, "\(error?.description ?? "no error") for \(bad)")
        }
        var options = PairReadOptions()
        options.contenderA = "model"
        let missing = error { _ = try pairs(good + "\n", options) }
        #expect(missing?.description == #"pairs.jsonl:1: missing field "model""#)
        #expect(missing?.field == "model")
    }

    @Test func theFirstBadRowIsReportedWhateverTheThreads() throws {
        let good = #"{"prompt": "p", "chosen": "x", "rejected": "y"}"#
        var lines = Array(repeating: good, count: 3000)
        lines[2100] = #"{"prompt": "p", "chosen": "x"}"#
        lines[2500] = #"{"chosen": 1, "rejected": "y"}"#
        let text = lines.joined(separator: "\n")
        for threads in [1, 2, 4] {
            let error = error {
                _ = try DatasetReader.readAll(text) { bytes in
                    DatasetScanner(bytes: bytes, source: "big.jsonl", threads: threads, windowBytes: 10_000, windowRows: 700) { row throws(RowProblem) in
                        [try PairReader.decode(row, PairReadOptions())]
                    }
                }
            }
            #expect(error?.description == #"big.jsonl:2101: missing field "rejected""#)
        }
    }

    @Test func jsonArraysAndWindowsKeepLinesAndOrder() throws {
        var elements: [String] = []
        for i in 0..<500 {
            elements.append("  {\"prompt\": \"p\(i)\",\n   \"chosen\": \"x\", \"rejected\": \"y\"}")
        }
        let text = "[\n" + elements.joined(separator: ",\n") + "\n]\n"
        let records = try DatasetReader.readAll(text) { bytes in
            DatasetScanner(bytes: bytes, source: "a.json", threads: 2, windowBytes: 3000, windowRows: 50) { row throws(RowProblem) in
                var options = PairReadOptions()
                options.chosenFirst = true
                return [try PairReader.decode(row, options)]
            }
        }
        #expect(records.count == 500)
        #expect(records.map(\.prompt) == (0..<500).map { .plain("p\($0)") })
        #expect(records.map(\.line) == (0..<500).map { 2 + 2 * $0 })
    }

    // MARK: - Counts

    /// cyberagent/AdParaphrase-v2.0 ("main"): ad1, ad2 and how many of the
    /// annotators preferred each, or skipped.
    static let adParaphraseCSV = """
    id,ad1,ad2,source_ad1,source_ad2,count.paraphrase,count.nonparaphrase,count.preference_ad1,count.preference_ad2,count.preference_skip
    1,格安スマホなら今すぐ,"今すぐ格安スマホ, お得に",human,llm,9,1,7,2,1
    2,"Cheap ""flights"" now",Flights for less,human,human,10,0,0,0,0
    3,Buy now,Shop today,llm,llm,8,2,3,6,1

    """

    func adOptions() -> CountsReadOptions {
        var options = CountsReadOptions()
        options.textA = "ad1"
        options.textB = "ad2"
        options.aWins = "count.preference_ad1"
        options.bWins = "count.preference_ad2"
        options.ties = "count.preference_skip"
        return options
    }

    @Test func aggregatedCountsFromCSVAndJSONLines() throws {
        let options = adOptions()
        #expect(options.problem() == nil)
        let records = try DatasetReader.readAll(Self.adParaphraseCSV) { DatasetReader.counts($0, source: "ad.csv", options: options) }
        // The row nobody judged is skipped.
        #expect(records.count == 2)
        #expect(records[0].a == .plain("格安スマホなら今すぐ") && records[0].b == .plain("今すぐ格安スマホ, お得に"))
        #expect(records[0].counts == PreferenceCounts(aWins: 7, bWins: 2, ties: 1))
        #expect(records[1].counts == PreferenceCounts(aWins: 3, bWins: 6, ties: 1) && records[1].line == 4)
        let jsonl = """
        {"id": 1, "ad1": "a", "ad2": "b", "count.preference_ad1": 7, "count.preference_ad2": 2, "count.preference_skip": 1}

        """
        let fromJSON = try DatasetReader.readAll(jsonl) { DatasetReader.counts($0, source: "ad.jsonl", options: options) }
        #expect(fromJSON.first?.counts == PreferenceCounts(aWins: 7, bWins: 2, ties: 1))
    }

    @Test func countErrorsNameTheColumn() throws {
        let options = adOptions()
        let header = "ad1,ad2,count.preference_ad1,count.preference_ad2,count.preference_skip\n"
        let cases: [(String, String)] = [
            ("a,b,2.5,1,0\n", "ad.csv:2: count.preference_ad1: expected a whole number of annotations (0 or more), found 2.5"),
            ("a,b,-1,1,0\n", "ad.csv:2: count.preference_ad1: expected a whole number of annotations (0 or more), found -1"),
            ("a,b,many,1,0\n", "ad.csv:2: count.preference_ad1: expected a number, found \"many\""),
            ("a,b,,1,0\n", "ad.csv:2: missing field \"count.preference_ad1\""),
            (",b,1,1,0\n", "ad.csv:2: missing field \"ad1\""),
            ("a,b,1,1\n", "ad.csv:2: expected 5 fields, found 4"),
        ]
        for (row, message) in cases {
            let error = error { _ = try DatasetReader.readAll(header + row) { DatasetReader.counts($0, source: "ad.csv", options: options) } }
            #expect(error?.description == message)
        }
        var contenders = CountsReadOptions()
        contenders.aWins = "x"
        #expect(contenders.problem() != nil)
    }

    @Test func aWinnerColumnWithContenders() throws {
        var options = CountsReadOptions()
        options.a = "model_a"
        options.b = "model_b"
        options.winner = "winner"
        let csv = "model_a,model_b,winner\nx,y,model_a\nx,y,tie (bothbad)\ny,x,b\n"
        let records = try DatasetReader.readAll(csv) { DatasetReader.counts($0, source: "w.csv", options: options) }
        #expect(records.map(\.counts.single) == [.aWins, .bothBad, .bWins])
        let bad = error { _ = try DatasetReader.readAll(csv + "x,y,maybe\n") { DatasetReader.counts($0, source: "w.csv", options: options) } }
        #expect(bad?.description.hasPrefix("w.csv:5: winner: \"maybe\" is not one of") == true)
    }

    // MARK: - Ratings

    /// An openbmb/UltraFeedback row, trimmed: four completions, each with
    /// per-aspect ratings as strings and an overall score.
    static let ultraFeedback = #"""
    {"source": "sharegpt", "instruction": "Plan 4 days in Cairo.", "models": ["falcon-40b-instruct", "gpt-4", "starchat", "wizardlm-7b"], "correct_answers": ["None"], "incorrect_answers": ["None"], "completions": [{"model": "falcon-40b-instruct", "principle": "helpfulness", "custom_system_prompt": "Be helpful.", "response": "Visit the pyramids.", "annotations": {"instruction_following": {"Rating": "2", "Rationale": "Partial."}, "honesty": {"Rating": "3", "Rationale": "Some mistakes."}, "truthfulness": {"Type": ["1", "2"], "Rationale": "Rafting is not in Cairo.", "Rating": "3", "Rationale For Rating": "Partial hallucination."}, "helpfulness": {"Type": ["1", "2"], "Rationale": "Relevant.", "Rating": "3", "Rationale For Rating": "Useful."}}, "critique": "Consider the grandparents.", "overall_score": 6.0, "fine-grained_score": 2.75}, {"model": "gpt-4", "principle": "helpfulness", "custom_system_prompt": "Be helpful.", "response": "Day 1: Giza by camel.", "annotations": {"instruction_following": {"Rating": "5", "Rationale": "Full."}, "honesty": {"Rating": "5", "Rationale": "Confident."}, "truthfulness": {"Type": ["0"], "Rationale": "Accurate.", "Rating": "5", "Rationale For Rating": "No hallucination."}, "helpfulness": {"Type": ["1", "2", "3"], "Rationale": "Thorough.", "Rating": "5", "Rationale For Rating": "Outstanding."}}, "critique": "Great.", "overall_score": 9.0, "fine-grained_score": 5.0}, {"model": "starchat", "principle": "helpfulness", "custom_system_prompt": "Be helpful.", "response": "See the museum.", "annotations": {"instruction_following": {"Rating": "3", "Rationale": "Some."}, "honesty": {"Rating": "N/A", "Rationale": "N/A"}, "truthfulness": {"Type": ["1"], "Rationale": "Alexandria detour.", "Rating": "4", "Rationale For Rating": "Minor."}, "helpfulness": {"Type": ["1"], "Rationale": "OK.", "Rating": "3", "Rationale For Rating": "Correct."}}, "critique": "Generic.", "overall_score": 6.0, "fine-grained_score": 3.333}, {"model": "wizardlm-7b", "principle": "helpfulness", "custom_system_prompt": "Be helpful.", "response": "Go to Petra.", "annotations": {"instruction_following": {"Rating": "2", "Rationale": "Off."}, "honesty": {"Rating": "2", "Rationale": "Wrong."}, "truthfulness": {"Type": ["2"], "Rationale": "Petra is in Jordan.", "Rating": "2", "Rationale For Rating": "Severe."}, "helpfulness": {"Type": ["1"], "Rationale": "Misleading.", "Rating": "2", "Rationale For Rating": "Partially incorrect."}}, "critique": "Off topic.", "overall_score": 4.0, "fine-grained_score": 2.0}]}

    """#

    func rated() throws -> RatedPrompt {
        try #require(try DatasetReader.readAll(Self.ultraFeedback) { DatasetReader.ratings($0, source: "uf.jsonl", options: RatingsReadOptions()) }.first)
    }

    @Test func ultraFeedbackRowsBecomeRatings() throws {
        let row = try rated()
        #expect(row.prompt == .plain("Plan 4 days in Cairo."))
        #expect(row.category == "sharegpt")
        #expect(row.completions.map(\.model) == ["falcon-40b-instruct", "gpt-4", "starchat", "wizardlm-7b"])
        #expect(row.completions[1].scores == ["instruction_following": 5, "honesty": 5, "truthfulness": 5, "helpfulness": 5, "overall": 9, "fine-grained": 5])
        // "N/A" is no rating.
        #expect(row.completions[2].scores["honesty"] == nil)
        #expect(row.completions[0].rationales["truthfulness"] == "Rafting is not in Cairo.")
        #expect(row.aspects == ["fine-grained", "helpfulness", "honesty", "instruction_following", "overall", "truthfulness"])
    }

    @Test func binarisationModes() throws {
        let row = try rated()
        let all = Binarization(mode: .allPairs, aspect: "overall").pairs(row)
        #expect(all.count == 6)
        // falcon (6) vs starchat (6): a tie on the overall score, margin 0.
        let tie = try #require(all.first { $0.contenderA == "falcon-40b-instruct" && $0.contenderB == "starchat" })
        #expect(tie.counts.single == .tie && tie.margin == 0)
        #expect(tie.criteria["helpfulness"] == .tie && tie.criteria["truthfulness"] == .bWins && tie.criteria["honesty"] == nil)
        let gptWizard = try #require(all.first { $0.contenderA == "gpt-4" && $0.contenderB == "wizardlm-7b" })
        #expect(gptWizard.counts.single == .aWins && gptWizard.margin == 5 && gptWizard.a == .plain("Day 1: Giza by camel."))

        let bestWorst = Binarization(mode: .bestVsWorst, aspect: "overall").pairs(row)
        #expect(bestWorst.count == 1)
        #expect(bestWorst[0].contenderA == "gpt-4" && bestWorst[0].contenderB == "wizardlm-7b" && bestWorst[0].margin == 5)

        // Per aspect: honesty leaves starchat out (N/A).
        let honesty = Binarization(mode: .allPairs, aspect: "honesty").pairs(row)
        #expect(honesty.count == 3 && !honesty.contains { $0.contenderA == "starchat" || $0.contenderB == "starchat" })

        // Best against a random other: seeded, always gpt-4 against someone.
        var seen = Set<String>()
        for seed in 0..<40 {
            let pair = try #require(Binarization(mode: .bestVsRandom, aspect: "overall", seed: UInt64(seed)).pairs(row).first)
            #expect([pair.contenderA, pair.contenderB].contains("gpt-4"))
            seen.insert(pair.contenderA == "gpt-4" ? pair.contenderB! : pair.contenderA!)
            #expect(Binarization(mode: .bestVsRandom, aspect: "overall", seed: UInt64(seed)).pairs(row) == [pair])
        }
        #expect(seen == ["falcon-40b-instruct", "starchat", "wizardlm-7b"])
    }

    @Test func ratingErrorsNameTheCompletionAndAspect() throws {
        let broken = Self.ultraFeedback.replacingOccurrences(of: #""Rating": "5", "Rationale": "Confident.""#, with: #""Rating": "five", "Rationale": "Confident.""#)
        let error = error { _ = try DatasetReader.readAll(broken) { DatasetReader.ratings($0, source: "uf.jsonl", options: RatingsReadOptions()) } }
        #expect(error?.description == #"uf.jsonl:1: completions[1].annotations.honesty.Rating: expected a number, found "five""#)
        let noModel = Self.ultraFeedback.replacingOccurrences(of: #""model": "starchat", "#, with: "")
        let missing = self.error { _ = try DatasetReader.readAll(noModel) { DatasetReader.ratings($0, source: "uf.jsonl", options: RatingsReadOptions()) } }
        #expect(missing?.description == #"uf.jsonl:1: missing field "completions[2].model""#)
    }

    // MARK: - Rankings

    @Test func hpdv2RankingsAndPreferences() throws {
        // HPDv2 test.json: a JSON array; "rank" per image, smaller is better.
        let test = """
        [
          {"prompt": "a cat in a hat", "image_path": ["00001.jpg", "00002.jpg", "00003.jpg", "00004.jpg"], "rank": [2, 0, 3, 1], "user_hash": "u1"},
          {"prompt": "a red car", "image_path": ["00005.jpg", "00006.jpg"], "rank": [1, 1]}
        ]
        """
        var options = RankingReadOptions()
        options.voter = "user_hash"
        let rankings = try DatasetReader.readAll(test) { DatasetReader.rankings($0, source: "test.json", options: options) }
        #expect(rankings.count == 2)
        #expect(rankings[0].ranks == [3, 1, 4, 2] && rankings[0].voter == "u1" && rankings[0].line == 2)
        #expect(rankings[1].ranks == [1, 1])
        #expect(rankings[0].jsonLine.contains(#""ranks":[3,1,4,2],"winner":1"#))
        #expect(rankings[1].jsonLine.contains(#""winner":null"#))
        // HPDv2 train.json: "human_preference" marks the preferred image.
        let train = #"[{"prompt": "a dog", "image_path": ["a.jpg", "b.jpg"], "human_preference": [0, 1]}]"#
        let pairs = try DatasetReader.readAll(train) { DatasetReader.rankings($0, source: "train.json", options: RankingReadOptions()) }
        #expect(pairs[0].ranks == [2, 1])
        let bad = #"[{"prompt": "x", "image_path": ["a.jpg", "b.jpg", "c.jpg"], "rank": [1, 2]}]"#
        let error = error { _ = try DatasetReader.readAll(bad) { DatasetReader.rankings($0, source: "test.json", options: RankingReadOptions()) } }
        #expect(error?.description == "test.json:1: rank: 2 values for 3 outputs")
    }
}
