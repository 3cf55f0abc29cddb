import Foundation
import PreferCore
import SQLKit

/// An arena's stored routing settings, with the judge's id.
public struct StoredRouting: Sendable, Hashable {
    public var arenaId: Int64
    public var judgeId: Int64
    public var settings: HybridRouting

    public init(arenaId: Int64, judgeId: Int64, settings: HybridRouting) {
        self.arenaId = arenaId
        self.judgeId = judgeId
        self.settings = settings
    }
}

/// What live hybrid routing keeps: each arena's settings (`arena_routing`)
/// and the items of its routing run, added one candidate battle at a time.
public protocol RoutingStore: JudgeStore {
    /// Stores (or replaces) the arena's routing settings; `settings.judge` must name `judgeId`'s judge.
    func setArenaRouting(_ routing: StoredRouting) async throws
    func arenaRouting(arenaId: Int64) async throws -> StoredRouting?
    /// Every arena's settings (enabled or not).
    func arenaRoutings() async throws -> [StoredRouting]
    /// Adds an item to a run (its `total_items` grows by one), or returns the
    /// item already stored under the same key.
    func addJudgeRunItem(runId: Int64, _ item: NewJudgeRunItem) async throws -> JudgeRunItem
}

extension SQLPreferStore: RoutingStore {
    public func setArenaRouting(_ routing: StoredRouting) async throws {
        let settings = routing.settings
        try await connections.write { database in
            try await database.insert(into: "arena_routing")
                .columns("arena_id", "judge_id", "enabled", "human_share", "audit_share", "updated_at")
                .values(
                    routing.arenaId, routing.judgeId, settings.enabled, settings.humanShare, settings.auditShare,
                    Date().timeIntervalSince1970)
                .onConflict(with: ["arena_id"]) {
                    $0.set(excludedValueOf: "judge_id").set(excludedValueOf: "enabled").set(excludedValueOf: "human_share")
                        .set(excludedValueOf: "audit_share").set(excludedValueOf: "updated_at")
                }
                .run()
        }
    }

    public func arenaRouting(arenaId: Int64) async throws -> StoredRouting? {
        try await connections.withConnection { database in
            try await Self.routingQuery(database).where(SQLColumn("arena_id", table: "arena_routing"), .equal, SQLBind(arenaId)).first().map(Self.routing)
        }
    }

    public func arenaRoutings() async throws -> [StoredRouting] {
        try await connections.withConnection { database in
            try await Self.routingQuery(database).orderBy(SQLColumn("arena_id", table: "arena_routing")).all().map(Self.routing)
        }
    }

    public func addJudgeRunItem(runId: Int64, _ item: NewJudgeRunItem) async throws -> JudgeRunItem {
        try await connections.write { database in
            if let existing = try await database.select().column("*").from("judge_run_items")
                .where("run_id", .equal, runId).where("item_key", .equal, item.itemKey).first() {
                return try Self.item(existing)
            }
            try await database.insert(into: "judge_run_items")
                .columns("run_id", "item_key", "prompt_id", "contenders", "human_vote_id")
                .values(
                    SQLBind(runId), SQLBind(item.itemKey), SQLBind(item.promptId),
                    SQLBind(try StoreRecords.encodeJSON(item.contenders)), SQLBind(item.humanVoteId))
                .run()
            try await database.update("judge_runs")
                .set("total_items", to: SQLBinaryExpression(SQLColumn("total_items"), .add, SQLLiteral.numeric("1")))
                .set("updated_at", to: Date().timeIntervalSince1970)
                .where("id", .equal, runId).run()
            guard let row = try await database.select().column("*").from("judge_run_items")
                .where("run_id", .equal, runId).where("item_key", .equal, item.itemKey).first() else {
                throw StoreError.unavailable("The new judge run item could not be read back; try again.")
            }
            return try Self.item(row)
        }
    }

    private static func routingQuery(_ database: any SQLDatabase) -> SQLSelectBuilder {
        database.select()
            .column(SQLColumn("arena_id", table: "arena_routing")).column(SQLColumn("judge_id", table: "arena_routing"))
            .column(SQLColumn("enabled", table: "arena_routing")).column(SQLColumn("human_share", table: "arena_routing"))
            .column(SQLColumn("audit_share", table: "arena_routing")).column(SQLColumn("name", table: "judges"))
            .from("arena_routing")
            .join("judges", on: SQLColumn("judge_id", table: "arena_routing"), .equal, SQLColumn("id", table: "judges"))
    }

    private static func routing(_ row: any SQLRow) throws -> StoredRouting {
        StoredRouting(
            arenaId: try row.decode(column: "arena_id", as: Int64.self),
            judgeId: try row.decode(column: "judge_id", as: Int64.self),
            settings: HybridRouting(
                judge: try row.decode(column: "name", as: String.self),
                humanShare: try row.decode(column: "human_share", as: Double.self),
                auditShare: try row.decode(column: "audit_share", as: Double.self),
                enabled: try row.decode(column: "enabled", as: Bool.self)))
    }
}
