import Foundation
@testable import PreferCore

/// Reference inputs and expected outputs in `../shared/testdata/`.
enum TestData {
    static let directory: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/PreferCoreTests/TestData.swift → repo root
        return url.deletingLastPathComponent().appendingPathComponent("shared/testdata")
    }()

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// Votes from a JSONL or JSON-array file, read with Foundation (independent of Prefer's parser).
    static func votes(_ name: String, where keep: ([String: Any]) -> Bool = { _ in true }) throws -> VoteTable {
        let data = try Data(contentsOf: url(name))
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
