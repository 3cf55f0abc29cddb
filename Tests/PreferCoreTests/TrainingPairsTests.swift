import Foundation
import Testing
@testable import PreferCore

@Suite("Training pairs")
struct TrainingPairsTests {
    func record(_ a: String, _ b: String, _ counts: PreferenceCounts, prompt: String = "p", margin: Double? = nil) -> PreferenceRecord {
        PreferenceRecord(prompt: .plain(prompt), a: .plain(a), b: .plain(b), counts: counts, margin: margin)
    }

    func objects(_ rows: [TrainingPairs.Row]) throws -> [[String: Any]] {
        try rows.map { try #require(JSONSerialization.jsonObject(with: Data($0.bytes)) as? [String: Any]) }
    }

    @Test func mergedVotesOfOnePairGiveOneRowWithALogOddsMargin() throws {
        var pairs = TrainingPairs(options: .init())
        // The same pair seen from both sides: x wins 3, y wins 1.
        let rows = try objects(pairs.rows(forPrompt: [
            record("x", "y", PreferenceCounts(.aWins)), record("y", "x", PreferenceCounts(.bWins)),
            record("x", "y", PreferenceCounts(.aWins)), record("y", "x", PreferenceCounts(.aWins)),
            record("x", "z", PreferenceCounts(.bWins)),
        ]))
        #expect(rows.count == 2)
        #expect(rows[0]["chosen"] as? String == "x" && rows[0]["rejected"] as? String == "y")
        #expect(abs((rows[0]["margin"] as? Double ?? 0) - log(3.5 / 1.5)) < 1e-12)
        // A single vote: no strength, margin 0.
        #expect(rows[1]["chosen"] as? String == "z" && rows[1]["margin"] as? Double == 0)
        #expect(pairs.tally.merged == 3 && pairs.tally.groups == 2)
    }

    @Test func ratingMarginsAndTiesAndBothBad() throws {
        var options = TrainingPairs.Options()
        options.ties = .keep
        options.bothBad = .keep
        var pairs = TrainingPairs(options: options)
        let rows = try objects(pairs.rows(forPrompt: [
            record("a", "b", PreferenceCounts(.bWins), margin: 2.5),
            record("c", "d", PreferenceCounts(.tie)),
            record("e", "f", PreferenceCounts(.bothBad)),
            record("g", "g", PreferenceCounts(.aWins)),
        ]))
        #expect(rows.count == 3)
        #expect(rows[0]["chosen"] as? String == "b" && rows[0]["margin"] as? Double == 2.5)
        #expect(rows[1]["tie"] as? Bool == true && rows[1]["both_bad"] == nil)
        #expect(rows[2]["tie"] as? Bool == true && rows[2]["both_bad"] as? Bool == true)
        #expect(pairs.tally.droppedIdentical == 1)

        var dropping = TrainingPairs(options: .init())
        #expect(dropping.rows(forPrompt: [record("c", "d", PreferenceCounts(.tie)), record("e", "f", PreferenceCounts(.bothBad))]).isEmpty)
        #expect(dropping.tally.droppedTies == 1 && dropping.tally.droppedBothBad == 1)
        // Aggregated counts decide by majority; equal wins make a tie.
        #expect(dropping.rows(forPrompt: [record("u", "v", PreferenceCounts(aWins: 2, bWins: 2, ties: 1))]).isEmpty)
    }

    @Test func formats() throws {
        let hh = PreferenceRecord(
            prompt: .plain("\n\nHuman: hi\n\nAssistant: hello\n\nHuman: name a colour\n\nAssistant:"),
            a: .plain(" Blue."), b: .plain(" Sky."), counts: PreferenceCounts(.aWins))
        var options = TrainingPairs.Options()
        options.format = .trlChat
        var chat = TrainingPairs(options: options)
        let row = try #require(try objects(chat.rows(forPrompt: [hh])).first)
        let prompt = try #require(row["prompt"] as? [[String: String]])
        #expect(prompt == [["role": "user", "content": "hi"], ["role": "assistant", "content": "hello"], ["role": "user", "content": "name a colour"]])
        #expect(row["chosen"] as? [[String: String]] == [["role": "assistant", "content": "Blue."]])

        options.format = .reward
        var reward = TrainingPairs(options: options)
        let r = try #require(try objects(reward.rows(forPrompt: [hh])).first)
        #expect(Set(r.keys) == ["chosen", "rejected", "margin"])
        #expect(r["chosen"] as? String == "\n\nHuman: hi\n\nAssistant: hello\n\nHuman: name a colour\n\nAssistant: Blue.")
        // Without whitespace at the seam, a blank line joins prompt and completion.
        #expect(TrainingPairs.join("Question?", "Answer.") == "Question?\n\nAnswer.")

        options.format = .kto
        options.bothBad = .keep
        var kto = TrainingPairs(options: options)
        let k = try objects(kto.rows(forPrompt: [hh, record("m", "n", PreferenceCounts(.bothBad)), record("o", "q", PreferenceCounts(.tie))]))
        #expect(k.map { $0["label"] as? Bool } == [true, false, false, false])
        #expect(k[0]["completion"] as? String == " Blue.")

        // A chat source written in the standard format: messages rendered.
        let conversational = PreferenceRecord(
            prompt: .messages([ConversationMessage(role: "user", content: "Colour?")]), a: .messages([ConversationMessage(role: "assistant", content: "Blue.")]),
            b: .messages([ConversationMessage(role: "assistant", content: "Sky.")]), counts: PreferenceCounts(.aWins))
        var standard = TrainingPairs(options: .init())
        let s = try #require(try objects(standard.rows(forPrompt: [conversational])).first)
        #expect(s["prompt"] as? String == "Colour?" && s["chosen"] as? String == "Blue.")
    }

    @Test func theSplitIsByPromptAndFixedBySeed() {
        let split = PromptSplit(testFraction: 0.2, seed: 9)
        let prompts = (0..<5000).map { "prompt number \($0)" }
        let test = prompts.filter(split.isTest)
        #expect(abs(Double(test.count) / 5000 - 0.2) < 0.03)
        #expect(prompts.filter(PromptSplit(testFraction: 0.2, seed: 9).isTest) == test)
        #expect(prompts.filter(PromptSplit(testFraction: 0.2, seed: 10).isTest) != test)
        var options = TrainingPairs.Options()
        options.split = split
        var pairs = TrainingPairs(options: options)
        let rows = pairs.rows(forPrompt: [record("x", "y", PreferenceCounts(.aWins), prompt: test[0]), record("z", "w", PreferenceCounts(.aWins), prompt: test[0])])
        #expect(rows.count == 2 && rows.allSatisfy { $0.isTest })
    }

    @Test func difficultyHookWritesAField() throws {
        var options = TrainingPairs.Options()
        options.difficulty = { pair in pair.first == "x" ? "contested" : nil }
        var pairs = TrainingPairs(options: options)
        let rows = try objects(pairs.rows(forPrompt: [record("x", "y", PreferenceCounts(.aWins)), record("u", "v", PreferenceCounts(.aWins))]))
        #expect(rows[0]["difficulty"] as? String == "contested" && rows[1]["difficulty"] == nil)
    }

    @Test func jsonLinesEscapeWhatJSONRequires() throws {
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🚀 é"
        var line = JSONLine()
        line.key("text")
        line.string(tricky)
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.finishedBytes())) as? [String: String])
        #expect(object["text"] == tricky)
    }
}
