import PreferCore
import PreferJudge
import PreferStore

/// AI judges as the HTTP API manages them: defined (checked with
/// `JudgeConfiguration.validate()`, the same rules as `prefer judge add`),
/// listed, run over an arena as background work (`JudgeRunner`), measured
/// against people (`JudgeAgreementService`, the service `prefer judge
/// agreement` calls) and validated (the rule `prefer judge validate` sets).
struct JudgeService: Sendable {
    let store: any PreferStore
    let directory: ArenaDirectory
    let runner: JudgeRunner
    let agreements = AgreementCache()
    /// The validation verdicts `source=all` boards count judges by: the
    /// reports of `setValidation`'s verdict (1000 rounds, seed 42).
    let validations = AgreementCache(rounds: 1000)

    /// The pages' agreement reports: computed again when the arena's votes
    /// have changed, at most once a minute per judge (the report reads every
    /// vote of the arena; a busy arena's page must not do that on each view).
    actor AgreementCache {
        private struct Key: Hashable {
            var arena: Int64
            var judge: Int64
        }

        private var reports: [Key: (votes: Int, at: ContinuousClock.Instant, report: JudgeAgreementService.Report)] = [:]
        let minimumInterval: Duration
        let rounds: Int

        init(minimumInterval: Duration = .seconds(60), rounds: Int = 200) {
            self.minimumInterval = minimumInterval
            self.rounds = rounds
        }

        func report(arena: Arena, judge: StoredJudge, votes: Int, store: any JudgeStore) async throws -> JudgeAgreementService.Report {
            let key = Key(arena: arena.id, judge: judge.id)
            if let known = reports[key], known.votes == votes || ContinuousClock.now - known.at < minimumInterval {
                return known.report
            }
            let report = try await JudgeAgreementService(store: store).report(arena: arena, judge: judge, rounds: rounds)
            reports[key] = (votes, .now, report)
            return report
        }
    }

    private var judges: any JudgeStore {
        get throws {
            guard let judges = store as? any JudgeStore else {
                throw PreferError.unavailable
            }
            return judges
        }
    }

    func create(_ configuration: JudgeConfiguration, replacing: Bool) async throws -> StoredJudge {
        do {
            try configuration.validate()
        } catch {
            throw PreferError.invalidField(error.field ?? "judge", error.message)
        }
        return try await judges.saveJudge(configuration, replacing: replacing)
    }

    func list() async throws -> [StoredJudge] {
        try await judges.judges()
    }

    /// The judge named `name`, or a 404 naming `field`.
    func judge(named name: String, field: String = "judge") async throws -> StoredJudge {
        guard let judge = try await judges.judge(named: name) else {
            throw PreferError(
                .notFound, code: "unknown_judge",
                "No judge named \"\(name)\"; GET /api/judges lists the judges, POST /api/judges defines one.", field: field)
        }
        return judge
    }

    // MARK: Runs

    func startRun(arena reference: String, judge name: String, selection: JudgeSelection, fresh: Bool) async throws -> (run: JudgeRun, resumed: Bool, skipped: Int) {
        let arena = try await directory.arena(reference)
        let judge = try await self.judge(named: name)
        return try await runner.start(arena: arena, judge: judge, selection: selection, fresh: fresh)
    }

    /// The arena's runs (of one judge, if named), newest first.
    func runs(arena reference: String, judge name: String?) async throws -> (Arena, [JudgeRun]) {
        let arena = try await directory.arena(reference)
        var judgeId: Int64?
        if let name { judgeId = try await judge(named: name).id }
        return (arena, try await judges.judgeRuns(arenaId: arena.id, judgeId: judgeId))
    }

    /// Run `id` of the arena, or a 404.
    func run(arena reference: String, id: Int64) async throws -> (Arena, JudgeRun) {
        let arena = try await directory.arena(reference)
        guard let run = try await judges.judgeRun(id: id), run.arenaId == arena.id else {
            throw PreferError(
                .notFound, code: "unknown_judge_run",
                "No judge run \(id) in arena \"\(arena.name)\"; GET /api/arenas/\(arena.name)/judge-runs lists them.", field: "run")
        }
        return (arena, run)
    }

