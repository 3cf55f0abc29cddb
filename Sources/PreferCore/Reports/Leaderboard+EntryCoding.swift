extension Leaderboard.Entry {
    /// The JSON contract of a leaderboard row. A contender whose interval is
    /// withheld (`noInterval`: too few votes, or resamples that could not
    /// vary) has `lower`, `upper` and `se` null beside the reason: bounds
    /// equal to the rating would read as certainty to a client that does not
    /// look at `no_interval`. Every other field is written when present, as
    /// the synthesised encoding did.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(rating, forKey: .rating)
        if noInterval == nil {
            try c.encode(lower, forKey: .lower)
            try c.encode(upper, forKey: .upper)
        } else {
            try c.encodeNil(forKey: .lower)
            try c.encodeNil(forKey: .upper)
        }
        try c.encode(votes, forKey: .votes)
        try c.encode(rank, forKey: .rank)
        try c.encode(rankUB, forKey: .rankUB)
        try c.encodeIfPresent(rankLower, forKey: .rankLower)
        try c.encodeIfPresent(rankUpper, forKey: .rankUpper)
        if noInterval == nil { try c.encodeIfPresent(standardError, forKey: .standardError) }
        try c.encodeIfPresent(elo, forKey: .elo)
        try c.encode(winRate, forKey: .winRate)
        try c.encode(provisional, forKey: .provisional)
        try c.encodeIfPresent(group, forKey: .group)
        try c.encodeIfPresent(auditShift, forKey: .auditShift)
        try c.encodeIfPresent(retired, forKey: .retired)
        try c.encodeIfPresent(noInterval, forKey: .noInterval)
    }

    /// Reads what `encode(to:)` writes; null bounds are the rating.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rating = try c.decode(Double.self, forKey: .rating)
        self.init(
            name: try c.decode(String.self, forKey: .name), rating: rating,
            lower: try c.decodeIfPresent(Double.self, forKey: .lower) ?? rating,
            upper: try c.decodeIfPresent(Double.self, forKey: .upper) ?? rating,
            votes: try c.decode(Int.self, forKey: .votes), rank: try c.decode(Int.self, forKey: .rank),
            rankUB: try c.decode(Int.self, forKey: .rankUB),
            rankLower: try c.decodeIfPresent(Int.self, forKey: .rankLower),
            rankUpper: try c.decodeIfPresent(Int.self, forKey: .rankUpper),
            standardError: try c.decodeIfPresent(Double.self, forKey: .standardError),
            elo: try c.decodeIfPresent(Double.self, forKey: .elo),
            winRate: try c.decode(Double.self, forKey: .winRate),
            provisional: try c.decode(Bool.self, forKey: .provisional),
            group: try c.decodeIfPresent(Int.self, forKey: .group),
            auditShift: try c.decodeIfPresent(Double.self, forKey: .auditShift),
            retired: try c.decodeIfPresent(Bool.self, forKey: .retired),
            noInterval: try c.decodeIfPresent(String.self, forKey: .noInterval))
    }
}
