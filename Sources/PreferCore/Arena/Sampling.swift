/// How an arena picks the next pair of contenders to show.
public enum Sampling: String, Sendable, Hashable, Codable, CaseIterable {
    /// Every pair of contenders with outputs for the prompt is equally likely.
    case uniform
    /// A pair is drawn ∝ the product of the contenders' weights.
    case weighted
}
