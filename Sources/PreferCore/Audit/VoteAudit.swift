import Foundation

/// Audits an arena's voters: scores every voter on every signal the data
/// allows, explains each flag in plain words, and returns the votes that
/// survive.
///
/// Signals: consensus disagreement (`ConsensusDisagreement`, on a
/// Bradley–Terry consensus fitted without the voter, `ConsensusModel`),
/// LMArena's sequential test (`SequentialOutlierTest`, reported beside, not
/// used), position bias (`PositionBiasTest`), speed (`SpeedCheck`), volume
/// and concentration (`VolumeCheck`), gold accuracy (`GoldAccuracy`) and
/// coordinated groups (`CoordinatedBoosting`); before them the content
/// filters (`ContentFilter`) and prompt down-sampling (`PromptDownsampler`)
/// drop battles, not voters.
///
/// Verdict, with multiple-testing control: a voter's statistical signals
/// (consensus, position, concentration, gold) are combined by weighted
/// Bonferroni — the smallest p-value divided by its signal's weight, 0.8 of
/// the level to consensus disagreement and the rest shared — and Benjamini–Hochberg
/// at `falseDiscoveryRate` runs across all voters (Benjamini & Hochberg
/// 1995): among voters flagged this way at most that share are expected to
/// be honest, and in an arena without fraud the chance of flagging anyone
/// is at most that level. Rule signals (too fast, over the daily limit) and
/// membership of a coordinated group flag directly. The consensus is then
/// refitted without the flagged voters and everything recomputed, up to
/// `passes` times or until the flagged set stops changing — fraud that
/// moved the consensus no longer hides in it.
///
/// Cost: O(votes + n³) per pass for the fit, O(votesᵥ + n²) per voter for
/// the leave-one-out consensus, O(m²) exact tails per voter–contender cell.
public struct VoteAudit: Sendable {
    public var options: AuditOptions

    public init(options: AuditOptions = AuditOptions()) {
        self.options = options
    }

    public struct Result: Sendable {
        public var report: AuditReport
        /// One flag per vote of the audited table: true when the vote is kept
        /// (not cast by a flagged voter, not dropped by a content filter or by
        /// prompt down-sampling).
        public var keep: [Bool]
        public var flaggedVoters: Set<String>

        /// The audited table without the votes the audit removes.
        public func cleaned(_ table: VoteTable) -> VoteTable {
            table.filtered(keep)
        }
    }

    struct VoterState {
        var name: String
        var rows: [Int] = []
        var rawVotes = 0
        var consensus: ConsensusDisagreement.Result?
        var position: PositionBiasTest.Result?
        var sequential: SequentialOutlierTest.Result?
        var leans: [CoordinatedBoosting.Lean] = []
        var speed: SpeedCheck.Result?
        var daily: VolumeCheck.Daily?
        var concentration: VolumeCheck.Concentration?
        var gold: GoldAccuracy.Result?
        var combined: Double?
        var group: Int?
    }

