/// How a ranking with ties becomes the places of a K-way vote, which gives
/// each place once (`kway_vote_members`: place 1…r once each, 0 = unranked).
///
/// Ranks are dense (1 = best; equal ranks are ties, as `RankingRecord`
/// reads them). Walking from the best, each output alone at its rank is
/// placed 1, 2, …; at the first shared rank the ranking stops, and that
/// group and everything below are unranked (0) — a partial ranking, which
/// Plackett–Luce reads as "these, in this order, before all the rest"
/// (Hunter 2004, "MM algorithms for generalized Bradley–Terry models").
/// HPS v2's train split (one output marked preferred of K) becomes a
/// best-of-K vote; its test split (a strict order) a full ranking. A ranking
/// whose first place is shared says nothing a K-way vote can hold: nil.
/// O(K²), K ≤ 8.
public enum KWayPlaces {
    public static func places(_ ranks: [Int]) -> [Int]? {
        var places = [Int](repeating: 0, count: ranks.count)
        var next = 1
        for rank in Set(ranks).sorted() {
            let holders = ranks.indices.filter { ranks[$0] == rank }
            guard holders.count == 1 else { break }
            places[holders[0]] = next
            next += 1
        }
        return next > 1 ? places : nil
    }
}
