import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PreferCore
import NIOFoundationEssentialsCompat

/// One judge's OpenAI-compatible chat-completions endpoint, used within
/// its limits: at most `concurrency` requests in flight, request starts
/// paced to `requests_per_minute`, each attempt bounded by
/// `timeout_seconds` (the answer's body included), and up to `retries`
/// retries after a timeout, a connection error, a 408/429/5xx or a body
/// that is not a chat completion — with backoff and jitter, honouring
/// `Retry-After` (`RetryPolicy`).
///
/// The API key is read from the environment variable the judge names, once,
/// when the endpoint is made; it is sent only in the `Authorization` header
/// and scrubbed from every error message this type produces.
public final class JudgeEndpoint: Sendable {
    public let url: String
    private let apiKey: String?
    private let client: HTTPClient
    private let timeout: Double
    private let policy: RetryPolicy
    private let semaphore: AsyncSemaphore
    private let pacer: RequestPacer?
    private let logger: Logger

    /// A successful answer.
    public struct Reply: Sendable {
        public var answer: JudgeAnswer
        public var attempts: Int
        /// Seconds from the first attempt's start to the answer.
        public var latency: Double
    }

    /// A request that failed after its retries.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var attempts: Int
        public var latency: Double
        /// Whether retrying later could help (timeouts, 429, 5xx), as opposed to a request the endpoint refuses.
        public var transient: Bool

        public var description: String { message }
    }

    public init(
        configuration: JudgeConfiguration, client: HTTPClient,
        environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws(JudgeError) {
        var base = configuration.endpoint
        while base.hasSuffix("/") { base.removeLast() }
        url = base + "/chat/completions"
        if let name = configuration.apiKeyEnv {
            guard let key = environment[name], !key.isEmpty else {
                throw JudgeError(
                    "The judge \"\(configuration.name)\" reads its API key from the environment variable \(name), which is not set; "
                        + "export \(name)=… before running it.", field: "api_key_env")
            }
            apiKey = key
        } else {
            apiKey = nil
        }
        self.client = client
        timeout = configuration.limits.timeoutSeconds
        policy = RetryPolicy(retries: configuration.limits.retries)
        semaphore = AsyncSemaphore(configuration.limits.concurrency)
        pacer = configuration.limits.requestsPerMinute.map { RequestPacer(perMinute: $0) }
        self.logger = logger
    }

    /// The text with the API key (if any) replaced by `[redacted]`.
    public func redact(_ text: String) -> String {
        guard let apiKey, apiKey.count >= 4 else { return text }
        return text.replacingOccurrences(of: apiKey, with: "[redacted]")
    }

    /// Sends a chat-completions request body; retries as the limits allow.
    /// Throws only `CancellationError` (the task was cancelled).
    public func send(_ body: Data) async throws -> Result<Reply, Failure> {
        let start = ContinuousClock.now
        var attempt = 0
        var generator = SystemRandomNumberGenerator()
        while true {
            attempt += 1
            try Task.checkCancellation()
            if let pacer { try await pacer.wait() }
            await semaphore.acquire()
            let outcome: AttemptOutcome
            do {
                outcome = try await self.attempt(body)
            } catch {
                await semaphore.release()
                throw error
            }
            await semaphore.release()
            let elapsed = (ContinuousClock.now - start).inSeconds
            switch outcome {
            case .answer(let answer):
                return .success(Reply(answer: answer, attempts: attempt, latency: elapsed))
            case .fatal(let message):
                return .failure(Failure(message: redact(message), attempts: attempt, latency: elapsed, transient: false))
            case .retryable(let message, let retryAfter):
                guard attempt <= policy.retries else {
                    let tries = attempt == 1 ? "1 attempt" : "\(attempt) attempts"
                    return .failure(Failure(message: redact("\(message) (after \(tries))"), attempts: attempt, latency: elapsed, transient: true))
                }
                let wait = policy.delay(attempt: attempt, retryAfter: retryAfter, random: Double.random(in: 0..<1, using: &generator))
                logger.debug("Retrying a judge request", metadata: ["attempt": "\(attempt)", "wait_s": "\(wait)", "reason": "\(redact(message))"])
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            }
        }
    }

    enum AttemptOutcome: Sendable {
        case answer(JudgeAnswer)
        case retryable(String, retryAfter: Double?)
        case fatal(String)
    }

    struct Timeout: Error {}

    /// One attempt, bounded by the timeout from the request's start to the body's end.
    private func attempt(_ body: Data) async throws -> AttemptOutcome {
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: AttemptOutcome?.self) { group in
                group.addTask { try await self.exchange(body) }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int64(timeout * 1000)))
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let outcome = first else { throw Timeout() }
                return outcome
            }
        } catch is Timeout {
            return .retryable("no complete answer within \(Self.seconds(timeout)) (timeout)", retryAfter: nil)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            return .retryable("the request to \(url) failed: \(Self.describe(error))", retryAfter: nil)
        }
    }

    private func exchange(_ body: Data) async throws -> AttemptOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, deadline: .now() + .milliseconds(Int64(timeout * 1000)), logger: logger)
        let bytes = try await response.body.collect(upTo: 32 << 20)
        let data = Data(buffer: bytes)
        let status = response.status.code
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryPolicy.retryAfterSeconds($0) }
        switch status {
        case 200..<300:
            guard let decoded = try? JSONDecoder().decode(ChatCompletionResponse.self, from: data) else {
                return .retryable("the endpoint answered HTTP \(status) with a body that is not a chat completion: \(Self.snippet(data))", retryAfter: nil)
            }
            guard let answer = decoded.answer else {
                return .retryable("the endpoint's chat completion has no message text: \(Self.snippet(data))", retryAfter: nil)
            }
            return .answer(answer)
        case 408, 429, 500...599:
            let what = status == 429 ? "rate limited (HTTP 429)" : "HTTP \(status)"
            return .retryable("the endpoint answered \(what): \(Self.snippet(data))", retryAfter: retryAfter)
        case 401, 403:
            return .fatal("the endpoint refused the credentials (HTTP \(status)): check the judge's api_key_env and the key in it. \(Self.snippet(data))")
        case 404:
            return .fatal("HTTP 404 from \(url): check the judge's endpoint (the base URL, e.g. http://127.0.0.1:8080/v1) and model. \(Self.snippet(data))")
        default:
            return .fatal("the endpoint refused the request (HTTP \(status)): \(Self.snippet(data))")
        }
    }

    static func snippet(_ data: Data) -> String {
        let text = String(decoding: data.prefix(300), as: UTF8.self)
            .replacingOccurrences(of: "\n", with: " ")
        return text.isEmpty ? "(empty body)" : (data.count > 300 ? text + "…" : text)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded: return "timeout"
            case .connectTimeout: return "connection timeout"
            case .remoteConnectionClosed: return "the server closed the connection"
            default: return String(describing: error)
            }
        }
        return String(describing: error)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}

