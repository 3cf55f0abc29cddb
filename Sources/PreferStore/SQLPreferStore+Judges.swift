import Foundation
import PreferCore
import SQLKit

extension SQLPreferStore: JudgeStore {
    // MARK: Judges

    public func saveJudge(_ configuration: JudgeConfiguration, replacing: Bool) async throws -> StoredJudge {
        let text = try StoreRecords.encodeJSON(configuration)
        let now = Date().timeIntervalSince1970
        return try await connections.write { database in
            if let existing = try await database.select().column("*").from("judges")
                .where("name", .equal, configuration.name).first()
            {
                guard replacing else { throw StoreError.duplicate("A judge named \"\(configuration.name)\"", field: "name") }
                let id = try existing.decode(column: "id", as: Int64.self)
                try await database.update("judges").set("configuration", to: text).set("updated_at", to: now)
                    .where("id", .equal, id).run()
                return StoredJudge(
                    id: id, configuration: configuration,
                    createdAt: Date(timeIntervalSince1970: try existing.decode(column: "created_at", as: Double.self)),
                    updatedAt: Date(timeIntervalSince1970: now))
            }
            let row = try await database.insert(into: "judges")
                .columns("name", "configuration", "created_at", "updated_at")
                .values(configuration.name, text, now, now)
                .returning("id").first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else {
                throw StoreError.unavailable("The database returned no id for the new judge; try again.")
            }
            return StoredJudge(
                id: id, configuration: configuration, createdAt: Date(timeIntervalSince1970: now),
                updatedAt: Date(timeIntervalSince1970: now))
        }
    }

