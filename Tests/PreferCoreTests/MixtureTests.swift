import Foundation
import PreferTestSupport
import Testing
@testable import PreferCore

/// The latent-class Bradley–Terry mixture against the independent Python
/// reference (`bench/mixture_reference.py`, which wrote the planted arenas
/// and their expected fits) and against planted truth.
@Suite("Bradley–Terry mixture")
struct MixtureTests {
    /// A planted-arena CSV (voter,model_a,model_b,winner,country,age_band),
    /// read with plain string splitting, independent of Prefer's parser.
    static func votes(_ name: String) throws -> VoteTable {
        let text = String(decoding: try Fixtures.data(name), as: UTF8.self)
        var table = VoteTable()
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            table.append(Vote(
                a: f[1], b: f[2], outcome: Outcome(label: f[3])!, voter: f[0],
                attributes: ["country": f[4], "age_band": f[5]]))
        }
        return table
    }

    static func expected(_ name: String) throws -> [String: Any] { try Fixtures.json(name) }

    static let mixture = BradleyTerryMixture(maxTypes: 3, restarts: 6, seed: 7)

    /// The two planted arenas, read and fitted once for all the tests.
    struct Fitted: Sendable {
        var table: VoteTable
        var data: AnnotatorPairCounts
        var selection: MixtureSelection
        var report: MixtureReport

        init(_ name: String) throws {
            table = try MixtureTests.votes(name)
            data = AnnotatorPairCounts(table)
            selection = try MixtureTests.mixture.select(data)
            report = try MixtureReport.make(from: table, mixture: MixtureTests.mixture, attributes: ["country", "age_band", "missing_field"])
        }
    }

    static let twoTypesOnce = Result { try Fitted("mixture-two-types.csv") }
    static let oneTypeOnce = Result { try Fitted("mixture-one-type.csv") }

    @Test func twoTypesMatchTheReference() throws {
        let expected = try Self.expected("mixture-two-types.expected.json")
        let data = try Self.twoTypesOnce.get().data
        let selection = try Self.twoTypesOnce.get().selection
        #expect(selection.chosen.types == expected["types"] as! Int)
        #expect(selection.chosen.types == 2)
        let bic = expected["bic"] as! [[String: Any]]
        Self.expectSameOptimum(selection, bic)
        let chosen = selection.chosen
        let fits = expected["fits"] as! [String: Any]
        let reference = fits["2"] as! [String: Any]
        let shares = (reference["shares"] as! [NSNumber]).map(\.doubleValue)
        for k in 0..<2 { #expect(Swift.abs(chosen.shares[k] - shares[k]) < 1e-4) }
        let elo = reference["elo"] as! [[String: NSNumber]]
        let se = reference["se"] as! [[String: NSNumber]]
        let information = MixtureInformation().compute(data, fit: chosen)
        for k in 0..<2 {
            for (c, name) in data.contenders.enumerated() {
                let want = elo[k][name]!.doubleValue
                #expect(Swift.abs(chosen.ratings[k][c] - want) < 0.05, "type \(k) \(name): \(chosen.ratings[k][c]) vs \(want)")
                // Louis's analytic information against the numerical Hessian.
                let wantSE = se[k][name]!.doubleValue
                let gotSE = information.standardErrors[k][c]
                #expect(Swift.abs(gotSE - wantSE) < 0.005 * wantSE + 0.01, "se type \(k) \(name): \(gotSE) vs \(wantSE)")
            }
        }
        let posteriorType = reference["posterior_type"] as! [String: Int]
        var disagreements = 0
        for (u, voter) in data.voters.enumerated() where chosen.assignedType(of: u) != posteriorType[voter] {
            disagreements += 1
        }
        #expect(disagreements == 0)
    }

    @Test func oneTypeDataChoosesOneType() throws {
        let expected = try Self.expected("mixture-one-type.expected.json")
        let selection = try Self.oneTypeOnce.get().selection
        #expect(selection.chosen.types == 1)
        #expect(expected["types"] as! Int == 1)
        Self.expectSameOptimum(selection, expected["bic"] as! [[String: Any]])
    }

    /// Up to the planted number of types both implementations reach the same
    /// optimum (BIC to a hundredth of a point); beyond it, where EM has many
    /// local optima, Prefer's must be at least as good as the reference's.
    static func expectSameOptimum(_ selection: MixtureSelection, _ bic: [[String: Any]]) {
        #expect(selection.fits.count == bic.count)
        for (fit, reference) in zip(selection.fits, bic) {
            #expect(fit.types == reference["types"] as! Int)
            let b = (reference["bic"] as! NSNumber).doubleValue
            if fit.types <= 2 {
                #expect(Swift.abs(fit.bic - b) < 0.01, "T = \(fit.types): \(fit.bic) vs \(b)")
            } else {
                #expect(fit.bic < b + 0.01, "T = \(fit.types): \(fit.bic) vs \(b)")
            }
        }
    }

    @Test func plantedTypesAreRecovered() throws {
        let expected = try Self.expected("mixture-two-types.expected.json")
        let truth = expected["truth"] as! [String: Any]
        let voterType = truth["voter_type"] as! [String: Int]
        let trueElo = truth["elo"] as! [[String: NSNumber]]
        let report = try Self.twoTypesOnce.get().report
        #expect(report.types == 2)
        // Type 0 is the larger, as planted (60 / 40).
        let correct = report.voters.filter { voterType[$0.voter] == $0.type }.count
        #expect(Double(correct) / Double(report.voters.count) >= 0.9)
        var inside = 0
        var total = 0
        for k in 0..<2 {
            for rating in report.classes[k].contenders {
                let want = trueElo[k][rating.name]!.doubleValue
                total += 1
                if rating.lower <= want && want <= rating.upper { inside += 1 }
            }
        }
        #expect(Double(inside) / Double(total) >= 0.9, "\(inside) of \(total) planted ratings inside their 95% intervals")
    }

    @Test func attributesThatPredictTheTypeAreFound() throws {
        let expected = try Self.expected("mixture-two-types.expected.json")
        let report = try Self.twoTypesOnce.get().report
        let reference = expected["attributes"] as! [String: [String: Any]]
        let tables = report.attributes ?? []
        #expect(tables.map(\.field) == ["country", "age_band"])
        #expect(report.warnings.contains { $0.contains("missing_field") })
        for table in tables {
            let want = reference[table.field]!
            #expect(Swift.abs(table.g - (want["g"] as! NSNumber).doubleValue) < 1e-6)
            #expect(table.df == want["df"] as! Int)
            #expect(Swift.abs(table.pValue - (want["p_value"] as! NSNumber).doubleValue) < 1e-9 + 1e-6 * table.pValue)
        }
        let country = tables[0]
        #expect(country.pValue < 1e-6)
        #expect(tables[1].pValue > 0.01)
        // A value held by fewer than the minimum number of annotators is merged into "other".
        let nz = try #require(country.rows.first { $0.value == "NZ" })
        #expect(nz.annotators >= 5 && nz.annotators < 12)
        let fit = try Self.twoTypesOnce.get().selection.chosen
        let merged = try #require(TypeAttributeTable(field: "country", table: try Self.twoTypesOnce.get().table, data: try Self.twoTypesOnce.get().data, fit: fit, minimumGroup: 12))
        #expect(!merged.rows.contains { $0.value == "NZ" })
        #expect(merged.rows.last?.value == TypeAttributeTable.other)
        #expect(merged.rows.last?.annotators == nz.annotators)
        #expect(merged.rows.filter { $0.value != TypeAttributeTable.other }.allSatisfy { $0.annotators >= 12 })
    }

    @Test func sameNumbersOnAnyNumberOfThreads() throws {
        let draw = PlantedArena.reversedTastes(annotators: 300, seed: 11).draw()
        let data = AnnotatorPairCounts(draw.table)
        var one = Self.mixture
        one.threads = 1
        var two = Self.mixture
        two.threads = 2
        let a = one.fit(data, types: 2)
        let b = two.fit(data, types: 2)
        #expect(a.ratings == b.ratings)
        #expect(a.posteriors == b.posteriors)
        #expect(a.logLikelihood == b.logLikelihood)
    }

    @Test func swiftPlantedArenasAreRecovered() throws {
        // Different seeds, planted types with reversed tastes, ≥ 20 votes each;
        // the choice that matters here is between one type and two.
        let mixture = BradleyTerryMixture(maxTypes: 2, restarts: 4, seed: 7)
        for seed: UInt64 in [21, 22] {
            let draw = PlantedArena.reversedTastes(annotators: 300, votesPerAnnotator: 20...30, seed: seed).draw()
            let report = try MixtureReport.make(from: draw.table, mixture: mixture, intervals: .none)
            #expect(report.types == 2, "seed \(seed): chose \(report.types)")
            guard report.types == 2 else { continue }
            let correct = report.voters.filter { draw.voterTypes[$0.voter] == $0.type }.count
            #expect(Double(correct) / Double(report.voters.count) >= 0.9, "seed \(seed): \(correct) of \(report.voters.count)")
        }
        for seed: UInt64 in [31, 32] {
            let draw = PlantedArena.reversedTastes(annotators: 300, votesPerAnnotator: 20...30, shares: [1], seed: seed).draw()
            let selection = try mixture.select(AnnotatorPairCounts(draw.table))
            #expect(selection.chosen.types == 1, "seed \(seed): one-type data, chose \(selection.chosen.types)")
        }
    }

    @Test func bootstrapOverAnnotatorsIsSeededAndCoversTheFit() throws {
        let draw = PlantedArena.reversedTastes(annotators: 300, seed: 12).draw()
        let data = AnnotatorPairCounts(draw.table)
        let fit = Self.mixture.fit(data, types: 2)
        let first = MixtureBootstrap(rounds: 40, seed: 3).run(data, fit: fit)
        let second = MixtureBootstrap(rounds: 40, seed: 3, threads: 1).run(data, fit: fit)
        #expect(first.lower == second.lower)
        #expect(first.upper == second.upper)
        let information = MixtureInformation().compute(data, fit: fit)
        for k in 0..<2 {
            for c in 0..<data.contenderCount {
                #expect(first.lower[k][c] <= fit.ratings[k][c] + 1e-9 && fit.ratings[k][c] <= first.upper[k][c] + 1e-9)
                // Two estimates of one spread: within a factor of two of each other.
                let ratio = first.standardErrors[k][c] / information.standardErrors[k][c]
                #expect(ratio > 0.5 && ratio < 2, "type \(k) contender \(c): bootstrap/information = \(ratio)")
            }
        }
    }

    @Test func votesWithoutVotersAreExplained() throws {
        var table = VoteTable()
        table.append(Vote(a: "x", b: "y", outcome: .aWins))
        #expect(throws: RatingError.self) { try MixtureReport.make(from: table, mixture: Self.mixture) }
        do {
            _ = try MixtureReport.make(from: table, mixture: Self.mixture)
        } catch {
            #expect(error.message.contains("voter"))
        }
    }
}
