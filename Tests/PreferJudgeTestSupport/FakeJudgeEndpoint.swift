import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A local OpenAI-compatible chat-completions endpoint for fault injection:
/// each request is answered by `respond` (given the request and its number
/// from 1), which may delay the answer, send a status other than 200 with a
/// `Retry-After`, a body that is not JSON, a body that trickles out slowly,
/// or nothing at all.
package final class FakeJudgeEndpoint: Sendable {
    package struct Request: Sendable {
        package var number: Int
        package var headers: [String: String]
        package var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        package var body: Data

        /// The messages' texts, in order.
        package var texts: [String] {
            (json["messages"] as? [[String: Any]] ?? []).map { message in
                if let text = message["content"] as? String { return text }
                return (message["content"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }.joined()
            }
        }

        /// The text between the markers of assistant A's (or B's) answer
        /// (or after "Answer A: " up to the next line that starts a part, in the one-letter layout).
        package func answer(_ label: String) -> String? {
            let text = texts.joined(separator: "\n")
            if let start = text.range(of: "\nAnswer \(label): ") {
                let rest = text[start.upperBound...]
                let end = ["\nAnswer B: ", "\nWhich answer"].compactMap { rest.range(of: $0)?.lowerBound }.min() ?? rest.endIndex
                return String(rest[..<end])
            }
            guard let start = text.range(of: "<|The Start of Assistant \(label)'s Answer|>\n"),
                  let end = text.range(of: "\n<|The End of Assistant \(label)'s Answer|>", range: start.upperBound..<text.endIndex)
            else { return nil }
            return String(text[start.upperBound..<end.lowerBound])
        }
    }

    package enum Response: Sendable {
        /// A chat completion whose message is `content` (with these top log-probabilities for the first token).
        case completion(String, logprobs: [(String, Double)]? = nil, promptTokens: Int = 100, completionTokens: Int = 10)
        case status(Int, body: String, retryAfter: String? = nil)
        case raw(String)
        /// Answers after `seconds`.
        indirect case delayed(Double, Response)
        /// Sends the head, then the body a few bytes every `interval` seconds.
        case trickle(String, interval: Double)
        /// Never answers.
        case hang
    }

    package let port: Int
    private let channel: any Channel
    private let state: State

    final class State: Sendable {
        let count = Atomic<Int>(0)
        let log = Mutex<[Request]>([])
        let respond: @Sendable (Request) -> Response

        init(respond: @escaping @Sendable (Request) -> Response) {
            self.respond = respond
        }
    }

    package var base: String { "http://127.0.0.1:\(port)/v1" }
    package var requests: [Request] { state.log.withLock { $0 } }
    package var requestCount: Int { state.count.load(ordering: .relaxed) }

    private init(channel: any Channel, state: State) {
        self.channel = channel
        self.state = state
        port = channel.localAddress?.port ?? 0
    }

    package static func start(_ respond: @escaping @Sendable (Request) -> Response) async throws -> FakeJudgeEndpoint {
        let state = State(respond: respond)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap { channel.pipeline.addHandler(Handler(state: state)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeJudgeEndpoint(channel: channel, state: state)
    }

    package func stop() async throws {
        try await channel.close()
    }

    /// A judge that knows which answer is better: the one containing "GOOD" (a tie when neither or both do).
    package static let knowing: @Sendable (Request) -> Response = { request in
        let a = request.answer("A") ?? ""
        let b = request.answer("B") ?? ""
        let label = a.contains("GOOD") == b.contains("GOOD") ? "A=B" : (a.contains("GOOD") ? "A>>B" : "B>A")
        return .completion("Having compared them: [[\(label)]]")
    }

    final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let state: State
        var head: HTTPRequestHead?
        var body = Data()

        init(state: State) {
            self.state = state
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                self.head = head
                body = Data()
            case .body(var buffer):
                if let bytes = buffer.readBytes(length: buffer.readableBytes) { body.append(contentsOf: bytes) }
            case .end:
                let number = state.count.add(1, ordering: .relaxed).newValue
                var headers: [String: String] = [:]
                for (name, value) in head?.headers ?? [:] { headers[name.lowercased()] = value }
                let request = Request(number: number, headers: headers, body: body)
                state.log.withLock { $0.append(request) }
                send(state.respond(request), context: context)
            }
        }

        func send(_ response: Response, context: ChannelHandlerContext) {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            switch response {
            case .delayed(let seconds, let inner):
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                    self.send(inner, context: loopBound.value)
                }
            case .hang:
                return
            case .completion(let content, let logprobs, let promptTokens, let completionTokens):
                var choice: [String: Any] = ["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]
                if let logprobs {
                    let top = logprobs.map { ["token": $0.0, "logprob": $0.1] as [String: Any] }
                    choice["logprobs"] = ["content": [["token": logprobs.first?.0 ?? "", "logprob": logprobs.first?.1 ?? 0, "top_logprobs": top]]]
                }
                let object: [String: Any] = [
                    "id": "fake", "object": "chat.completion", "choices": [choice],
                    "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens],
                ]
                let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
                write(status: 200, body: String(decoding: data, as: UTF8.self), retryAfter: nil, context: context)
            case .status(let status, let body, let retryAfter):
                write(status: status, body: body, retryAfter: retryAfter, context: context)
            case .raw(let body):
                write(status: 200, body: body, retryAfter: nil, context: context)
            case .trickle(let body, let interval):
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: "application/json")
                headers.add(name: "Content-Length", value: String(body.utf8.count))
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
                let bytes = Array(body.utf8)
                func sendChunk(_ offset: Int) {
                    let context = loopBound.value
                    guard context.channel.isActive else { return }
                    if offset >= bytes.count {
                        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                        return
                    }
                    let chunk = bytes[offset..<min(offset + 4, bytes.count)]
                    context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: chunk)))), promise: nil)
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(interval * 1000))) { sendChunk(offset + 4) }
                }
                sendChunk(0)
            }
        }

        func write(status: Int, body: String, retryAfter: String?, context: ChannelHandlerContext) {
            guard context.channel.isActive else { return }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            if let retryAfter { headers.add(name: "Retry-After", value: retryAfter) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
