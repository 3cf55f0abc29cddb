import PreferCore
import PreferStore

/// AI judges as the HTTP API manages them: defined (checked with
/// `JudgeConfiguration.validate()`, the same rules as `prefer judge add`) and
/// listed. Running a judge over an arena stays a job of `prefer judge run`,
/// which records its votes through the same store.
struct JudgeService: Sendable {
    let store: any PreferStore

    private var judges: any JudgeStore {
        get throws {
            guard let judges = store as? any JudgeStore else {
                throw PreferError.unavailable
            }
            return judges
        }
    }

    func create(_ configuration: JudgeConfiguration, replacing: Bool) async throws -> StoredJudge {
        do {
            try configuration.validate()
        } catch {
            throw PreferError.invalidField(error.field ?? "judge", error.message)
        }
        return try await judges.saveJudge(configuration, replacing: replacing)
    }

    func list() async throws -> [StoredJudge] {
        try await judges.judges()
    }
}
