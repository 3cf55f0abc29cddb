import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP/1.1 keep-alive connection, used by `prefer bench serve` to play
/// one client: requests are sent one after another on the same connection
/// and each response is read whole. Latency is measured from writing the
/// request to reading the end of the response.
struct HTTPConnection {
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: Data
    }

    /// Connects and runs `body` with a function that sends one request.
    static func with<T: Sendable>(
        host: String,
        port: Int,
        group: any EventLoopGroup,
        _ body: (_ send: (HTTPMethod, String, [(String, String)], Data?) async throws -> Reply) async throws -> T
    ) async throws -> T {
        let channel = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var responses = inbound.makeAsyncIterator()
            return try await body { method, uri, headerList, payload in
                var headers = HTTPHeaders()
                headers.add(name: "Host", value: "\(host):\(port)")
                for (name, value) in headerList { headers.add(name: name, value: value) }
                headers.add(name: "Content-Length", value: String(payload?.count ?? 0))
                try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)))
                if let payload, !payload.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: payload)))) }
                try await outbound.write(.end(nil))
                var reply = Reply(status: 0, headers: [:], body: Data())
                while let part = try await responses.next() {
                    switch part {
                    case .head(let head):
                        reply.status = Int(head.status.code)
                        reply.headers = head.headers
                    case .body(let buffer):
                        reply.body.append(contentsOf: buffer.readableBytesView)
                    case .end:
                        return reply
                    }
                }
                throw CommandError("the server closed the connection")
            }
        }
    }
}
