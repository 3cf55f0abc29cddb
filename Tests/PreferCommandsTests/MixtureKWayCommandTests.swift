import Foundation
import Testing

/// `prefer rank --mixture` on a file of pairwise and K-way votes: the
/// rankings join the annotators' pairs in the mixture of preference types.
@Suite("prefer rank --mixture with K-way votes")
struct MixtureKWayCommandTests {
    @Test func kwayVotesJoinTheMixture() throws {
        let out = try PreferProcess.run([
            "rank", PreferProcess.data("mixture-kway-two-types.jsonl"), "--mixture", "--types", "2",
            "--mixture-intervals", "none", "--explain-types", "country", "--format", "json",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let mixture = try #require(try out.json()["mixture"] as? [String: Any])
        let expected = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: PreferProcess.data("mixture-kway-two-types.expected.json")))) as! [String: Any]
        let method = try #require(mixture["method"] as? [String: Any])
        #expect(method["kway_votes"] as? Int == expected["kway_votes"] as? Int)
        #expect(method["votes"] as? Int == expected["votes"] as? Int)
        #expect((method["model"] as? String)?.contains("plackett-luce") == true)
        #expect((mixture["voters"] as? [Any])?.count == expected["annotators"] as? Int)
        // The fit of the Python reference for T = 2, reached through the command.
        let bic = try #require((mixture["bic"] as? [[String: Any]])?.first?["bic"] as? Double)
        let reference = (expected["bic"] as! [[String: Any]]).first { $0["types"] as? Int == 2 }!["bic"] as! Double
        #expect(Swift.abs(bic - reference) < 0.01, "\(bic) vs \(reference)")
        let country = try #require((mixture["attributes"] as? [[String: Any]])?.first)
        #expect(country["annotators"] as? Int == expected["annotators"] as? Int)
    }
}
