import Foundation
import PreferCore
import PreferStore

extension PreferServices {
    /// The vote audit of an arena as admins review it (`GET
    /// /api/arenas/{arena}/audit` and the audit page): the audit the
    /// published leaderboard applied — taken from `LeaderboardCache`, which
    /// ran it with the board, not run again — the admins' decisions, and the
    /// board with and without the annotators it leaves out. Both boards are
    /// the cached ones the leaderboard endpoint serves (same bootstrap rounds
    /// and seed), so the page costs no fit of its own once they are warm.
    /// `allVoters` lists every audited voter, not only the flagged and the
    /// decided-about ones.
    func auditReview(arena reference: String, allVoters: Bool = false) async throws -> AuditDocument {
        let index = try await directory.index(reference)
        let arena = index.arena
        let rounds = configuration.leaderboardRounds
        let seed = configuration.leaderboardSeed
        let (published, stale) = try await leaderboards.leaderboard(arena: arena.id, rounds: rounds, seed: seed, includeFlagged: false)
        let (everyVote, _) = try await leaderboards.leaderboard(arena: arena.id, rounds: rounds, seed: seed, includeFlagged: true)
        let total = await leaderboards.voteCount(arena: arena.id)
        let decisions = try await store.voterDecisions(arena: arena.id)
        let decided = Set(decisions.map(\.voter))
        let report = published.audit.map(Self.finite)

        let shown = index.shown(published.board)
        let all = index.shown(everyVote.board)
        let before = Dictionary(all.contenders.map { ($0.name, $0) }) { first, _ in first }
        var rows: [AuditDocument.EffectRow] = shown.contenders.map { entry in
            let old = before[entry.name]
            let change = entry.auditShift ?? old.map { entry.rating - $0.rating }
            return AuditDocument.EffectRow(
                name: entry.name, rank: entry.rank, rating: Self.finite(entry.rating),
                rankAllVotes: old?.rank, ratingAllVotes: old.flatMap { Self.finite($0.rating) },
                rankChange: old.map { $0.rank - entry.rank }, ratingChange: change.flatMap(Self.finite))
        }
        let listed = Set(rows.map(\.name))
        for old in all.contenders where !listed.contains(old.name) {
            rows.append(AuditDocument.EffectRow(
                name: old.name, rank: nil, rating: nil, rankAllVotes: old.rank, ratingAllVotes: Self.finite(old.rating),
                rankChange: nil, ratingChange: nil))
        }

        var note: String?
        if report == nil {
            note = published.board.method.votes == 0 && total == 0
                ? "No votes yet: the audit runs once votes come in."
                : "No vote carries a voter, so there is nothing to audit."
        }
        return AuditDocument(
            arena: arena.name,
            available: report != nil,
            note: note,
            votersListed: allVoters ? "all" : "flagged",
            voters: (report?.voters ?? []).filter { allVoters || $0.flagged || decided.contains($0.voter) },
            groups: report?.groups ?? [],
            summary: report?.summary,
            signals: report?.signals ?? [:],
            decisions: decisions.map(Components.Schemas.VoterDecision.init),
            effect: .init(votesCounted: published.board.method.votes, votesAll: everyVote.board.method.votes, contenders: rows),
            computedAt: published.computedAt,
            votesTotal: total,
            stale: stale && total != published.votesUsed
        )
    }

    /// A number JSON can carry: nil for NaN and infinities.
    static func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    /// The report with every non-finite score left out (JSON has no NaN; the
    /// CLI writes them as strings, the API leaves them out).
    static func finite(_ report: AuditReport) -> AuditReport {
        func f(_ x: Double?) -> Double? { x.flatMap(finite) }
        var report = report
        for k in report.voters.indices {
            var s = report.voters[k].scores
            s.combinedPValue = f(s.combinedPValue)
            s.consensus.pValue = f(s.consensus.pValue)
            s.consensus.pValueAllVotes = f(s.consensus.pValueAllVotes)
            s.consensus.pValueWithout = f(s.consensus.pValueWithout)
            s.consensus.slope = f(s.consensus.slope)
            s.consensus.likelihoodRatio = f(s.consensus.likelihoodRatio)
            s.sequential.maxLog10M = f(s.sequential.maxLog10M)
            s.position.expectedLeft = f(s.position.expectedLeft)
            s.position.pValue = f(s.position.pValue)
            s.speed.fastShare = f(s.speed.fastShare)
            s.speed.medianMs = f(s.speed.medianMs)
            s.volume.topContenderExpected = f(s.volume.topContenderExpected)
            s.volume.concentrationPValue = f(s.volume.concentrationPValue)
            s.gold.accuracy = f(s.gold.accuracy)
            s.gold.reference = f(s.gold.reference)
            s.gold.pValue = f(s.gold.pValue)
            s.favouritism.score = f(s.favouritism.score)
            s.favouritism.expected = f(s.favouritism.expected)
            s.favouritism.pValue = f(s.favouritism.pValue)
            report.voters[k].scores = s
        }
        if !report.summary.shareAuthentic.isFinite { report.summary.shareAuthentic = 1 }
        if let t = report.summary.clickerTieShare, !t.isFinite { report.summary.clickerTieShare = nil }
        return report
    }
}
