import CoreMetrics
import Metrics
import Prometheus

/// Prefer's own metrics (through swift-metrics, like Hummingbird's request
/// counters and latencies), and the Prometheus registry `/metrics` shows.
///
/// The library never bootstraps the global metrics system: the process
/// does, once — `prefer serve` with `bootstrapPrometheus()`, a test suite
/// with the same call in a static, shared by every router it builds — and
/// hands the registry to the routers (`ServerConfiguration.metrics`). The
/// handles below are made from whatever factory is installed when first used.
public enum ServerMetrics {
    /// A Prometheus factory with Prefer's histogram buckets, installed as
    /// the process's metrics system; returns the registry to expose. Call it
    /// once per process, before building a router (swift-metrics allows one
    /// bootstrap per process).
    public static func bootstrapPrometheus() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultValueHistogramBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    static let votesStored = Counter(label: "prefer_votes_stored_total")
    static let votesReplayed = Counter(label: "prefer_votes_replayed_total")
    static let votesRejected = Counter(label: "prefer_votes_conflicting_total")
    static let battlesServed = Counter(label: "prefer_battles_served_total")
    static let leaderboardsComputed = Counter(label: "prefer_leaderboards_computed_total")
    /// How long each group commit of votes took, and how many votes it held.
    static let voteCommit = Timer(label: "prefer_vote_commit_seconds")
    static let voteBatch = Recorder(label: "prefer_vote_batch_size")
    /// Changes read from the store's feed (other replicas' writes, and this one's).
    static let changesRead = Counter(label: "prefer_store_changes_read_total")

    /// The text exposition of `registry` (empty when the process installed none).
    static func exposition(_ registry: PrometheusCollectorRegistry?) -> String {
        guard let registry else { return "" }
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}
