import Foundation
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import PreferCore
import PreferStore
import ServiceLifecycle

/// A router with Prefer's routes, and the services behind them.
public struct PreferRouter {
    public let router: Router<PreferRequestContext>
    let services: PreferServices

    /// The services the router's handlers need running — the store's life,
    /// the vote writer, the leaderboard refresher, the change feed — for the
    /// application's service group (`Application(router:services:)`), which
    /// starts them before it serves and stops them, in reverse order, after
    /// the last request. The group closes the store when it stops.
    public var lifecycleServices: [any Service] { services.lifecycle }

    /// Every route of the router but the pages', as OpenAPI spells them
    /// ("post /api/arenas/{arena}/battles"): what the document must list.
    public var apiRoutes: Set<String> {
        Set(router.routes.map { "\($0.method.rawValue.lowercased()) \($0.path.description)" })
            .subtracting(PagesController.routes)
    }
}

/// Builds the router: middleware (errors as JSON, metrics, request logs,
/// security headers, the body limit), the JSON API generated from
/// `openapi.json` — each operation in the route group its security asks for
/// (`OperationRouter`) — and the pages.
public func buildRouter(
    configuration: ServerConfiguration,
    store: any PreferStore,
    logger: Logger
) async throws -> PreferRouter {
    let secrets = try await ServerSecrets.load(from: store)
    let services = PreferServices(store: store, secrets: secrets, configuration: configuration, logger: logger)
    let document = APIDocument.shared
    let router = Router(context: PreferRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    if logger.logLevel <= .debug { router.add(middleware: LogRequestsMiddleware(.debug)) }
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: JSONErrorMiddleware(bodyLimit: configuration.maxBodyBytes, document: document))
    router.add(middleware: BodyLimitMiddleware(limit: configuration.maxBodyBytes))
    var annotators = AnnotatorAuthenticator(keys: services.keyRing, store: store, cookies: services.sessions)
    annotators.onInvite = { [attributes = services.attributes] in await attributes.adopt(invite: $0) }
    let administration = services.administration
    let api = PreferAPI(services: services)
    let operations = OperationRouter(
        router: router, document: document, keyRing: services.keyRing, annotatorAuthenticator: annotators,
        shortcuts: [
            "leaderboard": api.leaderboardShortcut, "createBattle": api.createBattleShortcut, "vote": api.voteShortcut,
        ],
        log: { entry in
            do {
                try await administration.record(entry)
            } catch {
                logger.error("could not write the admin action log", metadata: ["operation": "\(entry.operation)", "error": "\(error)"])
            }
        })
    try api.registerHandlers(on: operations, configuration: JSONCoding.configuration)
    // The pages are not API operations: registered on groups of their own, outside the document.
    PagesController(services: services).register(on: router)
    return PreferRouter(router: router, services: services)
}

/// Builds the Hummingbird application serving Prefer on `configuration`'s
/// host and port, with the router's services (`PreferRouter.lifecycleServices`)
/// in its service group: run it with `runService()` or in a `ServiceGroup`,
/// and it closes `store` when it stops.
public func buildApplication(
    configuration: ServerConfiguration,
    store: any PreferStore,
    logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let built = try await buildRouter(configuration: configuration, store: store, logger: logger)
    return Application(
        router: built.router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Prefer"),
        services: built.lifecycleServices,
        onServerRunning: onServerRunning,
        logger: logger
    )
}
