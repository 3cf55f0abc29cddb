import Foundation
import PreferJudge

/// The body of `GET /api/arenas/{arena}/judges/{judge}/agreement`:
/// `JudgeAgreementService`'s report — the one `prefer judge agreement
/// --format json` prints — encoded as it encodes itself, so the API and the
/// CLI give the same numbers under the same keys. The document's
/// `JudgeAgreementReport` schema names this type (`typeOverrides`).
struct JudgeAgreementDocument: Codable, Hashable, Sendable {
    var report: JudgeAgreementService.Report

    init(_ report: JudgeAgreementService.Report) {
        self.report = report
    }

    init(from decoder: any Decoder) throws {
        report = try JudgeAgreementService.Report(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try report.encode(to: encoder)
    }

    // The report is compared and hashed by its JSON.
    private var canonical: Data {
        (try? JSONCoding.encoder.encode(report)) ?? Data()
    }

    static func == (a: Self, b: Self) -> Bool { a.canonical == b.canonical }

    func hash(into hasher: inout Hasher) { hasher.combine(canonical) }
}
