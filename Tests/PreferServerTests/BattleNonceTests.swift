import Crypto
import Foundation
import Synchronization
import Testing

@testable import PreferServer

@Suite("Battle nonces")
struct BattleNonceTests {
    /// A clock the test sets.
    final class Clock: Sendable {
        let micros = Mutex<UInt64>(0)
        func set(_ value: UInt64) { micros.withLock { $0 = value } }
        func read() -> UInt64 { micros.withLock { $0 } }
    }

    @Test func theCounterFollowsTheClockAndNeverRepeats() throws {
        let clock = Clock()
        let nonces = BattleNonce(fixed: [1, 2, 3, 4, 5], now: { clock.read() })
        clock.set(1_000)
        #expect(nonces.nextCounter() == 1_000)
        // The same microsecond twice, and a clock that steps back: one more than the last.
        #expect(nonces.nextCounter() == 1_001)
        clock.set(500)
        #expect(nonces.nextCounter() == 1_002)
        clock.set(2_000)
        #expect(nonces.nextCounter() == 2_000)
    }

    @Test func aNonceIsTheCounterBigEndianThenTheFixedField() throws {
        let clock = Clock()
        clock.set(0x01_0203_0405_0607)
        let nonces = BattleNonce(fixed: [0xa, 0xb, 0xc, 0xd, 0xe], now: { clock.read() })
        let bytes = Array(try nonces.next().withUnsafeBytes { Data($0) })
        #expect(bytes == [1, 2, 3, 4, 5, 6, 7, 0xa, 0xb, 0xc, 0xd, 0xe])
    }

    @Test func concurrentSealsGetDistinctNonces() async throws {
        let nonces = BattleNonce()
        let counters = await withTaskGroup(of: [UInt64].self) { group in
            for _ in 0..<4 {
                group.addTask { (0..<5_000).map { _ in nonces.nextCounter() } }
            }
            var all: [UInt64] = []
            for await part in group { all += part }
            return all
        }
        #expect(Set(counters).count == counters.count)
    }

    /// Ids sealed close in time begin alike (what keeps the battle index's
    /// inserts together), still open to their battle, and an altered id does not open.
    @Test func idsSealedCloseInTimeShareTheirStart() throws {
        let key = SymmetricKey(size: .bits256)
        let clock = Clock()
        let nonces = BattleNonce(now: { clock.read() })
        clock.set(1_764_500_000_000_000)
        let first = try BattleSeal.seal(version: 1, numbers: [7, 8], voter: "ann", with: key, nonces: nonces)
        clock.set(1_764_500_000_000_000 + 100)
        let second = try BattleSeal.seal(version: 1, numbers: [7, 8], voter: "ann", with: key, nonces: nonces)
        // 7 base64 characters are the counter's first 42 bits: they change every 16 ms.
        #expect(first.prefix(7) == second.prefix(7))
        #expect(first != second)
        let opened = try #require(BattleSeal.open(second, with: key))
        #expect(opened.number(0) == 7 && opened.number(1) == 8 && opened.text(after: 2) == "ann")
        var altered = Array(second.utf8)
        altered[altered.count - 3] = altered[altered.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(BattleSeal.open(String(decoding: altered, as: UTF8.self), with: key) == nil)
    }
}

@Suite("Time-ordered client vote ids")
struct TimeOrderedUUIDTests {
    @Test func versionSevenWhoseTextSortsByTime() {
        let earlier = UUID.timeOrdered(now: Date(timeIntervalSince1970: 1_764_500_000))
        let later = UUID.timeOrdered(now: Date(timeIntervalSince1970: 1_764_500_000.002))
        #expect(earlier.uuidString < later.uuidString)
        #expect(earlier.uuidString.hasPrefix("019AD"))
        let text = Array(later.uuidString)
        #expect(text[14] == "7")
        #expect("89AB".contains(text[19]))
        #expect(UUID.timeOrdered() != UUID.timeOrdered())
    }
}
