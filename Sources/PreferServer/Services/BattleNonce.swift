import Crypto
import Foundation
import Synchronization

/// The AES-GCM nonces that seal battle ids (`BattleSeal`), made by the
/// deterministic construction of NIST SP 800-38D §8.2.1 rather than drawn at
/// random: 7 bytes of an invocation counter, big-endian, then a 5-byte fixed
/// field drawn at random once per process.
///
/// The counter is the time in microseconds since 1970, kept strictly
/// increasing (a clock that steps back, or two seals in one microsecond, take
/// the last value plus one), so one process never repeats a nonce. Replicas
/// that share the battle key count from the same clock; their nonces differ
/// by their fixed fields (a pair of processes alike in 2^40 draws). A process
/// started later counts from a later time.
///
/// Why not random nonces: the nonce opens the id, so ids sealed close in time
/// begin alike, and the unique index on `votes.battle` takes each new vote
/// next to the other recent ones — the index's working set is the battles
/// out for voting, not every vote ever stored. With random ids every vote
/// dirtied a random page of that index (the most of a commit's WAL pages, and
/// a cache miss once the index outgrew SQLite's cache); `bench/serve-paired.sh`
/// measures the difference.
///
/// Cost: an atomic compare-and-exchange per seal.
final class BattleNonce: Sendable {
    /// The process's nonces: every seal draws from this one counter.
    static let shared = BattleNonce()

    /// The last counter value handed out.
    private let last: Atomic<UInt64>
    /// This process's fixed field: 5 random bytes.
    let fixed: [UInt8]
    /// Microseconds since 1970, read when a nonce is made (a parameter for tests).
    private let now: @Sendable () -> UInt64

    /// Counter values fit in 7 bytes: microseconds until the year 3253.
    static let counterBytes = 7
    static let fixedBytes = 5

    init(
        fixed: [UInt8] = (0..<BattleNonce.fixedBytes).map { _ in UInt8.random(in: .min ... .max) },
        now: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970) * 1_000_000) }
    ) {
        precondition(fixed.count == Self.fixedBytes, "the fixed field is \(Self.fixedBytes) bytes")
        self.fixed = fixed
        self.now = now
        self.last = Atomic(0)
    }

    /// The next counter value: the clock's, or one more than the last if the clock has not moved past it.
    func nextCounter() -> UInt64 {
        var previous = last.load(ordering: .relaxed)
        while true {
            let next = max(now(), previous &+ 1) & ((1 << (8 * UInt64(Self.counterBytes))) - 1)
            let (exchanged, current) = last.compareExchange(expected: previous, desired: next, ordering: .relaxed)
            if exchanged { return next }
            previous = current
        }
    }

    /// A nonce no other seal of this process has used.
    func next() throws -> AES.GCM.Nonce {
        let counter = nextCounter()
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.counterBytes + Self.fixedBytes)
        for shift in stride(from: 8 * (Self.counterBytes - 1), through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: counter >> UInt64(shift)))
        }
        bytes += fixed
        return try AES.GCM.Nonce(data: bytes)
    }
}
