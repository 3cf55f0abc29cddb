import PreferCore
import Synchronization

/// The pair distributions of the arenas that sample actively, prepared in
/// the background and read by the battle path without a query, a fit or a
/// wait.
///
/// `LeaderboardCache` refits an arena's `PairSampler` (Bradley–Terry on the
/// votes read so far, then the rule's plan: floor share, per-pair cap,
/// bursts for new contenders) on its fits' thread whenever the arena has new
/// votes — at most once per `minimumInterval` — or a new index or policy
/// (at once), and installs the result here as a `Prepared` table. Drawing
/// a battle then costs a lock, a binary search over the cumulative array
/// (O(log pairs)) and a few lookups to pick a prompt the pair shares.
///
/// An arena is refreshed while battles are drawn from it (`keepFresh`):
/// each draw marks it wanted.
final class ActivePairs: Sendable {
    /// The drawable pairs of one arena with their cumulative probabilities,
    /// for the index (`indexVersion`) and policy they were made for.
    struct Prepared: Sendable {
        let policy: SamplingPolicy
        /// Votes read when the table was made (every source, before the
        /// audit): what tells the cache that new votes came.
        let votesUsed: Int
        /// Votes the fit was made on: those the published board ranks.
        let votesFitted: Int
        /// The `ArenaIndex.version` whose contenders and outputs it covers.
        let indexVersion: UInt64
        /// The sampler the table comes from (used, prompt first, while the
        /// index has changed and the next table is being made).
        let sampler: PairSampler
        /// Contender ids of the drawable pairs (both current, with a prompt in common).
        let first: [Int64]
        let second: [Int64]
        /// Running sums of the pairs' weights (the plan restricted to the drawable pairs).
        let cumulative: [Double]
        /// Contender → the battle prompts it has an output for (id order).
        let prompts: [Int64: [Int64]]

        var pairCount: Int { cumulative.count }

        /// P(pair k) among the drawable pairs.
        func probability(_ k: Int) -> Double {
            guard let total = cumulative.last, total > 0, cumulative.indices.contains(k) else { return 0 }
            return (cumulative[k] - (k > 0 ? cumulative[k - 1] : 0)) / total
        }

        /// The table for `index` from the votes `table` (the background's
        /// work: a Bradley–Terry fit and the rule's plan, then O(k²) pairs
        /// for k current contenders), `votesRead` votes having been read.
        /// Throws for invalid active settings only.
        init(index: ArenaIndex, table: VoteTable, votesRead: Int? = nil, previous: PairSampler? = nil) throws(SamplingPolicyError) {
            policy = index.arena.samplingPolicy
            votesUsed = votesRead ?? table.count
            votesFitted = table.count
            indexVersion = index.version
            sampler = try PairSampler(policy: policy, counts: PairCounts(table), previous: previous)
            var prompts: [Int64: [Int64]] = [:]
            for prompt in index.battlePrompts {
                for contender in index.outputByPromptAndContender[prompt]?.keys.sorted() ?? [] {
                    prompts[contender, default: []].append(prompt)
                }
            }
            let ids = prompts.keys.sorted()
            let sets = ids.map { Set(prompts[$0] ?? []) }
            var first: [Int64] = []
            var second: [Int64] = []
            var cumulative: [Double] = []
            var total = 0.0
            for i in ids.indices {
                guard let a = index.contenders[ids[i]]?.name else { continue }
                for j in (i + 1)..<ids.count where !sets[i].isDisjoint(with: sets[j]) {
                    guard let b = index.contenders[ids[j]]?.name else { continue }
                    let w = sampler.weight(a, b)
                    guard w.isFinite, w > 0 else { continue }
                    total += w
                    first.append(ids[i])
                    second.append(ids[j])
                    cumulative.append(total)
                }
            }
            self.first = first
            self.second = second
            self.cumulative = cumulative
            self.prompts = prompts
        }

