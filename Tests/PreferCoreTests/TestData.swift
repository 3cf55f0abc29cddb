import Foundation
import PreferTestSupport
@testable import PreferCore

/// The reference files (`Fixtures`) read independently of Prefer's parser.
enum TestData {
    static func json(_ name: String) throws -> [String: Any] { try Fixtures.json(name) }

    /// Votes from a JSONL or JSON-array file, read with Foundation (independent of Prefer's parser).
    static func votes(_ name: String, where keep: ([String: Any]) -> Bool = { _ in true }) throws -> VoteTable {
        let data = try Fixtures.data(name)
        let rows: [[String: Any]]
        if name.hasSuffix(".jsonl") {
            rows = String(decoding: data, as: UTF8.self).split(separator: "\n").map {
                try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
            }
        } else {
            rows = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        }
        var table = VoteTable()
        for row in rows where keep(row) {
            table.append(Vote(
                a: row["model_a"] as! String,
                b: row["model_b"] as! String,
                outcome: Outcome(label: row["winner"] as! String)!,
                voter: row["judge"] as? String
            ))
        }
        return table
    }

    static func ratings(_ object: Any?) -> [String: Double] {
        (object as! [String: Any]).mapValues { ($0 as! NSNumber).doubleValue }
    }
}