    public func judges() async throws -> [StoredJudge] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judges").orderBy("name").all().map(Self.judge)
        }
    }

    public func judge(named name: String) async throws -> StoredJudge? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judges").where("name", .equal, name).first().map(Self.judge)
        }
    }

    public func judge(id: Int64) async throws -> StoredJudge? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judges").where("id", .equal, id).first().map(Self.judge)
        }
    }

    static func judge(_ row: any SQLRow) throws -> StoredJudge {
        StoredJudge(
            id: try row.decode(column: "id", as: Int64.self),
            configuration: try StoreRecords.decodeJSON(
                JudgeConfiguration.self, try row.decode(column: "configuration", as: String.self)),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            updatedAt: Date(timeIntervalSince1970: try row.decode(column: "updated_at", as: Double.self)))
    }

    // MARK: Answers

    public func cachedAnswers(_ keys: [String]) async throws -> [String: JudgeAnswerRecord] {
        guard !keys.isEmpty else { return [:] }
        return try await connections.withConnection { database in
            var found: [String: JudgeAnswerRecord] = [:]
            for chunk in Array(Set(keys)).chunks(of: VoteBatch.lookupChunk) {
                let rows = try await database.select().column("*").from("judge_answers")
                    .where("cache_key", .in, Array(chunk)).all()
                for row in rows {
                    let record = try Self.answer(row)
                    found[record.cacheKey] = record
                }
            }
            return found
        }
    }

    static func answer(_ row: any SQLRow) throws -> JudgeAnswerRecord {
        JudgeAnswerRecord(
            cacheKey: try row.decode(column: "cache_key", as: String.self),
            promptHash: try row.decode(column: "prompt_hash", as: String.self),
            judgeId: try row.decode(column: "judge_id", as: Int64?.self),
            answer: try StoreRecords.decodeJSON(JudgeAnswer.self, try row.decode(column: "answer", as: String.self)),
            verdict: try row.decode(column: "verdict", as: String?.self),
            unparseable: try row.decode(column: "unparseable", as: String?.self),
            latencyMs: try row.decode(column: "latency_ms", as: Double.self),
            attempts: try row.decode(column: "attempts", as: Int.self))
    }

    public func recordJudgeAnswers(_ answers: [JudgeAnswerRecord], failures: [JudgeFailureRecord]) async throws {
        guard !answers.isEmpty || !failures.isEmpty else { return }
        try await connections.write { database in
            try await Self.insert(answers: answers, failures: failures, on: database)
        }
    }

    static func insert(answers: [JudgeAnswerRecord], failures: [JudgeFailureRecord], on database: any SQLDatabase) async throws {
        let now = Date().timeIntervalSince1970
        for chunk in answers.chunks(of: 500) {
            let rows: [[any SQLExpression]] = try chunk.map { record in
                [
                    SQLBind(record.cacheKey), SQLBind(record.promptHash), SQLBind(record.judgeId),
                    SQLBind(try StoreRecords.encodeJSON(record.answer)), SQLBind(record.verdict),
                    SQLBind(record.unparseable), SQLBind(Int64(record.answer.promptTokens)),
                    SQLBind(Int64(record.answer.completionTokens)), SQLBind(record.latencyMs),
                    SQLBind(Int64(record.attempts)), SQLBind(now),
                ]
            }
            try await database.insert(into: "judge_answers")
                .columns(
                    "cache_key", "prompt_hash", "judge_id", "answer", "verdict", "unparseable", "prompt_tokens",
                    "completion_tokens", "latency_ms", "attempts", "created_at")
                .rows(rows)
                .ignoringConflicts(with: "cache_key")
                .run()
        }
        for chunk in failures.chunks(of: 500) {
            let rows: [[any SQLExpression]] = chunk.map { failure in
                [
                    SQLBind(failure.judgeId), SQLBind(failure.runId), SQLBind(failure.cacheKey),
                    SQLBind(failure.promptHash), SQLBind(failure.error), SQLBind(Int64(failure.attempts)),
                    SQLBind(failure.latencyMs), SQLBind(now),
                ]
            }
            try await database.insert(into: "judge_failures")
                .columns("judge_id", "run_id", "cache_key", "prompt_hash", "error", "attempts", "latency_ms", "created_at")
                .rows(rows)
                .run()
        }
    }

    // MARK: Runs

    public func createJudgeRun(judgeId: Int64, arenaId: Int64, selection: String, items: [NewJudgeRunItem]) async throws -> JudgeRun {
        let now = Date().timeIntervalSince1970
        return try await connections.write { database in
            let row = try await database.insert(into: "judge_runs")
                .columns("judge_id", "arena_id", "selection", "status", "total_items", "created_at", "updated_at")
                .values(judgeId, arenaId, selection, JudgeRunStatus.pending.rawValue, Int64(items.count), now, now)
                .returning("id").first()
            guard let id = try row?.decode(column: "id", as: Int64.self) else {
                throw StoreError.unavailable("The database returned no id for the new judge run; try again.")
            }
            for chunk in items.chunks(of: 1000) {
                let rows: [[any SQLExpression]] = try chunk.map { item in
                    [
                        SQLBind(id), SQLBind(item.itemKey), SQLBind(item.promptId),
                        SQLBind(try StoreRecords.encodeJSON(item.contenders)), SQLBind(item.humanVoteId),
                    ]
                }
                try await database.insert(into: "judge_run_items")
                    .columns("run_id", "item_key", "prompt_id", "contenders", "human_vote_id")
                    .rows(rows).run()
            }
            guard let run = try await database.select().column("*").from("judge_runs").where("id", .equal, id).first() else {
                throw StoreError.unavailable("The new judge run could not be read back; try again.")
            }
            return try Self.run(run)
        }
    }

    public func judgeRun(id: Int64) async throws -> JudgeRun? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judge_runs").where("id", .equal, id).first().map(Self.run)
        }
    }

    public func judgeRuns(arenaId: Int64, judgeId: Int64?) async throws -> [JudgeRun] {
        try await connections.withConnection { database in
            let query = database.select().column("*").from("judge_runs").where("arena_id", .equal, arenaId)
            if let judgeId { query.where("judge_id", .equal, judgeId) }
            return try await query.orderBy("id", .descending).all().map(Self.run)
        }
    }

    public func resumableJudgeRun(judgeId: Int64, arenaId: Int64, selection: String) async throws -> JudgeRun? {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judge_runs")
                .where("judge_id", .equal, judgeId).where("arena_id", .equal, arenaId)
                .where("selection", .equal, selection)
                .where("status", .notEqual, JudgeRunStatus.completed.rawValue)
                .orderBy("id", .descending).first().map(Self.run)
        }
    }

    public func pendingJudgeItems(runId: Int64, after: Int64?, limit: Int) async throws -> [JudgeRunItem] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judge_run_items")
                .where("run_id", .equal, runId).where("status", .equal, JudgeRunItem.Status.pending.rawValue)
                .where("id", .greaterThan, after ?? 0)
                .orderBy("id").limit(limit).all().map(Self.item)
        }
    }

    public func judgeItems(runId: Int64) async throws -> [JudgeRunItem] {
        try await connections.withConnection { database in
            try await database.select().column("*").from("judge_run_items").where("run_id", .equal, runId)
                .orderBy("id").all().map(Self.item)
        }
    }

    public func recordJudgeProgress(
        runId: Int64, answers: [JudgeAnswerRecord], failures: [JudgeFailureRecord],
        completions: [JudgeItemCompletion], counters: JudgeRunCounters
    ) async throws {
        try await connections.write { database in
            try await Self.insert(answers: answers, failures: failures, on: database)
            var done = 0
            var failed = 0
            var votes: [NewVote] = []
            var kwayVotes: [NewKWayVote] = []
            for completion in completions {
                let updated = try await database.update("judge_run_items")
                    .set("status", to: completion.status.rawValue)
                    .set("result", to: completion.result)
                    .set("error", to: completion.error)
                    .where("id", .equal, completion.itemId)
                    .where("run_id", .equal, runId)
                    .where("status", .equal, JudgeRunItem.Status.pending.rawValue)
                    .returning("id").all()
                guard !updated.isEmpty else { continue }  // finished before (a resumed run)
                if completion.status == .done { done += 1 } else { failed += 1 }
                votes += completion.votes
                kwayVotes += completion.kwayVotes
            }
            for chunk in votes.chunks(of: VoteBatch.insertChunk) {
                for vote in chunk where VoteBatch.problem(with: vote) != nil {
                    throw VoteBatch.problem(with: vote)!
                }
                let rows = try chunk.map { try VoteBatch.values($0).map(\.bind) as [any SQLExpression] }
                // A judge votes once on a prompt and pair: its battle id is the key.
                try await database.insert(into: "votes").columns(VoteBatch.columns).rows(rows)
                    .ignoringConflicts().run()
            }
            for vote in kwayVotes {
                if let problem = vote.problem { throw problem }
                // A judge votes once on a prompt and set of contenders: its battle id is the key.
                _ = try await Self.insertKWayVote(vote, in: database)
            }
            try await database.update("judge_runs")
                .set(SQLIdentifier("done_items"), to: SQLRaw("done_items + \(done)"))
                .set(SQLIdentifier("failed_items"), to: SQLRaw("failed_items + \(failed)"))
                .set(SQLIdentifier("requests"), to: SQLRaw("requests + \(counters.requests)"))
                .set(SQLIdentifier("cached"), to: SQLRaw("cached + \(counters.cached)"))
                .set(SQLIdentifier("prompt_tokens"), to: SQLRaw("prompt_tokens + \(counters.promptTokens)"))
                .set(SQLIdentifier("completion_tokens"), to: SQLRaw("completion_tokens + \(counters.completionTokens)"))
                .set(SQLIdentifier("errors"), to: SQLRaw("errors + \(counters.errors)"))
                .set(SQLIdentifier("unparseable"), to: SQLRaw("unparseable + \(counters.unparseable)"))
                .set(SQLIdentifier("consistent"), to: SQLRaw("consistent + \(counters.consistent)"))
                .set(SQLIdentifier("inconsistent"), to: SQLRaw("inconsistent + \(counters.inconsistent)"))
                .set("updated_at", to: Date().timeIntervalSince1970)
                .where("id", .equal, runId)
                .run()
        }
    }

    public func resetFailedJudgeItems(runId: Int64) async throws -> Int {
        try await connections.write { database in
            let reset = try await database.update("judge_run_items")
                .set("status", to: JudgeRunItem.Status.pending.rawValue)
                .set("error", to: SQLLiteral.null)
                .where("run_id", .equal, runId).where("status", .equal, JudgeRunItem.Status.failed.rawValue)
                .returning("id").all()
            if !reset.isEmpty {
                try await database.update("judge_runs")
                    .set(SQLIdentifier("failed_items"), to: SQLRaw("failed_items - \(reset.count)"))
                    .where("id", .equal, runId).run()
            }
            return reset.count
        }
    }

    public func setJudgeRunStatus(runId: Int64, _ status: JudgeRunStatus, message: String?) async throws {
        try await connections.write { database in
            let query = database.update("judge_runs")
                .set("status", to: status.rawValue)
                .set("message", to: message)
                .set("updated_at", to: Date().timeIntervalSince1970)
            // Taking a run up again clears an old request to stop it.
            if status == .running { query.set("cancel_requested", to: false) }
            try await query.where("id", .equal, runId).run()
        }
    }

    public func requestJudgeRunCancel(runId: Int64) async throws {
        try await connections.write { database in
            try await database.update("judge_runs").set("cancel_requested", to: true)
                .set("updated_at", to: Date().timeIntervalSince1970)
                .where("id", .equal, runId).run()
        }
    }

    static func run(_ row: any SQLRow) throws -> JudgeRun {
        let status = try row.decode(column: "status", as: String.self)
        guard let parsed = JudgeRunStatus(rawValue: status) else {
            throw StoreError.invalid("The database holds \"\(status)\" in judge_runs.status, which this prefer does not know; upgrade prefer.")
        }
        return JudgeRun(
            id: try row.decode(column: "id", as: Int64.self),
            judgeId: try row.decode(column: "judge_id", as: Int64.self),
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            selection: try row.decode(column: "selection", as: String.self),
            status: parsed,
            totalItems: try row.decode(column: "total_items", as: Int.self),
            doneItems: try row.decode(column: "done_items", as: Int.self),
            failedItems: try row.decode(column: "failed_items", as: Int.self),
            counters: JudgeRunCounters(
                requests: try row.decode(column: "requests", as: Int.self),
                cached: try row.decode(column: "cached", as: Int.self),
                promptTokens: try row.decode(column: "prompt_tokens", as: Int.self),
                completionTokens: try row.decode(column: "completion_tokens", as: Int.self),
                errors: try row.decode(column: "errors", as: Int.self),
                unparseable: try row.decode(column: "unparseable", as: Int.self),
                consistent: try row.decode(column: "consistent", as: Int.self),
                inconsistent: try row.decode(column: "inconsistent", as: Int.self)),
            message: try row.decode(column: "message", as: String?.self),
            cancelRequested: try row.decode(column: "cancel_requested", as: Bool.self),
            createdAt: Date(timeIntervalSince1970: try row.decode(column: "created_at", as: Double.self)),
            updatedAt: Date(timeIntervalSince1970: try row.decode(column: "updated_at", as: Double.self)))
    }

    static func item(_ row: any SQLRow) throws -> JudgeRunItem {
        let status = try row.decode(column: "status", as: String.self)
        guard let parsed = JudgeRunItem.Status(rawValue: status) else {
            throw StoreError.invalid("The database holds \"\(status)\" in judge_run_items.status, which this prefer does not know; upgrade prefer.")
        }
        return JudgeRunItem(
            id: try row.decode(column: "id", as: Int64.self),
            runId: try row.decode(column: "run_id", as: Int64.self),
            itemKey: try row.decode(column: "item_key", as: String.self),
            promptId: try row.decode(column: "prompt_id", as: Int64.self),
            contenders: try StoreRecords.decodeJSON([Int64].self, try row.decode(column: "contenders", as: String.self)),
            humanVoteId: try row.decode(column: "human_vote_id", as: Int64?.self),
            status: parsed,
            result: try row.decode(column: "result", as: String?.self),
            error: try row.decode(column: "error", as: String?.self))
    }

    // MARK: Validation

    public func setJudgeValidationRule(_ rule: JudgeValidationRule) async throws {
        guard rule.threshold >= 0, rule.threshold <= 1 else {
            throw StoreError.invalid("The agreement threshold must be between 0 and 1 (it is \(rule.threshold)).", field: "threshold")
        }
        guard rule.minBattles >= 1 else {
            throw StoreError.invalid("The least number of battles must be at least 1 (it is \(rule.minBattles)).", field: "minBattles")
        }
        try await connections.write { database in
            try await database.insert(into: "judge_validation_rules")
                .columns("arena_id", "judge_id", "threshold", "min_battles", "updated_at")
                .values(rule.arenaId, rule.judgeId, rule.threshold, Int64(rule.minBattles), Date().timeIntervalSince1970)
                .onConflict(with: ["arena_id", "judge_id"]) {
                    $0.set(excludedValueOf: "threshold").set(excludedValueOf: "min_battles").set(excludedValueOf: "updated_at")
                }
                .run()
        }
    }

    public func judgeValidationRule(arenaId: Int64, judgeId: Int64) async throws -> JudgeValidationRule? {
        try await connections.withConnection { database in
            guard let row = try await database.select().column("*").from("judge_validation_rules")
                .where("arena_id", .equal, arenaId).where("judge_id", .equal, judgeId).first()
            else { return nil }
            return JudgeValidationRule(
                arenaId: arenaId, judgeId: judgeId, threshold: try row.decode(column: "threshold", as: Double.self),
                minBattles: try row.decode(column: "min_battles", as: Int.self))
        }
    }
}