    public func run(_ table: VoteTable, inputs: AuditInputs = AuditInputs()) throws(AuditError) -> Result {
        try options.validate()
        guard let voterColumn = table.voters else { throw .noVoters }
        let n = table.count
        let names = table.contenders
        var signals: [String: String] = [:]

        // Battles dropped for what they say, then over-repeated prompts.
        var contentReason = [ContentFilter.Reason?](repeating: nil, count: n)
        if let filter = options.content, inputs.outputA != nil || inputs.outputB != nil {
            contentReason = filter.apply(outputA: inputs.outputA, outputB: inputs.outputB, count: n)
            signals["content"] = "available"
        } else {
            signals["content"] = options.content == nil ? "off" : "not available: the votes carry no output_a/output_b text"
        }
        var usable = contentReason.map { $0 == nil }
        var downsampled = 0
        if let sampler = options.downsampler, let prompts = inputs.prompts {
            let result = sampler.apply(prompts: prompts, eligible: usable)
            for row in 0..<n where usable[row] && !result.keep[row] {
                usable[row] = false
                downsampled += 1
            }
            signals["prompt_downsampling"] = "available"
        } else {
            signals["prompt_downsampling"] = options.downsampler == nil ? "off" : "not available: the votes carry no prompt text"
        }
        for row in 0..<n where table.a[row] == table.b[row] { usable[row] = false }

        // Each voter's votes, in time order when timestamps exist.
        var states = voterColumn.values.map { VoterState(name: $0) }
        var votesWithoutVoter = 0
        for row in 0..<n {
            let code = voterColumn.codes[row]
            guard code >= 0 else {
                votesWithoutVoter += 1
                continue
            }
            states[Int(code)].rawVotes += 1
            if usable[row] { states[Int(code)].rows.append(row) }
        }
        if let ts = table.timestamps {
            for v in states.indices {
                states[v].rows.sort { (ts[$0].isNaN ? .infinity : ts[$0], $0) < (ts[$1].isNaN ? .infinity : ts[$1], $1) }
            }
        }
        let audited = states.indices.filter { states[$0].rawVotes > 0 }

        staticSignals(&states, audited, table, inputs, usable, &signals)

        // Passes: fit, score, judge; refit without the flagged.
        var flagged = Set<Int>()
        var groups: [CoordinatedBoosting.Group] = []
        var threshold = 0.0
        var passes = 0
        let disagreement = ConsensusDisagreement(minimumVotes: options.minimumVotes)
        let position = PositionBiasTest(minimumVotes: options.minimumVotes)
        for _ in 0..<options.passes {
            passes += 1
            var included = usable
            for v in flagged { for row in states[v].rows { included[row] = false } }
            let model = ConsensusModel(
                contenders: names.count, a: table.a, b: table.b, outcomes: table.outcomes,
                included: included, exactShare: options.exactShare)
            let record = SequentialOutlierTest.Record(
                contenders: names.count, a: table.a, b: table.b, outcomes: table.outcomes, included: included)
            for v in audited {
                let rows = states[v].rows
                let strengths = model.strengths(without: rows, a: table.a, b: table.b, outcomes: table.outcomes, included: included)
                let predictions = model.predictions(
                    rows: rows, strengths: strengths, a: table.a, b: table.b, outcomes: table.outcomes, ownIncluded: included)
                states[v].consensus = disagreement.evaluate(predictions)
                states[v].position = position.evaluate(predictions)
                states[v].leans = options.boosting.leans(predictions)
                states[v].sequential = options.sequential.evaluate(
                    rows: rows, a: table.a, b: table.b, outcomes: table.outcomes, record: record, own: included)
            }
            var pool: [Int] = []
            var pValues: [Double] = []
            for v in audited {
                states[v].combined = combined(statistical(states[v]))
                if let p = states[v].combined {
                    pool.append(v)
                    pValues.append(p)
                }
            }
            let bh = BenjaminiHochberg(level: options.falseDiscoveryRate).apply(pValues)
            // The BH line at the number rejected: every signal under it is a reason.
            threshold = bh.line
            var next = Set<Int>()
            for (k, v) in pool.enumerated() where bh.rejected[k] { next.insert(v) }
            // A voter who disagrees with the consensus across the board leans
            // against strong contenders too; that is not coordination, so
            // such voters do not take part in the search for groups.
            var leans = states.map(\.leans)
            for v in next where states[v].consensus.map({ weightedP("consensus", $0.pValue, statistical(states[v])) <= threshold }) == true {
                leans[v] = []
            }
            groups = options.boosting.groups(leans, contenders: names.count)
            for v in audited where states[v].speed?.flagged == true || states[v].daily?.flagged == true { next.insert(v) }
            for v in states.indices { states[v].group = nil }
            for (id, group) in groups.enumerated() {
                for v in group.members {
                    next.insert(v)
                    if states[v].group == nil { states[v].group = id }
                }
            }
            if next == flagged { break }
            flagged = next
        }

        return assemble(
            table: table, states: states, audited: audited, flagged: flagged, groups: groups, threshold: threshold,
            usable: usable, contentReason: contentReason, downsampled: downsampled,
            votesWithoutVoter: votesWithoutVoter, passes: passes, signals: signals)
    }

    /// The statistical p-values of a voter, by signal name.
    func statistical(_ s: VoterState) -> [(name: String, p: Double)] {
        var out: [(String, Double)] = []
        if let p = s.consensus?.pValue { out.append(("consensus", p)) }
        if let p = s.position?.pValue { out.append(("position", p)) }
        if let p = s.concentration?.pValue { out.append(("concentration", p)) }
        if let p = s.gold?.pValue { out.append(("gold", p)) }
        return out
    }

