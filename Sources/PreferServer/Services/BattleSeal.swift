import Crypto
import ExtrasBase64
import Foundation

/// The sealing both kinds of battle id share: a version byte, big-endian
/// 64-bit numbers and the voter's name, encrypted and authenticated with
/// AES-256-GCM under the server's battle key, written as URL-safe base64 of
/// nonce, ciphertext and tag (the nonce counts time, `BattleNonce`, so ids
/// sealed close in time begin alike). The version byte says which kind the plaintext
/// is (`BattleToken.version`, `KWayBattleToken.version`), so a vote opens its
/// id once and reads it as the kind it is.
enum BattleSeal {
    /// What an id opened to.
    struct Plain {
        let bytes: [UInt8]

        var version: UInt8? { bytes.first }

        /// The `index`th number after the version byte.
        func number(_ index: Int) -> Int64 {
            var value: UInt64 = 0
            for byte in bytes[(1 + 8 * index)..<(1 + 8 * index + 8)] { value = value << 8 | UInt64(byte) }
            return Int64(bitPattern: value)
        }

        /// How many whole numbers follow the version byte.
        var numbers: Int { max(0, bytes.count - 1) / 8 }

        /// The text after the first `numbers` numbers.
        func text(after numbers: Int) -> String {
            String(decoding: bytes[(1 + 8 * numbers)...], as: UTF8.self)
        }
    }

    /// The voter's name is kept to its first 200 bytes.
    static let voterBytes = 200

    static func seal(
        version: UInt8, numbers: [Int64], voter: String, with key: SymmetricKey, nonces: BattleNonce = .shared
    ) throws -> String {
        var plain = Data([version])
        plain.reserveCapacity(1 + 8 * numbers.count + voterBytes)
        for value in numbers {
            withUnsafeBytes(of: value.bigEndian) { plain.append(contentsOf: $0) }
        }
        plain.append(contentsOf: Array(voter.utf8.prefix(voterBytes)))
        let box = try AES.GCM.seal(plain, using: key, nonce: try nonces.next())
        guard let combined = box.combined else { throw CryptoKitError.incorrectParameterSize }
        return Base64.encodeToString(bytes: combined, options: .url)
    }

    /// The plaintext of `id`; nil if it was not sealed with `key` (unknown,
    /// forged or altered).
    static func open(_ id: String, with key: SymmetricKey) -> Plain? {
        guard id.utf8.count < 1000, let data = try? Base64.decode(string: id, options: .url),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else { return nil }
        return Plain(bytes: [UInt8](plain))
    }
}
