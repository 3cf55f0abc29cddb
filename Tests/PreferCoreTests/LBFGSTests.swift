import PreferCore
import Testing

@Suite("L-BFGS")
struct LBFGSTests {
    @Test func findsRosenbrocksMinimum() {
        // f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1); the classic start (−1.2, 1).
        let result = LBFGS().minimize(from: [-1.2, 1]) { x, g in
            let (a, b) = (x[0], x[1])
            g[0] = -2 * (1 - a) - 400 * a * (b - a * a)
            g[1] = 200 * (b - a * a)
            return (1 - a) * (1 - a) + 100 * (b - a * a) * (b - a * a)
        }
        #expect(result.converged)
        #expect(abs(result.x[0] - 1) < 1e-6 && abs(result.x[1] - 1) < 1e-6)
    }

    @Test func solvesALinearSystemAsAQuadratic() {
        // ½ xᵀAx − bᵀx with A = [[4, 1], [1, 3]], b = (1, 2): the minimiser solves Ax = b, x = (1/11, 7/11).
        let result = LBFGS().minimize(from: [0, 0]) { x, g in
            g[0] = 4 * x[0] + x[1] - 1
            g[1] = x[0] + 3 * x[1] - 2
            return 0.5 * (4 * x[0] * x[0] + 2 * x[0] * x[1] + 3 * x[1] * x[1]) - x[0] - 2 * x[1]
        }
        #expect(abs(result.x[0] - 1.0 / 11) < 1e-8)
        #expect(abs(result.x[1] - 7.0 / 11) < 1e-8)
    }
}
