import Foundation

/// xoshiro256** (Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", 2021): a small, fast 64-bit generator with 256 bits of state.
///
/// Prefer gives every random stream its own generator derived from the user's
/// seed and the stream's index (`init(seed:stream:)`), so results do not depend
/// on how work is split across threads. One `next()` is a handful of shifts,
/// xors and a multiply: O(1).
public struct Xoshiro256: RandomNumberGenerator, Sendable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// A generator whose state is expanded from `seed` by SplitMix64.
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    /// An independent stream for sub-task `stream` (a bootstrap round, a simulated arena).
    public init(seed: UInt64, stream: UInt64) {
        var mix = SplitMix64(state: seed ^ 0x5851_F42D_4C95_7F2D)
        let a = mix.next()
        var mix2 = SplitMix64(state: a &+ stream &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: mix2.next())
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inlinable @inline(__always)
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform integer in 0..<bound (Lemire's multiply-shift with rejection, unbiased).
    @inlinable @inline(__always)
    public mutating func nextIndex(below bound: Int) -> Int {
        let n = UInt64(bound)
        var m = next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n
            while m.low < threshold { m = next().multipliedFullWidth(by: n) }
        }
        return Int(m.high)
    }

    /// A standard normal variate (Marsaglia's polar method).
    public mutating func nextGaussian() -> Double {
        while true {
            let u = 2 * nextUnit() - 1
            let v = 2 * nextUnit() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014), used to expand seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
