import Foundation
import PreferCore
import Testing

@Suite("Judge verdicts")
struct VerdictParsingTests {
    @Test(arguments: [
        ("My final verdict is: [[A>>B]]", PairVerdict.firstMuchBetter),
        ("[[A>B]]", .firstBetter),
        ("Tie, relatively the same: [[A=B]]", .tie),
        ("[[B>A]]", .secondBetter),
        ("verdict [[B>>A]].", .secondMuchBetter),
        ("[[A≫B]]", .firstMuchBetter),
        ("[[B≫A]]", .secondMuchBetter),
        ("[[B<A]]", .firstBetter),
        ("[[A<B]]", .secondBetter),
        ("[[A<<B]]", .secondMuchBetter),
        ("[[B<<A]]", .firstMuchBetter),
        ("[[B=A]]", .tie),
        ("[[ a > b ]]", .firstBetter),
        ("First [[A>B]] and again [[A>B]]", .firstBetter),
        ("[[A>B]] and a ranking [[C, A]] of something else", .firstBetter),
    ])
    func pairwiseLabels(_ text: String, _ expected: PairVerdict) throws {
        #expect(try VerdictParser.pairwise(text).get() == expected)
    }

    @Test func pairwiseUnparseable() {
        #expect(VerdictParser.pairwise("A is better than B") == .failure(.noVerdict))
        #expect(VerdictParser.pairwise("[A>B]") == .failure(.noVerdict))
        #expect(VerdictParser.pairwise("A>B") == .failure(.noVerdict))
        #expect(VerdictParser.pairwise("[[A>B]] no wait [[B>A]]") == .failure(.conflicting(["A>B", "B>A"])))
        #expect(VerdictParser.pairwise("[[A>>>B]]") == .failure(.invalid("A>>>B")))
        #expect(VerdictParser.pairwise("[[A>A]]") == .failure(.invalid("A>A")))
        #expect(VerdictParser.pairwise("") == .failure(.noVerdict))
        #expect(VerdictParser.pairwise("[[A>B") == .failure(.noVerdict))
    }

    @Test func scores() throws {
        #expect(try VerdictParser.score("Rating: [[7]]").get() == 7)
        #expect(try VerdictParser.score("Rating: [[8.5]]").get() == 8.5)
        #expect(try VerdictParser.score("[[10]] then [[10]]").get() == 10)
        #expect(VerdictParser.score("Rating: [[11]]") == .failure(.invalid("11")))
        #expect(VerdictParser.score("Rating: [[0]]") == .failure(.invalid("0")))
        #expect(VerdictParser.score("Rating: 7") == .failure(.noVerdict))
        #expect(VerdictParser.score("[[3]] or [[4]]") == .failure(.conflicting(["3.0", "4.0"])))
    }

    @Test func rankings() throws {
        #expect(try VerdictParser.ranking("[[C > A > B]]", count: 3).get() == [2, 0, 1])
        #expect(try VerdictParser.ranking("so: [[B, A, D, C]]", count: 4).get() == [1, 0, 3, 2])
        #expect(VerdictParser.ranking("[[A > B]]", count: 3) == .failure(.invalid("A > B")))
        #expect(VerdictParser.ranking("[[A > A > B]]", count: 3) == .failure(.invalid("A > A > B")))
        #expect(VerdictParser.ranking("[[A>B>C]] [[C>B>A]]", count: 3) == .failure(.conflicting(["A>B>C", "C>B>A"])))
        #expect(VerdictParser.ranking("A then B then C", count: 3) == .failure(.noVerdict))
    }

    @Test func tokenProbabilities() throws {
        // P(A) = e^-0.2, P(B) = e^-1.78 (llama.cpp's answer to an easy pair), plus other tokens that do not count.
        let p = try #require(TokenProbabilities.firstBetter([("A", -0.2), ("B", -1.78), ("Answer", -4.8), (" a", -6)]))
        // " a" counts as A too; "Answer" counts for neither.
        let a = exp(-0.2) + exp(-6.0)
        #expect(abs(p - a / (a + exp(-1.78))) < 1e-12)
        #expect(TokenProbabilities.firstBetter([("The", -0.1)]) == nil)
        #expect(TokenProbabilities.judgement(probabilityA: 0.97) == PairJudgement(winner: .a, strength: 2))
        #expect(TokenProbabilities.judgement(probabilityA: 0.7) == PairJudgement(winner: .a, strength: 1))
        #expect(TokenProbabilities.judgement(probabilityA: 0.52) == PairJudgement(winner: .tie, strength: 0))
        #expect(TokenProbabilities.judgement(probabilityA: 0.1) == PairJudgement(winner: .b, strength: 2))
    }

    @Test func bothOrdersCombine() {
        // A≫B shown (a,b), and B<A i.e. "B>A" for b shown first … each case by hand.
        struct Combined: Equatable {
            var judgement: PairJudgement?
            var consistent: Bool?
            init(_ judgement: PairJudgement?, _ consistent: Bool?) {
                self.judgement = judgement
                self.consistent = consistent
            }
        }
        func combined(_ forward: PairVerdict?, _ backward: PairVerdict?, _ flips: FlipPolicy = .tie) -> Combined {
            let ordered = OrderedVerdicts(shownForward: forward, shownBackward: backward)
            return Combined(ordered.judgement(flips: flips), ordered.consistent)
        }
        // a wins in both orders: (a,b) A≫B; (b,a) B>A means the second shown (a) is better.
        #expect(combined(.firstMuchBetter, .secondBetter) == Combined(PairJudgement(winner: .a, strength: 1), true))
        #expect(combined(.firstMuchBetter, .secondMuchBetter) == Combined(PairJudgement(winner: .a, strength: 2), true))
        // Position bias: "A" wins both times = a flip → a tie, or no vote.
        #expect(combined(.firstBetter, .firstBetter) == Combined(PairJudgement(winner: .tie, strength: 0), false))
        #expect(combined(.firstBetter, .firstBetter, .drop).judgement == nil)
        // A>B and A=B: the weaker claim, a tie; not consistent (different signs) but not a flip.
        #expect(combined(.firstBetter, .tie) == Combined(PairJudgement(winner: .tie, strength: 0), false))
        #expect(combined(.tie, .tie) == Combined(PairJudgement(winner: .tie, strength: 0), true))
        #expect(combined(.secondMuchBetter, .firstMuchBetter) == Combined(PairJudgement(winner: .b, strength: 2), true))
        // One order only: its verdict, consistency unknown.
        #expect(combined(.secondBetter, nil) == Combined(PairJudgement(winner: .b, strength: 1), nil))
        #expect(combined(nil, .secondBetter) == Combined(PairJudgement(winner: .a, strength: 1), nil))
        #expect(combined(nil, nil).judgement == nil)
    }
}
