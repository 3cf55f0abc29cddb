import Foundation

/// What `prefer cycles` reports (its JSON form, snake_case keys, is a
/// contract): the significant intransitive triangles (`CycleSearch`), the
/// share of pairwise variance the transitive part explains
/// (`HodgeDecomposition`), and Bradley–Terry against a model that can
/// express cycles (`TransitivityComparison`).
public struct IntransitivityReport: Sendable, Codable {
    public var contenders: Int
    public var votes: Int
    public var pairs: Int
    public var triangles: CycleSearch.Result
    public var hodge: HodgeDecomposition.Result
    public var models: TransitivityComparison.Result?
    public var warnings: [String]
    /// Seconds per step, when timed.
    public var timings: Timings?

    public struct Timings: Sendable, Codable, Equatable {
        public var triangles: Double
        public var hodge: Double
        public var models: Double
    }

    /// Runs the three analyses on `table`. Vote weights are ignored (every
    /// vote counts once); contenders without votes are dropped.
    public static func make(
        from table: VoteTable,
        search: CycleSearch = CycleSearch(),
        comparison: TransitivityComparison? = TransitivityComparison(),
        estimator: BradleyTerry = BradleyTerry()
    ) throws(RatingError) -> IntransitivityReport {
        var plain = table.hasContendersWithoutVotes ? table.compacted() : table
        plain.weights = nil
        let counts = PairCounts(plain)
        guard counts.totalVotes > 0 else { throw .noVotes }
        guard search.falseDiscoveryRate > 0 && search.falseDiscoveryRate < 1 else {
            throw RatingError("--fdr must be between 0 and 1 (exclusive), e.g. 0.05; got \(search.falseDiscoveryRate).")
        }
        let clock = ContinuousClock()
        var mark = clock.now
        func lap() -> Double {
            let now = clock.now
            defer { mark = now }
            return (now - mark).inSeconds
        }
        let triangles = search.run(counts)
        let tTriangles = lap()
        let hodge = HodgeDecomposition().decompose(counts, estimator: estimator)
        let tHodge = lap()
        let models = comparison?.compare(plain, estimator: estimator)
        let tModels = lap()
        var warnings: [String] = []
        if table.weights != nil {
            warnings.append("The votes carry weights; the cycle analysis counts every vote once.")
        }
        if counts.selfBattles > 0 {
            warnings.append("\(counts.selfBattles) votes pitted a contender against itself and were ignored.")
        }
        let graph = ComparisonGraph(counts)
        if graph.componentCount > 1 {
            warnings.append("The votes form \(graph.componentCount) groups that never met; cycles can only be found within a group.")
        }
        let sparse = (0..<counts.pairCount).filter { counts.votes[$0] < 5 }.count
        if counts.pairCount > 0 && Double(sparse) > 0.5 * Double(counts.pairCount) {
            warnings.append("\(sparse) of \(counts.pairCount) pairs have fewer than 5 votes: the sign tests have little power there and the χ² approximations of the goodness-of-fit tests are rough.")
        }
        return IntransitivityReport(
            contenders: counts.contenderCount,
            votes: counts.totalVotes,
            pairs: counts.pairCount,
            triangles: triangles,
            hodge: hodge,
            models: models,
            warnings: warnings,
            timings: Timings(triangles: tTriangles, hodge: tHodge, models: tModels))
    }
}
