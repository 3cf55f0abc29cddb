// Which routing criterion keeps the hybrid leaderboard close to the human one?
// On JudgeArenaSimulation's arena (12 contenders, 3000 battles, the seed given),
// for human budgets 10–50% (5% audit): the hybrid board's distance from the
// human board (mean absolute Bradley–Terry rating difference, Elo; the
// measure of `prefer judge route-sim`) and the hybrid labels' agreement with
// the human labels, for
//   random     — random routing,
//   disagree   — DisagreementModel's out-of-fold P(disagreement) (the router of route-sim and of live routing),
//   bias mu^2  — the square of the judge's expected *signed* error μ(x) = E[s_judge − s_human | x]
//                (ridge regression, out-of-fold, on features that flip sign with the sides: the verdict's
//                sign, ×strong, ×inconsistent, ×category, the signed log-length gap and verdict×|gap|),
//   p*|mu|, mu^2+p/4 — mixtures of the two.
// Run with bench/route-criteria.sh [SEED].
import Foundation
import PreferCore

func score(_ w: PairJudgement.Winner) -> Double { w == .a ? 1 : (w == .b ? 0 : 0.5) }
func sign(_ w: PairJudgement.Winner) -> Double { w == .a ? 1 : (w == .b ? -1 : 0) }
let cats = ["coding", "chat", "writing", "math", "reasoning"]
func feats(_ b: JudgedBattle) -> [Double] {
    let v = sign(b.judge)
    let g = log(Double(1 + (b.firstLength ?? 0))) - log(Double(1 + (b.secondLength ?? 0)))
    var x = [v, v * (b.judgeStrength >= 2 ? 1 : 0), v * (b.judgeConsistent == false ? 1 : 0), g, v * abs(g)]
    for c in cats { x.append(v * (b.category == c ? 1 : 0)) }
    return x
}
func ridge(_ rows: [[Double]], _ y: [Double], l2: Double = 1) -> [Double] {
    let d = rows[0].count
    var a = [Double](repeating: 0, count: d * d); var r = [Double](repeating: 0, count: d)
    for (x, t) in zip(rows, y) { for i in 0..<d { r[i] += x[i] * t; for j in 0..<d { a[i*d+j] += x[i]*x[j] } } }
    for i in 0..<d { a[i*d+i] += l2 }
    let f = Cholesky(a, n: d)!; f.solve(&r); return r
}
let seed = UInt64(CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 1)
let battles = JudgeArenaSimulation(contenders: 12, battles: 3000, seed: seed).draw().battles
let n = battles.count
let sim = RoutingSimulation(seed: seed)
let p = sim.outOfFoldRisk(battles)
// out-of-fold bias model
var fold = (0..<n).map { $0 % 5 }
var g = Xoshiro256(seed: seed, stream: 5); fold.shuffle(using: &g)
var mu = [Double](repeating: 0, count: n)
for k in 0..<5 {
    let tr = (0..<n).filter { fold[$0] != k }
    let w = ridge(tr.map { feats(battles[$0]) }, tr.map { score(battles[$0].judge) - score(battles[$0].human) })
    for i in 0..<n where fold[i] == k { mu[i] = zip(w, feats(battles[i])).reduce(0) { $0 + $1.0 * $1.1 } }
}
let all = Array(0..<n)
let agrees = battles.map { $0.human == $0.judge ? 1.0 : 0.0 }
func report(_ name: String, _ risk: [Double]) {
    var line = name.padding(toLength: 14, withPad: " ", startingAt: 0)
    for share in [0.1, 0.2, 0.3, 0.4, 0.5] {
        let routed = HybridRouter(humanShare: share, auditShare: 0.05, seed: seed).route(risk: risk)
        let d = RoutingSimulation.distance(battles, sample: all, routed: routed)!
        let agr = (0..<n).map { routed[$0] ? 1 : agrees[$0] }.reduce(0, +) / Double(n)
        line += String(format: "  %3.0f%%: %5.1f Elo %4.1f%%", share * 100, d, agr * 100)
    }
    print(line)
}
var rr = Xoshiro256(seed: seed, stream: 9)
report("random", (0..<n).map { _ in rr.nextUnit() })
report("disagree", p)
report("bias mu^2", mu.map { $0 * $0 })
report("p*|mu|", zip(p, mu).map { $0 * abs($1) })
report("mu^2+p/4", zip(p, mu).map { $1 * $1 + $0 / 4 })
