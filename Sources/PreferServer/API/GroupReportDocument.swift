import Foundation
import PreferCore

/// The body of `GET /api/arenas/{arena}/groups?field=NAME`: the groups
/// section `prefer rank --group-by NAME --format json` prints
/// (`SliceReport.Groups`: the groups shown, one board per group, the
/// disagreement report), encoded as it encodes itself. When no annotator who
/// voted has given the attribute, the same keys, empty, with a note. The
/// document's `GroupReport` schema names this type (`typeOverrides`).
struct GroupReportDocument: Codable, Hashable, Sendable {
    var groups: SliceReport.Groups?
    var empty: Empty?

    /// The report's shape with no group.
    struct Empty: Codable, Hashable, Sendable {
        struct Merged: Codable, Hashable, Sendable {
            var groups = 0
            var votes = 0
            var annotators = 0
            var shown = false
        }

        struct Disagreement: Codable, Hashable, Sendable {
            var pairs: [String] = []
        }

        var field: String
        var minGroupSize: Int
        var annotatorsCountedBy = "voter"
        var groups: [String] = []
        var merged = Merged()
        var missing: Int
        var boards: [String] = []
        var disagreement = Disagreement()
        var notes: [String]

        enum CodingKeys: String, CodingKey {
            case field, groups, merged, missing, boards, disagreement, notes
            case minGroupSize = "min_group_size"
            case annotatorsCountedBy = "annotators_counted_by"
        }
    }

    init(_ groups: SliceReport.Groups) {
        self.groups = groups
    }

    init(empty: Empty) {
        self.empty = empty
    }

    init(from decoder: any Decoder) throws {
        if let groups = try? SliceReport.Groups(from: decoder) {
            self.groups = groups
        } else {
            empty = try Empty(from: decoder)
        }
    }

    func encode(to encoder: any Encoder) throws {
        if let groups { try groups.encode(to: encoder) } else { try empty?.encode(to: encoder) }
    }

    // Compared and hashed by its JSON.
    private var canonical: Data {
        (try? JSONCoding.encoder.encode(self)) ?? Data()
    }

    static func == (a: Self, b: Self) -> Bool { a.canonical == b.canonical }

    func hash(into hasher: inout Hasher) { hasher.combine(canonical) }
}
