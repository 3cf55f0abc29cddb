/// How often nominal 95% intervals cover the ratings the votes were drawn
/// from: draw `arenas` synthetic arenas (`SyntheticArena`), fit each, compute
/// bootstrap and sandwich intervals, and count covered contenders. Ratings
/// are compared after centring the truth on the same mean as the fit, since
/// Bradley–Terry identifies ratings only up to a shift.
/// Cost: arenas × (rounds + 1) fits.
public struct CoverageStudy: Sendable {
    public var arenas: Int
    public var contenders: Int
    public var votes: Int
    public var rounds: Int
    public var seed: UInt64
    public var level: Double = 0.95

    public init(arenas: Int, contenders: Int, votes: Int, rounds: Int, seed: UInt64) {
        self.arenas = arenas
        self.contenders = contenders
        self.votes = votes
        self.rounds = rounds
        self.seed = seed
    }

    public struct Result: Sendable, Codable {
        /// Share of (arena, contender) intervals that contain the truth.
        public var bootstrap: Double
        public var sandwich: Double
        public var intervals: Int
        public var meanBootstrapWidth: Double
        public var meanSandwichWidth: Double

        enum CodingKeys: String, CodingKey {
            case bootstrap = "bootstrap_coverage"
            case sandwich = "sandwich_coverage"
            case intervals
            case meanBootstrapWidth = "mean_bootstrap_width"
            case meanSandwichWidth = "mean_sandwich_width"
        }
    }

    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) -> Result {
        var coveredBoot = 0
        var coveredSandwich = 0
        var total = 0
        var widthBoot = 0.0
        var widthSandwich = 0.0
        for arena in 0..<arenas {
            let draw = SyntheticArena(contenders: contenders, votes: votes, seed: seed &+ UInt64(arena) &* 7919).draw()
            let counts = PairCounts(draw.table)
            guard let fit = try? BradleyTerry().fit(counts), !fit.provisional.contains(true),
                  fit.graph.componentCount == 1 else { continue }
            let shift = fit.ratings.reduce(0, +) / Double(contenders)
                - draw.trueRatings.reduce(0, +) / Double(contenders)
            let truth = draw.trueRatings.map { $0 + shift }
            let boot = Bootstrap(rounds: rounds, seed: seed &+ UInt64(arena), level: level).run(counts, fit: fit).intervals
            let sandwich = SandwichIntervals(level: level).compute(counts, fit: fit)
            for c in 0..<contenders {
                total += 1
                if boot.lower[c] <= truth[c] && truth[c] <= boot.upper[c] { coveredBoot += 1 }
                if sandwich.lower[c] <= truth[c] && truth[c] <= sandwich.upper[c] { coveredSandwich += 1 }
                widthBoot += boot.upper[c] - boot.lower[c]
                widthSandwich += sandwich.upper[c] - sandwich.lower[c]
            }
            progress?(arena + 1, arenas)
        }
        let n = Double(max(total, 1))
        return Result(
            bootstrap: Double(coveredBoot) / n,
            sandwich: Double(coveredSandwich) / n,
            intervals: total,
            meanBootstrapWidth: widthBoot / n,
            meanSandwichWidth: widthSandwich / n
        )
    }
}
