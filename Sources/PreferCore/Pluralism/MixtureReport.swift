import Foundation

/// The mixture of preference types as `prefer rank --mixture` reports it
/// under the leaderboard's `"mixture"` key (a contract, snake_case keys):
///
///     "mixture": {"types": T, "bic": [{"types", "bic"}…],
///                 "classes": [{"share", "contenders": [{"name", "rating", "lower", "upper"}]}],
///                 "voters": [{"voter", "type", "posterior"}],
///                 "attributes": [...], "method": {...}, "warnings": [...]}
///
/// Types are numbered from 0 in `classes` order (largest share first);
/// contenders within a class are listed best first. `voters` names each
/// annotator's most probable type and its posterior probability, and never
/// carries an attribute; `attributes` holds only counts per value.
public struct MixtureReport: Sendable, Codable {
    public struct Criterion: Sendable, Codable, Equatable {
        public var types: Int
        public var bic: Double
    }

    public struct Rating: Sendable, Codable, Equatable {
        public var name: String
        public var rating: Double
        public var lower: Double
        public var upper: Double
    }

    public struct TypeClass: Sendable, Codable, Equatable {
        public var share: Double
        public var contenders: [Rating]
    }

    public struct VoterType: Sendable, Codable, Equatable {
        public var voter: String
        public var type: Int
        public var posterior: Double
    }

    public struct Method: Sendable, Codable, Equatable {
        public var model = "latent-class bradley-terry mixture over annotators"
        public var fit = "em"
        public var criterion = "bic = -2 log L + T(n-1) log(votes) + (T-1) log(annotators)"
        /// "chosen by bic" or "fixed".
        public var selection: String
        public var restarts: Int
        public var warmupIterations: Int
        public var seed: UInt64
        public var ridge: Double
        public var iterations: Int
        public var converged: Bool
        public var logLikelihood: Double
        /// "observed-information", "bootstrap-annotators" or "none".
        public var intervals: String
        public var level: Double?
        public var rounds: Int?
        public var votes: Int
        public var annotators: Int
        public var contenders: Int
        public var votesWithoutVoter: Int
        /// The K-way votes among `votes` (left out when there are none).
        public var kwayVotes: Int?

        enum CodingKeys: String, CodingKey {
            case model, fit, criterion, selection, restarts
            case warmupIterations = "warmup_iterations"
            case seed, ridge, iterations, converged
            case logLikelihood = "log_likelihood"
            case intervals, level, rounds, votes, annotators, contenders
            case votesWithoutVoter = "votes_without_voter"
            case kwayVotes = "kway_votes"
        }
    }

    /// How the vote audit's flagged voters fall into the types, when the
    /// audit ran: a minority type disagrees with the consensus by design, so
    /// the audit's consensus test tends to flag its members.
    public struct AuditOverlap: Sendable, Codable, Equatable {
        public var flaggedVoters: Int
        /// Flagged voters assigned to each type, in `classes` order.
        public var flaggedByType: [Int]

        enum CodingKeys: String, CodingKey {
            case flaggedVoters = "flagged_voters"
            case flaggedByType = "flagged_by_type"
        }
    }

    public var types: Int
    public var bic: [Criterion]
    public var classes: [TypeClass]
    public var voters: [VoterType]
    /// Attribute × type tables, when attributes were asked for.
    public var attributes: [TypeAttributeTable]?
    public var audit: AuditOverlap?
    public var method: Method
    public var warnings: [String]

    /// How to put intervals on the per-type ratings.
    public enum Intervals: Sendable, Hashable {
        case none
        /// The observed information of the marginal likelihood (`MixtureInformation`).
        case observedInformation
        /// The bootstrap over annotators (`MixtureBootstrap`).
        case bootstrap(rounds: Int, seed: UInt64)
    }

