import Foundation

extension ItemAgreement.Result {
    public enum TextFormat: String, Sendable, CaseIterable {
        case json, csv, table
    }

    /// The result as `prefer items` prints it; `settings` are echoed in the JSON's `method`.
    public func rendered(as format: TextFormat, settings: ItemAgreement) throws -> String {
        switch format {
        case .json: return try jsonText(settings: settings)
        case .csv: return csvText()
        case .table: return tableText()
        }
    }

    struct Document: Encodable {
        var items: [ItemAgreement.Item]
        var mislabelled: [ItemAgreement.Mislabel]
        var summary: ItemAgreement.Summary
        var method: Method
    }

    struct Method: Encodable {
        var strength = "posterior probability that the majority side is the crowd's preference, Beta(prior_a + s, prior_b + n - s), ties half"
        var contested = "votes >= min_votes and majority share <= contested_share"
        var difficulty = "contested; easy when strength >= easy_strength or the model gives the majority side >= easy_model_probability; hard otherwise"
        var mislabelled = "a decisive vote whose item's other votes favour the other side with strength >= mislabel_strength, the model not giving that side < mislabel_model_probability"
        var settings: ItemAgreement
    }

    public func jsonText(settings: ItemAgreement, pretty: Bool = true) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        let document = Document(items: items, mislabelled: mislabelled, summary: summary, method: Method(settings: settings))
        // Every number here is finite; a failure is a bug worth seeing.
        let data = try encoder.encode(document)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    public func csvText() -> String {
        var lines = ["item,a,b,votes,a_wins,b_wins,ties,majority,majority_share,strength,model_probability,contested,difficulty,flags"]
        for item in items {
            lines.append([
                csvField(item.item), csvField(item.a), csvField(item.b), String(item.votes),
                String(item.split.a), String(item.split.b), String(item.split.ties),
                csvField(item.majority ?? ""), fixed(item.majorityShare, 4), fixed(item.strength, 6),
                item.modelProbability.map { fixed($0, 6) } ?? "",
                item.contested ? "true" : "false", item.difficulty.rawValue, item.flags.joined(separator: ";"),
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func tableText() -> String {
        let s = summary
        var out = "\(grouped(s.items)) items (\(s.itemField) × pair), \(grouped(s.itemsWithSeveralVotes)) with several votes; "
        out += "\(s.easy) easy, \(s.contested) contested, \(s.hard) hard; \(s.mislabelledVotes) likely mislabelled votes.\n\n"
        let shown = items.filter { $0.votes >= 2 }.sorted { ($0.strength, -$0.votes) < ($1.strength, -$1.votes) }.prefix(30)
        if !shown.isEmpty {
            out += "Least certain items with several votes:\n"
            let rows = shown.map { item in
                [String(item.item.prefix(40)), item.a, item.b, "\(item.split.a)–\(item.split.b)" + (item.split.ties > 0 ? " (\(item.split.ties) ties)" : ""),
                 fixed(item.strength, 3), item.difficulty.rawValue, item.flags.joined(separator: ", ")]
            }
            out += alignedTable(["Item", "A", "B", "Split", "Strength", "Difficulty", "Flags"], rows, right: [4])
        }
        out += "\n--format json or csv lists every item; the mislabelled votes are in the JSON.\n"
        return out
    }
}
