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
/// Verdict, with multiple-testing control: the evidence falls in families
/// with their own share of the level (`Family`): consensus disagreement and
/// gold accuracy under Benjamini–Hochberg at 0.75 of `falseDiscoveryRate`
/// across voters (Benjamini & Hochberg 1995), position bias and
/// concentration under Holm at 0.05 of it (Holm 1979), the search for
/// coordinated groups at 0.2 of it; within a family a voter's signals are
/// combined by weighted Bonferroni. Among the voters flagged this way about
/// `falseDiscoveryRate` at most are expected to be honest, and in an arena
/// without fraud the chance of flagging anyone is at most that level.
/// Rule signals (too fast, over the daily limit) and membership of a
/// coordinated group flag directly. The consensus is then
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
        var lines = Verdicts()
        var passes = 0
        let disagreement = ConsensusDisagreement(minimumVotes: options.minimumVotes)
        let position = PositionBiasTest(minimumVotes: options.minimumVotes)
        var boosting = options.boosting
        boosting.level = options.falseDiscoveryRate * Family.coordinationShare
        let crowdTies = Double(table.outcomes.lazy.filter(\.isTie).count) / Double(max(1, n))
        var alternativeTies: Double?
        var usedTies: Double?
        for _ in 0..<options.passes {
            passes += 1
            usedTies = alternativeTies
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
                states[v].consensus = disagreement.evaluate(predictions, tieShare: alternativeTies)
                states[v].position = position.evaluate(predictions)
                states[v].leans = boosting.leans(predictions)
                states[v].sequential = options.sequential.evaluate(
                    rows: rows, a: table.a, b: table.b, outcomes: table.outcomes, record: record, own: included)
            }
            var verdicts = Verdicts()
            var pools: [Family: (voters: [Int], p: [Double])] = [:]
            for v in audited {
                let stats = statistical(states[v])
                states[v].combined = combined(stats)
                for family in Family.allCases {
                    guard let p = familyP(family, stats) else { continue }
                    pools[family, default: ([], [])].voters.append(v)
                    pools[family, default: ([], [])].p.append(p)
                }
            }
            var next = Set<Int>()
            for (family, pool) in pools {
                let result = family.test(pool.p, budget: options.falseDiscoveryRate)
                verdicts.lines[family] = result.line
                for (k, v) in pool.voters.enumerated() where result.rejected[k] { next.insert(v) }
            }
            lines = verdicts
            // A voter who disagrees with the consensus across the board leans
            // against strong contenders too; that is not coordination, so
            // such voters do not take part in the search for groups.
            var leans = states.map(\.leans)
            for v in next where verdicts.fires("consensus", statistical(states[v])) {
                leans[v] = []
            }
            groups = boosting.groups(leans, contenders: names.count)
            for v in audited where states[v].speed?.flagged == true || states[v].daily?.flagged == true { next.insert(v) }
            for v in states.indices { states[v].group = nil }
            for (id, group) in groups.enumerated() {
                for v in group.members {
                    next.insert(v)
                    if states[v].group == nil { states[v].group = id }
                }
            }
            let ties = clickerTieShare(states, next, table, crowd: crowdTies)
            if next == flagged && ties == alternativeTies { break }
            flagged = next
            alternativeTies = ties
        }

        return assemble(
            table: table, states: states, audited: audited, flagged: flagged, groups: groups, lines: lines,
            usable: usable, contentReason: contentReason, downsampled: downsampled,
            votesWithoutVoter: votesWithoutVoter, passes: passes, clickerTieShare: usedTies, signals: signals)
    }

    /// The families of evidence, each with its own share of the error
    /// budget `falseDiscoveryRate` (α).
    ///
    /// - Disagreement (consensus, gold): does the voter choose like someone
    ///   reading the outputs? Random clickers are barely distinguishable
    ///   from honest voters here, so this family gets 0.75·α and
    ///   Benjamini–Hochberg, which grows more lenient as it finds more.
    /// - Behaviour (position, concentration): left-clickers and battle
    ///   pickers fire with tiny p-values when they fire at all (40 lefts of
    ///   40: p ≈ 10⁻¹²), so this family gets 0.05·α and Holm's family-wise
    ///   control: an honest voter is flagged for behaviour with probability
    ///   at most 0.05·α in the whole arena, however many left-clickers it
    ///   holds. (Under Benjamini–Hochberg hundreds of true left-clickers
    ///   would admit honest voters with chance lopsidedness, spending the
    ///   false-flag budget where it buys nothing.)
    /// - Coordination: `CoordinatedBoosting` runs its Benjamini–Hochberg per
    ///   contender and direction at 0.2·α, so a group of real boosters
    ///   sweeps in few honest voters who happen to like the same contender.
    ///
    /// The union keeps the share of honest voters among the flagged at most
    /// about α (the sum of the shares; a contender without a group adds
    /// nothing, as a group needs three voters).
    enum Family: CaseIterable, Hashable {
        case disagreement, behaviour

        init(_ signal: String) {
            self = signal == "position" || signal == "concentration" ? .behaviour : .disagreement
        }

        var share: Double { self == .disagreement ? 0.75 : 0.05 }

        /// The family's procedure at its share of `budget`.
        func test(_ pValues: [Double], budget: Double) -> Rejections {
            switch self {
            case .disagreement: BenjaminiHochberg(level: budget * share).apply(pValues)
            case .behaviour: HolmBonferroni(level: budget * share).apply(pValues)
            }
        }

        /// The coordination search's share (it is not a per-voter p-value).
        static let coordinationShare = 0.2
    }

    /// The rejection line of each family in the last pass.
    struct Verdicts {
        var lines: [Family: Double] = [:]

        /// Whether `signal` is a reason for the voter's flag: its p-value,
        /// weighted within its family, is under its family's line.
        func fires(_ signal: String, _ stats: [(name: String, p: Double)]) -> Bool {
            guard let p = stats.first(where: { $0.name == signal })?.p else { return false }
            let family = Family(signal)
            guard let line = lines[family], line > 0 else { return false }
            return VoteAudit.weightedP(signal, p, stats.filter { Family($0.name) == family }) <= line
        }
    }

    /// How often this arena's output-ignoring voters tie, learnt from the
    /// voters just flagged whose choices look random (slope on the consensus
    /// within two standard errors of 0, sides not lopsided at p ≤ 0.01): their
    /// ties, shrunk toward the arena's tie share with 200 pseudo-votes. The
    /// consensus signal's alternative ("a voter who ignores the outputs")
    /// then clicks tie as such voters here do, instead of as often as the
    /// crowd; nil until at least 10 such voters are found. Any fixed
    /// alternative keeps the p-value valid; a truer one gives it power.
    func clickerTieShare(_ states: [VoterState], _ flagged: Set<Int>, _ table: VoteTable, crowd: Double) -> Double? {
        var voters = 0
        var ties = 0.0
        var votes = 0.0
        for v in flagged {
            let s = states[v]
            guard let c = s.consensus, Swift.abs(c.slope) <= 2 * c.slopeError, s.position.map({ $0.pValue > 0.01 }) ?? true
            else { continue }
            voters += 1
            for row in s.rows {
                votes += 1
                if table.outcomes[row].isTie { ties += 1 }
            }
        }
        guard voters >= 10 else { return nil }
        return (ties + 200 * crowd) / (votes + 200)
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

    /// The weight of a signal within its family's weighted Bonferroni
    /// combination (Holm 1979; Genovese, Roeder & Wasserman 2006): with
    /// gold battles beside it, consensus disagreement keeps 0.8 (it is the
    /// signal that must find random clickers who are barely
    /// distinguishable, and every voter has it); otherwise the available
    /// signals share equally. Weights summing to 1 keep the combination a
    /// valid p-value.
    static func weight(_ name: String, _ family: [(name: String, p: Double)]) -> Double {
        guard family.count > 1 else { return 1 }
        if family.contains(where: { $0.name == "consensus" }) {
            return name == "consensus" ? 0.8 : 0.2 / Double(family.count - 1)
        }
        return 1 / Double(family.count)
    }

    static func weightedP(_ name: String, _ p: Double, _ family: [(name: String, p: Double)]) -> Double {
        min(1, p / weight(name, family))
    }

    /// min over a family's signals of p / weight: a valid p-value for "some
    /// signal of the family fires".
    func familyP(_ family: Family, _ stats: [(name: String, p: Double)]) -> Double? {
        let members = stats.filter { Family($0.name) == family }
        return members.map { Self.weightedP($0.name, $0.p, members) }.min()
    }

    /// min over families of the family's p-value / its share: a valid
    /// p-value for "some signal fires", reported to rank voters.
    func combined(_ stats: [(name: String, p: Double)]) -> Double? {
        Family.allCases.compactMap { f in familyP(f, stats).map { min(1, $0 / f.share) } }.min()
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
