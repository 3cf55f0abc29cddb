import ExtrasBase64

extension Base64.EncodingOptions {
    /// Unpadded base64url (RFC 4648 §5): battle ids, tokens, form tokens.
    static let url: Self = [.base64UrlAlphabet, .omitPaddingCharacter]
}

extension Base64.DecodingOptions {
    /// Unpadded base64url (RFC 4648 §5).
    static let url: Self = [.base64UrlAlphabet, .omitPaddingCharacter]
}
