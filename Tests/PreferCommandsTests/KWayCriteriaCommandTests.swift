import Foundation
import PreferTestSupport
import Testing

/// `prefer rank --by criterion` on K-way rows carrying a pick per criterion
/// (`"criteria": {"style": NAME}`, as the server's `kway_votes.jsonl`).
@Suite("prefer rank --by criterion with K-way votes")
struct KWayCriteriaCommandTests {
    /// 4-way rows among six contenders: the overall winner follows `overall`,
    /// the style pick `style` (Plackett–Luce draws from a fixed LCG).
    static func rows(count: Int) -> [[String: Any]] {
        let names = ["a", "b", "c", "d", "e", "f"]
        let overall: [Double] = [1.2, 0.6, 0.3, 0, -0.4, -0.9]
        let style: [Double] = [-0.9, -0.4, 0, 0.3, 0.6, 1.2]
        var state: UInt64 = 12345
        func unit() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func pick(_ shown: [Int], _ strengths: [Double]) -> Int {
            let weights = shown.map { exp(strengths[$0]) }
            var u = unit() * weights.reduce(0, +)
            for (i, w) in weights.enumerated() {
                u -= w
                if u <= 0 { return shown[i] }
            }
            return shown[shown.count - 1]
        }
        return (0..<count).map { n in
            var shown = Array(0..<names.count)
            for i in stride(from: shown.count - 1, to: 0, by: -1) { shown.swapAt(i, Int(unit() * Double(i + 1))) }
            shown = Array(shown.prefix(4))
            var row: [String: Any] = ["candidates": shown.map { names[$0] }, "winner": names[pick(shown, overall)]]
            row["criteria"] = n % 3 == 0 ? [String: Any]() : ["style": names[pick(shown, style)]]
            return row
        }
    }

    @Test func oneBoardPerCriterionFittedByPlackettLuce() throws {
        let rows = Self.rows(count: 1500)
        let path = try SliceCommandTests.write(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try PreferProcess.run(["rank", path, "--by", "criterion", "--bootstrap", "30", "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        #expect((json["method"] as! [String: Any])["model"] as? String == "plackett-luce")
        let slices = json["slices"] as! [[String: Any]]
        #expect(slices.map { $0["value"] as! String } == ["style"])
        #expect(slices[0]["votes"] as? Int == 1000)
        let board = slices[0]["board"] as! [String: Any]
        #expect((board["method"] as! [String: Any])["model"] as? String == "plackett-luce")
        // Style reverses the overall order: f leads the style board, a the whole one.
        #expect(((board["contenders"] as! [[String: Any]]).first)?["name"] as? String == "f")
        #expect(((json["contenders"] as! [[String: Any]]).first)?["name"] as? String == "a")
        #expect((json["slicing"] as! [String: Any])["missing"] as? Int == 500)
    }

    @Test func aPickThatIsNotACandidateIsAnError() throws {
        var rows = Self.rows(count: 20)
        rows[7]["criteria"] = ["style": "zed"]
        let path = try SliceCommandTests.write(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let out = try PreferProcess.run(["rank", path, "--by", "criterion"])
        #expect(out.status != 0)
        #expect(out.stderr.contains("K-way vote 8") && out.stderr.contains("criteria.style"), "\(out.stderr)")
    }
}
