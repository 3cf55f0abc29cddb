import Foundation

extension UUID {
    /// A version 7 UUID (RFC 9562 §5.7): 48 bits of Unix time in
    /// milliseconds, big-endian, then 74 random bits. Its text sorts by time,
    /// so the client vote ids the pages hand out go into the unique index on
    /// `votes.client_vote_id` next to each other instead of at random pages
    /// (as `BattleNonce` does for battle ids).
    static func timeOrdered(now: Date = Date()) -> UUID {
        let millis = UInt64(max(0, now.timeIntervalSince1970) * 1000)
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: millis >> (8 * UInt64(5 - index))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0f)
        bytes[8] = 0x80 | (bytes[8] & 0x3f)
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
