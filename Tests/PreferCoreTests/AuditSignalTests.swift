import Foundation
import Testing
@testable import PreferCore

/// Each signal on a small hand-made arena where the right answer is obvious:
/// 80 honest voters × 30 votes on six contenders, plus the voter under test.
@Suite("Audit signals")
struct AuditSignalTests {
    typealias F = AuditFixtures

    @Test func honestVotersAreKeptAndAContrarianIsNot() throws {
        let contrarian = F.voter("contrarian") { x, y, rng in
            F.honestOutcome(y, x, &rng)  // votes as if the ratings were reversed
        }
        let result = try F.audit(F.honest() + contrarian)
        let report = result.report
        #expect(report.voters.filter { $0.voter.hasPrefix("honest") && $0.flagged }.isEmpty)
        let c = report.voter(named: "contrarian")!
        #expect(c.flagged)
        #expect(c.reasons.contains { $0.hasPrefix("Disagrees with the consensus") })
        #expect(c.scores.consensus.slope! < 0)
        #expect(c.scores.consensus.pValue! < 1e-4)
        #expect(result.flaggedVoters == ["contrarian"])
        #expect(result.keep.filter { !$0 }.count == 30)
        #expect(report.summary.votersFlagged == 1 && report.summary.votesRemoved == 30)
    }

    @Test func unpopularButConsistentTasteIsNotFlagged() throws {
        // Always picks foxtrot (the weakest) when it appears; otherwise always
        // picks the stronger contender, as the consensus does.
        let fan = F.voter("foxtrot-fan", votes: 40) { x, y, _ in
            if x == 5 { return .aWins }
            if y == 5 { return .bWins }
            return F.theta[x] > F.theta[y] ? .aWins : .bWins
        }
        let report = try F.audit(F.honest() + fan).report
        let v = report.voter(named: "foxtrot-fan")!
        #expect(!v.flagged, "\(v.reasons)")
        // The disagreement is real and visible, but confined to foxtrot.
        #expect(v.scores.consensus.pValueAllVotes! < 1e-3)
        #expect(v.scores.consensus.leftOut == "foxtrot")
        #expect(v.scores.consensus.note?.contains("confined") == true)
        #expect(v.scores.favouritism.contender == "foxtrot" && v.scores.favouritism.direction == "favours")
        #expect(report.groups.isEmpty)
    }

    @Test(arguments: 0..<20) func aSmallCrowdFacingOneBotIsTheConsensusNotAGroup(seed: UInt64) throws {
        // Six voters who always pick the stronger of four contenders, one bot
        // always left with as many votes as two of them (the server test's
        // arena): left out one at a time, each honest voter disagrees with a
        // fit the bot pulls on, but six of seven voters are the consensus,
        // not a coordinated group.
        func pair(_ rng: inout Xoshiro256) -> (Int, Int) {
            let x = rng.nextIndex(below: 4)
            var y = rng.nextIndex(below: 3)
            if y >= x { y += 1 }
            return (x, y)
        }
        var votes: [Vote] = []
        for v in 0..<6 {
            votes += F.voter("honest-\(v)", votes: 25, seed: seed * 100 + UInt64(v), pairs: pair) { x, y, _ in
                F.theta[x] > F.theta[y] ? .aWins : .bWins
            }
        }
        votes += F.voter("bot", votes: 60, seed: seed * 100 + 77, pairs: pair) { _, _, _ in .aWins }
        let result = try F.audit(votes)
        #expect(result.flaggedVoters == ["bot"], "\(result.report.voters.filter(\.flagged).map { ($0.voter, $0.reasons) })")
        #expect(result.report.groups.isEmpty)
    }

    @Test func alwaysLeftIsFlaggedForPositionBias() throws {
        let lefty = F.voter("lefty") { _, _, _ in .aWins }
        let report = try F.audit(F.honest() + lefty).report
        let v = report.voter(named: "lefty")!
        #expect(v.flagged)
        #expect(v.reasons.contains { $0.hasPrefix("Chose the left side in 30 of 30") })
        #expect(v.scores.position.pValue! < 1e-6)
        // Honest voters' left shares are ordinary.
        #expect(report.voters.filter { $0.voter.hasPrefix("honest") }.allSatisfy { ($0.scores.position.pValue ?? 1) > 1e-4 })
    }

