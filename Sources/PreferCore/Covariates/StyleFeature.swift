/// One style covariate of style control: a name and the two number columns
/// of the vote table (`VoteTable.numbers`) holding its value for side A and
/// side B.
public struct StyleFeature: Sendable, Hashable, Codable {
    public var name: String
    public var columnA: String
    public var columnB: String

    public init(name: String, columnA: String, columnB: String) {
        self.name = name
        self.columnA = columnA
        self.columnB = columnB
    }

    /// LMArena's four style features (FastChat's `STYLE_CONTROL_ELEMENTS_V1`)
    /// as its battle files carry them in `conv_metadata`: assistant tokens,
    /// Markdown headers, list items and bold spans (the last three are
    /// objects of counts — h1…h6, ordered/unordered, `**`/`__` — summed).
    /// `nested`: read inside the `conv_metadata` object (false: top-level
    /// columns of the same names, as in flattened exports).
    public static func lmarena(nested: Bool = true) -> [StyleFeature] {
        let prefix = nested ? "conv_metadata." : ""
        return [
            StyleFeature(name: "length", columnA: prefix + "sum_assistant_a_tokens", columnB: prefix + "sum_assistant_b_tokens"),
            StyleFeature(name: "headers", columnA: prefix + "header_count_a", columnB: prefix + "header_count_b"),
            StyleFeature(name: "lists", columnA: prefix + "list_count_a", columnB: prefix + "list_count_b"),
            StyleFeature(name: "bold", columnA: prefix + "bold_count_a", columnB: prefix + "bold_count_b"),
        ]
    }

    /// The number fields `lmarena(nested:)` reads, for `VoteParseOptions.numbers`.
    public static func lmarenaColumns(nested: Bool = true) -> Set<String> {
        Set(lmarena(nested: nested).flatMap { [$0.columnA, $0.columnB] })
    }

    /// The same four features measured from the texts of the two sides
    /// (`TextFeatureSet.measuring`): `length_tokens`, `headers`, `list_items`, `bold`.
    public static func fromTexts(fieldA: String, fieldB: String) -> [StyleFeature] {
        [
            ("length", TextFeature.lengthTokens), ("headers", .headers), ("lists", .listItems), ("bold", .bold),
        ].map { name, feature in
            StyleFeature(
                name: name,
                columnA: TextFeatureSet.column(fieldA, feature.name),
                columnB: TextFeatureSet.column(fieldB, feature.name))
        }
    }

    /// The text features `fromTexts` needs measured.
    public static let textFeatures = TextFeatureSet(builtIns: [.lengthTokens, .headers, .listItems, .bold], script: false)

    /// Parses `--style-feature` values: `A_COLUMN,B_COLUMN` or
    /// `NAME=A_COLUMN,B_COLUMN`. Without a name, two columns ending in
    /// `_a`/`_b` (or `a`/`b`) with a common stem are named by the stem
    /// (`len_a,len_b` → `len`).
    public init?(parsing text: String) {
        var spec = Substring(text)
        var name: String?
        if let eq = spec.firstIndex(of: "=") {
            name = String(spec[..<eq])
            spec = spec[spec.index(after: eq)...]
        }
        let parts = spec.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, name.map({ !$0.isEmpty }) ?? true else { return nil }
        self.init(name: name ?? Self.stem(parts[0], parts[1]), columnA: parts[0], columnB: parts[1])
    }

    static func stem(_ a: String, _ b: String) -> String {
        for (sa, sb) in [("_a", "_b"), (".a", ".b"), ("a", "b"), ("_A", "_B")] where a.hasSuffix(sa) && b.hasSuffix(sb) {
            let stemA = a.dropLast(sa.count)
            if stemA == b.dropLast(sb.count) && !stemA.isEmpty { return String(stemA) }
        }
        return "\(a)/\(b)"
    }
}
