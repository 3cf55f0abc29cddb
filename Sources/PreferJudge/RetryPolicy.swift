import Foundation

/// When and how long to wait before retrying a request: exponential backoff
/// with full jitter (a uniform wait between 0 and base·2ⁿ, capped — AWS's
/// "Exponential Backoff and Jitter"), except that a `Retry-After` the server
/// sent is honoured as given (plus up to 10% jitter so that clients told the
/// same second do not return together).
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt.
    public var retries: Int
    public var baseDelay: Double
    public var maxDelay: Double
    /// The longest `Retry-After` honoured; longer ones are cut to it.
    public var maxRetryAfter: Double

    public init(retries: Int, baseDelay: Double = 0.5, maxDelay: Double = 30, maxRetryAfter: Double = 300) {
        self.retries = retries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// Seconds to wait before retry `attempt` (1 for the first retry).
    public func delay(attempt: Int, retryAfter: Double?, random: Double) -> Double {
        if let retryAfter {
            let wait = min(max(retryAfter, 0), maxRetryAfter)
            return wait * (1 + 0.1 * random)
        }
        let ceiling = min(maxDelay, baseDelay * pow(2, Double(max(attempt - 1, 0))))
        return ceiling * random
    }

    /// A `Retry-After` header's value in seconds: delta-seconds or an HTTP date.
    public static func retryAfterSeconds(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = formatter.date(from: trimmed) { return max(0, date.timeIntervalSince(now)) }
        return nil
    }
}
