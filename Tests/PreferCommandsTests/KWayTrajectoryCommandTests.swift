import Foundation
import Testing

/// `prefer rank --over time` on a file of K-way and pairwise votes: every
/// point fitted with Plackett–Luce, against the scipy maximisation of the
/// same likelihood on the point's votes (`bench/pl_trajectory_reference.py`).
@Suite("prefer rank --over time with K-way votes")
struct KWayTrajectoryCommandTests {
    @Test func dailyPointsMatchTheReference() throws {
        let file = PreferProcess.data("kway-trajectory.jsonl")
        let data = try Data(contentsOf: URL(fileURLWithPath: PreferProcess.data("kway-trajectory.expected.json")))
        let expected = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        for (arguments, key) in [([String](), "cumulative"), (["--window", "2d"], "window_2d")] {
            let out = try PreferProcess.run(
                ["rank", file, "--over", "time", "--every", "1d", "--bootstrap", "0", "--include-flagged", "--format", "json", "--quiet"]
                    + arguments)
            #expect(out.status == 0, "\(out.stderr)")
            let trajectory = try #require(try out.json()["trajectory"] as? [String: Any])
            #expect(trajectory["model"] as? String == "plackett-luce")
            let points = trajectory["points"] as! [[String: Any]]
            let reference = expected[key] as! [[String: Any]]
            #expect(points.count == reference.count)
            #expect(points.map { $0["votes"] as! Int } == reference.map { ($0["votes"] as! NSNumber).intValue })
            let series = trajectory["series"] as! [[String: Any]]
            for (k, point) in reference.enumerated() {
                let want = (point["scipy"] as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
                var seen = 0
                for s in series {
                    let name = s["name"] as! String
                    guard let value = (s["values"] as! [[String: Any]]).first(where: { $0["point"] as? Int == k }) else { continue }
                    seen += 1
                    #expect(Swift.abs((value["rating"] as! Double) - (want[name] ?? .nan)) < 0.01, "\(key) point \(k) \(name)")
                }
                #expect(seen == want.count, "\(key) point \(k)")
            }
        }
        let text = try PreferProcess.run(["rank", file, "--over", "time", "--every", "1d", "--bootstrap", "0", "--quiet"])
        #expect(text.status == 0 && text.stdout.contains("Plackett–Luce"), "\(text.stdout)")
    }
}
