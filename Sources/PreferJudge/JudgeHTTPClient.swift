import AsyncHTTPClient
import NIOCore
import NIOHTTPCompression

/// The HTTP client judges use: one connection per request in flight
/// (async-http-client keeps 8 per host unless told), connections kept alive
/// between requests, redirects not followed (an endpoint is a base URL).
public enum JudgeHTTPClient {
    public static func make(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(10))
        configuration.decompression = .enabled(limit: .ratio(100))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}