    /// The weight of each statistical signal in the voter's weighted
    /// Bonferroni combination (Holm 1979; Genovese, Roeder & Wasserman 2006):
    /// consensus disagreement gets 0.8 of the level, the other available
    /// signals share the remaining 0.2. Position bias, concentration and gold
    /// fire with tiny p-values when they fire at all (a left-clicker's 40
    /// lefts have p ≈ 10⁻⁹, a battle-picker's 20 of 40 on one contender
    /// ≈ 10⁻⁹); the consensus signal is the one that must find random
    /// clickers who are barely distinguishable, so it gets the most power.
    /// (Any weights summing to 1 keep the combination a valid p-value.)
    var consensusWeight: Double { 0.8 }

    func weight(_ name: String, _ signals: [(name: String, p: Double)]) -> Double {
        let hasConsensus = signals.contains { $0.name == "consensus" }
        let others = Double(signals.count - (hasConsensus ? 1 : 0))
        if !hasConsensus { return 1 / others }
        if others == 0 { return 1 }
        return name == "consensus" ? consensusWeight : (1 - consensusWeight) / others
    }

    func weightedP(_ name: String, _ p: Double, _ signals: [(name: String, p: Double)]) -> Double {
        min(1, p / weight(name, signals))
    }

    /// min over signals of p / weight: a valid p-value for "some signal fires".
    func combined(_ signals: [(name: String, p: Double)]) -> Double? {
        signals.map { weightedP($0.name, $0.p, signals) }.min()
    }

    /// Signals that do not depend on the consensus: speed, volume, gold.
    func staticSignals(
        _ states: inout [VoterState], _ audited: [Int], _ table: VoteTable, _ inputs: AuditInputs,
        _ usable: [Bool], _ signals: inout [String: String]
    ) {
        if let ms = inputs.milliseconds {
            signals["speed"] = inputs.characters == nil
                ? "available (no output text: the floor is --min-time-ms alone)" : "available"
            for v in audited {
                let rows = states[v].rows
                states[v].speed = options.speed.evaluate(
                    milliseconds: rows.map { ms[$0] }, characters: rows.map { inputs.characters?[$0] ?? nil })
            }
        } else {
            signals["speed"] = "not available: the votes carry no time_to_vote_ms"
        }
        if let ts = table.timestamps {
            signals["volume_daily"] = "available"
            for v in audited { states[v].daily = options.volume.daily(states[v].rows.map { ts[$0] }) }
        } else {
            signals["volume_daily"] = "not available: the votes carry no tstamp/timestamp"
        }
        signals["concentration"] = "available"
        var all = [Int](repeating: 0, count: table.contenders.count)
        var total = 0
        for row in 0..<table.count where usable[row] {
            all[Int(table.a[row])] += 1
            all[Int(table.b[row])] += 1
            total += 1
        }
        for v in audited {
            var own: [Int32: Int] = [:]
            for row in states[v].rows {
                own[table.a[row], default: 0] += 1
                own[table.b[row], default: 0] += 1
            }
            states[v].concentration = options.volume.concentration(
                own: own, voterVotes: states[v].rows.count, all: all, allVotes: total)
        }

        guard let gold = inputs.gold, !gold.isEmpty else {
            signals["gold"] = "not available: no gold battles given (--gold FILE)"
            return
        }
        guard inputs.prompts != nil || inputs.questionIDs != nil else {
            signals["gold"] = "not available: the votes carry no prompt or question_id to match gold battles"
            return
        }
        var perVoter: [Int: (n: Int, correct: Int)] = [:]
        var pooled = (n: 0, correct: 0)
        for v in audited {
            for row in states[v].rows {
                let x = table.contenders[Int(table.a[row])]
                let y = table.contenders[Int(table.b[row])]
                let battle = inputs.prompts?[row].flatMap { gold.lookup(prompt: $0, x, y) }
                    ?? inputs.questionIDs?[row].flatMap { gold.lookup(prompt: $0, x, y) }
                guard let battle else { continue }
                let outcome = table.outcomes[row]
                let chosen: String? = outcome.isTie ? nil : (outcome == .aWins ? x : y)
                let right = chosen == battle.winnerName
                perVoter[v, default: (0, 0)].n += 1
                pooled.n += 1
                if right {
                    perVoter[v, default: (0, 0)].correct += 1
                    pooled.correct += 1
                }
            }
        }
        guard pooled.n > 0 else {
            signals["gold"] = "not available: no vote matches a gold battle (same prompt and pair)"
            return
        }
        signals["gold"] = "available"
        let reference = Double(pooled.correct) / Double(pooled.n)
        for (v, tally) in perVoter {
            states[v].gold = options.gold.evaluate(battles: tally.n, correct: tally.correct, reference: reference)
        }
    }
}