    @Test func manyLeftClickersDoNotLetChanceLopsidednessThrough() throws {
        // 40 left-clickers are 40 certain discoveries; under one
        // Benjamini–Hochberg across all signals they would loosen the line
        // enough to flag a voter who merely leans left on a third of their
        // votes. Position is judged family-wise (Holm), so they do not.
        var votes = F.honest()
        for k in 0..<40 { votes += F.voter("lefty-\(k)", seed: UInt64(100 + k)) { _, _, _ in .aWins } }
        let leaner = F.voter("leaner", seed: 7) { x, y, rng in
            rng.nextUnit() < 0.35 ? .aWins : F.honestOutcome(x, y, &rng)
        }
        let report = try F.audit(votes + leaner).report
        let v = report.voter(named: "leaner")!
        let p = v.scores.position.pValue!
        // Lopsided enough that Benjamini–Hochberg at the audit's level would take it …
        let line = Double(report.voters.filter { $0.voter.hasPrefix("lefty") }.count + 1) / Double(report.voters.count) * 0.05
        #expect(p < line && p > 1e-5)
        // … but not a family-wise flag; every left-clicker is.
        #expect(!v.reasons.contains { $0.hasPrefix("Chose the left side") })
        #expect(report.voters.filter { $0.voter.hasPrefix("lefty") }.allSatisfy { $0.flagged })
    }

    @Test func theConsensusSignalLearnsHowThisArenasClickersTie() throws {
        // Clickers who never tie: once ten or more are flagged, the consensus
        // signal's alternative ties less often than the crowd (and not at
        // all when fewer are found).
        func clickers(_ count: Int) -> [Vote] {
            (0..<count).flatMap { k in
                F.voter("clicker-\(k)", votes: 60, seed: UInt64(200 + k)) { _, _, rng in rng.nextUnit() < 0.5 ? .aWins : .bWins }
            }
        }
        let many = try F.audit(F.honest() + clickers(25)).report
        let crowd = Double(F.honest().filter { $0.outcome.isTie }.count) / Double(F.honest().count + 25 * 60)
        let learnt = try #require(many.summary.clickerTieShare)
        #expect(learnt < 0.6 * crowd)
        #expect(many.voters.filter { $0.voter.hasPrefix("honest") && $0.flagged }.isEmpty)
        let few = try F.audit(F.honest() + clickers(3)).report
        #expect(few.summary.clickerTieShare == nil)
    }

    @Test func speedNeedsTimingsAndFlagsVotesFasterThanReading() throws {
        let long = String(repeating: "x", count: 900)
        let honest = F.honest(attributes: { k in
            ["time_to_vote_ms": String(25_000 + 100 * k), "output_a": long, "output_b": long]
        })
        var rng = Xoshiro256(seed: 5)
        let fast = (0..<30).map { k -> Vote in
            let (x, y) = F.pair(&rng)
            return F.vote(x, y, F.honestOutcome(x, y, &rng), voter: "speedy", time: 1_700_900_000 + Double(60 * k),
                          attributes: ["time_to_vote_ms": "700", "output_a": long, "output_b": long])
        }
        let report = try F.audit(honest + fast).report
        let v = report.voter(named: "speedy")!
        #expect(v.flagged)
        #expect(v.scores.speed.fastVotes == 30 && v.scores.speed.timedVotes == 30)
        #expect(v.reasons.contains { $0.contains("faster than anyone can read") })
        #expect(report.voters.filter { $0.voter.hasPrefix("honest") }.allSatisfy { $0.scores.speed.fastVotes == 0 })
        // Without timings the signal says so instead of guessing.
        let plain = try F.audit(F.honest()).report
        #expect(plain.signals["speed"]!.hasPrefix("not available"))
        #expect(plain.voters[0].scores.speed.available == false)
    }

    @Test func volumeFlagsVotersOverTheDailyLimitAndBattlePickers() throws {
        var rng = Xoshiro256(seed: 8)
        // 60 honest-looking votes within one day, against a limit of 50.
        let busy = (0..<60).map { k -> Vote in
            let (x, y) = F.pair(&rng)
            return F.vote(x, y, F.honestOutcome(x, y, &rng), voter: "busy", time: 1_700_006_400 + Double(k * 60))
        }
        // Every battle shows echo: picked, not drawn (expected share 1/3).
        let picker = F.voter("picker", pairs: { rng in
            var y = rng.nextIndex(below: 5)
            if y >= 4 { y += 1 }
            return rng.next() & 1 == 0 ? (4, y) : (y, 4)
        }) { x, y, rng in F.honestOutcome(x, y, &rng) }
        var options = AuditOptions()
        options.volume.maximumPerDay = 50
        let report = try F.audit(F.honest() + busy + picker, options: options).report
        let b = report.voter(named: "busy")!
        #expect(b.flagged && b.reasons.contains { $0.hasPrefix("Cast 60 votes on") })
        #expect(b.scores.volume.votesThatDay == 60)
        let p = report.voter(named: "picker")!
        #expect(p.flagged)
        #expect(p.reasons.contains { $0.hasPrefix("echo was in 30 of their 30 votes") })
        #expect(report.voters.filter { $0.voter.hasPrefix("honest") }.allSatisfy { !$0.flagged })
    }

