import Foundation

/// The planted-fraud study: draw an honest arena from known ratings, plant
/// bad voters of five kinds, audit it, and measure the audit against the
/// truth and against the best any audit could do.
///
/// Arena: `contenders` true ratings 1000 + N(0, `ratingSpread`²) on the
/// Elo scale; every battle is a uniformly random pair with random sides;
/// an honest vote is a left win with probability s − q/2, a tie with
/// q = τ·2·min(s, 1−s) (τ calibrated so ties are `tieShare` of honest
/// votes, a `bothBadShare` of them labelled both-bad) and a right win
/// otherwise, s = P(left beats right) under the true ratings — so ties-as-
/// half-wins Bradley–Terry is exactly right for honest votes. Each output
/// has log-normal length (median 800 characters, σ = 0.7); an honest
/// vote takes 20 ms per character of both outputs times log-normal noise
/// (σ = 0.5). Every voter casts `votesPerVoter` votes, ~1 minute apart,
/// starting at a random time in a 30-day window.
///
/// Planted kinds (`badVotersPerKind` each): random clickers (left, right or
/// tie with probabilities 0.4/0.4/0.2, honest timing); always-left voters
/// (left every time); contrarians (honest votes under the negated
/// ratings); too-fast voters (random choices in log-normal 1.2 s, σ = 0.4,
/// whatever the length); and one coordinated group of boosters: a
/// `boosterFocus` share of their battles show the target contender (they
/// re-roll until it appears) and they always vote for it; otherwise they
/// vote honestly. The target is the median-rated contender.
///
/// Oracle (`LikelihoodRatioOracle`): the likelihood ratio of each voter's
/// votes, pairs and timings under the fraud kinds (mixed in their planted
/// proportions) against honesty, with the true ratings — the Neyman–Pearson
/// optimal score — thresholded to flag exactly as many honest voters as the
/// audit did. Deterministic given `seed`. Cost: one audit and three
/// Bradley–Terry fits (plus a bootstrap) per arena.
public struct FraudSimulation: Sendable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case honest
        case randomClicker = "random_clicker"
        case alwaysLeft = "always_left"
        case contrarian
        case tooFast = "too_fast"
        case booster
    }

    public var seed: UInt64
    public var arenas = 1
    public var contenders = 20
    public var honestVoters = 1000
    public var badVotersPerKind = 30
    public var votesPerVoter = 40
    public var boosterFocus = 0.5
    public var ratingSpread = 120.0
    public var tieShare = 0.25
    public var bothBadShare = 0.4
    public var randomTieShare = 0.2
    public var bootstrapRounds = 500
    public var options = AuditOptions()

    public init(seed: UInt64) {
        self.seed = seed
    }

    static let honestMsPerChar = 20.0
    static let honestTimeSigma = 0.5
    static let fastMedianMs = 1200.0
    static let fastSigma = 0.4

    /// One drawn arena with what the oracle needs to know.
    public struct Arena: Sendable {
        public var table: VoteTable
        public var inputs: AuditInputs
        /// The kind of each voter, indexed like `table.voters.values`.
        public var kinds: [Kind]
        /// True strengths, natural log-odds (mean zero), per contender.
        public var theta: [Double]
        public var tau: Double
        public var target: Int
    }

    public var badKinds: [Kind] { Kind.allCases.filter { $0 != .honest } }

    public func draw(arena index: Int) -> Arena {
        var rng = Xoshiro256(seed: seed, stream: UInt64(index))
        let n = contenders
        let eloPerNat = BradleyTerry().eloPerNat
        var theta = (0..<n).map { _ in ratingSpread * rng.nextGaussian() / eloPerNat }
        let mean = theta.reduce(0, +) / Double(n)
        theta = theta.map { $0 - mean }
        var closeness = 0.0
        for i in 0..<n {
            for j in 0..<n where i != j {
                let s = PairwiseProblem.sigmoid(theta[i] - theta[j])
                closeness += 2 * min(s, 1 - s)
            }
        }
        closeness /= Double(n * (n - 1))
        let tau = CloseTies.tau(tieShare: tieShare, closeness: closeness)
        let target = (0..<n).sorted { theta[$0] < theta[$1] }[n / 2]

        var kinds = [Kind](repeating: .honest, count: honestVoters)
        for kind in badKinds { kinds += [Kind](repeating: kind, count: badVotersPerKind) }
        for i in stride(from: kinds.count - 1, to: 0, by: -1) { kinds.swapAt(i, rng.nextIndex(below: i + 1)) }

        var table = VoteTable()
        for k in 0..<n { table.internContender("model-\(String(format: "%02d", k))") }
        var voterColumn = TextColumn()
        var ms: [Double] = []
        var chars: [Int?] = []
        var timestamps: [Double] = []
        var a: [Int32] = []
        var b: [Int32] = []
        var outcomes: [Outcome] = []
        let start = 1_735_689_600.0  // 2025-01-01
        for (v, kind) in kinds.enumerated() {
            let code = voterColumn.intern("voter-\(String(format: "%05d", v))")
            var t = start + rng.nextUnit() * 30 * 86_400
            for _ in 0..<votesPerVoter {
                var x: Int
                var y: Int
                if kind == .booster && rng.nextUnit() < boosterFocus {
                    x = target
                    y = rng.nextIndex(below: n - 1)
                    if y >= target { y += 1 }
                    if rng.next() & 1 == 1 { swap(&x, &y) }
                } else {
                    x = rng.nextIndex(below: n)
                    y = rng.nextIndex(below: n - 1)
                    if y >= x { y += 1 }
                }
                let lengthA = max(20, Int((800 * Foundation.exp(0.7 * rng.nextGaussian())).rounded()))
                let lengthB = max(20, Int((800 * Foundation.exp(0.7 * rng.nextGaussian())).rounded()))
                let outcome: Outcome
                switch kind {
                case .honest:
                    outcome = honestOutcome(theta[x] - theta[y], tau, &rng)
                case .contrarian:
                    outcome = honestOutcome(theta[y] - theta[x], tau, &rng)
                case .randomClicker, .tooFast:
                    let u = rng.nextUnit()
                    let half = (1 - randomTieShare) / 2
                    outcome = u < half ? .aWins : u < 2 * half ? .bWins : (rng.nextUnit() < bothBadShare ? .bothBad : .tie)
                case .alwaysLeft:
                    outcome = .aWins
                case .booster:
                    if x == target {
                        outcome = .aWins
                    } else if y == target {
                        outcome = .bWins
                    } else {
                        outcome = honestOutcome(theta[x] - theta[y], tau, &rng)
                    }
                }
                let time = kind == .tooFast
                    ? Self.fastMedianMs * Foundation.exp(Self.fastSigma * rng.nextGaussian())
                    : Self.honestMsPerChar * Double(lengthA + lengthB) * Foundation.exp(Self.honestTimeSigma * rng.nextGaussian())
                a.append(Int32(x))
                b.append(Int32(y))
                outcomes.append(outcome)
                voterColumn.codes.append(code)
                ms.append(time.rounded())
                chars.append(lengthA + lengthB)
                timestamps.append(t)
                t += 30 + 60 * rng.nextUnit()
            }
        }
        table = VoteTable(
            contenders: table.contenders, a: a, b: b, outcomes: outcomes, weights: nil, voters: voterColumn,
            categories: nil, timestamps: timestamps, attributes: [:])
        var inputs = AuditInputs()
        inputs.milliseconds = ms
        inputs.characters = chars
        return Arena(table: table, inputs: inputs, kinds: kinds, theta: theta, tau: tau, target: target)
    }

    /// An honest vote given the left side's true advantage (natural log-odds).
    func honestOutcome(_ gap: Double, _ tau: Double, _ rng: inout Xoshiro256) -> Outcome {
        CloseTies(tau: tau, bothBadShare: bothBadShare).outcome(PairwiseProblem.sigmoid(gap), &rng)
    }

    static func honestProbabilities(_ gap: Double, _ tau: Double) -> (win: Double, tie: Double, loss: Double) {
        CloseTies(tau: tau, bothBadShare: 0).probabilities(PairwiseProblem.sigmoid(gap))
    }
}

extension FraudSimulation.Arena {
    /// The arena as LMArena-style JSON Lines (`model_a`, `model_b`, `winner`,
    /// `voter`, `tstamp`, `time_to_vote_ms`; output lengths are not text, so
    /// an audit of the file has only the --min-time-ms floor).
    public func jsonLines() -> String {
        var out = ""
        let voters = table.voters!
        for row in 0..<table.count {
            let a = table.contenders[Int(table.a[row])]
            let b = table.contenders[Int(table.b[row])]
            let voter = voters[row]!
            let ms = inputs.milliseconds.map { String(Int($0[row])) } ?? "null"
            out += "{\"model_a\":\"\(a)\",\"model_b\":\"\(b)\",\"winner\":\"\(table.outcomes[row].label)\",\"voter\":\"\(voter)\",\"tstamp\":\(table.timestamps![row]),\"time_to_vote_ms\":\(ms)}\n"
        }
        return out
    }
}
