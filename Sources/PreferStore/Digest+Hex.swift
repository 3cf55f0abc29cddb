import Crypto
import Foundation

extension Sequence<UInt8> {
    /// Lowercase hexadecimal, two digits a byte.
    public var hexString: String {
        var out = ""
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(Character(Unicode.Scalar(hexDigits[Int(byte >> 4)])))
            out.append(Character(Unicode.Scalar(hexDigits[Int(byte & 15)])))
        }
        return out
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)

/// SHA-256 of text, the one way Prefer names things by their content: prompt
/// texts (unique per arena by it), API keys and invite tokens (stored only
/// as it), judge inputs.
public enum ContentHash {
    /// SHA-256 of `text`'s UTF-8, lowercase hex.
    public static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).hexString
    }
}
