import CoreMetrics
import Metrics
import Prometheus

/// Prometheus metrics for the process: Hummingbird's request counters and
/// latencies (through swift-metrics) plus Prefer's own counters, exposed as
/// text at `/metrics`. The metrics system is bootstrapped once per process.
enum ServerMetrics {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Makes sure the factory is installed before any metric is created.
    static func bootstrap() { _ = registry }

    static let votesStored = Counter(label: "prefer_votes_stored_total")
    static let votesReplayed = Counter(label: "prefer_votes_replayed_total")
    static let votesRejected = Counter(label: "prefer_votes_conflicting_total")
    static let battlesServed = Counter(label: "prefer_battles_served_total")
    static let leaderboardsComputed = Counter(label: "prefer_leaderboards_computed_total")
    /// How long each group commit of votes took, and how many votes it held.
    static let voteCommit = Timer(label: "prefer_vote_commit_seconds")
    static let voteBatch = Recorder(label: "prefer_vote_batch_size")

    static func exposition() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
