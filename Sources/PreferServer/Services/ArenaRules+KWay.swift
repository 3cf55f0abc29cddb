extension ArenaRules {
    /// How many outputs a battle shows: 2 (pairwise, the default) to 8.
    static func k(_ k: Int) throws -> Int {
        guard (2...8).contains(k) else {
            throw PreferError.invalidField("k", "k must be 2 (pairwise battles) to 8 (pick the best of 8); got \(k).")
        }
        return k
    }
}