        /// A pair ∝ its weight and a prompt both have outputs for
        /// (uniformly among those), or nil when there is no drawable pair.
        /// Sides are the caller's coin flip.
        func draw<R: RandomNumberGenerator>(
            in index: ArenaIndex, using rng: inout R
        ) -> (prompt: Int64, a: Int64, b: Int64)? {
            guard let k = RunningSums.draw(from: cumulative, using: &rng) else { return nil }
            let (a, b) = (first[k], second[k])
            guard let listA = prompts[a], let listB = prompts[b] else { return nil }
            // Rejection from the shorter list: uniform over the prompts they share.
            let (list, other) = listA.count <= listB.count ? (listA, b) : (listB, a)
            for _ in 0..<32 {
                if let p = list.randomElement(using: &rng), index.outputByPromptAndContender[p]?[other] != nil {
                    return (p, a, b)
                }
            }
            let shared = list.filter { index.outputByPromptAndContender[$0]?[other] != nil }
            return shared.randomElement(using: &rng).map { ($0, a, b) }
        }
    }

    /// What the published board kept of an arena's people's votes
    /// (`LeaderboardCache.Entry`): one flag per vote it saw (nil: all), and
    /// the voters it left out.
    struct Board: Sendable {
        var kept: [Bool]?
        var flaggedVoters: Set<String>
    }

    /// The votes an active arena's pair table is fitted on: the votes the
    /// published board ranks — people's votes (a judge's never steer the
    /// draw, as they never enter the board), without those the vote audit
    /// removes — so that the plan's intervals are the board's.
    ///
    /// - With the published board's audit (`board`): the rows it kept, and
    ///   of the votes read since, those of voters it did not leave out.
    /// - Without one (no board asked for yet, or the votes were read again
    ///   from the start): `audit` runs on the people's votes (the board's own
    ///   audit, `LeaderboardCache.audited`).
    ///
    /// Never empty when people have voted: if the audit removes every vote,
    /// the board ranks them all, and so does the table.
    static func boardVotes(
        _ stored: ArenaVotes, board: Board?,
        audit: (ArenaVotes) -> (ranked: VoteTable, audit: VoteAudit.Result?, kept: [Bool]?, flaggedVoters: Set<String>, fallback: String?, problems: [String])
    ) -> VoteTable {
        let humans = stored.only(.human)
        let table = humans.table
        guard let board, (board.kept?.count ?? 0) <= table.count else { return audit(humans).ranked }
        guard let kept = board.kept else {
            // The board ranked every vote: no voters, the audit could not run, or it would have removed all.
            return table
        }
        var keep = kept
        keep.reserveCapacity(table.count)
        let voters = table.voters
        for row in kept.count..<table.count {
            let voter = voters?[row]
            keep.append(voter.map { !board.flaggedVoters.contains($0) } ?? true)
        }
        let cleaned = table.filtered(keep)
        return cleaned.isEmpty ? table : cleaned
    }

    private let tables = Mutex<[Int64: Prepared]>([:])
    private let drawnAt = Mutex<[Int64: ContinuousClock.Instant]>([:])

    /// The table of `arena`, if one was made.
    func prepared(_ arena: Int64) -> Prepared? {
        tables.withLock { $0[arena] }
    }

    /// Installs a new table, unless one made for the same index and policy
    /// from more votes is there already (two refreshes that overlapped).
    @discardableResult
    func install(_ prepared: Prepared, arena: Int64) -> Prepared {
        tables.withLock { tables in
            if let existing = tables[arena], existing.indexVersion == prepared.indexVersion,
               existing.policy == prepared.policy, existing.votesUsed > prepared.votesUsed {
                return existing
            }
            tables[arena] = prepared
            return prepared
        }
    }

    /// Marks `arena` as drawn from now.
    func drawn(_ arena: Int64) {
        drawnAt.withLock { $0[arena] = .now }
    }

    /// The arenas drawn from within `keepFresh` of `now`.
    func wanted(within keepFresh: Duration, now: ContinuousClock.Instant) -> [Int64] {
        drawnAt.withLock { $0.filter { now - $0.value < keepFresh }.keys.sorted() }
    }

    func forget(_ arena: Int64) {
        tables.withLock { $0[arena] = nil }
        drawnAt.withLock { $0[arena] = nil }
    }
}
