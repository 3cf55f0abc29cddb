import Foundation
import Testing

@Suite("prefer audit, agreement, and rank with the audit")
struct AuditCommandTests {
    /// A small simulated arena with planted fraud, written by the CLI itself.
    static let arena: String = {
        let path = NSTemporaryDirectory() + "prefer-audit-\(getpid()).jsonl"
        // Removed when the test process exits (the tests share it).
        atexit {
            let path = NSTemporaryDirectory() + "prefer-audit-\(getpid()).jsonl"
            unlink(path)
            unlink(path + ".kinds.json")
        }
        _ = try? PreferProcess.run([
            "audit", "--simulate", "--seed", "3", "--contenders", "8", "--honest-voters", "150",
            "--bad-voters", "5", "--write", path, "--format", "json",
        ])
        return path
    }()

    func kinds() throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.arena + ".kinds.json"))
        return (try JSONSerialization.jsonObject(with: data) as! [String: Any])["kinds"] as! [String: String]
    }

    @Test func auditJSONContract() async throws {
        let out = await CommandRun.run(["audit", Self.arena, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let voters = json["voters"] as! [[String: Any]]
        #expect(voters.count == 150 + 5 * 5)
        for v in voters {
            for key in ["voter", "votes", "flagged", "verdict", "reasons", "scores"] { #expect(v[key] != nil, "missing \(key)") }
            let scores = v["scores"] as! [String: Any]
            for key in ["consensus", "sequential", "position", "speed", "volume", "gold", "favouritism"] {
                #expect(scores[key] != nil, "missing scores.\(key)")
            }
            #expect((v["flagged"] as! Bool) == !(v["reasons"] as! [String]).isEmpty)
        }
        let summary = json["summary"] as! [String: Any]
        for key in ["voters", "voters_flagged", "share_authentic", "votes", "votes_removed", "votes_kept", "flagged_by"] {
            #expect(summary[key] != nil, "missing summary.\(key)")
        }
        // No output text in the file: gold and content filters say why they did not run.
        let signals = json["signals"] as! [String: String]
        #expect(signals["gold"]!.hasPrefix("not available"))
        #expect(signals["content"]!.hasPrefix("not available"))
        // Always-left voters and too-fast voters (1.2 s < the 2 s floor) are caught.
        let kind = try kinds()
        for v in voters where ["always_left", "too_fast"].contains(kind[v["voter"] as! String]) {
            #expect(v["flagged"] as! Bool, "\(v["voter"]!)")
        }
    }

    @Test func auditTableExplainsFlags() async throws {
        let out = await CommandRun.run(["audit", Self.arena, "--min-votes", "5"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("flagged"))
        #expect(out.stdout.contains("Why:"))
        #expect(out.stdout.contains("Chose the left side in 40 of 40"))
        let bad = await CommandRun.run(["audit", Self.arena, "--fdr", "2"])
        #expect(bad.status != 0 && bad.stderr.contains("--fdr must be between 0 and 1"))
        let none = await CommandRun.run(["audit"])
        #expect(none.status != 0 && none.stderr.contains("give vote files"))
    }

    @Test func rankExcludesFlaggedVotersByDefault() async throws {
        let clean = await CommandRun.run(["rank", Self.arena, "--format", "json", "--show-audit-shift"])
        #expect(clean.status == 0, "\(clean.stderr)")
        #expect(clean.stderr.contains("audit: excluded"))
        let kept = await CommandRun.run(["rank", Self.arena, "--format", "json", "--include-flagged"])
        #expect(kept.stderr.contains("flagged but kept"))
        func votes(_ o: PreferProcess.Output) throws -> Int {
            ((try o.json()["method"] as! [String: Any])["votes"] as! Int)
        }
        let flaggedVotes = ((try clean.json()["audit"] as! [String: Any])["votes_by_flagged_voters"] as! Int)
        #expect(flaggedVotes > 0)
        #expect(try votes(kept) == 175 * 40)
        #expect(try votes(clean) == 175 * 40 - flaggedVotes)
        let contenders = try clean.json()["contenders"] as! [[String: Any]]
        #expect(contenders.allSatisfy { $0["audit_shift"] != nil })
        #expect(contenders.contains { Swift.abs($0["audit_shift"] as! Double) > 1 })
        // Votes without voters are not audited: the reference ratings stay exact.
        let plain = await CommandRun.run(["rank", PreferProcess.data("arena-basic.jsonl"), "--format", "json"])
        #expect(!plain.stderr.contains("audit:"))
    }

    @Test func agreementOnRepeatedBattles() async throws {
        // Two battles judged three times each: prompt p1 all say alpha (one with
        // sides swapped), prompt p2 splits alpha / bravo / tie. κ = 0 (see
        // AgreementTests for the arithmetic); α = 1 − (n−1)·D_o/D_e = 1 − 5·3/18
        // = 1/6 (the krippendorff package: 0.16666666666666674).
        let lines = [
            #"{"model_a":"alpha","model_b":"bravo","winner":"model_a","prompt":"p1","judge":"x"}"#,
            #"{"model_a":"bravo","model_b":"alpha","winner":"model_b","prompt":"p1","judge":"y"}"#,
            #"{"model_a":"alpha","model_b":"bravo","winner":"model_a","prompt":"p1","judge":"z"}"#,
            #"{"model_a":"alpha","model_b":"bravo","winner":"model_a","prompt":"p2","judge":"x"}"#,
            #"{"model_a":"alpha","model_b":"bravo","winner":"model_b","prompt":"p2","judge":"y"}"#,
            #"{"model_a":"bravo","model_b":"alpha","winner":"tie","prompt":"p2","judge":"z"}"#,
        ]
        let out = await CommandRun.run(["agreement", "-", "--format", "json"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(out.status == 0, "\(out.stderr)")
        let overall = try out.json()["overall"] as! [String: Any]
        #expect(overall["battles"] as! Int == 2)
        #expect(Swift.abs((overall["fleiss_kappa"] as! Double) - 0) < 1e-12)
        #expect(Swift.abs((overall["krippendorff_alpha"] as! Double) - 1.0 / 6) < 1e-12)
        let table = await CommandRun.run(["agreement", "-"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(table.stdout.contains("Krippendorff's α (nominal) 0.167, Fleiss' κ 0.000"))
        let missing = await CommandRun.run(["agreement", PreferProcess.data("arena-basic.jsonl")])
        #expect(missing.status != 0 && missing.stderr.contains("--item-field"))
    }

    @Test func simulationReportsRecallAgainstTheOracle() async throws {
        let out = await CommandRun.run([
            "audit", "--simulate", "--seed", "2", "--contenders", "8", "--honest-voters", "150", "--bad-voters", "5",
            "--format", "json",
        ])
        #expect(out.status == 0, "\(out.stderr)")
        let json = try out.json()
        let kinds = (json["kinds"] as! [[String: Any]]).map { $0["kind"] as! String }
        #expect(kinds == ["random_clicker", "always_left", "contrarian", "too_fast", "booster"])
        #expect((json["false_flag_rate"] as! Double) <= 0.02)
        #expect((json["boosted"] as! [[String: Any]]).count == 1)
    }
}
