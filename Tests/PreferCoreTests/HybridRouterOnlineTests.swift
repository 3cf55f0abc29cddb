import PreferCore
import Testing

/// `HybridRouter.decide`, the one-battle-at-a-time form of the router that
/// live routing uses, and `HybridRouting`'s checks.
@Suite("Hybrid routing, online")
struct HybridRouterOnlineTests {
    /// Streams `n` battles with risks from `risk` through the router, with a window of 200.
    static func stream(_ router: HybridRouter, n: Int, seed: UInt64, risk: (inout Xoshiro256) -> Double) -> (decisions: [HybridRouter.Decision], risks: [Double]) {
        var generator = Xoshiro256(seed: seed, stream: 3)
        var recent: [Double] = []
        var decisions: [HybridRouter.Decision] = []
        var risks: [Double] = []
        for _ in 0..<n {
            let r = risk(&generator)
            recent.append(r)
            if recent.count > 200 { recent.removeFirst() }
            let u1 = Double.random(in: 0..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            decisions.append(router.decide(risk: r, recent: recent, u1: u1, u2: u2))
            risks.append(r)
        }
        return (decisions, risks)
    }

    @Test(arguments: [(0.3, 0.05), (0.5, 0.1), (0.2, 0.2), (0.1, 0.0)])
    func theShareOfPeopleFollowsTheBudget(human: Double, audit: Double) {
        let router = HybridRouter(humanShare: human, auditShare: audit)
        let n = 20_000
        // Varied risks, and every risk tied (a model with no training battles yet).
        for ties in [false, true] {
            let (decisions, _) = Self.stream(router, n: n, seed: 7) { g in ties ? 0.5 : Double.random(in: 0..<1, using: &g) }
            let people = Double(decisions.filter(\.toPeople).count) / Double(n)
            let audits = Double(decisions.filter { $0 == .audit }.count) / Double(n)
            // Four binomial standard deviations.
            #expect(abs(people - human) < 4 * (human * (1 - human) / Double(n)).squareRoot() + 0.005, "ties \(ties): \(people)")
            #expect(abs(audits - audit) < 4 * (audit * (1 - audit) / Double(n)).squareRoot() + 0.001, "ties \(ties): \(audits)")
        }
    }

    @Test func theRiskiestBattlesGoToPeople() {
        let router = HybridRouter(humanShare: 0.3, auditShare: 0.05)
        let (decisions, risks) = Self.stream(router, n: 10_000, seed: 11) { g in Double.random(in: 0..<1, using: &g) }
        // Outside the audit, people get the battles above the 1 − 0.25/0.95 ≈ 0.737 quantile.
        let chosen = zip(decisions, risks).filter { $0.0 == .human }.map(\.1)
        let left = zip(decisions, risks).filter { $0.0 == .judge }.map(\.1)
        #expect(chosen.min()! > 0.6 && left.max()! < 0.85)
        #expect(Double(chosen.filter { $0 > 0.737 }.count) / Double(chosen.count) > 0.9)
        // The same draws, the same decisions.
        #expect(Self.stream(router, n: 10_000, seed: 11) { g in Double.random(in: 0..<1, using: &g) }.decisions == decisions)
        // No budget beyond the audit: the judge takes the rest; all people: nothing left to the judge.
        #expect(HybridRouter(humanShare: 0.1, auditShare: 0.1).decide(risk: 0.99, recent: [0.99], u1: 0.5, u2: 0) == .judge)
        #expect(HybridRouter(humanShare: 1, auditShare: 0.05).decide(risk: 0, recent: [0, 1], u1: 0.5, u2: 0.99) == .human)
    }

    @Test func settingsErrorsNameTheField() {
        func field(_ settings: HybridRouting) -> String? {
            do {
                try settings.validate()
                return nil
            } catch {
                return error.field
            }
        }
        #expect(field(HybridRouting(judge: "j")) == nil)
        #expect(field(HybridRouting(judge: "")) == "routing.judge")
        #expect(field(HybridRouting(judge: "j", humanShare: -0.1)) == "routing.human_share")
        #expect(field(HybridRouting(judge: "j", humanShare: .nan)) == "routing.human_share")
        #expect(field(HybridRouting(judge: "j", humanShare: 0.5, auditShare: 2)) == "routing.audit_share")
        #expect(field(HybridRouting(judge: "j", humanShare: 0.2, auditShare: 0.3)) == "routing.audit_share")
    }
}
