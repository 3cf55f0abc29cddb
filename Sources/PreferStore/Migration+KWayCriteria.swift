import SQLKit

extension Migration {
    /// Criteria on K-way arenas (issue 11): per criterion the annotator asks
    /// ("which is most helpful?", "which looks best?"), the position a K-way
    /// vote picked best on it — the best-of-K counterpart of a pairwise
    /// vote's `criteria` choices.
    ///
    /// - `kway_vote_criteria`: one row per vote and criterion answered
    ///   (primary key: vote, criterion). `position` (1…K) references the
    ///   vote's own candidate (`kway_vote_members (vote_id, position)`), so a
    ///   pick cannot name a position the battle did not show; a criterion's
    ///   name is 1 to 100 characters, as the arena's criteria are. Which
    ///   criteria an arena asks is checked by the server before writing.
    /// - Deleting a vote or its arena deletes its picks (the arena directly,
    ///   as for `kway_vote_members`: PostgreSQL checks keys before a
    ///   second-level cascade).
    static let kwayCriteria = Migration(version: 14, name: "criteria on k-way votes") { database in
        try await database.create(table: "kway_vote_criteria")
            .column("vote_id", type: .bigint, .notNull)
            .column("arena_id", type: .bigint, .notNull)
            .column("criterion", type: .text, .notNull)
            .column("position", type: .bigint, .notNull)
            .primaryKey("vote_id", "criterion")
            .foreignKey(["arena_id"], references: "arenas", ["id"], onDelete: .cascade, named: "kway_vote_criteria_arena_fkey")
            .foreignKey(
                ["arena_id", "vote_id"], references: "kway_votes", ["arena_id", "id"], onDelete: .cascade,
                named: "kway_vote_criteria_vote_fkey")
            .foreignKey(
                ["vote_id", "position"], references: "kway_vote_members", ["vote_id", "position"], onDelete: .cascade,
                named: "kway_vote_criteria_member_fkey")
            .check(SQLRaw("position BETWEEN 1 AND 8"), named: "kway_vote_criteria_position_check")
            .check(SQLRaw("length(criterion) BETWEEN 1 AND 100"), named: "kway_vote_criteria_name_check")
            .run()
    }
}