    @Test func goldAccuracyFlagsAVoterWhoGetsKnownAnswersWrong() throws {
        // Ten gold prompts on alpha vs foxtrot, alpha the right answer.
        var gold = GoldSet()
        for g in 0..<10 { gold.add(.init(key: "gold-\(g)", modelA: "alpha", modelB: "foxtrot", winner: .aWins)) }
        var votes = F.honest()
        for v in 0..<20 {
            for g in 0..<10 {
                // Honest voters are right 9 times in 10.
                let right = (v + g) % 10 != 0
                votes.append(F.vote(5, 0, right ? .bWins : .aWins, voter: "honest-\(v)", attributes: ["prompt": "gold-\(g)"]))
            }
        }
        let wrong = (0..<10).map { g in F.vote(0, 5, .bWins, voter: "wrong", attributes: ["prompt": "gold-\(g)"]) }
        let report = try F.audit(votes + wrong, gold: gold).report
        let w = report.voter(named: "wrong")!
        #expect(w.flagged)
        #expect(w.scores.gold.correct == 0 && w.scores.gold.battles == 10)
        #expect(w.reasons.contains { $0.hasPrefix("Right on 0 of 10 gold battles") })
        #expect(report.voter(named: "honest-3")!.scores.gold.correct == 9)
        #expect(report.voters.filter { $0.voter.hasPrefix("honest") }.allSatisfy { !$0.flagged })
        #expect(try F.audit(votes).report.signals["gold"]!.hasPrefix("not available"))
    }

    @Test func aGroupBoostingOneContenderIsFlaggedButOneFanIsNot() throws {
        // Boosters vote for echo whenever it appears and honestly otherwise.
        func booster(_ name: String, seed: UInt64) -> [Vote] {
            F.voter(name, votes: 30, seed: seed) { x, y, rng in
                if x == 4 { return .aWins }
                if y == 4 { return .bWins }
                return F.honestOutcome(x, y, &rng)
            }
        }
        let group = (0..<6).flatMap { booster("booster-\($0)", seed: 200 + UInt64($0)) }
        let report = try F.audit(F.honest() + group).report
        #expect(report.groups.count == 1)
        #expect(report.groups[0].contender == "echo" && report.groups[0].direction == "boosting")
        for k in 0..<6 {
            let b = report.voter(named: "booster-\(k)")!
            #expect(b.flagged && b.reasons.contains { $0.contains("consistently favour echo") }, "booster-\(k)")
        }
        // Benjamini–Hochberg at 0.2 × 5% lets in about 1% of a group by chance: at most one
        // honest voter whose own lean toward echo happens to be strong.
        #expect(report.voters.filter { $0.voter.hasPrefix("honest") && $0.flagged }.count <= 1)
        // The same behaviour from one voter alone is taste.
        let alone = try F.audit(F.honest() + booster("booster-0", seed: 200)).report
        #expect(alone.groups.isEmpty)
        #expect(!alone.voter(named: "booster-0")!.flagged)
    }

    @Test func contentFiltersDropRevealingErrorAndEmptyOutputs() throws {
        var votes = F.honest(voters: 10)
        for k in votes.indices {
            votes[k].attributes["output_a"] = "A fine answer number \(k)."
            votes[k].attributes["output_b"] = "Another answer."
        }
        votes[0].attributes["output_a"] = "As an AI developed by OpenAI, I think…"
        votes[1].attributes["output_b"] = "**NETWORK ERROR DUE TO HIGH TRAFFIC. PLEASE REGENERATE OR REFRESH THIS PAGE.**"
        votes[2].attributes["output_b"] = "   "
        let result = try F.audit(votes)
        let s = result.report.summary
        #expect(s.votesFilteredByContent == ["identity": 1, "error": 1, "empty": 1])
        #expect(Array(result.keep.prefix(4)) == [false, false, false, true])
        // Custom identity words replace LMArena's list.
        var options = AuditOptions()
        options.content = ContentFilter(identityWords: ["fine answer"])
        let custom = try F.audit(votes, options: options).report.summary
        // Every output says "fine answer" except vote 0's (it says OpenAI, no longer
        // an identity word) and vote 1's error; vote 2's empty side loses to identity.
        #expect(custom.votesFilteredByContent["identity"] == votes.count - 2)
    }

