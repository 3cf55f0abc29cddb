import Foundation
import Hummingbird
import Logging
import NIOCore
import PreferCore
import PreferStore

/// The request context of Prefer's routes.
public typealias PreferRequestContext = BasicRequestContext

/// A router with Prefer's routes, and the API routes it registered (as
/// OpenAPI spells them, e.g. "post /api/arenas/{arena}/battles").
public struct PreferRouter {
    public let router: Router<PreferRequestContext>
    public let apiRoutes: Set<String>
}

/// Builds the router: middleware (errors as JSON, metrics, request logs,
/// security headers) and the controllers' routes: the JSON API and the pages.
public func buildRouter(
    configuration: ServerConfiguration,
    store: any PreferStore,
    logger: Logger
) async throws -> PreferRouter {
    ServerMetrics.bootstrap()
    let secrets = try await ServerSecrets.load(from: store)
    let services = PreferServices(store: store, secrets: secrets, configuration: configuration, logger: logger)
    let router = Router(context: PreferRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    if logger.logLevel <= .debug { router.add(middleware: LogRequestsMiddleware(.debug)) }
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: JSONErrorMiddleware(bodyLimit: configuration.maxBodyBytes))
    let routes = RouteTable(router: router)
    SystemController<PreferRequestContext>(services: services).register(routes)
    AdminController<PreferRequestContext>(services: services).register(routes)
    BattleController<PreferRequestContext>(services: services).register(routes)
    LeaderboardController<PreferRequestContext>(services: services).register(routes)
    // Pages are not API routes: registered on the router itself, outside the OpenAPI document.
    PagesController<PreferRequestContext>(services: services).register(router)
    return PreferRouter(router: router, apiRoutes: routes.openAPIRoutes)
}

/// Builds the Hummingbird application serving Prefer on `configuration`'s
/// host and port.
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
        onServerRunning: onServerRunning,
        logger: logger
    )
}
