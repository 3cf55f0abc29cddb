/// How a pairwise tie enters the likelihood.
///
/// - `half`: half a win to each side (Prefer's and LMArena's default; the
///   Bradley–Terry likelihood with fractional scores).
/// - `davidson`: Davidson (1970), "On extending the Bradley–Terry model to
///   accommodate ties in paired comparison experiments": with πᵢ = e^θᵢ,
///   P(i beats j) = πᵢ / (πᵢ + πⱼ + ν√(πᵢπⱼ)), P(tie) = ν√(πᵢπⱼ) / (same);
///   the tie parameter ν ≥ 0. Given a decisive result, P(i beats j) is the
///   Bradley–Terry probability, so ratings keep their Elo meaning.
/// - `raoKupper`: Rao & Kupper (1967), "Ties in paired-comparison
///   experiments: a generalization of the Bradley–Terry model":
///   P(i beats j) = πᵢ / (πᵢ + θπⱼ), P(tie) = (θ² − 1)πᵢπⱼ / ((πᵢ + θπⱼ)(θπᵢ + πⱼ));
///   the tie parameter θ ≥ 1 (a logistic latent difference with a
///   threshold band of half-width log θ).
///
/// K-way votes have no ties; the tie model applies to the pairwise votes.
public enum TieModel: String, Sendable, Hashable, CaseIterable, Codable {
    case half
    case davidson
    case raoKupper = "rao-kupper"

    /// Whether the model has a tie parameter to estimate.
    public var hasParameter: Bool { self != .half }

    /// The tie parameter's value when the votes hold no tie (its boundary,
    /// where the model is Bradley–Terry on the decisive votes).
    public var boundaryParameter: Double? {
        switch self {
        case .half: nil
        case .davidson: 0
        case .raoKupper: 1
        }
    }

    /// The `method.ties` sentence.
    public var description: String {
        switch self {
        case .half: "half a win each side"
        case .davidson: "Davidson (1970): P(tie) = ν√(πᵢπⱼ)/(πᵢ + πⱼ + ν√(πᵢπⱼ)); tie_parameter is ν"
        case .raoKupper: "Rao–Kupper (1967): P(i beats j) = πᵢ/(πᵢ + θπⱼ); tie_parameter is θ"
        }
    }
}

/// What a "both bad" pairwise vote counts as when ranking.
public enum BothBadPolicy: String, Sendable, Hashable, CaseIterable, Codable {
    /// A tie (the default, as in LMArena).
    case tie
    /// Left out of the ranking (kept in the data).
    case drop
}