    @Test func repeatedPromptsAreDownsampledReproducibly() {
        var prompts = TextColumn()
        for k in 0..<4000 { prompts.append(k < 200 ? "  Hi " : "prompt \(k % 3000)") }
        let eligible = [Bool](repeating: true, count: 4000)
        let r = PromptDownsampler(seed: 1).apply(prompts: prompts, eligible: eligible)
        // 3,000 other prompts appear once or twice; the 99.9% quantile is 2, the cap 10.
        #expect(r.cap == 10)
        #expect(r.removed == 190)
        #expect(r.repeated.count == 1 && r.repeated[0].votes == 200)
        #expect(r.keep.prefix(200).filter { $0 }.count == 10)
        #expect(PromptDownsampler(seed: 1).apply(prompts: prompts, eligible: eligible).keep == r.keep)
        #expect(PromptDownsampler(seed: 2).apply(prompts: prompts, eligible: eligible).keep != r.keep)
    }

    @Test func lmarenaSequentialTestByHand() {
        // Others on (alpha, bravo): alpha won 8, bravo 1, one tie. Voter v says
        // bravo five times: each p = (1 + 1 + 1)/(10 + 1) = 3/11 (bravo and tie
        // are at most as common as bravo), M = (11/6)^5 = 20.7 > 1/0.05.
        var votes: [Vote] = []
        for k in 0..<8 { votes.append(F.vote(0, 1, .aWins, voter: "o\(k)")) }
        votes.append(F.vote(0, 1, .bWins, voter: "o8"))
        votes.append(F.vote(1, 0, .tie, voter: "o9"))
        for _ in 0..<5 { votes.append(F.vote(1, 0, .aWins, voter: "v")) }
        let table = VoteTable(votes)
        let own = [Bool](repeating: true, count: table.count)
        let record = SequentialOutlierTest.Record(contenders: 2, a: table.a, b: table.b, outcomes: table.outcomes, included: own)
        let rows = Array(10..<15)
        let r = SequentialOutlierTest().evaluate(rows: rows, a: table.a, b: table.b, outcomes: table.outcomes, record: record, own: own)!
        #expect(Swift.abs(r.maxLog10M - 5 * log10(11.0 / 6)) < 1e-12)
        #expect(r.flaggedAt == 5)
        // Four such votes are not enough (M = 11.3), and under 5 votes it does not run.
        let four = SequentialOutlierTest().evaluate(rows: Array(rows.prefix(4)), a: table.a, b: table.b, outcomes: table.outcomes, record: record, own: own)
        #expect(four == nil)
    }

    @Test func leaveOneVoterOutMatchesAnExactRefit() {
        let table = VoteTable(F.honest(voters: 30) + F.voter("heavy", votes: 60) { x, y, rng in F.honestOutcome(y, x, &rng) })
        let included = [Bool](repeating: true, count: table.count)
        let rows = (0..<table.count).filter { table.voters![$0] == "heavy" }
        let model = ConsensusModel(contenders: 6, a: table.a, b: table.b, outcomes: table.outcomes, included: included, exactShare: 1)
        let oneStep = model.strengths(without: rows, a: table.a, b: table.b, outcomes: table.outcomes, included: included)
        let exact = model.refit(without: rows, a: table.a, b: table.b, outcomes: table.outcomes)
        // 60 of 960 votes (6%): the one-step correction is within 0.03 log-odds
        // (5 Elo) of the exact refit; its error shrinks with the square of the share.
        for k in 0..<6 { #expect(Swift.abs(oneStep[k] - exact[k]) < 0.03, "\(k)") }
        #expect(zip(oneStep, model.theta).contains { Swift.abs($0 - $1) > 0.02 })
    }

    @Test func votesWithoutVotersCannotBeAudited() {
        let table = VoteTable([Vote(a: "x", b: "y", outcome: .aWins)])
        #expect(throws: AuditError.noVoters) { try VoteAudit().run(table) }
    }
}
