import PreferCore
import PreferJudge
import PreferStore

extension JudgeService {
    /// Which judges a `source=all` board counts: those validated for the
    /// arena (EvalGen's point: no judge is trusted unchecked) — the same
    /// verdict as `GET …/judges/{judge}/validation` (1000 bootstrap rounds,
    /// seed 42), kept until the arena's votes change (at most once a minute
    /// computed again). Every judge that has run on the arena is listed,
    /// counted or left out with the reason.
    func boardJudges(arena: Arena) async throws -> (voters: [String], document: LeaderboardDocument.JudgeVotes) {
        var document = LeaderboardDocument.JudgeVotes(
            rule: "source=all counts people's votes and the votes of the judges validated for this arena (agreement's lower bound at the arena's threshold on enough battles); the others' votes are left out",
            counted: [], leftOut: [])
        guard let judges = store as? any JudgeStore else { return ([], document) }
        let ran = Set(try await judges.judgeRuns(arenaId: arena.id, judgeId: nil).map(\.judgeId))
        guard !ran.isEmpty else { return ([], document) }
        let votes = try await store.voteCount(arena: arena.id)
        var voters: [String] = []
        for judge in try await judges.judges().sorted(by: { $0.name < $1.name }) where ran.contains(judge.id) {
            guard let rule = try await judges.judgeValidationRule(arenaId: arena.id, judgeId: judge.id) else {
                document.leftOut.append(.init(
                    judge: judge.name,
                    reason: "no validation rule: PUT /api/arenas/\(arena.name)/judges/\(judge.name)/validation sets one"))
                continue
            }
            let report = try await validations.report(arena: arena, judge: judge, votes: votes, store: judges)
            // The rule as it is now (the cached report may predate a change to it).
            let verdict = JudgeValidation(threshold: rule.threshold, minBattles: rule.minBattles).evaluate(report.agreement.overall)
            if verdict.validated {
                voters.append(judge.voter)
                document.counted.append(.init(judge: judge.name, reason: verdict.reason))
            } else {
                document.leftOut.append(.init(judge: judge.name, reason: "not validated: " + verdict.reason))
            }
        }
        return (voters.sorted(), document)
    }
}
