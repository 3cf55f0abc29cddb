/// The Wilson score interval for a binomial proportion (Wilson 1927): the
/// proportions p whose score test |p̂ − p| / √(p(1−p)/n) ≤ z does not reject.
/// Unlike the Wald interval it stays inside [0, 1] and keeps close to its
/// nominal coverage for small n and proportions near 0 or 1. O(1).
public enum WilsonInterval {
    /// The interval for `successes` out of `trials` at coverage `level`;
    /// (0, 1) when there are no trials.
    public static func bounds(successes: Double, trials: Double, level: Double = 0.95) -> (lower: Double, upper: Double) {
        guard trials > 0 else { return (0, 1) }
        let z = Normal.quantile(1 - (1 - level) / 2)
        let p = successes / trials
        let z2 = z * z
        let denominator = 1 + z2 / trials
        let centre = (p + z2 / (2 * trials)) / denominator
        let half = z / denominator * (p * (1 - p) / trials + z2 / (4 * trials * trials)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}
