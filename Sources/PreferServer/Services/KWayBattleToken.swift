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
        var plain = Data([Self.version])
        var numbers = [arenaId, promptId, issuedAt, expiresAt, Int64(shown.count)]
        for item in shown { numbers += [item.outputId, item.contenderId] }
        for value in numbers {
            withUnsafeBytes(of: value.bigEndian) { plain.append(contentsOf: $0) }
        }
        plain.append(contentsOf: Array(voter.utf8.prefix(200)))
        let box = try AES.GCM.seal(plain, using: key)
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Base64.encodeToString(bytes: combined, options: .url)
    }

    /// Opens an id; nil if it was not a K-way battle sealed with `key`.
    static func open(_ id: String, with key: SymmetricKey) -> KWayBattleToken? {
        guard id.count < 1000, let data = try? Base64.decode(string: id, options: .url),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key),
              plain.count >= 1 + 40, plain.first == version else { return nil }
        let bytes = [UInt8](plain)
        func int(_ k: Int) -> Int64 {
            var v: UInt64 = 0
            for b in bytes[(1 + 8 * k)..<(1 + 8 * k + 8)] { v = v << 8 | UInt64(b) }
            return Int64(bitPattern: v)
        }
        let k = int(4)
        guard (2...8).contains(k), bytes.count >= 1 + 8 * (5 + 2 * Int(k)) else { return nil }
        let shown = (0..<Int(k)).map { Shown(outputId: int(5 + 2 * $0), contenderId: int(6 + 2 * $0)) }
        return KWayBattleToken(
            arenaId: int(0), promptId: int(1), shown: shown, issuedAt: int(2), expiresAt: int(3),
            voter: String(decoding: bytes[(1 + 8 * (5 + 2 * Int(k)))...], as: UTF8.self))
    }
}
