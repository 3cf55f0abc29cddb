import ArgumentParser
import PreferCore

/// `prefer rank --style-control`: which style features, from where.
struct StyleControlOptions: ParsableArguments {
    @Flag(name: .customLong("style-control"), help: ArgumentHelp(
        "Control the ratings for style (LMArena's method): length, Markdown headers, lists and bold, from the votes' conv_metadata, from --style-feature columns, or measured from text_a/text_b (or output_a/output_b)."))
    var enabled = false

    @Option(name: .customLong("style-feature"), help: ArgumentHelp(
        "A style feature from two number columns of the votes, side A's and side B's (repeatable; implies --style-control). Replaces the default features.",
        valueName: "[NAME=]A_COLUMN,B_COLUMN"))
    var features: [String] = []

    @Option(name: .customLong("style-normalization"), help: "How a feature's two values become a covariate before standardising: relative = (a − b)/(a + b + 1), LMArena's; difference = a − b.")
    var normalization: StyleControl.Normalization = .relative

    @Option(name: .customLong("style-text-fields"), help: ArgumentHelp("The text fields to measure when the votes have no style columns (default: text_a,text_b then output_a,output_b).", valueName: "A_FIELD,B_FIELD"))
    var textFields: String?

    var isOn: Bool { enabled || !features.isEmpty }

    /// The text field pairs to measure, in order of preference.
    var textPairs: [(String, String)] {
        if let textFields {
            let parts = textFields.split(separator: ",").map(String.init)
            return parts.count == 2 ? [(parts[0], parts[1])] : []
        }
        return [("text_a", "text_b"), ("output_a", "output_b")]
    }

    func validate() throws {
        for feature in features where StyleFeature(parsing: feature) == nil {
            throw ValidationError("--style-feature takes A_COLUMN,B_COLUMN or NAME=A_COLUMN,B_COLUMN, e.g. --style-feature len_a,len_b; got \"\(feature)\".")
        }
        if let textFields, textFields.split(separator: ",").count != 2 {
            throw ValidationError("--style-text-fields takes two field names, e.g. --style-text-fields response_a,response_b; got \"\(textFields)\".")
        }
    }

    /// Adds what style control reads to the parse: the custom columns, or
    /// LMArena's (nested and flat) plus the measured texts.
    func addFields(to options: inout VoteParseOptions) {
        guard isOn else { return }
        if !features.isEmpty {
            for feature in features.compactMap(StyleFeature.init(parsing:)) {
                options.numbers.insert(feature.columnA)
                options.numbers.insert(feature.columnB)
            }
            return
        }
        options.numbers.formUnion(StyleFeature.lmarenaColumns(nested: true))
        options.numbers.formUnion(StyleFeature.lmarenaColumns(nested: false))
        for (a, b) in textPairs {
            options.measures.append(StyleFeature.textFeatures.measuring(a))
            options.measures.append(StyleFeature.textFeatures.measuring(b))
        }
    }

    /// The features to control for, given what the votes turned out to carry.
    func resolve(_ table: VoteTable) throws -> (control: StyleControl, source: String) {
        if !features.isEmpty {
            return (StyleControl(features: features.compactMap(StyleFeature.init(parsing:)), normalization: normalization), "columns")
        }
        func present(_ features: [StyleFeature]) -> Bool {
            features.allSatisfy { f in
                [f.columnA, f.columnB].allSatisfy { table.numbers[$0]?.contains { !$0.isNaN } ?? false }
            }
        }
        for (candidate, source) in [(StyleFeature.lmarena(nested: true), "conv_metadata"), (StyleFeature.lmarena(nested: false), "columns")]
            where present(candidate) {
            return (StyleControl(features: candidate, normalization: normalization), source)
        }
        for (a, b) in textPairs {
            let candidate = StyleFeature.fromTexts(fieldA: a, fieldB: b)
            if present(candidate) { return (StyleControl(features: candidate, normalization: normalization), "texts \(a), \(b)") }
        }
        let texts = textPairs.map { "\($0.0)/\($0.1)" }.joined(separator: " or ")
        throw CommandError("--style-control found no style features in the votes: no conv_metadata (sum_assistant_a_tokens, header_count_a, list_count_a, bold_count_a and their _b twins), no such top-level columns, and no texts \(texts). Name two number columns with --style-feature A_COLUMN,B_COLUMN, or the text fields with --style-text-fields.")
    }
}

extension StyleControl.Normalization: ExpressibleByArgument {}
