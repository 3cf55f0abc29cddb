/// Groups of voters who systematically favour (or sink) one contender
/// against the consensus.
///
/// Per voter v and contender c with at least `minimumVotes` votes on c, the
/// favouritism residual is c's score in v's votes, in half points (a tie is
/// one), against its exact null law: each vote scored from the consensus'
/// win/tie/loss probabilities, fitted without v (`LatticeSum`, span 2). That
/// gives one-sided p-values for "c did better with v than the crowd
/// predicts" (boosting) and "worse" (sinking). For each contender and
/// direction, Benjamini–Hochberg at `level` across the voters who met c
/// picks out the voters whose excess is real; when at least `minimumGroup`
/// voters share it, they are a group and every member is flagged — unless
/// they are half or more of the voters who met c: a majority *is* the
/// consensus (the fit without one of them leans on the few others, so an
/// honest crowd facing one bot would otherwise look "coordinated"). One voter
/// alone with a strong but consistent taste for or against a contender is
/// reported (the `favouritism` score) but never flagged for it: taste is not
/// fraud, coordination is. Cost: O(Σ m²) over voter–contender cells with m
/// votes, plus a sort per contender.
public struct CoordinatedBoosting: Sendable {
    public var level: Double
    public var minimumVotes: Int
    public var minimumGroup: Int

    public init(level: Double = 0.05, minimumVotes: Int = 3, minimumGroup: Int = 3) {
        self.level = level
        self.minimumVotes = minimumVotes
        self.minimumGroup = minimumGroup
    }

    /// One voter's strongest lean toward or against one contender.
    public struct Lean: Sendable {
        public var contender: Int32
        public var votes: Int
        /// c's score in the voter's votes on it, and the consensus expectation.
        public var score: Double
        public var expected: Double
        public var pUp: Double
        public var pDown: Double
    }

    public struct Group: Sendable {
        public var contender: Int32
        /// +1 boosting, −1 sinking.
        public var direction: Int
        /// Voter indices.
        public var members: [Int]
    }

    /// Every voter–contender lean with enough votes.
    public func leans(_ votes: [VotePrediction]) -> [Lean] {
        var cells: [Int32: (sum: LatticeSum, score: Double)] = [:]
        for vote in votes {
            for c in [vote.left, vote.right] {
                guard let seen = vote.seen(by: c) else { continue }
                var cell = cells[c] ?? (LatticeSum(span: 2), 0)
                cell.sum.append([seen.loss, seen.tie, seen.win])
                cell.score += seen.score
                cells[c] = cell
            }
        }
        return cells.sorted { $0.key < $1.key }.compactMap { c, cell in
            guard cell.sum.terms.count >= minimumVotes else { return nil }
            let halfPoints = Int((2 * cell.score).rounded())
            let (pUp, pDown) = cell.sum.tails(halfPoints)
            return Lean(
                contender: c, votes: cell.sum.terms.count, score: cell.score, expected: cell.sum.mean / 2,
                pUp: pUp, pDown: pDown
            )
        }
    }

    /// Groups from every voter's leans (`leans[v]` for voter v).
    public func groups(_ leans: [[Lean]], contenders: Int) -> [Group] {
        // Each voter's leans, filed by contender in one pass (a voter has at
        // most one lean per contender; voter order is kept).
        var byContender = [[(voter: Int, up: Double, down: Double)]](repeating: [], count: contenders)
        for (v, list) in leans.enumerated() {
            for lean in list where lean.contender >= 0 && Int(lean.contender) < contenders {
                byContender[Int(lean.contender)].append((v, lean.pUp, lean.pDown))
            }
        }
        var out: [Group] = []
        for c in 0..<Int32(contenders) {
            let cell = byContender[Int(c)]
            let voters = cell.map(\.voter)
            let up = cell.map(\.up)
            let down = cell.map(\.down)
            guard voters.count >= minimumGroup else { continue }
            for (direction, p) in [(1, up), (-1, down)] {
                let result = BenjaminiHochberg(level: level).apply(p)
                let members = voters.indices.filter { result.rejected[$0] }.map { voters[$0] }
                if members.count >= minimumGroup, 2 * members.count < voters.count {
                    out.append(Group(contender: c, direction: direction, members: members))
                }
            }
        }
        return out
    }
}
