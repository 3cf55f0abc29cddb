import Crypto
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
        return Self.base64URL(combined)
    }

    /// Opens an id; nil if it was not sealed with `key` (unknown or altered).
    public static func open(_ id: String, with key: SymmetricKey) -> BattleToken? {
        guard id.count < 1000, let data = fromBase64URL(id),
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

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()

    /// Unpadded base64url (RFC 4648 §5).
    static func base64URL(_ data: Data) -> String {
        let bytes = [UInt8](data)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            for shift in [18, 12, 6, 0] { out.append(alphabet[Int((n >> UInt32(shift)) & 63)]) }
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            var n = UInt32(bytes[i]) << 16
            if rest == 2 { n |= UInt32(bytes[i + 1]) << 8 }
            out.append(alphabet[Int((n >> 18) & 63)])
            out.append(alphabet[Int((n >> 12) & 63)])
            if rest == 2 { out.append(alphabet[Int((n >> 6) & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes unpadded base64url; nil on any other character or a bad length.
    static func fromBase64URL(_ text: String) -> Data? {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = values[Int(c)]
            guard v != 255 else { return nil }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((buffer >> UInt32(bits)) & 0xFF))
            }
        }
        return Data(out)
    }
}
