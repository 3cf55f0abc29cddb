extension StyleControl {
    /// What style control adds to a leaderboard (`Leaderboard.style`): how
    /// much each style feature buys, with its interval, and how the features
    /// were normalised. Its JSON form (snake_case) is part of the leaderboard
    /// contract; a leaderboard without it is not style-controlled.
    public struct Report: Sendable, Codable, Equatable {
        public struct Coefficient: Sendable, Codable, Equatable {
            public var name: String
            /// The number columns of side A and side B.
            public var columns: [String]
            /// Log-odds of winning per standard deviation of the normalised difference.
            public var coefficient: Double
            public var lower: Double?
            public var upper: Double?
            /// Bootstrap standard deviation or sandwich standard error.
            public var se: Double?
            /// The same in Elo points: the rating gap that one standard deviation buys.
            public var elo: Double
            public var eloLower: Double?
            public var eloUpper: Double?
            /// Mean and standard deviation of the normalised difference over the votes.
            public var mean: Double
            public var sd: Double

            enum CodingKeys: String, CodingKey {
                case name, columns, coefficient, lower, upper, se, elo
                case eloLower = "elo_lower"
                case eloUpper = "elo_upper"
                case mean, sd
            }
        }

        public var features: [Coefficient]
        public var normalization: Normalization
        /// The covariate, in words.
        public var covariate: String
        /// What the ratings mean.
        public var ratings: String
        /// Votes in the style-controlled fit.
        public var votes: Int
        /// Votes left out because a style feature was missing.
        public var votesWithoutFeatures: Int
        /// "bootstrap", "sandwich" or "none" (the leaderboard's intervals).
        public var intervals: String
        public var level: Double?
        /// Style-controlled minus plain Bradley–Terry rating, per contender.
        public var shift: [String: Double]

        enum CodingKeys: String, CodingKey {
            case features, normalization, covariate, ratings, votes
            case votesWithoutFeatures = "votes_without_features"
            case intervals, level, shift
        }

        public init(
            features: [Coefficient], normalization: Normalization, votes: Int, votesWithoutFeatures: Int,
            intervals: String, level: Double?, shift: [String: Double]
        ) {
            self.features = features
            self.normalization = normalization
            switch normalization {
            case .relative:
                covariate = "(f_A − f_B)/(f_A + f_B + 1), standardised over the votes (mean 0, SD 1)"
            case .difference:
                covariate = "f_A − f_B, standardised over the votes (mean 0, SD 1)"
            }
            ratings = "strengths with style held at z = 0 (the average style difference), from one joint Bradley–Terry fit with the style covariates"
            self.votes = votes
            self.votesWithoutFeatures = votesWithoutFeatures
            self.intervals = intervals
            self.level = level
            self.shift = shift
        }
    }
}

extension Leaderboard {
    /// The style coefficients as a table (or markdown), after the leaderboard.
    public func styleText(markdown: Bool) -> String {
        guard let style else { return "" }
        let hasIntervals = style.features.contains { $0.lower != nil }
        var header = ["Style feature", "Coef (log-odds/SD)"]
        if hasIntervals { header += ["Lower", "Upper"] }
        header += ["Elo/SD"]
        if hasIntervals { header += ["Elo lower", "Elo upper"] }
        header += ["Columns"]
        var rows: [[String]] = []
        for f in style.features {
            var row = [f.name, fixed(f.coefficient, 4)]
            if hasIntervals { row += [f.lower.map { fixed($0, 4) } ?? "", f.upper.map { fixed($0, 4) } ?? ""] }
            row.append(fixed(f.elo, 1))
            if hasIntervals { row += [f.eloLower.map { fixed($0, 1) } ?? "", f.eloUpper.map { fixed($0, 1) } ?? ""] }
            row.append(f.columns.joined(separator: ", "))
            rows.append(row)
        }
        let right = Set(1..<(header.count - 1))
        var out = "\n" + (markdown ? markdownTable(header, rows, right: right) : alignedTable(header, rows, right: right))
        var note = "Style control: ratings are \(style.ratings); covariate per feature: \(style.covariate); \(grouped(style.votes)) votes"
        if style.votesWithoutFeatures > 0 { note += " (\(grouped(style.votesWithoutFeatures)) without style features left out)" }
        if let level = style.level, style.intervals != "none" {
            note += "; \(Int((level * 100).rounded()))% \(style.intervals) intervals"
        }
        note += "."
        out += "\n" + (markdown ? "_\(note)_" : note) + "\n"
        return out
    }
}
