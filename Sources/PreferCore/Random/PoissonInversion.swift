import Foundation

/// Poisson(λ) variates for small λ by inversion on 32-bit uniforms, two
/// variates per 64-bit draw, and eight generators at once in SIMD lanes —
/// for `MultinomialResampler`, whose K-way cells are almost all seen once
/// (λ = 1), where it replaces one alias-table draw per cell and round.
///
/// Method: with u uniform on 0..<2³² and thresholds Tₖ = round(2³² P(X ≤ k))
/// for k < m, X = #{k : u ≥ Tₖ} has P(X ≤ k) = Tₖ/2³² — the Poisson
/// distribution function to the 2⁻³² resolution of `PoissonAliasTable` — and
/// when u ≥ T_{m−1} (X ≥ m, a mass of a few 2⁻³² at most) the variate is
/// completed by inversion within the upper tail, in double precision, with
/// further draws of the same generator. A 64-bit draw gives two variates:
/// its low 32 bits the first, its high 32 bits the second. The lane form
/// counts the first few thresholds with vector compares — as many as leave
/// under 1 in 1,500 variates beyond them (six for λ = 1) — and finishes the
/// rare lanes beyond them one by one; it consumes each generator exactly as
/// the one-round form does, so both give the same numbers per seed.
/// O(1) per variate.
struct PoissonInversion: Sendable {
    static let largestMean = 2.0
    /// The largest variate for any mean up to `largestMean`: the tail's
    /// inversion ends at the latest where its terms underflow to 0 (about
    /// 200 for λ = 2), so every variate fits in a byte.
    static let largestValue: Int = {
        guard let largest = PoissonInversion(mean: largestMean) else { return .max }
        var k = largest.thresholds.count
        var term = Foundation.exp(Double(k) * largest.logMean - largest.mean - lgamma(Double(k) + 1))
        while term != 0 {
            k += 1
            term *= largest.mean / Double(k)
        }
        return k
    }()
    /// The most thresholds the lane form compares in vectors.
    static let vectorThresholds = 8
    /// How many it compares for this mean: the fewest past which a variate
    /// falls with probability under 1/1,500 (each compare costs every cell;
    /// a lane past them costs a short scalar scan).
    let vectorCount: Int
    let mean: Double
    /// Tₖ for k < m.
    let thresholds: [UInt32]
    /// The first eight, for the lane form.
    let vector: [SIMD8<UInt32>]
    /// The same as signed numbers, (Tₖ − 1) with the top bit flipped: then
    /// u ≥ Tₖ ⇔ (u with the top bit flipped) > this as Int32, one signed
    /// compare (the target's baseline vector unit has no unsigned one).
    let signedVector: [SIMD8<Int32>]
    /// P(X ≥ m), and log λ for the tail's pmf.
    let tailMass: Double
    let logMean: Double

    /// Nil above `largestMean` (there the alias table is cheaper).
    init?(mean lambda: Double) {
        guard lambda > 0, lambda <= Self.largestMean else { return nil }
        mean = lambda
        logMean = Foundation.log(lambda)
        var thresholds: [UInt32] = []
        var pmf = Foundation.exp(-lambda)
        var cdf = pmf
        var k = 0
        while true {
            let t = (cdf * 4_294_967_296.0).rounded()
            if t >= 4_294_967_296.0 { break }
            thresholds.append(UInt32(t))
            k += 1
            pmf *= lambda / Double(k)
            cdf += pmf
        }
        precondition(thresholds.count >= Self.vectorThresholds, "small means have many thresholds")
        self.thresholds = thresholds
        var count = 1
        while count < Self.vectorThresholds && Double(thresholds[count - 1]) < 4_294_967_296.0 * (1 - 1.0 / 1500) { count += 1 }
        vectorCount = count
        vector = thresholds.prefix(count).map { SIMD8(repeating: $0) }
        // Every Tₖ ≥ T₀ = round(2³² e^−λ) > 0, so Tₖ − 1 does not wrap.
        signedVector = thresholds.prefix(count).map { SIMD8(repeating: Int32(bitPattern: ($0 - 1) ^ 0x8000_0000)) }
        // The tail beyond the last threshold, summed term by term (1 − cdf would cancel).
        let m = thresholds.count
        var term = Foundation.exp(Double(m) * logMean - lambda - lgamma(Double(m) + 1))
        var tail = 0.0
        var j = m
        while term > 1e-300 && j < m + 200 {
            tail += term
            j += 1
            term *= lambda / Double(j)
        }
        tailMass = tail
    }

