import Foundation

extension VoteAudit {
    /// Builds the report: scores, reasons in plain words, verdicts, summary.
    func assemble(
        table: VoteTable, states: [VoterState], audited: [Int], flagged: Set<Int>,
        groups: [CoordinatedBoosting.Group], lines: Verdicts, usable: [Bool],
        contentReason: [ContentFilter.Reason?], downsampled: Int, votesWithoutVoter: Int,
        passes: Int, clickerTieShare: Double?, signals: [String: String]
    ) -> Result {
        let names = table.contenders
        var flaggedBy: [String: Int] = [:]
        var voters: [AuditReport.Voter] = []
        for v in audited {
            let s = states[v]
            var reasons: [String] = []
            var firing: [String] = []
            let isFlagged = flagged.contains(v)
            if isFlagged {
                let stats = statistical(s)
                for (name, _) in stats where lines.fires(name, stats) {
                    flaggedBy[name, default: 0] += 1
                    firing.append(name)
                    reasons.append(reason(name, s, names))
                }
                if let speed = s.speed, speed.flagged {
                    flaggedBy["speed", default: 0] += 1
                    firing.append("speed")
                    let chars = "max(\(fixed(options.speed.minimumMilliseconds / 1000, 1)) s, \(readable(options.speed.millisecondsPerCharacter)) ms × characters of both outputs)"
                    reasons.append("\(speed.fastVotes) of \(speed.timedVotes) timed votes were faster than anyone can read the outputs (floor: \(chars)); median time to vote \(fixed(speed.medianMilliseconds / 1000, 1)) s.")
                }
                if let daily = s.daily, daily.flagged {
                    flaggedBy["volume_daily", default: 0] += 1
                    firing.append("volume_daily")
                    reasons.append("Cast \(daily.votes) votes on \(daily.date) (UTC); the arena allows \(options.volume.maximumPerDay) a day.")
                }
                if let id = s.group {
                    flaggedBy["coordinated", default: 0] += 1
                    firing.append("coordinated")
                    let group = groups[id]
                    let lean = s.leans.first { $0.contender == group.contender }
                    let verb = group.direction > 0 ? "favour" : "disfavour"
                    var text = "One of \(group.members.count) voters who consistently \(verb) \(names[Int(group.contender)]) against the consensus (group \(id + 1))"
                    if let lean {
                        let p = group.direction > 0 ? lean.pUp : lean.pDown
                        text += ": it scored \(fixed(lean.score, 1)) of \(lean.votes) in their votes on it, \(fixed(lean.expected, 1)) expected (p = \(sci(p)))"
                    }
                    reasons.append(text + ". One voter with such a taste is kept; a group sharing it is not.")
                }
            }
            let verdict = isFlagged ? "flagged" : (s.rows.count < options.minimumVotes ? "too few votes" : "authentic")
            voters.append(AuditReport.Voter(
                voter: s.name, votes: s.rows.count, flagged: isFlagged, verdict: verdict, reasons: reasons,
                scores: scores(s, names, groups: groups), flaggedBy: isFlagged ? firing : nil))
        }
        voters.sort { ($0.flagged ? 0 : 1, $0.scores.combinedPValue ?? 2, $0.voter) < ($1.flagged ? 0 : 1, $1.scores.combinedPValue ?? 2, $1.voter) }

        var keep = usable
        var byFlagged = 0
        for v in flagged {
            for row in states[v].rows where keep[row] {
                keep[row] = false
                byFlagged += 1
            }
        }
        // Votes of flagged voters that other filters had dropped already still count as theirs.
        var contentCounts: [String: Int] = [:]
        for reason in contentReason.compactMap({ $0 }) { contentCounts[reason.rawValue, default: 0] += 1 }
        let kept = keep.filter { $0 }.count
        let lmarena = audited.filter { states[$0].sequential?.flagged == true }.count
        let summary = AuditReport.Summary(
            voters: audited.count,
            votersFlagged: flagged.count,
            shareAuthentic: audited.isEmpty ? 1 : 1 - Double(flagged.count) / Double(audited.count),
            votes: table.count,
            votesWithoutVoter: votesWithoutVoter,
            votesByFlaggedVoters: byFlagged,
            votesFilteredByContent: contentCounts,
            votesDownsampled: downsampled,
            votesRemoved: table.count - kept,
            votesKept: kept,
            flaggedBy: flaggedBy,
            lmarenaSequentialFlags: lmarena,
            falseDiscoveryRate: options.falseDiscoveryRate,
            passes: passes,
            clickerTieShare: clickerTieShare)
        var allSignals = signals
        allSignals["consensus"] = "available"
        allSignals["sequential"] = "available (LMArena's test, reported, not used for the verdict)"
        allSignals["position"] = "available"
        allSignals["coordinated"] = "available"
        let reportGroups = groups.enumerated().map { id, g in
            AuditReport.Group(
                id: id + 1, contender: names[Int(g.contender)], direction: g.direction > 0 ? "boosting" : "sinking",
                voters: g.members.map { states[$0].name }.sorted())
        }
        let report = AuditReport(voters: voters, groups: reportGroups, summary: summary, signals: allSignals)
        return Result(report: report, keep: keep, flaggedVoters: Set(flagged.map { states[$0].name }))
    }

