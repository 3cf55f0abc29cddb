import Foundation
import OpenAPIRuntime
import PreferStore

// Health, metrics and the API's own description.

extension PreferAPI {
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        do {
            _ = try await services.store.setting("battle_key")
            return .ok(.init(body: .json(.init(status: "ok", database: services.store.dialect))))
        } catch {
            return .serviceUnavailable(.init(body: .json(.init(status: "database unreachable", database: services.store.dialect))))
        }
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        .ok(.init(body: .plainText(HTTPBody(ServerMetrics.exposition(services.configuration.metrics)))))
    }

    func openapi(_ input: Operations.Openapi.Input) async throws -> Operations.Openapi.Output {
        .ok(.init(body: .json(try Self.document)))
    }

    /// The document as the generated type wants it, decoded once.
    static var document: OpenAPIObjectContainer {
        get throws { try documentResult.get() }
    }

    private static let documentResult = Result {
        try JSONDecoder().decode(OpenAPIObjectContainer.self, from: APIDocument.shared.data)
    }
}
