import Foundation

/// A synthetic arena with planted structure, for the pluralism checks and
/// benchmarks: annotators of several preference types, and optionally an
/// intransitive (cyclic) component shared by everyone.
///
/// Annotator u draws a type t ~ `shares` and votes `votesPerAnnotator`
/// times on pairs drawn uniformly (sides a coin flip). With the logit
/// x = θ_ti − θ_tj + C_ij (C skew-symmetric, zero unless `cycle` is set) and
/// p = σ(x), a tie happens with probability q = min(τ·2·min(p, 1−p), 2·min(p, 1−p)),
/// i wins with p − q/2, j with 1 − p − q/2, so i's expected score is exactly p.
/// Deterministic given `seed`; O(votes).
public struct PlantedArena: Sendable {
    public var contenders: Int
    public var annotators: Int
    public var votesPerAnnotator: ClosedRange<Int>
    /// Natural-log strengths per type.
    public var typeStrengths: [[Double]]
    public var shares: [Double]
    /// A skew-symmetric n×n logit term (row-major), for intransitive arenas.
    public var cycle: [Double]?
    /// τ: ties relative to 2·min(p, 1−p).
    public var tieRate: Double = 0.3
    public var seed: UInt64

    public init(
        contenders: Int, annotators: Int, votesPerAnnotator: ClosedRange<Int>,
        typeStrengths: [[Double]], shares: [Double], cycle: [Double]? = nil, seed: UInt64
    ) {
        precondition(typeStrengths.count == shares.count && typeStrengths.allSatisfy { $0.count == contenders })
        self.contenders = contenders
        self.annotators = annotators
        self.votesPerAnnotator = votesPerAnnotator
        self.typeStrengths = typeStrengths
        self.shares = shares
        self.cycle = cycle
        self.seed = seed
    }

    /// Two types: strengths evenly spread over ±`spread` nats, the second type
    /// with the strongest `reversed` contenders' strengths negated.
    public static func reversedTastes(
        contenders: Int = 12, annotators: Int = 400, votesPerAnnotator: ClosedRange<Int> = 20...40,
        reversed: Int = 4, spread: Double = 1.5, shares: [Double] = [0.6, 0.4], seed: UInt64
    ) -> PlantedArena {
        let base = (0..<contenders).map { spread - 2 * spread * Double($0) / Double(max(contenders - 1, 1)) }
        var other = base
        for k in 0..<min(reversed, contenders) { other[k] = -other[k] }
        let types = shares.count == 1 ? [base] : [base, other]
        return PlantedArena(
            contenders: contenders, annotators: annotators, votesPerAnnotator: votesPerAnnotator,
            typeStrengths: types.map { t in let m = t.reduce(0, +) / Double(t.count); return t.map { $0 - m } },
            shares: shares, seed: seed)
    }

    /// One type with strengths spread over ±`spread` nats plus a
    /// rock–paper–scissors cycle among the first three contenders: each beats
    /// the next with an extra logit `strength` (0 > 1 > 2 > 0), set among
    /// contenders of equal strength so that the cycle is the whole story there.
    public static func rockPaperScissors(
        contenders: Int = 12, annotators: Int = 300, votesPerAnnotator: ClosedRange<Int> = 30...30,
        strength: Double = 1.2, spread: Double = 1.5, seed: UInt64
    ) -> PlantedArena {
        var theta = (0..<contenders).map { spread - 2 * spread * Double($0) / Double(max(contenders - 1, 1)) }
        for k in 0..<min(3, contenders) { theta[k] = theta[min(3, contenders) / 2] }
        var c = [Double](repeating: 0, count: contenders * contenders)
        if contenders >= 3 {
            for (i, j) in [(0, 1), (1, 2), (2, 0)] {
                c[i * contenders + j] = strength
                c[j * contenders + i] = -strength
            }
        }
        let m = theta.reduce(0, +) / Double(contenders)
        return PlantedArena(
            contenders: contenders, annotators: annotators, votesPerAnnotator: votesPerAnnotator,
            typeStrengths: [theta.map { $0 - m }], shares: [1], cycle: c, seed: seed)
    }

    public struct Draw: Sendable {
        public var table: VoteTable
        /// The planted type of each annotator, by voter name.
        public var voterTypes: [String: Int]
        /// Planted ratings per type on the Elo scale (centred at 1000), indexed like `table.contenders`.
        public var trueRatings: [[Double]]
    }

    public static func contenderName(_ k: Int) -> String {
        k < 10 ? "model-0\(k)" : "model-\(k)"
    }

    public func draw(attributes: Bool = false) -> Draw {
        precondition(contenders >= 2)
        var rng = Xoshiro256(seed: seed)
        let names = (0..<contenders).map(Self.contenderName)
        let shareTable = AliasTable(weights: shares)
        var a: [Int32] = []
        var b: [Int32] = []
        var outcomes: [Outcome] = []
        var voters = TextColumn()
        var country = TextColumn()
        var types: [String: Int] = [:]
        for u in 0..<annotators {
            let type = shareTable.sample(&rng)
            let name = "u\(u)"
            types[name] = type
            // A country that depends on the type, for the attribute checks.
            let us = rng.nextUnit() < (type == 0 ? 0.8 : 0.3)
            let theta = typeStrengths[type]
            let span = votesPerAnnotator.upperBound - votesPerAnnotator.lowerBound + 1
            let votes = votesPerAnnotator.lowerBound + rng.nextIndex(below: span)
            for _ in 0..<votes {
                let i = rng.nextIndex(below: contenders)
                var j = rng.nextIndex(below: contenders - 1)
                if j >= i { j += 1 }
                var x = theta[i] - theta[j]
                if let cycle { x += cycle[i * contenders + j] }
                let p = PairwiseProblem.sigmoid(x)
                let room = 2 * min(p, 1 - p)
                let q = min(tieRate * room, room)
                let v = rng.nextUnit()
                let outcome: Outcome = v < p - q / 2 ? .aWins : (v < p + q / 2 ? .tie : .bWins)
                a.append(Int32(i))
                b.append(Int32(j))
                outcomes.append(outcome)
                voters.append(name)
                if attributes { country.append(us ? "US" : "FR") }
            }
        }
        let elo = BradleyTerry().eloPerNat
        let table = VoteTable(
            contenders: names, a: a, b: b, outcomes: outcomes, weights: nil, voters: voters,
            categories: nil, timestamps: nil, attributes: attributes ? ["country": country] : [:])
        return Draw(
            table: table,
            voterTypes: types,
            trueRatings: typeStrengths.map { t in t.map { 1000 + elo * $0 } })
    }
}