    func reason(_ signal: String, _ s: VoterState, _ names: [String]) -> String {
        switch signal {
        case "consensus":
            let c = s.consensus!
            var text = "Disagrees with the consensus: their choices follow the leaderboard fitted without them with slope \(fixed(c.slope, 2)) (1 = like everyone, 0 = at random, below 0 = reversed); they are \(likelihood(c.likelihoodRatio)) times likelier from someone ignoring the outputs, and an honest voter scores this high with probability \(sci(c.pValue))"
            if let out = c.leftOut { text += " (\(sci(c.pValueWithout)) even leaving out their votes on \(names[Int(out)]))" }
            return text + "."
        case "position":
            let p = s.position!
            let decisive = p.left + p.right
            return "Chose the left side in \(p.left) of \(decisive) decisive votes (\(fixed(p.expectedLeft, 1)) expected from the pairs they were shown); p = \(sci(p.pValue))."
        case "concentration":
            let c = s.concentration!
            return "\(names[Int(c.contender)]) was in \(c.votes) of their \(s.rows.count) votes (\(fixed(c.expected, 1)) expected from how the arena draws pairs): they seem to pick their battles; p = \(sci(c.pValue))."
        default:
            let g = s.gold!
            return "Right on \(g.correct) of \(g.battles) gold battles (the arena averages \(fixed(100 * g.reference, 0))%); p = \(sci(g.pValue))."
        }
    }

    func scores(_ s: VoterState, _ names: [String], groups: [CoordinatedBoosting.Group]) -> AuditReport.Scores {
        let few = "fewer than \(options.minimumVotes) votes"
        let consensus = s.consensus.map {
            AuditReport.Consensus(
                available: true, note: $0.confined ? "disagreement confined to one contender: taste, not counted" : nil,
                pValue: $0.pValue, pValueAllVotes: $0.pValueAllVotes, pValueWithout: $0.pValueWithout,
                slope: $0.slope, likelihoodRatio: $0.likelihoodRatio, leftOut: $0.leftOut.map { names[Int($0)] })
        } ?? AuditReport.Consensus(available: false, note: few)
        let sequential = s.sequential.map {
            AuditReport.Sequential(
                available: true, note: nil, votesTested: $0.votes, maxLog10M: $0.maxLog10M, flaggedAt: $0.flaggedAt,
                lmarenaFlag: $0.flagged)
        } ?? AuditReport.Sequential(available: false, note: few)
        let position = s.position.map {
            AuditReport.Position(
                available: true, note: nil, left: $0.left, right: $0.right, ties: $0.ties,
                expectedLeft: $0.expectedLeft, pValue: $0.pValue)
        } ?? AuditReport.Position(available: false, note: "fewer than \(options.minimumVotes) decisive votes")
        let speed = s.speed.map {
            AuditReport.Speed(
                available: true, note: nil, timedVotes: $0.timedVotes, fastVotes: $0.fastVotes,
                fastShare: $0.fastShare, medianMs: $0.medianMilliseconds)
        } ?? AuditReport.Speed(available: false, note: "no time_to_vote_ms on their votes")
        var volume = AuditReport.Volume(dailyAvailable: s.daily != nil, note: s.daily == nil ? "no timestamps on their votes" : nil)
        if let d = s.daily {
            volume.busiestDay = d.date
            volume.votesThatDay = d.votes
        }
        if let c = s.concentration {
            volume.topContender = names[Int(c.contender)]
            volume.topContenderVotes = c.votes
            volume.topContenderExpected = c.expected
            volume.concentrationPValue = c.pValue
        }
        let gold = s.gold.map {
            AuditReport.Gold(
                available: true, note: nil, battles: $0.battles, correct: $0.correct, accuracy: $0.accuracy,
                reference: $0.reference, pValue: $0.pValue)
        } ?? AuditReport.Gold(available: false, note: "fewer than \(options.gold.minimumVotes) votes on gold battles")
        var favouritism = AuditReport.Favouritism(available: false, note: "no contender met \(options.boosting.minimumVotes) times")
        if let lean = s.leans.min(by: { min($0.pUp, $0.pDown) < min($1.pUp, $1.pDown) }) {
            favouritism = AuditReport.Favouritism(
                available: true, note: nil, contender: names[Int(lean.contender)],
                direction: lean.pUp <= lean.pDown ? "favours" : "disfavours", votes: lean.votes, score: lean.score,
                expected: lean.expected, pValue: min(lean.pUp, lean.pDown), group: s.group.map { $0 + 1 })
        }
        return AuditReport.Scores(
            consensus: consensus, sequential: sequential, position: position, speed: speed, volume: volume,
            gold: gold, favouritism: favouritism, combinedPValue: s.combined)
    }
}

/// e^L for people: "3,200", "4.1e+09".
func likelihood(_ logRatio: Double) -> String {
    let x = Foundation.exp(logRatio)
    if x < 10 { return String(format: "%.2g", x) }
    if x < 1e6 { return grouped(Int(x.rounded())) }
    return String(format: "%.1e", x)
}
