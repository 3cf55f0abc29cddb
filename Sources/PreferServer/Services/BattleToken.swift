import Crypto
import ExtrasBase64
import Foundation

/// A battle, sealed into its opaque id: the arena, prompt, the two outputs
/// and their contenders, who fetched it and when it expires, encrypted and
/// authenticated with AES-256-GCM under a key only the server knows.
///
/// The server therefore writes nothing when it serves a battle (votes are the
/// only writes), an annotator cannot learn which contender wrote an output
/// before voting (the id is ciphertext), and a forged or altered id fails
/// authentication. The vote's row stores the id, and its UNIQUE constraint
/// makes a battle take one vote.
public struct BattleToken: Sendable, Hashable {
    public var arenaId: Int64
    public var promptId: Int64
    public var leftOutputId: Int64
    public var rightOutputId: Int64
    public var leftContenderId: Int64
    public var rightContenderId: Int64
    /// Seconds since 1970.
    public var issuedAt: Int64
    public var expiresAt: Int64
    /// The voter who fetched it (pseudonym or invite name), at most 200 bytes.
    public var voter: String

    public init(
        arenaId: Int64, promptId: Int64, leftOutputId: Int64, rightOutputId: Int64,
        leftContenderId: Int64, rightContenderId: Int64, issuedAt: Int64, expiresAt: Int64, voter: String
    ) {
        self.arenaId = arenaId
        self.promptId = promptId
        self.leftOutputId = leftOutputId
        self.rightOutputId = rightOutputId
        self.leftContenderId = leftContenderId
        self.rightContenderId = rightContenderId
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.voter = voter
    }

    static let version: UInt8 = 1

    /// Seals the battle into a URL-safe id.
    public func seal(with key: SymmetricKey) throws -> String {
        var plain = Data([Self.version])
        for value in [arenaId, promptId, leftOutputId, rightOutputId, leftContenderId, rightContenderId, issuedAt, expiresAt] {
            withUnsafeBytes(of: value.bigEndian) { plain.append(contentsOf: $0) }
        }
        plain.append(contentsOf: Array(voter.utf8.prefix(200)))
        let box = try AES.GCM.seal(plain, using: key)
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Base64.encodeToString(bytes: combined, options: .url)
    }

    /// Opens an id; nil if it was not sealed with `key` (unknown or altered).
    public static func open(_ id: String, with key: SymmetricKey) -> BattleToken? {
        guard id.count < 1000, let data = try? Base64.decode(string: id, options: .url),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key),
              plain.count >= 1 + 64, plain.first == version else { return nil }
        let bytes = [UInt8](plain)
        func int(_ k: Int) -> Int64 {
            var v: UInt64 = 0
            for b in bytes[(1 + 8 * k)..<(1 + 8 * k + 8)] { v = v << 8 | UInt64(b) }
            return Int64(bitPattern: v)
        }
        return BattleToken(
            arenaId: int(0), promptId: int(1), leftOutputId: int(2), rightOutputId: int(3),
            leftContenderId: int(4), rightContenderId: int(5), issuedAt: int(6), expiresAt: int(7),
            voter: String(decoding: bytes[65...], as: UTF8.self)
        )
    }
}
