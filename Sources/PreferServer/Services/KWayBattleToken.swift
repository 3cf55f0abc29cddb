import Crypto
import ExtrasBase64
import Foundation

/// A K-way battle sealed into its opaque id, as `BattleToken` seals a
/// pairwise one: the arena, prompt, the K outputs in the order shown with
/// their contenders, who fetched it and when it expires — encrypted and
/// authenticated with AES-256-GCM under the server's battle key. Nothing is
/// written when a battle is served; the annotator cannot learn who wrote
/// which output before voting; a forged or altered id fails to open. Its
/// first byte (2) differs from `BattleToken`'s (1), so neither opens as the
/// other.
struct KWayBattleToken: Sendable, Hashable {
    struct Shown: Sendable, Hashable {
        var outputId: Int64
        var contenderId: Int64
    }

    var arenaId: Int64
    var promptId: Int64
    /// The outputs in the order shown (position 1…K).
    var shown: [Shown]
    /// Seconds since 1970.
    var issuedAt: Int64
    var expiresAt: Int64
    /// The voter who fetched it, at most 200 bytes.
    var voter: String

    var k: Int { shown.count }

    static let version: UInt8 = 2

    func seal(with key: SymmetricKey) throws -> String {
        var numbers = [arenaId, promptId, issuedAt, expiresAt, Int64(shown.count)]
        for item in shown { numbers += [item.outputId, item.contenderId] }
        return try BattleSeal.seal(version: Self.version, numbers: numbers, voter: voter, with: key)
    }
}

extension KWayBattleToken {
    /// The K-way battle an opened id holds; nil for another kind.
    init?(_ plain: BattleSeal.Plain) {
        guard plain.version == Self.version, plain.numbers >= 5 else { return nil }
        let k = plain.number(4)
        guard (2...8).contains(k), plain.numbers >= 5 + 2 * Int(k) else { return nil }
        self.init(
            arenaId: plain.number(0), promptId: plain.number(1),
            shown: (0..<Int(k)).map { Shown(outputId: plain.number(5 + 2 * $0), contenderId: plain.number(6 + 2 * $0)) },
            issuedAt: plain.number(2), expiresAt: plain.number(3), voter: plain.text(after: 5 + 2 * Int(k)))
    }
}