    /// Asks run `id` to stop. A run working in this server (or in `prefer
    /// judge run`, or another replica) stops within a second, cancelled; one
    /// that nothing works on is marked cancelled at once. Either way it resumes
    /// when started again.
    func cancel(arena reference: String, id: Int64) async throws -> (Arena, JudgeRun) {
        let (arena, run) = try await self.run(arena: reference, id: id)
        switch run.status {
        case .completed:
            throw PreferError(.conflict, code: "judge_run_finished", "Judge run \(id) has completed; there is nothing to cancel.", field: "run")
        case .cancelled, .failed:
            return (arena, run)
        case .pending, .running:
            try await judges.requestJudgeRunCancel(runId: id)
            if await !runner.isActive(id), run.status == .pending {
                try await judges.setJudgeRunStatus(
                    runId: id, .cancelled,
                    message: "cancelled on request; POST /api/arenas/\(arena.name)/judge-runs with the same judge and selection to resume")
            }
            return try await self.run(arena: reference, id: id)
        }
    }

    // MARK: The page

    /// Each judge that ran on the arena: its latest run and its agreement
    /// with people (200 bootstrap rounds, kept until the arena's votes change).
    func pageRows(arena: Arena) async throws -> [JudgeSection.Row] {
        guard let judges = store as? any JudgeStore else { return [] }
        let runs = try await judges.judgeRuns(arenaId: arena.id, judgeId: nil)
        guard !runs.isEmpty else { return [] }
        let votes = try await store.voteCount(arena: arena.id)
        var rows: [JudgeSection.Row] = []
        for judge in try await judges.judges().sorted(by: { $0.name < $1.name }) {
            let own = runs.filter { $0.judgeId == judge.id }
            guard let latest = own.first else { continue }
            let active = await runner.isActive(latest.id)
            let live = active ? runner.progress(of: latest.id) : nil
            let report = try await agreements.report(arena: arena, judge: judge, votes: votes, store: judges)
            rows.append(JudgeSection.Row(
                judge: judge.name, model: judge.configuration.model, runs: own.count, latest: latest,
                done: max(latest.doneItems, live?.done ?? 0), failed: max(latest.failedItems, live?.failed ?? 0), active: active,
                agreement: report.agreement.overall, validation: report.validation))
        }
        return rows
    }

    // MARK: Agreement and validation

    func agreement(arena reference: String, judge name: String, rounds: Int, seed: UInt64) async throws -> JudgeAgreementService.Report {
        let arena = try await directory.arena(reference)
        let judge = try await self.judge(named: name)
        return try await JudgeAgreementService(store: judges).report(arena: arena, judge: judge, rounds: rounds, seed: seed)
    }

    /// Sets the rule, and returns it with the judge's verdict under it now.
    func setValidation(arena reference: String, judge name: String, threshold: Double, minBattles: Int) async throws -> (Arena, StoredJudge, JudgeValidationRule, JudgeValidation.Verdict) {
        guard threshold.isFinite, (0...1).contains(threshold) else {
            throw PreferError.invalidField("threshold", "threshold is the least lower bound of the agreement, from 0 to 1; got \(threshold).")
        }
        guard (1...100_000_000).contains(minBattles) else {
            throw PreferError.invalidField("min_battles", "min_battles must be between 1 and 100000000; got \(minBattles).")
        }
        let arena = try await directory.arena(reference)
        let judge = try await self.judge(named: name)
        let rule = JudgeValidationRule(arenaId: arena.id, judgeId: judge.id, threshold: threshold, minBattles: minBattles)
        try await judges.setJudgeValidationRule(rule)
        return (arena, judge, rule, try await verdict(arena, judge, rule))
    }

    func validation(arena reference: String, judge name: String) async throws -> (Arena, StoredJudge, JudgeValidationRule, JudgeValidation.Verdict) {
        let arena = try await directory.arena(reference)
        let judge = try await self.judge(named: name)
        guard let rule = try await judges.judgeValidationRule(arenaId: arena.id, judgeId: judge.id) else {
            throw PreferError(
                .notFound, code: "no_validation_rule",
                "Judge \"\(judge.name)\" has no validation rule in arena \"\(arena.name)\"; set one with PUT /api/arenas/\(arena.name)/judges/\(judge.name)/validation.",
                field: "judge")
        }
        return (arena, judge, rule, try await verdict(arena, judge, rule))
    }

    /// The verdict under `rule`, from the same report as `prefer judge validate` (1000 rounds, seed 42).
    private func verdict(_ arena: Arena, _ judge: StoredJudge, _ rule: JudgeValidationRule) async throws -> JudgeValidation.Verdict {
        let report = try await JudgeAgreementService(store: judges).report(arena: arena, judge: judge, rounds: 1000)
        return report.validation ?? JudgeValidation(threshold: rule.threshold, minBattles: rule.minBattles).evaluate(report.agreement.overall)
    }
}
