extension JudgeTemplate {
    /// The template a judge uses when it names none.
    public static func builtIn(_ mode: JudgeMode, method: VerdictMethod = .text) -> JudgeTemplate {
        switch (mode, method) {
        case (.pairwise, .logprobs): pairwiseLogprobs
        case (.pairwise, _): pairwise
        case (.score, _): score
        case (.rank, _): rank
        }
    }

    /// Pairwise, after Arena-Hard-Auto's judge prompt (five labels, an
    /// optional reference answer), shortened for small judges.
    public static let pairwise = JudgeTemplate(
        system: """
            Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants \
            to the user prompt displayed below. You will be given assistant A's answer and assistant B's answer. \
            Your job is to evaluate which assistant's answer is better.{{#criterion}} Judge only by this criterion: \
            {{criterion}}.{{/criterion}}{{#reference}} Compare both answers with the reference answer; identify and \
            correct any mistakes.{{/reference}} Do not let the order in which the answers are shown or their length \
            influence your judgement. Be as objective as possible.

            Give a brief explanation (at most three sentences), then your final verdict as exactly one of these labels:
            Assistant A is significantly better: [[A>>B]]
            Assistant A is slightly better: [[A>B]]
            Tie, relatively the same: [[A=B]]
            Assistant B is slightly better: [[B>A]]
            Assistant B is significantly better: [[B>>A]]
            """,
        user: """
            <|User Prompt|>
            {{prompt}}

            {{#reference}}<|Reference Answer|>
            {{reference}}
            <|The End of Reference Answer|>

            {{/reference}}<|The Start of Assistant A's Answer|>
            {{answer_a}}
            <|The End of Assistant A's Answer|>

            <|The Start of Assistant B's Answer|>
            {{answer_b}}
            <|The End of Assistant B's Answer|>
            """)

    /// Pairwise with one letter for an answer, for the log-probability
    /// method: short and plain, since the verdict is read from the first
    /// token's probabilities (a 1.5B judge's P(right answer) averaged over
    /// both orders went from 0.52 with the marked-up pairwise layout to
    /// 0.65–0.98 with this one on easy pairs).
    public static let pairwiseLogprobs = JudgeTemplate(
        system: "",
        user: """
            Question: {{prompt}}
            {{#reference}}Reference answer: {{reference}}
            {{/reference}}Answer A: {{answer_a}}
            Answer B: {{answer_b}}
            Which answer is better{{#criterion}} for {{criterion}}{{/criterion}}, A or B? Answer with one letter.
            """)

    /// Single-answer grading from 1 to 10, MT-Bench's `single-v1` prompt
    /// (with `single-math-v1`'s reference answer as an optional section).
    public static let score = JudgeTemplate(
        system: "You are a helpful assistant.",
        user: """
            [Instruction]
            Please act as an impartial judge and evaluate the quality of the response provided by an AI assistant to \
            the user question displayed below. Your evaluation should consider factors such as the helpfulness, \
            relevance, accuracy, depth, creativity, and level of detail of the response.{{#criterion}} Judge only by \
            this criterion: {{criterion}}.{{/criterion}}{{#reference}} Your evaluation should consider correctness \
            and helpfulness. You will be given a reference answer and the assistant's answer. Identify and correct \
            any mistakes.{{/reference}} Begin your evaluation by providing a short explanation. Be as objective as \
            possible. After providing your explanation, you must rate the response on a scale of 1 to 10 by strictly \
            following this format: "[[rating]]", for example: "Rating: [[5]]".

            [Question]
            {{prompt}}

            {{#reference}}[The Start of Reference Answer]
            {{reference}}
            [The End of Reference Answer]

            {{/reference}}[The Start of Assistant's Answer]
            {{answer}}
            [The End of Assistant's Answer]
            """)

    /// K outputs ranked at once, best first (*MLLM-as-a-Judge*'s batch ranking).
    public static let rank = JudgeTemplate(
        system: """
            Please act as an impartial judge and rank the answers of {{count}} AI assistants to the user prompt \
            displayed below, from best to worst.{{#criterion}} Judge only by this criterion: \
            {{criterion}}.{{/criterion}}{{#reference}} Compare the answers with the reference answer.{{/reference}} \
            Do not let the order in which the answers are shown or their length influence your judgement. Give a \
            brief explanation (at most three sentences), then the ranking of the labels {{labels}}, best first, in \
            double brackets, for example [[{{example}}]].
            """,
        user: """
            <|User Prompt|>
            {{prompt}}

            {{#reference}}<|Reference Answer|>
            {{reference}}
            <|The End of Reference Answer|>

            {{/reference}}{{answers}}
            """)
}
