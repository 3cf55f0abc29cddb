import Foundation
import Hummingbird
import NIOCore

/// `/health`, `/metrics` (Prometheus text) and `/openapi.json`.
struct SystemController<Context: RequestContext> {
    let services: PreferServices

    func register(_ routes: RouteTable<Context>) {
        routes.on(.get, "/health", use: health)
        routes.on(.get, "/metrics", use: metrics)
        routes.on(.get, "/openapi.json", use: openAPI)
    }

    struct Health: Encodable {
        var status: String
        var database: String
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        do {
            _ = try await services.store.setting("battle_key")
            return try JSONResponse.make(Health(status: "ok", database: services.store.dialect))
        } catch {
            return try JSONResponse.make(Health(status: "database unreachable", database: services.store.dialect), status: .serviceUnavailable)
        }
    }

    @Sendable func metrics(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: ServerMetrics.exposition()))
        )
    }

    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.data))
        )
    }
}
