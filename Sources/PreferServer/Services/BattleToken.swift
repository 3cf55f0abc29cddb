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
        try BattleSeal.seal(
            version: Self.version,
            numbers: [arenaId, promptId, leftOutputId, rightOutputId, leftContenderId, rightContenderId, issuedAt, expiresAt],
            voter: voter, with: key)
    }

    /// The pairwise battle an opened id holds; nil for another kind.
    init?(_ plain: BattleSeal.Plain) {
        guard plain.version == Self.version, plain.numbers >= 8 else { return nil }
        self.init(
            arenaId: plain.number(0), promptId: plain.number(1), leftOutputId: plain.number(2), rightOutputId: plain.number(3),
            leftContenderId: plain.number(4), rightContenderId: plain.number(5), issuedAt: plain.number(6),
            expiresAt: plain.number(7), voter: plain.text(after: 8))
    }
}
