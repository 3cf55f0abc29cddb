/// Which rating model a leaderboard is fitted with.
///
/// The model is one choice among others that shape a fit: the tie model
/// (`LeaderboardOptions.ties`), the treatment of "both bad" votes, and
/// options that adjust a model (style covariates, for one) sit beside it in
/// `LeaderboardOptions` rather than multiplying its cases.
public enum LeaderboardModel: String, Sendable, Hashable, CaseIterable, Codable {
    /// Plackett–Luce when the votes include K-way votes, else Bradley–Terry.
    case automatic
    /// Pairwise votes only (`BradleyTerry`, or `PlackettLuce`'s engine with a tie model).
    case bradleyTerry = "bradley-terry"
    /// K-way and pairwise votes (`PlackettLuce`).
    case plackettLuce = "plackett-luce"
}

/// The model a leaderboard uses for a given set of votes, and why.
public struct ModelSelection: Sendable, Hashable {
    /// `.bradleyTerry` or `.plackettLuce`, never `.automatic`.
    public var model: LeaderboardModel
    /// Whether the model was chosen from the votes rather than asked for.
    public var automatic: Bool
    /// Why, in a sentence (for `method.model_reason`).
    public var reason: String
    /// Whether the fit is `PlackettLuce`'s (K-way votes, or a tie model)
    /// rather than `BradleyTerry`'s on pair counts.
    public var usesPlackettLuce: Bool
}

extension LeaderboardOptions {
    /// Checks the model settings against the other options (not the votes).
    func validateModel() throws(RatingError) {
        let choice = model == .plackettLuce || ties != .half
        if choice && estimator.l2 > 0 {
            throw .invalidOption("--l2 is LMArena's penalised Bradley–Terry fit with ties as half wins; it does not combine with --model plackett-luce or --ties \(ties.rawValue). Leave out --l2.")
        }
        if choice, case .sandwich = intervals {
            throw .invalidOption("--ci sandwich is computed for Bradley–Terry with ties as half wins; with --model plackett-luce or a tie model use --bootstrap N.")
        }
    }

    /// The model for `votes`: as asked, or, when automatic, Plackett–Luce if
    /// any vote is K-way. Throws when Bradley–Terry is asked for K-way votes
    /// or when the settings do not suit the model the votes need.
    public func selectModel(for votes: VoteTable) throws(RatingError) -> ModelSelection {
        let kway = votes.kway.count
        var selection: ModelSelection
        switch model {
        case .bradleyTerry:
            guard kway == 0 else {
                throw .invalidOption("--model bradley-terry ranks pairwise votes; these votes include \(kway) K-way vote\(kway == 1 ? "" : "s") (candidates, ranking). Use --model plackett-luce, or leave --model out to choose it from the votes.")
            }
            selection = ModelSelection(model: .bradleyTerry, automatic: false, reason: "requested", usesPlackettLuce: false)
        case .plackettLuce:
            selection = ModelSelection(model: .plackettLuce, automatic: false, reason: "requested", usesPlackettLuce: true)
        case .automatic:
            if kway > 0 {
                selection = ModelSelection(
                    model: .plackettLuce, automatic: true,
                    reason: "chosen automatically: the votes include \(kway) K-way vote\(kway == 1 ? "" : "s") (best of K or rankings)",
                    usesPlackettLuce: true)
            } else {
                selection = ModelSelection(
                    model: .bradleyTerry, automatic: true,
                    reason: "chosen automatically: the votes are pairwise", usesPlackettLuce: false)
            }
        }
        if ties != .half { selection.usesPlackettLuce = true }
        if selection.usesPlackettLuce && estimator.l2 > 0 {
            throw .invalidOption("--l2 is LMArena's penalised Bradley–Terry fit for pairwise votes with ties as half wins; these votes are fitted with \(selection.model == .plackettLuce ? "Plackett–Luce" : "a tie model"). Leave out --l2.")
        }
        if selection.usesPlackettLuce, case .sandwich = intervals {
            throw .invalidOption("--ci sandwich is computed for Bradley–Terry with ties as half wins; these votes are fitted with \(selection.model == .plackettLuce ? "Plackett–Luce" : "a tie model"): use --bootstrap N.")
        }
        return selection
    }
}
