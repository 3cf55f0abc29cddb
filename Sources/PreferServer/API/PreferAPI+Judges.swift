import Foundation
import PreferCore
import PreferStore

// AI judges: define and list (admin).

extension PreferAPI {
    func createJudge(_ input: Operations.CreateJudge.Input) async throws -> Operations.CreateJudge.Output {
        guard case .json(let body) = input.body else { throw PreferError.malformedJSON("expected a JSON object") }
        let stored = try await services.judges.create(try JudgeConfiguration(body), replacing: input.query.replace ?? false)
        return .created(.init(body: .json(.init(stored))))
    }

    func listJudges(_ input: Operations.ListJudges.Input) async throws -> Operations.ListJudges.Output {
        .ok(.init(body: .json(.init(judges: try await services.judges.list().map { Components.Schemas.Judge($0) }))))
    }
}

extension JudgeConfiguration {
    /// The judge the request defines; what the document leaves open takes
    /// the defaults of `prefer judge add`.
    init(_ body: Components.Schemas.JudgeCreate) throws {
        let defaults = JudgeConfiguration(name: body.name, endpoint: body.endpoint, model: body.model)
        func value<T: RawRepresentable>(_ raw: String?, _ fallback: T, field: String) throws -> T where T.RawValue == String {
            guard let raw else { return fallback }
            guard let value = T(rawValue: raw) else { throw PreferError.invalidField(field, "\(field) cannot be \"\(raw)\".") }
            return value
        }
        self.init(
            name: body.name, endpoint: body.endpoint, apiKeyEnv: body.apiKeyEnv, model: body.model,
            mode: try value(body.mode?.rawValue, defaults.mode, field: "mode"),
            template: body.template.map { JudgeTemplate(system: $0.system, user: $0.user) },
            criteria: body.criteria ?? [],
            sampling: Sampling(
                temperature: body.temperature ?? defaults.sampling.temperature,
                maxTokens: body.maxTokens ?? defaults.sampling.maxTokens,
                seed: body.seed ?? defaults.sampling.seed),
            limits: Limits(
                concurrency: body.concurrency ?? defaults.limits.concurrency,
                requestsPerMinute: body.requestsPerMinute,
                timeoutSeconds: body.timeoutSeconds ?? defaults.limits.timeoutSeconds,
                retries: body.retries ?? defaults.limits.retries),
            verdictMethod: try value(body.verdictMethod?.rawValue, defaults.verdictMethod, field: "verdict_method"),
            orders: try value(body.orders?.rawValue, defaults.orders, field: "orders"),
            flips: try value(body.flips?.rawValue, defaults.flips, field: "flips"),
            rankSize: body.rankSize ?? defaults.rankSize)
    }
}

extension Components.Schemas.Judge {
    init(_ stored: StoredJudge) {
        let c = stored.configuration
        self.init(
            name: c.name, endpoint: c.endpoint, apiKeyEnv: c.apiKeyEnv, model: c.model,
            mode: .init(rawValue: c.mode.rawValue) ?? .pairwise,
            template: c.template.map { .init(system: $0.system, user: $0.user) },
            criteria: c.criteria, temperature: c.sampling.temperature, maxTokens: c.sampling.maxTokens,
            seed: c.sampling.seed, concurrency: c.limits.concurrency, requestsPerMinute: c.limits.requestsPerMinute,
            timeoutSeconds: c.limits.timeoutSeconds, retries: c.limits.retries,
            verdictMethod: .init(rawValue: c.verdictMethod.rawValue) ?? .text,
            orders: .init(rawValue: c.orders.rawValue) ?? .both, flips: .init(rawValue: c.flips.rawValue) ?? .tie,
            rankSize: c.rankSize, id: stored.id, voter: stored.voter, createdAt: stored.createdAt, updatedAt: stored.updatedAt)
    }
}
