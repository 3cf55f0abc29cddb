import PreferCore
import Testing

@Suite("Judge templates and plans")
struct JudgeTemplateTests {
    @Test(arguments: JudgeMode.allCases)
    func builtInTemplatesAreValid(_ mode: JudgeMode) throws {
        try JudgeTemplate.builtIn(mode).validate(for: mode)
        if mode == .pairwise { try JudgeTemplate.builtIn(mode, method: .logprobs).validate(for: mode, method: .logprobs) }
    }

    @Test func placeholdersAreCheckedWhenDefined() {
        let missing = JudgeTemplate(system: "", user: "Question {{prompt}} answer {{answer_a}}")
        #expect(throws: JudgeError.template("a pairwise template must use {{answer_b}}")) { try missing.validate(for: .pairwise) }
        let unknown = JudgeTemplate(system: "", user: "{{prompt}} {{answer_a}} {{answer_b}} {{answr}}")
        #expect(throws: JudgeError.self) { try unknown.validate(for: .pairwise) }
        let unclosed = JudgeTemplate(system: "", user: "{{prompt}} {{#reference}} {{answer_a}} {{answer_b}}")
        #expect(throws: JudgeError.template("{{#reference}} is never closed")) { try unclosed.validate(for: .pairwise) }
        let scoreOnly = JudgeTemplate(system: "", user: "{{prompt}} {{answer}}")
        #expect(throws: JudgeError.self) { try scoreOnly.validate(for: .pairwise) }
        #expect(throws: Never.self) { try scoreOnly.validate(for: .score) }
    }

    @Test func valuesGoInVerbatimAndSectionsFollowTheirValue() throws {
        let template = JudgeTemplate(fileText: """
            [system]
            Judge.{{#criterion}} Only {{criterion}}.{{/criterion}}
            [user]
            Q: {{prompt}}
            {{#reference}}Ref: {{reference}}
            {{/reference}}A: {{answer_a}}
            B: {{answer_b}}
            """)
        try template.validate(for: .pairwise)
        let withReference = try template.messages([
            "prompt": .text("What is {{answer_b}}?"), "answer_a": .text("4"), "answer_b": .text("five"), "reference": .text("4"),
        ])
        #expect(withReference.map(\.text) == ["Judge.", "Q: What is {{answer_b}}?\nRef: 4\nA: 4\nB: five"])
        let withCriterion = try template.messages([
            "prompt": .text("p"), "answer_a": .text("x"), "answer_b": .text("y"), "criterion": .text("style"),
        ])
        #expect(withCriterion.map(\.text) == ["Judge. Only style.", "Q: p\nA: x\nB: y"])
    }

    @Test func imagesBecomeImageParts() throws {
        let item = JudgeItem(prompt: "Draw a cat", outputs: [.image(url: "https://x/a.png", caption: ""), .text("a cat")])
        let plan = try JudgePlan(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m"), item: item)
        #expect(plan.questions.count == 2)
        #expect(plan.questions[0].messages.last!.parts.contains(.imageURL("https://x/a.png")))
        #expect(plan.questions[1].shown == [1, 0])
    }

    @Test func plansCombineInEveryMode() throws {
        let item = JudgeItem(prompt: "p", outputs: [.text("x"), .text("y")])
        func outcome(_ verdict: ReadVerdict?) -> JudgePlan.Outcome {
            JudgePlan.Outcome(verdict: verdict, raw: ["raw"], error: verdict == nil ? "unparseable: no verdict" : nil, tokens: 10)
        }
        // Pairwise, two criteria: overall consistent for a; "style" flips → tie.
        let pairwise = try JudgePlan(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m", criteria: ["style"]), item: item)
        #expect(pairwise.questions.map(\.criterion) == [nil, nil, "style", "style"])
        let results = pairwise.combine([
            outcome(.pair(.firstMuchBetter)), outcome(.pair(.secondMuchBetter)),
            outcome(.pair(.firstBetter)), outcome(.pair(.firstBetter)),
        ])
        #expect(results[0].pair?.judgement == PairJudgement(winner: .a, strength: 2))
        #expect(results[0].pair?.consistent == true)
        #expect(results[1].criterion == "style")
        #expect(results[1].pair?.judgement == PairJudgement(winner: .tie, strength: 0))
        #expect(results[1].pair?.flipped == true)
        #expect(results[0].tokens == 20)
        // Score: 8 against 4 → a, strength 2; 6 against 7 → b, strength 1.
        let score = try JudgePlan(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m", mode: .score), item: item)
        #expect(score.combine([outcome(.score(8)), outcome(.score(4))])[0].pair?.judgement == PairJudgement(winner: .a, strength: 2))
        #expect(score.combine([outcome(.score(6)), outcome(.score(7))])[0].pair?.judgement == PairJudgement(winner: .b, strength: 1))
        #expect(score.combine([outcome(.score(6)), outcome(nil)])[0].pair?.judgement == nil)
        // Rank of three: forward C>A>B, reversed order (C,B,A) shown as A,B,C: ranking [[A>C>B]] means C, A, B again.
        let three = JudgeItem(prompt: "p", outputs: [.text("x"), .text("y"), .text("z")])
        let rank = try JudgePlan(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m", mode: .rank), item: three)
        #expect(rank.questions.map(\.shown) == [[0, 1, 2], [2, 1, 0]])
        let ranked = rank.combine([outcome(.ranking([2, 0, 1])), outcome(.ranking([0, 2, 1]))])[0]
        #expect(ranked.ranking == [2, 0, 1])
        #expect(ranked.pairs.map(\.consistent) == [true, true, true])
        #expect(ranked.pairs.first { $0.a == 0 && $0.b == 2 }?.judgement?.winner == .b)
        // Log-probabilities: 0.9 for a shown first, 0.3 for b shown first (so 0.7 for a) → mean 0.8 → a, strength 1.
        let logprob = try JudgePlan(JudgeConfiguration(name: "j", endpoint: "http://x/v1", model: "m", verdictMethod: .logprobs), item: item)
        #expect(logprob.questions.allSatisfy { $0.logprobs && $0.maxTokens == 1 && $0.reading == .letter })
        let combined = logprob.combine([outcome(.probability(0.9)), outcome(.probability(0.3))])[0]
        #expect(combined.pair?.judgement == PairJudgement(winner: .a, strength: 1))
        #expect(combined.pair?.consistent == true)
    }

    @Test func configurationValidation() throws {
        var judge = JudgeConfiguration(name: "j", endpoint: "http://127.0.0.1:8080/v1", model: "m")
        try judge.validate()
        judge.apiKeyEnv = "sk-live-1234"
        #expect(throws: JudgeError.self) { try judge.validate() }
        judge.apiKeyEnv = "OPENAI_API_KEY"
        try judge.validate()
        judge.endpoint = "127.0.0.1:8080"
        #expect(throws: JudgeError.self) { try judge.validate() }
        judge.endpoint = "http://x/v1"
        judge.mode = .score
        judge.verdictMethod = .logprobs
        #expect(throws: JudgeError.self) { try judge.validate() }
    }
}
