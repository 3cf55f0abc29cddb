import Foundation
import Testing
@testable import PreferCore

/// Aggregated rows (one row standing for n identical annotations) must give
/// the same fit and the same intervals as the n votes written out one by
/// one: the bootstrap resamples annotations, not rows.
@Suite("Aggregated annotations")
struct AnnotationCountTests {
    /// Random aggregated comparisons among 5 contenders.
    func aggregated(seed: UInt64) -> (rows: VoteTable, expanded: VoteTable) {
        var rng = Xoshiro256(seed: seed)
        let names = ["a", "b", "c", "d", "e"]
        var rows = VoteTable()
        var expanded = VoteTable()
        for _ in 0..<60 {
            let i = rng.nextIndex(below: 5)
            var j = rng.nextIndex(below: 4)
            if j >= i { j += 1 }
            let counts = PreferenceCounts(aWins: rng.nextIndex(below: 8), bWins: rng.nextIndex(below: 8), ties: rng.nextIndex(below: 3))
            let record = PreferenceRecord(a: .plain("x"), b: .plain("y"), contenderA: names[i], contenderB: names[j], counts: counts)
            rows.append([record])
            for outcome in Outcome.allCases {
                for _ in 0..<counts[outcome] { expanded.append(Vote(a: names[i], b: names[j], outcome: outcome)) }
            }
        }
        return (rows, expanded)
    }

    @Test func aggregatedRowsEqualTheirAnnotationsOneByOne() throws {
        let (rows, expanded) = aggregated(seed: 11)
        #expect(rows.count < expanded.count)
        #expect(rows.annotationCount == expanded.count)
        let r = PairCounts(rows)
        let e = PairCounts(expanded)
        #expect(r.firstWins == e.firstWins && r.secondWins == e.secondWins && r.ties == e.ties && r.votes == e.votes)
        #expect(Set(r.cells) == Set(e.cells))
        #expect(r.totalVotes == expanded.count)
        let fitR = try BradleyTerry().fit(r)
        let fitE = try BradleyTerry().fit(e)
        for c in 0..<5 { #expect(abs(fitR.ratings[c] - fitE.ratings[c]) < 1e-9) }
        let bootR = Bootstrap(rounds: 200, seed: 3).run(r, fit: fitR).intervals
        let bootE = Bootstrap(rounds: 200, seed: 3).run(e, fit: fitE).intervals
        for c in 0..<5 {
            #expect(abs(bootR.lower[c] - bootE.lower[c]) < 1e-6 && abs(bootR.upper[c] - bootE.upper[c]) < 1e-6)
        }
        let sandR = SandwichIntervals().compute(r, fit: fitR)
        let sandE = SandwichIntervals().compute(e, fit: fitE)
        for c in 0..<5 { #expect(abs(sandR.upper[c] - sandE.upper[c]) < 1e-9) }
        // Online Elo applies each annotation.
        #expect(OnlineElo().ratings(rows).count == 5)
    }

    @Test func weightsAreNotAnnotations() throws {
        // The same counts given as importance weights resample rows: fewer
        // units, so wider intervals than the annotations they stand for.
        let (rows, _) = aggregated(seed: 5)
        var weighted = VoteTable()
        for row in 0..<rows.count {
            var vote = rows.vote(at: row)
            vote.weight = Double(vote.annotations)
            vote.annotations = 1
            weighted.append(vote)
        }
        let w = PairCounts(weighted)
        let r = PairCounts(rows)
        #expect(w.firstWins == r.firstWins)
        #expect(w.totalVotes == rows.count && r.totalVotes == rows.annotationCount)
        let fitW = try BradleyTerry().fit(w)
        let fitR = try BradleyTerry().fit(r)
        let wide = Bootstrap(rounds: 200, seed: 3).run(w, fit: fitW).intervals
        let narrow = Bootstrap(rounds: 200, seed: 3).run(r, fit: fitR).intervals
        let widthW = (0..<5).map { wide.upper[$0] - wide.lower[$0] }.reduce(0, +)
        let widthR = (0..<5).map { narrow.upper[$0] - narrow.lower[$0] }.reduce(0, +)
        #expect(widthW > 1.3 * widthR)
    }

    @Test func filteringAndMergingKeepAnnotations() {
        var table = VoteTable()
        table.append(Vote(a: "x", b: "y", outcome: .aWins, annotations: 4))
        table.append(Vote(a: "x", b: "y", outcome: .bWins))
        var other = VoteTable()
        other.append(Vote(a: "y", b: "z", outcome: .tie, annotations: 2))
        table.append(contentsOf: other)
        #expect(table.annotations == [4, 1, 2])
        #expect(table.filtered([true, false, true]).annotations == [4, 2])
        #expect(table.vote(at: 0).annotations == 4)
    }
}
