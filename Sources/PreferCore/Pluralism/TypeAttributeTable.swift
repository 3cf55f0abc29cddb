import Foundation

/// Which annotator attribute predicts the preference type: a contingency
/// table of attribute value × assigned type with the likelihood-ratio
/// (G) test of independence (Wilks 1938; Agresti 2013, §3.2) and
/// Cramér's V as the effect size.
///
/// Each annotator's value is the most frequent non-missing value among their
/// votes, pairwise and K-way (annotators without one are counted as missing and left out). A
/// value held by fewer than `minimumGroup` annotators is merged into
/// "other", so that no small group can be singled out; the table holds
/// counts only, never an annotator's name next to an attribute.
/// G = 2 Σ O log(O/E) over the non-empty rows and columns, df = (r−1)(c−1),
/// p = P(χ²_df ≥ G); V = √(G / (N·min(r−1, c−1))). O(votes) to read the
/// values, O(r·c) for the test.
public struct TypeAttributeTable: Sendable, Codable, Equatable {
    public struct Row: Sendable, Codable, Equatable {
        public var value: String
        public var annotators: Int
        /// Annotators of this value assigned to each type.
        public var counts: [Int]
        /// The same as shares of the value's annotators.
        public var shares: [Double]
    }

    public var field: String
    public var annotators: Int
    /// Annotators with no value for the field.
    public var missing: Int
    public var rows: [Row]
    /// The likelihood-ratio statistic G and its degrees of freedom.
    public var g: Double
    public var df: Int
    public var pValue: Double
    public var cramersV: Double
    /// Values merged into "other" because fewer than this many annotators hold them.
    public var minimumGroup: Int

    enum CodingKeys: String, CodingKey {
        case field, annotators, missing, rows, g, df
        case pValue = "p_value"
        case cramersV = "cramers_v"
        case minimumGroup = "minimum_group"
    }

    public static let other = "other"

    /// The table for `field` of `table`, with annotators as in `data` and types from `fit`.
    /// Nil when the votes have no such field.
    public init?(
        field: String,
        table: VoteTable,
        data: AnnotatorPairCounts,
        fit: MixtureFit,
        minimumGroup: Int = 5
    ) {
        let pairwiseColumn = table.attributes[field]
        let kwayColumn = table.kway.attributes[field]
        guard pairwiseColumn != nil || kwayColumn != nil else { return nil }
        // One code per value: the pairwise column's codes, then K-way values not among them.
        var values = pairwiseColumn?.values ?? []
        var codeOf = Dictionary(values.enumerated().map { ($0.element, Int32($0.offset)) }, uniquingKeysWith: { a, _ in a })
        let kwayCode: [Int32] = (kwayColumn?.values ?? []).map { value in
            if let code = codeOf[value] { return code }
            let code = Int32(values.count)
            codeOf[value] = code
            values.append(value)
            return code
        }
        let u = data.voterCount
        // Per annotator, the most frequent code among their votes of both kinds (lowest code on ties).
        var tallies = [[Int32: Int]](repeating: [:], count: u)
        if let column = pairwiseColumn {
            let voterOfRow = data.voterIndex(in: table)
            for row in 0..<table.count {
                let v = voterOfRow[row]
                let code = column.codes[row]
                guard v >= 0, code >= 0 else { continue }
                tallies[Int(v)][code, default: 0] += 1
            }
        }
        if let column = kwayColumn {
            let voterOfRow = data.kwayVoterIndex(in: table)
            for row in 0..<table.kway.count {
                let v = voterOfRow[row]
                let code = column.codes[row]
                guard v >= 0, code >= 0 else { continue }
                tallies[Int(v)][kwayCode[Int(code)], default: 0] += 1
            }
        }
        var valueOf = [Int32](repeating: -1, count: u)
        for v in 0..<u {
            valueOf[v] = tallies[v].max { ($0.value, -$0.key) < ($1.value, -$1.key) }?.key ?? -1
        }
        var holders = [Int](repeating: 0, count: values.count)
        for v in 0..<u where valueOf[v] >= 0 { holders[Int(valueOf[v])] += 1 }
        // A real value spelled "other" merges with the small ones.
        let label = values.enumerated().map { holders[$0.offset] >= minimumGroup ? $0.element : Self.other }
        var counts: [String: [Int]] = [:]
        var missing = 0
        for v in 0..<u {
            guard valueOf[v] >= 0 else {
                missing += 1
                continue
            }
            counts[label[Int(valueOf[v])], default: Array(repeating: 0, count: fit.types)][fit.assignedType(of: v)] += 1
        }
        let rows = counts.map { value, c in
            let total = c.reduce(0, +)
            return Row(value: value, annotators: total, counts: c, shares: c.map { Double($0) / Double(max(total, 1)) })
        }.sorted { ($0.value == Self.other ? 1 : 0, -$0.annotators, $0.value) < ($1.value == Self.other ? 1 : 0, -$1.annotators, $1.value) }
        self.field = field
        self.minimumGroup = minimumGroup
        self.rows = rows
        self.missing = missing
        annotators = rows.reduce(0) { $0 + $1.annotators }
        let test = Self.gTest(rows.map(\.counts))
        g = test.g
        df = test.df
        pValue = test.pValue
        cramersV = test.cramersV
    }

    /// The G-test of independence on a table of counts (rows × columns),
    /// over its non-empty rows and columns.
    static func gTest(_ table: [[Int]]) -> (g: Double, df: Int, pValue: Double, cramersV: Double) {
        let rows = table.filter { $0.reduce(0, +) > 0 }
        guard let width = rows.first?.count else { return (0, 0, 1, 0) }
        let columns = (0..<width).filter { c in rows.contains { $0[c] > 0 } }
        let r = rows.count
        let c = columns.count
        let total = Double(rows.reduce(0) { $0 + $1.reduce(0, +) })
        guard r > 1, c > 1, total > 0 else { return (0, 0, 1, 0) }
        let rowSums = rows.map { Double($0.reduce(0, +)) }
        let columnSums = columns.map { k in Double(rows.reduce(0) { $0 + $1[k] }) }
        var g = 0.0
        for (i, row) in rows.enumerated() {
            for (j, k) in columns.enumerated() where row[k] > 0 {
                let observed = Double(row[k])
                let expected = rowSums[i] * columnSums[j] / total
                g += 2 * observed * Foundation.log(observed / expected)
            }
        }
        g = max(g, 0)
        let df = (r - 1) * (c - 1)
        let v = (g / (total * Double(min(r - 1, c - 1)))).squareRoot()
        return (g, df, ChiSquared.survival(g, degreesOfFreedom: Double(df)), v)
    }
}