    /// Fits the mixture to `table` (T by BIC, or `types`), puts intervals
    /// on each type's ratings and, for each of `attributes` present in the
    /// votes, tabulates the attribute against the types. `flaggedVoters`
    /// (the vote audit's) are kept in the fit and counted per type. This is
    /// the call a server makes for a mixture view.
    public static func make(
        from table: VoteTable,
        mixture: BradleyTerryMixture,
        types: Int? = nil,
        intervals: Intervals = .observedInformation,
        level: Double = 0.95,
        attributes: [String] = [],
        minimumGroup: Int = 5,
        flaggedVoters: Set<String>? = nil,
        progress: (@Sendable (_ step: String, _ done: Int, _ total: Int) -> Void)? = nil
    ) throws(RatingError) -> MixtureReport {
        guard level > 0 && level < 1 else {
            throw RatingError("--level must be between 0 and 1 (exclusive), e.g. 0.95; got \(level).")
        }
        let compact = table.hasContendersWithoutVotes ? table.compacted() : table
        let data = AnnotatorPairCounts(compact)
        let selection = try mixture.select(data, types: types) { done, total in progress?("mixture fit", done, total) }
        let fit = selection.chosen
        var warnings: [String] = []
        if data.votesWithoutVoter > 0 {
            warnings.append("\(data.votesWithoutVoter) votes have no voter and were left out of the mixture.")
        }
        if !fit.converged {
            warnings.append("EM did not converge within \(mixture.maxIterations) iterations for T = \(fit.types); the mixture may be inaccurate.")
        }
        let lower: [[Double]]
        let upper: [[Double]]
        var methodName = "none"
        var rounds: Int?
        switch intervals {
        case .none:
            lower = fit.ratings
            upper = fit.ratings
        case .observedInformation:
            let result = MixtureInformation(level: level).compute(data, fit: fit)
            lower = result.lower
            upper = result.upper
            warnings += result.warnings
            methodName = "observed-information"
        case .bootstrap(let count, let seed):
            var bootstrap = MixtureBootstrap(rounds: count, seed: seed, level: level, threads: mixture.threads)
            bootstrap.maxIterations = mixture.maxIterations
            let result = bootstrap.run(data, fit: fit) { done, total in progress?("mixture bootstrap round", done, total) }
            lower = result.lower
            upper = result.upper
            warnings += result.warnings
            methodName = "bootstrap-annotators"
            rounds = count
        }
        let classes = (0..<fit.types).map { k in
            let order = (0..<data.contenderCount).sorted {
                (fit.ratings[k][$0], data.contenders[$1]) > (fit.ratings[k][$1], data.contenders[$0])
            }
            return TypeClass(share: fit.shares[k], contenders: order.map { c in
                Rating(name: data.contenders[c], rating: fit.ratings[k][c], lower: lower[k][c], upper: upper[k][c])
            })
        }
        let voters = (0..<data.voterCount).map { u in
            VoterType(voter: data.voters[u], type: fit.assignedType(of: u), posterior: fit.posterior(of: u))
        }
        var tables: [TypeAttributeTable]?
        if !attributes.isEmpty {
            var found: [TypeAttributeTable] = []
            for field in attributes {
                if let t = TypeAttributeTable(field: field, table: compact, data: data, fit: fit, minimumGroup: minimumGroup) {
                    found.append(t)
                } else {
                    warnings.append("The votes have no field \"\(field)\", so it cannot explain the types.")
                }
            }
            tables = found
        }
        var overlap: AuditOverlap?
        if let flaggedVoters {
            var byType = [Int](repeating: 0, count: fit.types)
            for v in voters where flaggedVoters.contains(v.voter) { byType[v.type] += 1 }
            let total = byType.reduce(0, +)
            overlap = AuditOverlap(flaggedVoters: total, flaggedByType: byType)
            if total > 0 && fit.types > 1 {
                let list = byType.enumerated().map { "\($1) in type \($0)" }.joined(separator: ", ")
                warnings.append("The vote audit flagged \(total) of these voters (\(list)); the mixture keeps them, because disagreeing with the majority is what a minority type does. Where the flagged voters crowd into one type, read that type before trusting the audit.")
            }
        }
        var method = Method(
            selection: types == nil ? "chosen by bic among 1...\(selection.fits.last?.types ?? 1)" : "fixed",
            restarts: mixture.restarts,
            warmupIterations: mixture.warmupIterations,
            seed: mixture.seed,
            ridge: mixture.ridge,
            iterations: fit.iterations,
            converged: fit.converged,
            logLikelihood: fit.logLikelihood,
            intervals: methodName,
            level: methodName == "none" ? nil : level,
            rounds: rounds,
            votes: data.totalVotes,
            annotators: data.voterCount,
            contenders: data.contenderCount,
            votesWithoutVoter: data.votesWithoutVoter
        )
        if data.kwayVotes > 0 {
            method.model = "latent-class plackett-luce mixture over annotators (bradley-terry on pairs)"
            method.kwayVotes = data.kwayVotes
        }
        return MixtureReport(
            types: fit.types,
            bic: selection.fits.map { Criterion(types: $0.types, bic: $0.bic) },
            classes: classes,
            voters: voters,
            attributes: tables,
            audit: overlap,
            method: method,
            warnings: warnings
        )
    }
}
