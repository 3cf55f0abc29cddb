import PreferCore
import Testing

@Suite("Hybrid routing")
struct RoutingTests {
    @Test func routerKeepsItsBudgetAndAuditShare() {
        let risk = (0..<1000).map { Double($0) / 1000 }
        let routed = HybridRouter(humanShare: 0.3, auditShare: 0.05, seed: 1).route(risk: risk)
        #expect(routed.filter { $0 }.count == 300)
        // 250 by risk: every battle above the 250 riskiest non-audited ones goes to people.
        #expect((750..<1000).filter { routed[$0] }.count >= 250)
        #expect(HybridRouter(humanShare: 0, auditShare: 0.05).route(risk: risk).allSatisfy { !$0 })
        #expect(HybridRouter(humanShare: 1, auditShare: 0.05).route(risk: risk).allSatisfy { $0 })
        #expect(HybridRouter(humanShare: 0.3, auditShare: 0.05, seed: 1).route(risk: risk) == routed)
    }

    @Test func learntRouterBeatsRandomRoutingOnASimulatedArena() {
        let (battles, _) = JudgeArenaSimulation(contenders: 10, battles: 2000, seed: 4).draw()
        let agreement = Double(battles.filter { $0.human == $0.judge }.count) / Double(battles.count)
        #expect(agreement > 0.4 && agreement < 0.85)
        let report = RoutingSimulation(budgets: [0, 0.2, 0.3, 0.4, 0.5, 1], rounds: 100, randomDraws: 10, seed: 9).run(battles)
        #expect(report.rows.first?.learntAgreement.estimate.map { abs($0 - agreement) < 1e-12 } == true)
        #expect(report.rows.last?.learntAgreement.estimate == 1)
        for row in report.rows where row.humanShare >= 0.2 && row.humanShare <= 0.5 {
            // Better than random, and clearly so: the gain's interval is above zero.
            #expect(row.agreementGain.lower! > 0, "at \(row.humanShare): gain \(row.agreementGain)")
        }
    }
}