    /// One variate from the 32-bit uniform `u`, completing the tail with `rng`.
    @inline(__always)
    func sample(_ u: UInt32, _ rng: inout Xoshiro256) -> UInt32 {
        var x = 0
        while x < thresholds.count && u >= thresholds[x] { x += 1 }
        return x < thresholds.count ? UInt32(x) : tail(&rng)
    }

    /// Inversion within X ≥ m.
    func tail(_ rng: inout Xoshiro256) -> UInt32 {
        let m = thresholds.count
        var u = rng.nextUnit() * tailMass
        var k = m
        var term = Foundation.exp(Double(m) * logMean - mean - lgamma(Double(m) + 1))
        while true {
            u -= term
            if u <= 0 || term == 0 { return UInt32(k) }
            k += 1
            term *= mean / Double(k)
        }
    }

    /// Eight variates, one per lane, from the lanes' 32-bit uniforms; lanes
    /// at or past the last vector threshold (`vectorCount`) are finished one
    /// by one (the tail drawing from `generators`' lane).
    @inline(__always)
    func sample(_ u: SIMD8<UInt32>, _ generators: inout Xoshiro256Lanes) -> SIMD8<UInt32> {
        // x = #{k < vectorCount : u ≥ Tₖ}: a true compare is −1 in every bit, so subtracting counts it.
        let signed = SIMD8<Int32>(truncatingIfNeeded: u ^ 0x8000_0000)
        var count = SIMD8<Int32>()
        for t in signedVector { count &-= unsafeBitCast(signed .> t, to: SIMD8<Int32>.self) }
        var x = SIMD8<UInt32>(truncatingIfNeeded: count)
        let last = vector[vectorCount - 1]
        if any(signed .> signedVector[vectorCount - 1]) {
            for lane in 0..<8 where u[lane] >= last[lane] {
                var k = vectorCount
                while k < thresholds.count && u[lane] >= thresholds[k] { k += 1 }
                if k < thresholds.count {
                    x[lane] = UInt32(k)
                } else {
                    var rng = generators[lane]
                    x[lane] = tail(&rng)
                    generators[lane] = rng
                }
            }
        }
        return x
    }
}

/// Eight xoshiro256** generators stepped together, lane r holding one
/// round's generator: `next()` gives each lane what its `Xoshiro256.next()`
/// would.
///
/// The two rotations take their amounts from stored values the optimiser
/// cannot see through (`Xoshiro256Lanes.opaque`): with literal amounts LLVM
/// recognises each `(x << a) | (x >> (64 − a))` as a rotate, which the
/// baseline x86-64 vector unit lacks, and splits the eight lanes into
/// scalar `rol`s; with amounts it cannot prove complementary it keeps two
/// vector shifts and an or — measured, a step takes half the time.
struct Xoshiro256Lanes {
    var s0 = SIMD8<UInt64>()
    var s1 = SIMD8<UInt64>()
    var s2 = SIMD8<UInt64>()
    var s3 = SIMD8<UInt64>()
    private let left7 = Self.opaque(7)
    private let right57 = Self.opaque(57)
    private let left45 = Self.opaque(45)
    private let right19 = Self.opaque(19)

    /// `x`, through a call the optimiser does not look into.
    @_optimize(none) @inline(never)
    static func opaque(_ x: UInt64) -> UInt64 { x }

    init(_ generators: UnsafeMutableBufferPointer<Xoshiro256>) {
        for (r, g) in generators.enumerated() {
            s0[r] = g.s0
            s1[r] = g.s1
            s2[r] = g.s2
            s3[r] = g.s3
        }
    }

    func store(_ generators: UnsafeMutableBufferPointer<Xoshiro256>) {
        for r in generators.indices { generators[r] = self[r] }
    }

    subscript(lane: Int) -> Xoshiro256 {
        get {
            var g = Xoshiro256(seed: 0)
            g.s0 = s0[lane]
            g.s1 = s1[lane]
            g.s2 = s2[lane]
            g.s3 = s3[lane]
            return g
        }
        set {
            s0[lane] = newValue.s0
            s1[lane] = newValue.s1
            s2[lane] = newValue.s2
            s3[lane] = newValue.s3
        }
    }

    @inline(__always)
    mutating func next() -> SIMD8<UInt64> {
        let five = (s1 &<< 2) &+ s1
        let rotated = (five &<< left7) | (five &>> right57)
        let result = (rotated &<< 3) &+ rotated
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< left45) | (s3 &>> right19)
        return result
    }
}
