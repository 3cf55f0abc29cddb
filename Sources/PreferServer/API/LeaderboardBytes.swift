import Foundation
import Synchronization

/// The default leaderboard of each arena as JSON bytes, encoded once per
/// computed board instead of once per request.
///
/// A board is 29 KB of JSON at 100 contenders; encoding it with
/// `JSONEncoder` on every request made the cached leaderboard ~7× slower at
/// p99 than serving bytes. What changes between two requests for the same
/// board is only `stale` and `votes_total`; with sorted keys they are the
/// top-level keys just before `warnings`, the last one. So the document is
/// encoded once with placeholders, cut around them, and each request puts
/// its two values between the cuts: the same bytes `JSONCoding.encoder` (and
/// the generated handler, configured alike) would write, as a test checks.
///
/// An entry holds while the board (its computation time and vote count) and
/// the arena's index (`ArenaIndex.version`: hidden and retired contenders)
/// are the ones it was made from.
final class LeaderboardBytes: Sendable {
    struct Stamp: Equatable {
        var indexVersion: UInt64
        var computedAt: Date
        var votesUsed: Int
    }

    private struct Cut {
        var stamp: Stamp
        /// Everything up to `"stale":`, and from the `,` after `votes_total`'s value.
        var head: Data
        var tail: Data
    }

    private let cuts = Mutex<[Int64: Cut]>([:])

    /// The JSON of `document` (whose `stale` and `votesTotal` are replaced by
    /// the given ones), from the cut made for `stamp` when there is one; nil
    /// when the document cannot be cut so (then the caller encodes it whole).
    func body(arena: Int64, stamp: Stamp, document: LeaderboardDocument, votesTotal: Int, stale: Bool) -> Data? {
        let cached = cuts.withLock { cuts in cuts[arena].flatMap { $0.stamp == stamp ? $0 : nil } }
        let cut: Cut
        if let cached {
            cut = cached
        } else {
            var placeholder = document
            placeholder.stale = false
            placeholder.votesTotal = 0
            guard let encoded = try? JSONCoding.encoder.encode(placeholder),
                let made = Self.cut(encoded, stamp: stamp)
            else { return nil }
            cut = made
            cuts.withLock { $0[arena] = cut }
        }
        var body = cut.head
        body.append(contentsOf: Array("\"stale\":\(stale),\"votes_total\":\(votesTotal)".utf8))
        body.append(cut.tail)
        return body
    }

    /// Forgets every cut (tests; an arena's cut is replaced when its board changes).
    func removeAll() {
        cuts.withLock { $0.removeAll() }
    }

    private static let marker = Data("\"stale\":false,\"votes_total\":0,\"warnings\":".utf8)
    private static let placeholders = Data("\"stale\":false,\"votes_total\":0".utf8).count

    /// Cuts an encoded document around its top-level `stale` and
    /// `votes_total`: the last occurrence of the marker, since they are
    /// followed only by `warnings`, an array of strings (in which a quote is
    /// always escaped, so the marker cannot occur there).
    private static func cut(_ encoded: Data, stamp: Stamp) -> Cut? {
        guard let range = encoded.range(of: marker, options: .backwards) else { return nil }
        return Cut(
            stamp: stamp,
            head: Data(encoded[encoded.startIndex..<range.lowerBound]),
            tail: Data(encoded[(range.lowerBound + placeholders)...]))
    }
}
