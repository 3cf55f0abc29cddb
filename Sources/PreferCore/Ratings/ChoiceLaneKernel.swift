/// The Plackett–Luce gradient pass of `PlackettLuceRounds`, evaluated for
/// eight bootstrap rounds at once: every value is a `SIMD8` whose lane r
/// belongs to round r, so a K-way cell's members are read once for eight
/// rounds and the arithmetic runs in vector registers.
///
/// For each cell with members m₀…m_{K−1} (ranked first), r choices and
/// per-round counts c: with E_s = Σ_{p≥s} e_{m_p},
/// acc[m_s] += Σ_{t≤s} c/E_t for s < r and acc[m_p] += Σ_{t<r} c/E_t for
/// p ≥ r; the gradient is then wins − e ⊙ acc (Hunter 2004, eq. 28's
/// denominator sums). For r ≤ 3 the sums are built from the last member
/// up (E₂, E₁ = e₁ + E₂, E₀ = e₀ + E₁), never by subtraction, which in single
/// precision would cancel when the first pick dominates; and the r
/// reciprocals come from one division (c/(E₀E₁E₂) times the other factors).
/// Cells are grouped by K and the kernel is specialised for K ≤ 8, so its
/// loops unroll. O(Σ K) per pass, for eight rounds.
enum ChoiceLaneKernel {
    typealias Lane<S: SIMDScalar> = SIMD8<S>

    /// One pass over `cells` cells of width `W.k`.
    @inline(__always)
    static func pass<S: BinaryFloatingPoint & SIMDScalar, W: LaneWidth>(
        _: W.Type,
        members: UnsafePointer<Int32>, stages: UnsafePointer<UInt8>, counts: UnsafePointer<Lane<S>>, cells: Int,
        e: UnsafePointer<Lane<S>>, acc: UnsafeMutablePointer<Lane<S>>
    ) {
        let k = W.k
        for cell in 0..<cells {
            let m = members + cell &* k
            let c = counts[cell]
            let r = Int(stages[cell])
            var running: Lane<S>
            switch r {
            case 1:
                var total = e[Int(m[0])]
                for p in 1..<k { total += e[Int(m[p])] }
                running = c / total
                acc[Int(m[0])] += running
            case 2:
                var second = e[Int(m[k - 1])]
                var p = k - 2
                while p >= 1 {
                    second += e[Int(m[p])]
                    p &-= 1
                }
                let total = e[Int(m[0])] + second
                let inverse = c / (total * second)
                running = inverse * second
                acc[Int(m[0])] += running
                running += inverse * total
                acc[Int(m[1])] += running
            case 3:
                var third = e[Int(m[k - 1])]
                var p = k - 2
                while p >= 2 {
                    third += e[Int(m[p])]
                    p &-= 1
                }
                let second = e[Int(m[1])] + third
                let total = e[Int(m[0])] + second
                let inverse = c / (total * second * third)
                let r0 = inverse * (second * third)
                let r1 = inverse * (total * third)
                let r2 = inverse * (total * second)
                running = r0
                acc[Int(m[0])] += running
                running += r1
                acc[Int(m[1])] += running
                running += r2
                acc[Int(m[2])] += running
            default:
                var total = e[Int(m[0])]
                for p in 1..<k { total += e[Int(m[p])] }
                running = Lane<S>()
                for s in 0..<r {
                    let id = Int(m[s])
                    running += c / total
                    acc[id] += running
                    total -= e[id]
                }
            }
            var p = r
            while p < k {
                acc[Int(m[p])] += running
                p &+= 1
            }
        }
    }

    /// The same pass for cells of any width `k` (no unrolling).
    static func pass<S: BinaryFloatingPoint & SIMDScalar>(
        width k: Int,
        members: UnsafePointer<Int32>, stages: UnsafePointer<UInt8>, counts: UnsafePointer<Lane<S>>, cells: Int,
        e: UnsafePointer<Lane<S>>, acc: UnsafeMutablePointer<Lane<S>>
    ) {
        switch k {
        case 2: pass(Width2.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        case 3: pass(Width3.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        case 4: pass(Width4.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        case 5: pass(Width5.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        case 6: pass(Width6.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        case 7: pass(Width7.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        case 8: pass(Width8.self, members: members, stages: stages, counts: counts, cells: cells, e: e, acc: acc)
        default:
            for cell in 0..<cells {
                let m = members + cell &* k
                var total = Lane<S>()
                for p in 0..<k { total += e[Int(m[p])] }
                let c = counts[cell]
                let r = Int(stages[cell])
                var running = Lane<S>()
                for s in 0..<r {
                    let id = Int(m[s])
                    running += c / total
                    acc[id] += running
                    total -= e[id]
                }
                for p in r..<k { acc[Int(m[p])] += running }
            }
        }
    }
}

/// A K known at compile time, for `ChoiceLaneKernel`'s unrolled loops.
protocol LaneWidth { static var k: Int { get } }
enum Width2: LaneWidth { static var k: Int { 2 } }
enum Width3: LaneWidth { static var k: Int { 3 } }
enum Width4: LaneWidth { static var k: Int { 4 } }
enum Width5: LaneWidth { static var k: Int { 5 } }
enum Width6: LaneWidth { static var k: Int { 6 } }
enum Width7: LaneWidth { static var k: Int { 7 } }
enum Width8: LaneWidth { static var k: Int { 8 } }
