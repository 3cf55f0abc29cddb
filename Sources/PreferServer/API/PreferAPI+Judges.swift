import Foundation
import PreferCore
import PreferJudge
import PreferStore

// AI judges: define and list (admin).

extension PreferAPI {
    func createJudge(_ input: Operations.CreateJudge.Input) async throws -> Operations.CreateJudge.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let stored = try await services.judges.create(try JudgeConfiguration(body), replacing: input.query.replace ?? false)
        return .created(.init(body: .json(.init(stored))))
    }

    func listJudges(_ input: Operations.ListJudges.Input) async throws -> Operations.ListJudges.Output {
        .ok(.init(body: .json(.init(judges: try await services.judges.list().map { Components.Schemas.Judge($0) }))))
    }
}

extension JudgeConfiguration {
    /// The judge the request defines; what the document leaves open takes
    /// the defaults of `prefer judge add`.
    init(_ body: Components.Schemas.JudgeCreate) throws {
        let defaults = JudgeConfiguration(name: body.name, endpoint: body.endpoint, model: body.model)
        func value<T: RawRepresentable & CaseIterable>(_ raw: String?, _ fallback: T, field: String) throws -> T where T.RawValue == String {
            guard let raw else { return fallback }
            guard let value = T(rawValue: raw) else {
                throw PreferError.invalidField(field, "\(field) must be one of \(T.allCases.map(\.rawValue).joined(separator: ", ")); got \"\(raw)\".")
            }
            return value
        }
        self.init(
            name: body.name, endpoint: body.endpoint, apiKeyEnv: body.apiKeyEnv, model: body.model,
            mode: try value(body.mode?.rawValue, defaults.mode, field: "mode"),
            template: body.template.map { JudgeTemplate(system: $0.system, user: $0.user) },
            criteria: body.criteria ?? [],
            sampling: Sampling(
                temperature: body.temperature ?? defaults.sampling.temperature,
                maxTokens: body.maxTokens ?? defaults.sampling.maxTokens,
                seed: body.seed ?? defaults.sampling.seed),
            limits: Limits(
                concurrency: body.concurrency ?? defaults.limits.concurrency,
                requestsPerMinute: body.requestsPerMinute,
                timeoutSeconds: body.timeoutSeconds ?? defaults.limits.timeoutSeconds,
                retries: body.retries ?? defaults.limits.retries),
            verdictMethod: try value(body.verdictMethod?.rawValue, defaults.verdictMethod, field: "verdict_method"),
            orders: try value(body.orders?.rawValue, defaults.orders, field: "orders"),
            flips: try value(body.flips?.rawValue, defaults.flips, field: "flips"),
            rankSize: body.rankSize ?? defaults.rankSize)
    }
}

extension Components.Schemas.Judge {
    init(_ stored: StoredJudge) {
        let c = stored.configuration
        self.init(
            name: c.name, endpoint: c.endpoint, apiKeyEnv: c.apiKeyEnv, model: c.model,
            mode: .init(rawValue: c.mode.rawValue) ?? .pairwise,
            template: c.template.map { .init(system: $0.system, user: $0.user) },
            criteria: c.criteria, temperature: c.sampling.temperature, maxTokens: c.sampling.maxTokens,
            seed: c.sampling.seed, concurrency: c.limits.concurrency, requestsPerMinute: c.limits.requestsPerMinute,
            timeoutSeconds: c.limits.timeoutSeconds, retries: c.limits.retries,
            verdictMethod: .init(rawValue: c.verdictMethod.rawValue) ?? .text,
            orders: .init(rawValue: c.orders.rawValue) ?? .both, flips: .init(rawValue: c.flips.rawValue) ?? .tie,
            rankSize: c.rankSize, id: stored.id, voter: stored.voter, createdAt: stored.createdAt, updatedAt: stored.updatedAt)
    }
}

// Judge runs, agreement and validation (admin).

