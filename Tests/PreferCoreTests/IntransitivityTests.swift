import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// Cycle search, Hodge decomposition and the blade–chest comparison against
/// the independent Python reference (`bench/cycles_reference.py`, which
/// wrote the arenas) and against planted truth.
@Suite("Intransitivity")
struct IntransitivityTests {
    /// voter,model_a,model_b,winner CSV read by plain splitting.
    static func votes(_ name: String) throws -> VoteTable {
        let text = String(decoding: try Fixtures.data(name), as: UTF8.self)
        var table = VoteTable()
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",").map(String.init)
            table.append(Vote(a: f[1], b: f[2], outcome: Outcome(label: f[3])!, voter: f[0]))
        }
        return table
    }

    static func number(_ object: Any?) -> Double { (object as! NSNumber).doubleValue }

    static func close(_ a: Double, _ b: Double, _ relative: Double = 1e-7) -> Bool {
        Swift.abs(a - b) <= relative * max(1, Swift.abs(b))
    }

    @Test(arguments: ["rps", "transitive"])
    func matchesTheReference(kind: String) throws {
        let table = try Self.votes("cycles-\(kind).csv")
        let expected = try Fixtures.json("cycles-\(kind).expected.json")
        let counts = PairCounts(table)
        let result = CycleSearch().run(counts)
        #expect(result.tested == expected["tested"] as! Int)
        let cycles = expected["cycles"] as! [[String: Any]]
        #expect(result.significant == cycles.count)
        // Same triangles (as rotations), same p- and q-values.
        func canonical(_ c: [String]) -> [String] {
            let k = c.firstIndex(of: c.min()!)!
            return Array(c[k...] + c[..<k])
        }
        let want = Dictionary(uniqueKeysWithValues: cycles.map { (canonical($0["cycle"] as! [String]), $0) })
        for triangle in result.cycles {
            let reference = try #require(want[canonical(triangle.cycle)], "unexpected cycle \(triangle.cycle)")
            #expect(Self.close(triangle.pValue, Self.number(reference["p_value"]), 1e-6))
            #expect(Self.close(triangle.qValue, Self.number(reference["q_value"]), 1e-6))
        }
        let hodge = HodgeDecomposition().decompose(counts)
        let h = expected["hodge"] as! [String: Any]
        #expect(Self.close(hodge.gradientShare, Self.number(h["gradient_share"])))
        #expect(Self.close(hodge.residual, Self.number(h["residual_chi2"])))
        #expect(hodge.df == h["df"] as! Int)
        #expect(Self.close(hodge.pValue, Self.number(h["p_value"]), 1e-5))
        #expect(Self.close(hodge.noiseShare, Self.number(h["noise_share"])))

        let comparison = TransitivityComparison(folds: 0).compare(table)
        #expect(Self.close(comparison.bradleyTerry.logLikelihood, Self.number(expected["bradley_terry_log_likelihood"]), 1e-8))
        // The blade–chest fit from the residual SVD reaches the optimum the
        // reference found from 20 random starts.
        #expect(Swift.abs(comparison.bladeChest.logLikelihood - Self.number(expected["blade_chest_log_likelihood"])) < 0.01,
                "\(comparison.bladeChest.logLikelihood) vs \(Self.number(expected["blade_chest_log_likelihood"]))")
        let g = expected["goodness_of_fit"] as! [String: Any]
        #expect(Self.close(comparison.goodnessOfFit.g2, Self.number(g["g2"]), 1e-5))
        #expect(comparison.goodnessOfFit.df == g["df"] as! Int)
    }

    @Test func findsThePlantedRockPaperScissors() throws {
        let report = try IntransitivityReport.make(from: try Self.votes("cycles-rps.csv"))
        let planted: Set<String> = ["model-00", "model-01", "model-02"]
        #expect(report.triangles.significant >= 1)
        #expect(report.triangles.cycles.contains { Set($0.cycle) == planted })
        let models = try #require(report.models)
        #expect(models.verdict == "cycles predict held-out votes better")
        #expect(models.heldOutDifference! > 3 * models.heldOutDifferenceSE!)
        // The planted three hold the embedding's spread: their (a, b) span a triangle.
        let points = models.embedding.filter { planted.contains($0.name) }
        let area = Swift.abs((points[1].a - points[0].a) * (points[2].b - points[0].b)
                             - (points[2].a - points[0].a) * (points[1].b - points[0].b))
        #expect(area > 0.1)
    }

    @Test func transitiveArenasReportNoCycles() throws {
        let report = try IntransitivityReport.make(from: try Self.votes("cycles-transitive.csv"))
        #expect(report.triangles.significant == 0)
        #expect(report.models?.verdict == "no better than bradley-terry")
        // Planted transitive arenas, several seeds and sizes: no cycle at 5% FDR.
        for seed: UInt64 in 1...8 {
            var arena = PlantedArena.reversedTastes(contenders: 20, annotators: 400, votesPerAnnotator: 40...40,
                                                    shares: [1], seed: seed)
            arena.tieRate = 0.2
            let counts = PairCounts(arena.draw().table)
            #expect(CycleSearch().run(counts).significant == 0, "seed \(seed)")
            #expect(CycleSearch(procedure: .benjaminiHochberg).run(counts).significant == 0, "seed \(seed), BH")
        }
    }

    @Test func swiftPlantedCyclesAreFound() throws {
        for seed: UInt64 in 1...4 {
            let draw = PlantedArena.rockPaperScissors(contenders: 15, annotators: 300, seed: seed).draw()
            let result = CycleSearch().run(PairCounts(draw.table))
            let planted: Set<String> = Set((0..<3).map(PlantedArena.contenderName))
            #expect(result.cycles.contains { Set($0.cycle) == planted }, "seed \(seed)")
            // Every reported cycle involves the planted ones: the others are transitive.
            #expect(result.cycles.allSatisfy { !Set($0.cycle).isDisjoint(with: planted) }, "seed \(seed)")
        }
    }

    @Test func benjaminiYekutieliMatchesItsDefinition() {
        let p = [0.0001, 0.002, 0.01, 0.03, 0.2]
        let m = 40
        let by = BenjaminiYekutieli(level: 0.05)
        let c = (1...m).reduce(0.0) { $0 + 1 / Double($1) }
        let decision = by.apply(p, total: m)
        // Thresholds k·q/(m·c): 0.05/(40·4.28) ≈ 2.9e-4 per rank.
        let expected = p.enumerated().map { k, _ in
            (0..<p.count).contains { j in j >= k && p[j] <= Double(j + 1) * 0.05 / (Double(m) * c) }
        }
        #expect(decision.rejected == expected)
        #expect(decision.rejected == [true, false, false, false, false])
        #expect(Swift.abs(BenjaminiYekutieli.harmonic(2_000_000) - (1...2_000_000).reduce(0.0) { $0 + 1 / Double($1) }) < 1e-9)
    }
}