extension PreferAPI {
    func startJudgeRun(_ input: Operations.StartJudgeRun.Input) async throws -> Operations.StartJudgeRun.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let selection: JudgeSelection
        switch body.selection {
        case .battles:
            guard let count = body.battles else {
                throw PreferError.missingField("battles")
            }
            guard count >= 1 else { throw PreferError.invalidField("battles", "battles must be at least 1; got \(count).") }
            let seed = body.seed ?? 1
            guard seed >= 0 else { throw PreferError.invalidField("seed", "seed must be a non-negative integer; got \(seed).") }
            selection = .battles(count: count, seed: UInt64(seed))
        case ._empty_?:
            // How the generator spells the null the document allows as a value; "" itself is no selection.
            throw PreferError.invalidField("selection", "selection must be human_battles, all_pairs or battles; got \"\".")
        case .allPairs, .humanBattles, nil:
            if body.battles != nil {
                throw PreferError.invalidField("battles", "battles goes with \"selection\": \"battles\" only.")
            }
            selection = body.selection == .allPairs ? .allPairs : .humanBattles
        }
        let started = try await services.judges.startRun(
            arena: input.path.arena, judge: body.judge, selection: selection, fresh: body.fresh ?? false)
        let arena = try await services.directory.arena(input.path.arena)
        return .accepted(.init(body: .json(.init(
            run: await judgeRunDocument(started.run, arena: arena.name, judge: body.judge),
            resumed: started.resumed, skippedVotes: started.skipped))))
    }

    func listJudgeRuns(_ input: Operations.ListJudgeRuns.Input) async throws -> Operations.ListJudgeRuns.Output {
        let (arena, runs) = try await services.judges.runs(arena: input.path.arena, judge: input.query.judge)
        let names = try await judgeNames()
        var documents: [Components.Schemas.JudgeRun] = []
        for run in runs { documents.append(await judgeRunDocument(run, arena: arena.name, judge: names[run.judgeId])) }
        return .ok(.init(body: .json(.init(runs: documents))))
    }

    func getJudgeRun(_ input: Operations.GetJudgeRun.Input) async throws -> Operations.GetJudgeRun.Output {
        let (arena, run) = try await services.judges.run(arena: input.path.arena, id: input.path.run)
        return .ok(.init(body: .json(await judgeRunDocument(run, arena: arena.name, judge: try await judgeNames()[run.judgeId]))))
    }

    func cancelJudgeRun(_ input: Operations.CancelJudgeRun.Input) async throws -> Operations.CancelJudgeRun.Output {
        let (arena, run) = try await services.judges.cancel(arena: input.path.arena, id: input.path.run)
        return .accepted(.init(body: .json(await judgeRunDocument(run, arena: arena.name, judge: try await judgeNames()[run.judgeId]))))
    }

    func judgeAgreement(_ input: Operations.JudgeAgreement.Input) async throws -> Operations.JudgeAgreement.Output {
        let rounds = input.query.rounds ?? 1000
        guard (2...10_000).contains(rounds) else {
            throw PreferError.invalidField("rounds", "rounds must be 2 to 10000 bootstrap rounds; got \(rounds).")
        }
        let seed = input.query.seed ?? 42
        guard seed >= 0 else { throw PreferError.invalidField("seed", "seed must be a non-negative integer; got \(seed).") }
        let report = try await services.judges.agreement(
            arena: input.path.arena, judge: input.path.judge, rounds: rounds, seed: UInt64(seed))
        return .ok(.init(body: .json(JudgeAgreementDocument(report))))
    }

    func setJudgeValidation(_ input: Operations.SetJudgeValidation.Input) async throws -> Operations.SetJudgeValidation.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let (arena, judge, rule, verdict) = try await services.judges.setValidation(
            arena: input.path.arena, judge: input.path.judge, threshold: body.threshold, minBattles: body.minBattles)
        return .ok(.init(body: .json(.init(arena: arena, judge: judge, rule: rule, verdict: verdict))))
    }

    func judgeValidation(_ input: Operations.JudgeValidation.Input) async throws -> Operations.JudgeValidation.Output {
        let (arena, judge, rule, verdict) = try await services.judges.validation(arena: input.path.arena, judge: input.path.judge)
        return .ok(.init(body: .json(.init(arena: arena, judge: judge, rule: rule, verdict: verdict))))
    }

    private func judgeNames() async throws -> [Int64: String] {
        Dictionary(try await services.judges.list().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
    }

    /// A run as the API shows it: the store's record, with the live tally of
    /// a run working in this server (ahead of the store's by at most a batch).
    func judgeRunDocument(_ run: JudgeRun, arena: String, judge: String?) async -> Components.Schemas.JudgeRun {
        let runner = services.judgeRuns
        let active = await runner.isActive(run.id)
        var done = run.doneItems
        var failed = run.failedItems
        if active, let live = runner.progress(of: run.id) {
            done = max(done, live.done)
            failed = max(failed, live.failed)
        }
        return Components.Schemas.JudgeRun(run, arena: arena, judge: judge ?? "judge \(run.judgeId)", active: active, done: done, failed: failed)
    }
}

/// The store's run (inside the extension below, `JudgeRun` names the document's).
typealias StoredJudgeRun = JudgeRun

extension Components.Schemas.JudgeRun {
    init(_ run: StoredJudgeRun, arena: String, judge: String, active: Bool, done: Int, failed: Int) {
        let c = run.counters
        let total = run.totalItems
        self.init(
            id: run.id, arena: arena, judge: judge, selection: Self.selection(run.selection),
            status: .init(rawValue: run.status.rawValue) ?? .pending, active: active, cancelRequested: run.cancelRequested,
            totalItems: total, doneItems: done, failedItems: failed,
            progress: total > 0 ? min(1, Double(done + failed) / Double(total)) : 1,
            counters: .init(
                requests: c.requests, cached: c.cached, promptTokens: c.promptTokens, completionTokens: c.completionTokens,
                tokens: c.promptTokens + c.completionTokens, errors: c.errors, unparseable: c.unparseable,
                consistent: c.consistent, inconsistent: c.inconsistent, positionConsistency: c.positionConsistency),
            message: run.message, createdAt: run.createdAt, updatedAt: run.updatedAt)
    }

    /// The stored selection (`JudgeSelection.text`) as the document spells it.
    static func selection(_ text: String) -> SelectionPayload {
        let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
        let kind = SelectionPayload.KindPayload(rawValue: object["kind"] as? String ?? "") ?? .humanBattles
        return SelectionPayload(
            kind: kind,
            battles: (object["count"] as? NSNumber)?.intValue,
            seed: (object["seed"] as? NSNumber)?.int64Value)
    }
}

extension Components.Schemas.JudgeValidation {
    init(arena: PreferCore.Arena, judge: StoredJudge, rule: JudgeValidationRule, verdict: PreferCore.JudgeValidation.Verdict) {
        self.init(
            arena: arena.name, judge: judge.name, threshold: rule.threshold, minBattles: rule.minBattles,
            verdict: .init(
                validated: verdict.validated, battles: verdict.battles, lowerBound: verdict.lowerBound,
                threshold: verdict.threshold, minBattles: verdict.minBattles, reason: verdict.reason))
    }
}
